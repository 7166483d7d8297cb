// The lines of the credit note a `refunds: 'credit-note'` refund creates, from the invoice as read
// for planning. Pure. A full refund negates each invoice line; a part refund is one line at the
// invoice's one VAT rate; anything less clear is refused with a reason for a person, never guessed.
import { minorUnitExponent, money } from '@opayo-kashflow/core'
import type { Money } from '@opayo-kashflow/core'
import type { Invoice, InvoiceLineInput } from '@opayo-kashflow/kashflow'

/** Why no credit note can be made automatically: the dead-letter reasons. */
export const CREDIT_NOTE_REASONS = {
  /** A part refund of an invoice whose lines are at more than one VAT rate (or show none). */
  credit_note_vat_unclear: 'credit_note_vat_unclear',
  /**
   * The invoice's lines cannot be read or do not add up to its gross, a part refund spans
   * several nominal codes, the refund is larger than the invoice, or the invoice names no
   * customer.
   */
  credit_note_lines_unclear: 'credit_note_lines_unclear',
} as const
export type CreditNoteReason = keyof typeof CREDIT_NOTE_REASONS

/** The credit note's lines (amounts positive: the client sends them negative), or why not. */
export type CreditNoteLines =
  | { readonly ok: true; readonly full: boolean; readonly lines: readonly InvoiceLineInput[] }
  | { readonly ok: false; readonly reason: CreditNoteReason; readonly message: string }

/** Whole minor units of a KashFlow decimal, or undefined when it is not one (or not a number). */
function minorOf(value: unknown, exponent: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  const scaled = value * 10 ** exponent
  const units = Math.round(scaled)
  return Math.abs(units - scaled) < 1e-6 ? units : undefined
}

/**
 * The net of a VAT-inclusive amount at `rate` percent, rounded half up to the minor unit, in
 * integer arithmetic (the rate to three decimal places: 17.5 is exact).
 */
export function netOfGross(gross: number, rate: number): number {
  const scaledRate = Math.round(rate * 1000)
  const numerator = gross * 100_000
  const denominator = 100_000 + scaledRate
  return Math.floor((2 * numerator + denominator) / (2 * denominator))
}

/**
 * The credit note for refunding `amount` (positive, in the invoice's currency) of `invoice`:
 * - the whole gross: each invoice line negated (same description, quantity, unit rate, VAT,
 *   VAT level and nominal code);
 * - less: one line on the invoice's one nominal code at its one VAT rate, net = amount / (1 +
 *   rate) rounded half up to the minor unit, VAT = amount - net;
 * - otherwise refused with the reason (see CREDIT_NOTE_REASONS).
 */
export function creditNoteLinesFor(invoice: Invoice, amount: Money): CreditNoteLines {
  const at = `invoice ${invoice.Number}`
  const refuse = (reason: CreditNoteReason, message: string): CreditNoteLines => ({
    ok: false,
    reason,
    message: `${message}; no credit note was made. Refund it in KashFlow by hand, then discard this event.`,
  })
  const currency = amount.currency
  const digits = minorUnitExponent(currency)
  const items = invoice.LineItems ?? []
  if (items.length === 0) return refuse('credit_note_lines_unclear', `${at} shows no LineItems`)
  const lines: InvoiceLineInput[] = []
  let total = 0
  for (const [i, item] of items.entries()) {
    const rate = minorOf(item.Rate, digits)
    const vat = minorOf(item.VATAmount ?? 0, digits)
    const quantity = item.Quantity
    const nominal = item.NominalCode
    if (
      rate === undefined ||
      vat === undefined ||
      typeof quantity !== 'number' ||
      !(quantity > 0) ||
      typeof nominal !== 'number' ||
      rate < 0 ||
      vat < 0
    )
      return refuse(
        'credit_note_lines_unclear',
        `${at} line ${i + 1} has no readable Quantity, Rate, VATAmount and NominalCode in whole ${currency} minor units`,
      )
    total += Math.round(quantity * rate) + vat
    lines.push({
      description: `Refund: ${item.Description?.trim() || `${at} line ${i + 1}`}`,
      quantity,
      rate: money(rate, currency),
      vatAmount: money(vat, currency),
      ...(typeof item.VATLevel === 'number' ? { vatLevel: item.VATLevel } : {}),
      nominalCode: nominal,
    })
  }
  const gross = minorOf(invoice.GrossAmount, digits)
  if (gross === undefined || gross !== total)
    return refuse(
      'credit_note_lines_unclear',
      `${at}'s lines add up to ${total} ${currency} minor units, its GrossAmount reads ${String(invoice.GrossAmount)}`,
    )
  if (!(invoice.CustomerCode ?? '').trim())
    return refuse('credit_note_lines_unclear', `${at} names no CustomerCode`)
  if (amount.amount > gross)
    return refuse(
      'credit_note_lines_unclear',
      `the refund of ${amount.amount} ${currency} minor units is more than ${at}'s gross of ${gross}`,
    )
  if (amount.amount === gross) return { ok: true, full: true, lines }
  const levels = new Set(lines.map((l) => l.vatLevel))
  const [level] = [...levels]
  if (levels.size !== 1 || level === undefined)
    return refuse(
      'credit_note_vat_unclear',
      `a part refund of ${at}, whose lines are at VAT rates ${[...levels].map((l) => (l === undefined ? 'none shown' : `${l}%`)).join(', ')}: which rate the refund carries is a person's call`,
    )
  const nominals = new Set(lines.map((l) => l.nominalCode))
  const [nominalCode] = [...nominals]
  if (nominals.size !== 1 || nominalCode === undefined)
    return refuse(
      'credit_note_lines_unclear',
      `a part refund of ${at}, whose lines are on nominal codes ${[...nominals].join(', ')}: which one the refund reduces is a person's call`,
    )
  const net = netOfGross(amount.amount, level)
  return {
    ok: true,
    full: false,
    lines: [
      {
        description: `Part refund of ${at}`,
        quantity: 1,
        rate: money(net, currency),
        vatAmount: money(amount.amount - net, currency),
        vatLevel: level,
        nominalCode,
      },
    ],
  }
}
