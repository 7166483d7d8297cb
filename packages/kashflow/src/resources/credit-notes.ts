// Sales credit notes: a credit note is an invoice with negative lines (KashFlow KB, "Full refund
// of a payment leaving the invoice as paid"), created with `POST /invoices` under a deterministic
// marker in its CustomerReference, found again by that marker, and read back after every create.
import { InvalidArgumentError } from '@opayo-kashflow/core'
import type { CurrencyCode } from '@opayo-kashflow/core'
import { KashflowCannotTellError } from '../errors/kashflow-error.js'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { fromKashflowAmount } from '../wire/money.js'
import { CreatedInvoiceResponseSchema } from '../wire/schemas.js'
import type { Invoice, InvoiceSummary } from '../wire/schemas.js'
import { checkedInvoiceBody } from './invoices.js'
import type { InvoiceCreateInput, InvoicesResource } from './invoices.js'

/**
 * A credit note to create with `creditNotes.create`: the same fields as an invoice, its lines
 * given as the positive amounts credited (they are sent negative). `reference` is written as the
 * credit note's `CustomerReference`: a deterministic marker, so a create whose answer was lost is
 * found again (`findByMarker`) instead of repeated.
 * @example
 * const input: CreditNoteInput = {
 *   customerCode: 'SMITH01',
 *   reference: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote',
 *   currency: 'GBP',
 *   issuedDate: '2026-11-03',
 *   lines: [{ description: 'Refund of invoice 1042', quantity: 1, rate: money(10000, 'GBP'), vatAmount: money(2000, 'GBP'), vatLevel: 20, nominalCode: 4000 }],
 * }
 */
export type CreditNoteInput = InvoiceCreateInput

const WHERE = 'creditNotes.create()'

/**
 * The `POST /invoices` body of a credit note: the invoice body with each line's amounts negated
 * (which sign carries the minus is KASHFLOW_UNCONFIRMED.creditNoteLine). Pure.
 * @throws {InvalidArgumentError} naming the first field that is missing or wrong (amounts are
 *   given positive).
 * @example
 * const body = creditNoteCreateBody({ customerCode: 'SMITH01', reference: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote', currency: 'GBP', issuedDate: '2026-11-03', lines: [{ description: 'Refund', quantity: 1, rate: money(10000, 'GBP'), vatAmount: money(2000, 'GBP'), nominalCode: 4000 }] })
 * // body.LineItems[0]: { Quantity: 1, Rate: -100, VATAmount: -20, ... }
 */
export function creditNoteCreateBody(input: CreditNoteInput): Record<string, unknown> {
  const body = checkedInvoiceBody(input, WHERE)
  const lines = body['LineItems'] as { Quantity: number; Rate: number; VATAmount: number }[]
  return {
    ...body,
    LineItems: lines.map((line) => ({ ...line, ...KASHFLOW_UNCONFIRMED.creditNoteLine(line) })),
  }
}

/** The credit note's gross, in minor units, as `creditNoteCreateBody` sends it (negative). */
function grossOf(input: CreditNoteInput): number {
  return -input.lines.reduce(
    (sum, line) => sum + Math.round(line.quantity * line.rate.amount) + line.vatAmount.amount,
    0,
  )
}

/** Sales credit notes: create exactly once (with the caller's ledger) and find by marker. */
export interface CreditNotesResource {
  /**
   * Creates a credit note: `POST /invoices` with negative lines. Never retried: a timeout, a
   * dropped connection or a 5xx throws `KashflowAmbiguousWriteError`, and the caller reads back
   * with `findByMarker` before creating again. Whatever KashFlow answers, the credit note is then
   * read back (`GET /invoices/{number}`) and checked: the marker in `CustomerReference` and the
   * negative gross of the lines sent.
   * @throws {InvalidArgumentError} naming the field, before anything is sent.
   * @throws {KashflowCannotTellError} when the answer names no credit note and none carries the
   *   marker, or the one read back is not what was sent: it may exist, so never create again
   *   without a person.
   * @example
   * const note = await kashflow.creditNotes.create({
   *   customerCode: 'SMITH01',
   *   reference: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote',
   *   currency: 'GBP',
   *   issuedDate: '2026-11-03',
   *   lines: [{ description: 'Refund of invoice 1042', quantity: 1, rate: money(2000, 'GBP'), vatAmount: money(400, 'GBP'), vatLevel: 20, nominalCode: 4000 }],
   * })
   */
  create(input: CreditNoteInput, call?: KashflowCallOptions): Promise<Invoice>
  /**
   * The customer's credit note whose `CustomerReference` is exactly `marker` (the lowest number
   * when there are several), or undefined when the customer's invoices, read page by page, carry
   * the reference and none is the marker.
   * @throws {KashflowCannotTellError} when the rows lack `CustomerReference`, the customer lists
   *   no invoice at all, or the marked row is not a credit note (gross not negative): never
   *   "not written" (KASHFLOW_UNCONFIRMED.creditNoteListRowsCarryReference).
   * @example
   * const existing = await kashflow.creditNotes.findByMarker('SMITH01', 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote')
   */
  findByMarker(
    customerCode: string,
    marker: string,
    call?: KashflowCallOptions,
  ): Promise<InvoiceSummary | undefined>
}

