// `refunds: 'credit-note'`: KashFlow's "full refund, invoice stays paid" flow (KashFlow KB,
// full-refund-of-a-payment-leaving-the-invoice-as-paid). Two writes, each with its own ledger
// entry: the credit note for the invoice's customer, marked `OPAYO:{tx}:creditnote` in its
// CustomerReference and read back by that marker before any second create; then the refund money
// as a negative payment on the credit note (the refund's own marker, read back against the credit
// note's pre-image). A crash or a failure between the two resumes at the payment.
import { issue } from '@opayo-kashflow/core'
import type { InvoiceRefundIntent } from '@opayo-kashflow/core'
import { KashflowCannotTellError } from '@opayo-kashflow/kashflow'
import type { CreditNoteInput, Invoice } from '@opayo-kashflow/kashflow'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { creditNoteLinesFor } from './credit-note-lines.js'
import type { WriteIntent } from './ledger.js'
import { writeOnce } from './write-once.js'

/** The ledger kind of the credit note's create (its payment is an `invoice-refund`). */
export const CREDIT_NOTE_CREATE_KIND = 'credit-note-create'

type CreditNoteRefund = InvoiceRefundIntent & { readonly mode: 'credit-note' }

const creditNoteRefundOf = (writes: readonly WriteIntent[]): CreditNoteRefund | undefined =>
  writes.find((w): w is CreditNoteRefund => w.kind === 'invoice-refund' && w.mode === 'credit-note')

const creditNoteMarkerOf = (intent: InvoiceRefundIntent): string => {
  if (!intent.creditNoteMarker)
    throw new Error(`The credit-note refund ${intent.marker} carries no credit note marker.`)
  return intent.creditNoteMarker
}

/**
 * Dead-letters the event and returns true when a credit-note refund in `writes` cannot be given
 * its lines from the invoice as read (credit-note-lines.ts: `credit_note_vat_unclear` or
 * `credit_note_lines_unclear`). False when there is none, the lines are clear, or an earlier
 * attempt already began the credit note (its read-back decides then).
 */
export async function refusedCreditNote(
  ctx: EngineContext,
  event: EventRecord,
  writes: readonly WriteIntent[],
  invoice: Invoice | undefined,
): Promise<boolean> {
  const refund = creditNoteRefundOf(writes)
  if (refund === undefined || invoice === undefined) return false
  const lines = creditNoteLinesFor(invoice, refund.amount)
  if (lines.ok) return false
  const marker = creditNoteMarkerOf(refund)
  const begun = (await ctx.store.ledger(event.id)).some(
    (l) => l.marker === marker && l.state !== 'refused',
  )
  if (begun) return false
  await ctx.deadLetter(event, lines.reason, {
    detail: {
      issues: [issue('manual_review_required', ['amount'], lines.message)],
      creditNote: { invoiceNumber: invoice.Number, amount: refund.amount },
    },
    outcome: `${lines.reason}: ${lines.message}`,
  })
  return true
}

/** The credit note's number as the ledger recorded it (from the create or its read-back). */
async function recordedNumber(
  ctx: EngineContext,
  event: EventRecord,
  marker: string,
): Promise<number> {
  const entry = (await ctx.store.ledger(event.id)).find(
    (l) => l.marker === marker && l.state === 'done',
  )
  const result = entry?.result as
    { number?: unknown; readBack?: { number?: unknown } } | null | undefined
  const number = result?.number ?? result?.readBack?.number
  if (typeof number !== 'number') throw new Error(`No credit note number recorded for ${marker}.`)
  return number
}

/**
 * Creates (once) the credit note for a `credit-note` refund of `invoice`, then pays the refund on
 * it through `pay` (the ledger's payment write, against the credit note as read after its
 * create). Returns the payment's marker.
 * @throws {KashflowCannotTellError} when the lines cannot be made (the invoice changed after
 *   planning): never a guessed credit note.
 */
export async function postCreditNoteRefund(
  ctx: EngineContext,
  event: EventRecord,
  intent: InvoiceRefundIntent,
  invoice: Invoice,
  pay: (creditNote: Invoice) => Promise<string>,
): Promise<string> {
  const { kashflow } = ctx
  const marker = creditNoteMarkerOf(intent)
  const lines = creditNoteLinesFor(invoice, intent.amount)
  if (!lines.ok) throw new KashflowCannotTellError('credit note lines', lines.message)
  const rate = invoice.Currency?.ExchangeRate
  const request: CreditNoteInput = {
    // creditNoteLinesFor refuses an invoice without a customer code.
    customerCode: invoice.CustomerCode ?? '',
    reference: marker,
    currency: intent.amount.currency,
    ...(typeof rate === 'number' && rate > 0 ? { exchangeRate: rate } : {}),
    issuedDate: intent.date,
    lines: lines.lines,
  }
  await writeOnce(ctx, event, {
    marker,
    kind: CREDIT_NOTE_CREATE_KIND,
    request: { ...request, creditNoteOf: invoice.Number, full: lines.full },
    // By the marker among the customer's invoices, as first recorded; rows that cannot show it
    // throw KashflowCannotTellError (never "not written"), so no second credit note is made.
    readBack: async (entry) => {
      const code = (entry.request as { customerCode?: unknown } | null)?.customerCode
      const found = await kashflow.creditNotes.findByMarker(
        typeof code === 'string' ? code : request.customerCode,
        marker,
      )
      return found ? { number: found.Number } : undefined
    },
    write: async () => ({ number: (await kashflow.creditNotes.create(request)).Number }),
  })
  // The credit note as it is now: the payment's pre-image is its payment lines.
  const note = await kashflow.invoices.get(await recordedNumber(ctx, event, marker))
  return pay(note)
}