export function creditNotesResource(
  transport: KashflowTransport,
  invoices: InvoicesResource,
): CreditNotesResource {
  async function findByMarker(
    customerCode: string,
    marker: string,
    call?: KashflowCallOptions,
  ): Promise<InvoiceSummary | undefined> {
    const operation = 'creditNotes.findByMarker'
    if (typeof customerCode !== 'string' || customerCode.trim() === '')
      throw new InvalidArgumentError(`${operation}(): customerCode is required.`)
    if (typeof marker !== 'string' || marker.trim() === '')
      throw new InvalidArgumentError(`${operation}(): marker is required.`)
    let rows = 0
    let unreadable = 0
    let found: InvoiceSummary | undefined
    for await (const row of invoices.list({ customerCode }, call)) {
      rows += 1
      if (typeof row.CustomerReference !== 'string' && row.CustomerReference !== null)
        unreadable += 1
      else if (
        row.CustomerReference === marker &&
        (found === undefined || row.Number < found.Number)
      )
        found = row
    }
    const seen = { customerCode, rows, rowsWithoutCustomerReference: unreadable }
    if (found) {
      if (typeof found.GrossAmount !== 'number' || found.GrossAmount >= 0)
        throw new KashflowCannotTellError(
          operation,
          `invoice ${found.Number} carries ${marker} but is not a credit note (GrossAmount ${String(found.GrossAmount)})`,
          { ...seen, number: found.Number },
        )
      return found
    }
    if (rows === 0)
      throw new KashflowCannotTellError(
        operation,
        `customer ${customerCode} lists no invoice at all, not even the one refunded`,
        seen,
      )
    if (unreadable > 0)
      throw new KashflowCannotTellError(
        operation,
        `${unreadable} of customer ${customerCode}'s ${rows} invoice rows carry no CustomerReference`,
        seen,
      )
    return undefined
  }

  return {
    async create(input: CreditNoteInput, call?: KashflowCallOptions): Promise<Invoice> {
      const operation = 'creditNotes.create'
      const body = creditNoteCreateBody(input)
      const answer = await transport.request(
        { method: 'POST', path: 'invoices', body, schema: CreatedInvoiceResponseSchema },
        call,
      )
      const number =
        answer && typeof answer.Number === 'number'
          ? answer.Number
          : (await findByMarker(input.customerCode, input.reference, call))?.Number
      if (number === undefined)
        throw new KashflowCannotTellError(
          operation,
          `POST /invoices answered without a number and no invoice of customer ${input.customerCode} carries ${input.reference}`,
          { customerCode: input.customerCode },
        )
      // Read back after the create: the marker must be kept and the gross be what was sent.
      const note = await invoices.get(number, call)
      const currency: CurrencyCode = input.currency
      const gross =
        typeof note.GrossAmount === 'number'
          ? fromKashflowAmount(note.GrossAmount, currency, 'GrossAmount').amount
          : undefined
      const expected = grossOf(input)
      if (note.CustomerReference !== input.reference || gross !== expected)
        throw new KashflowCannotTellError(
          operation,
          `credit note ${number} reads back as CustomerReference ${JSON.stringify(note.CustomerReference)} and gross ${String(gross)} minor units, not ${input.reference} and ${expected}`,
          { number, customerCode: input.customerCode },
        )
      return note
    },
    findByMarker,
  }
}
