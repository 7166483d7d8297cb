import { InvalidArgumentError, isCurrencyCode, negate } from '@opayo-kashflow/core'
import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { z } from 'zod'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { parseKashflowDate } from '../wire/dates.js'
import { fromKashflowAmount, toKashflowAmount } from '../wire/money.js'
import type { Invoice } from '../wire/schemas.js'
import type { InvoicesResource } from './invoices.js'
import type { SettingsResource } from './settings.js'

/**
 * A payment to record against an invoice.
 * @example
 * const input: InvoicePaymentInput = {
 *   invoiceNumber: 1042,
 *   amount: money(12000, 'GBP'),
 *   date: '2026-11-02',
 *   methodId: 409844,
 *   bankAccountId: 55166,
 *   note: 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
 *   invoice, // as just read with kashflow.invoices.get(1042): create() will not read it again
 * }
 */
export interface InvoicePaymentInput {
  readonly invoiceNumber: number
  /** Positive, in the invoice's currency. */
  readonly amount: Money
  /** The calendar date (YYYY-MM-DD, Europe/London). */
  readonly date: string
  /** KashFlow invoice payment method id. */
  readonly methodId: number
  /** KashFlow bank account Id. */
  readonly bankAccountId: number
  /** Free text, sent as the bulk payment's `Comment`; put the idempotency marker first (see buildPaymentNote). */
  readonly note: string
  /** The Opayo reference (VendorTxCode); added to the note when the note lacks it. */
  readonly reference?: string
  /**
   * The invoice as the caller just read it (`invoices.get`). When given, `create`/`refund` do not
   * read it again: the write is the only request. Its `Number` must be `invoiceNumber`.
   * @default undefined: the invoice is read first (for its internal `Id` and currency)
   */
  readonly invoice?: Invoice
}

/**
 * A payment line as read back from the invoice.
 * @example
 * const lines: InvoicePaymentRecord[] = paymentLinesOf(invoice, 'GBP')
 */
export interface InvoicePaymentRecord {
  readonly id: number | undefined
  readonly invoiceNumber: number
  readonly date: string | undefined
  /** Negative for refunds. */
  readonly amount: Money
  readonly methodId: number | undefined
  readonly bankAccountId: number | undefined
  readonly note: string
  readonly reference: string
  readonly isExternalRefund: boolean
  readonly bulkPaymentNumber: number | undefined
}

/**
 * What `create`/`refund` return: the bulk payment number when KashFlow sends one.
 * @example
 * const created: CreatedPayment = await kashflow.invoicePayments.create({ invoiceNumber: 1042, amount: money(12000, 'GBP'), date: '2026-11-02', methodId: 2, bankAccountId: 1, note: 'Opayo card payment' })
 */
export interface CreatedPayment {
  readonly invoiceNumber: number
  readonly bulkPaymentNumber: number | undefined
}

/**
 * What a payment line written by us must look like: `findNew` compares these four facts.
 * @example
 * const expected: ExpectedPaymentLine = {
 *   amount: money(-2000, 'GBP'), // signed: negative for a refund
 *   date: '2026-11-02',
 *   methodId: 409844,
 *   bankAccountId: 55166,
 * }
 */
export interface ExpectedPaymentLine {
  /** Signed: negative for a refund. Compared in exact minor units, currency included. */
  readonly amount: Money
  /** YYYY-MM-DD */
  readonly date: string
  readonly methodId: number
  readonly bankAccountId: number
}

/**
 * The input of `invoicePayments.findNew`.
 * @example
 * const preImage = await kashflow.invoicePayments.list(1042) // before the write
 * const expected = { amount: money(12000, 'GBP'), date: '2026-11-02', methodId: 2, bankAccountId: 1 }
 * const input: FindNewPaymentInput = { invoiceNumber: 1042, preImage, expected, marker }
 */
export interface FindNewPaymentInput {
  readonly invoiceNumber: number
  /** The invoice's payment lines as read before the write (`paymentLinesOf`). */
  readonly preImage: readonly InvoicePaymentRecord[]
  readonly expected: ExpectedPaymentLine
  /** When one of the candidates carries it in its note or reference, only those are returned. */
  readonly marker?: string
}

const BulkPaymentResponseSchema = z.union([
  z.looseObject({ Number: z.number().optional() }),
  z.null(),
  z.undefined(),
])

/**
 * An invoice's currency: its `Currency.Code` when that is an ISO 4217 code, else the account's
 * home currency (KashFlow omits the currency on home-currency invoices in some responses). The
 * home currency is never assumed: pass `kashflow.settings.homeCurrency()` or your configuration.
 * @example
 * invoiceCurrency(invoice, await kashflow.settings.homeCurrency()) // 'EUR'
 */
export function invoiceCurrency(invoice: Invoice, homeCurrency: CurrencyCode): CurrencyCode {
  const code = invoice.Currency?.Code
  return code !== undefined && isCurrencyCode(code) ? code : homeCurrency
}

/**
 * The payment lines of an invoice already read (`GET /invoices/{number}` detail), amounts in
 * exact minor units of the invoice's currency. Pure: this is what `invoicePayments.list` returns,
 * and what a caller records as the pre-image before a write.
 * @param homeCurrency used when the invoice carries no `Currency.Code`.
 * @throws {KashflowResponseError} for an amount finer than the currency's minor unit.
 * @example
 * const invoice = await kashflow.invoices.get(1042)
 * const preImage = paymentLinesOf(invoice, 'GBP')
 */
export function paymentLinesOf(
  invoice: Invoice,
  homeCurrency: CurrencyCode,
): InvoicePaymentRecord[] {
  const currency = invoiceCurrency(invoice, homeCurrency)
  return (invoice.PaymentLines ?? []).map((line, index) => ({
    id: line.Id ?? undefined,
    invoiceNumber: invoice.Number,
    date: parseKashflowDate(line.Date),
    amount: fromKashflowAmount(line.Amount, currency, `PaymentLines.${index}.Amount`),
    methodId: line.Method ?? undefined,
    bankAccountId: line.AccountId ?? undefined,
    note: line.Note ?? '',
    reference: line.Reference ?? '',
    isExternalRefund: line.IsExternalRefund === true,
    bulkPaymentNumber: line.BulkPaymentNumber ?? undefined,
  }))
}

/** Equal in every field but `id`. */
function sameLine(a: InvoicePaymentRecord, b: InvoicePaymentRecord): boolean {
  return (
    a.invoiceNumber === b.invoiceNumber &&
    a.date === b.date &&
    a.amount.amount === b.amount.amount &&
    a.amount.currency === b.amount.currency &&
    a.methodId === b.methodId &&
    a.bankAccountId === b.bankAccountId &&
    a.note === b.note &&
    a.reference === b.reference &&
    a.isExternalRefund === b.isExternalRefund &&
    a.bulkPaymentNumber === b.bulkPaymentNumber
  )
}

/**
 * The lines of `now` that are not in `preImage`. A line with an `id` is old when a pre-image
 * line has that `id`; otherwise lines are a multiset: each pre-image line equal in every other
 * field accounts for one current line, once.
 */
function newSince(
  now: readonly InvoicePaymentRecord[],
  preImage: readonly InvoicePaymentRecord[],
): InvoicePaymentRecord[] {
  const ids = new Set(preImage.flatMap((line) => (line.id === undefined ? [] : [line.id])))
  const unmatched = preImage.filter((line) => line.id === undefined)
  return now.filter((line) => {
    if (line.id !== undefined && ids.has(line.id)) return false
    const twin = unmatched.findIndex((old) => sameLine(old, line))
    if (twin === -1) return true
    unmatched.splice(twin, 1)
    return false
  })
}

function checkDate(date: string, where: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new InvalidArgumentError(`${where}: date must be YYYY-MM-DD, got "${date}".`)
}

function checkInvoiceNumber(invoiceNumber: number, where: string): void {
  if (!Number.isInteger(invoiceNumber) || invoiceNumber <= 0) {
    throw new InvalidArgumentError(
      `${where}: invoiceNumber must be a positive integer, got ${invoiceNumber}.`,
    )
  }
}

/** Payments on sales invoices: record, refund, find (the read-back of exactly-once posting), delete, unallocate. */
export interface InvoicePaymentsResource {
  /**
   * Records a payment with `POST /invoices/bulk/payments` and one item. With `input.invoice`
   * the POST is the only request (unless the invoice has no `Currency.Code` and the home
   * currency is neither configured nor read yet: then `GET /settings/customerandsupplier`
   * once per client); without it the invoice is read first. Never retried: a
   * timeout, reset or 5xx throws KashflowAmbiguousWriteError (read back with `findNew`), a 429
   * throws KashflowRateLimitError (not applied; write again after `retryAfterMs`).
   * @throws {InvalidArgumentError} for an amount that is not positive or not in the invoice's currency.
   * @example
   * const invoice = await kashflow.invoices.get(1042) // read once, so the POST is the only request
   * await kashflow.invoicePayments.create({ ...{ invoiceNumber: 1042, amount: money(12000, 'GBP'), date: '2026-11-02', methodId: 2, bankAccountId: 1, note: 'Opayo card payment' }, invoice })
   */
  create(input: InvoicePaymentInput, call?: KashflowCallOptions): Promise<CreatedPayment>
  /**
   * Records money returned to the card: a bulk payment item with a negative `Amount` (the
   * public bulk schema has no refund flag; that KashFlow accepts a negative bulk amount is
   * UNCONFIRMED, see KASHFLOW_UNCONFIRMED.negativeBulkAmounts). Give the amount as positive.
   * Same request count and error rules as `create`.
   * @example
   * await kashflow.invoicePayments.refund({ ...{ invoiceNumber: 1042, amount: money(12000, 'GBP'), date: '2026-11-02', methodId: 2, bankAccountId: 1, note: 'Opayo card payment' }, amount: money(2000, 'GBP') })
   */
  refund(input: InvoicePaymentInput, call?: KashflowCallOptions): Promise<CreatedPayment>
  /**
   * The invoice's payment lines (from the invoice detail; the list endpoint has none).
   * @example
   * const lines = await kashflow.invoicePayments.list(1042)
   */
  list(invoiceNumber: number, call?: KashflowCallOptions): Promise<InvoicePaymentRecord[]>
  /**
   * The read-back that does not need the marker to come back: reads the invoice once and
   * returns its payment lines that are new since `preImage` (by `id` when KashFlow gives one,
   * otherwise as a multiset: a line equal in every field to a pre-image line counts against it
   * once) and match `expected` (amount in exact minor units and currency, date, method, bank
   * account). When `marker` is given and some of those lines carry it in their note or
   * reference, only those are returned.
   *
   * The caller reads the answer as: 0 lines = not written; 1 = ours; more than 1 = someone
   * else may have paid the same amount in the window, so a person decides (never write again).
   * @example
   * const invoice = await kashflow.invoices.get(1042)
   * const preImage = paymentLinesOf(invoice, 'GBP')
   * // ... the write fails ambiguously ...
   * const found = await kashflow.invoicePayments.findNew({
   *   invoiceNumber: 1042,
   *   preImage,
   *   expected: { amount: money(12000, 'GBP'), date: '2026-11-02', methodId: 409844, bankAccountId: 55166 },
   *   marker,
   * })
   */
  findNew(input: FindNewPaymentInput, call?: KashflowCallOptions): Promise<InvoicePaymentRecord[]>
  /**
   * The payment line whose note or reference carries the marker, if any. Usable only when the
   * marker comes back: that KashFlow copies the bulk `Comment` into the line's `Note` is
   * UNCONFIRMED (KASHFLOW_UNCONFIRMED.bulkCommentBecomesLineNote). `undefined` does not prove
   * the payment was not written; use `findNew` for that.
   * @example
   * const line = await kashflow.invoicePayments.findByMarker(1042, marker)
   */
  findByMarker(
    invoiceNumber: number,
    marker: string,
    call?: KashflowCallOptions,
  ): Promise<InvoicePaymentRecord | undefined>
  /**
   * Deletes a bulk payment, and with it its lines on every invoice it paid:
   * `DELETE /invoices/bulk/payments/{number}` (swagger operation `BulkPayment_Delete`). The
   * number is an `InvoicePaymentRecord`'s `bulkPaymentNumber` or `create()`'s answer. Never
   * retried (a write).
   * @example
   * await kashflow.invoicePayments.delete({ bulkPaymentNumber: 51 })
   */
  delete(input: { readonly bulkPaymentNumber: number }, call?: KashflowCallOptions): Promise<void>
  /**
   * Removes a payment's allocation from an invoice without deleting the payment:
   * `POST /internal/invoices/{number}/payments/{paymentId}/unallocate` (an `/internal/` route
   * of the swagger; the money stays on the customer's account). Not a delete.
   * @example
   * await kashflow.invoicePayments.unallocate({ invoiceNumber: 1042, paymentId: 500001 })
   */
  unallocate(
    input: { readonly invoiceNumber: number; readonly paymentId: number },
    call?: KashflowCallOptions,
  ): Promise<void>
}

export function invoicePaymentsResource(
  transport: KashflowTransport,
  invoices: InvoicesResource,
  settings: SettingsResource,
): InvoicePaymentsResource {
  /** The invoice's currency, asking for the home currency only when the invoice has none. */
  async function currencyOf(invoice: Invoice, call?: KashflowCallOptions): Promise<CurrencyCode> {
    const code = invoice.Currency?.Code
    if (code !== undefined && isCurrencyCode(code)) return code
    return settings.homeCurrency(call)
  }

  async function linesOf(invoice: Invoice, call?: KashflowCallOptions) {
    return paymentLinesOf(invoice, await currencyOf(invoice, call))
  }

  async function post(
    input: InvoicePaymentInput,
    amount: Money,
    where: string,
    call?: KashflowCallOptions,
  ): Promise<CreatedPayment> {
    checkInvoiceNumber(input.invoiceNumber, where)
    checkDate(input.date, where)
    if (input.invoice !== undefined && input.invoice.Number !== input.invoiceNumber) {
      throw new InvalidArgumentError(
        `${where}: the invoice given is number ${input.invoice.Number}, not ${input.invoiceNumber}.`,
      )
    }
    // The bulk route needs the invoice's internal Id; reading it also confirms the invoice exists.
    const invoice = input.invoice ?? (await invoices.get(input.invoiceNumber, call))
    const currency = await currencyOf(invoice, call)
    if (amount.currency !== currency) {
      throw new InvalidArgumentError(
        `${where}: invoice ${input.invoiceNumber} is in ${currency} but the amount is in ${amount.currency}; convert first.`,
      )
    }
    const date = KASHFLOW_UNCONFIRMED.bulkPaymentDate(input.date)
    const result = await transport.request(
      {
        method: 'POST',
        path: 'invoices/bulk/payments',
        // Only fields of the public bulk payment schema: no Reference (the reference rides in
        // the comment) and no refund flag (a refund is a negative Amount).
        body: {
          Date: date,
          AccountId: input.bankAccountId,
          Method: input.methodId,
          Comment:
            input.reference && !input.note.includes(input.reference)
              ? `${input.note}\nReference: ${input.reference}`
              : input.note,
          PaymentItems: [
            {
              Id: invoice.Id,
              ObjectNumber: invoice.Number,
              Amount: toKashflowAmount(amount),
              PaidDate: date,
              ...(invoice.CustomerCode ? { ContactCode: invoice.CustomerCode } : {}),
            },
          ],
        },
        schema: BulkPaymentResponseSchema,
      },
      call,
    )
    return { invoiceNumber: input.invoiceNumber, bulkPaymentNumber: result?.Number }
  }

  async function list(
    invoiceNumber: number,
    call?: KashflowCallOptions,
  ): Promise<InvoicePaymentRecord[]> {
    return linesOf(await invoices.get(invoiceNumber, call), call)
  }

  return {
    create(input: InvoicePaymentInput, call?: KashflowCallOptions): Promise<CreatedPayment> {
      if (input.amount.amount <= 0) {
        throw new InvalidArgumentError(
          'invoicePayments.create(): the amount must be positive; use refund() for money returned.',
        )
      }
      return post(input, input.amount, 'invoicePayments.create()', call)
    },
    refund(input: InvoicePaymentInput, call?: KashflowCallOptions): Promise<CreatedPayment> {
      if (input.amount.amount <= 0) {
        throw new InvalidArgumentError(
          'invoicePayments.refund(): give the refund as a positive amount.',
        )
      }
      return post(input, negate(input.amount), 'invoicePayments.refund()', call)
    },
    list,
    async findNew(
      input: FindNewPaymentInput,
      call?: KashflowCallOptions,
    ): Promise<InvoicePaymentRecord[]> {
      checkInvoiceNumber(input.invoiceNumber, 'invoicePayments.findNew()')
      checkDate(input.expected.date, 'invoicePayments.findNew()')
      const { amount, date, methodId, bankAccountId } = input.expected
      const candidates = newSince(await list(input.invoiceNumber, call), input.preImage).filter(
        (line) =>
          line.amount.amount === amount.amount &&
          line.amount.currency === amount.currency &&
          line.date === date &&
          line.methodId === methodId &&
          line.bankAccountId === bankAccountId,
      )
      const marker = input.marker
      if (marker === undefined || marker === '') return candidates
      const marked = candidates.filter(
        (line) => line.note.includes(marker) || line.reference.includes(marker),
      )
      return marked.length > 0 ? marked : candidates
    },
    async findByMarker(
      invoiceNumber: number,
      marker: string,
      call?: KashflowCallOptions,
    ): Promise<InvoicePaymentRecord | undefined> {
      if (marker.trim() === '')
        throw new InvalidArgumentError('findByMarker(): the marker must not be empty.')
      const lines = await list(invoiceNumber, call)
      return lines.find((line) => line.note.includes(marker) || line.reference.includes(marker))
    },
    async delete(
      input: { readonly bulkPaymentNumber: number },
      call?: KashflowCallOptions,
    ): Promise<void> {
      if (!Number.isInteger(input.bulkPaymentNumber) || input.bulkPaymentNumber <= 0) {
        throw new InvalidArgumentError(
          `invoicePayments.delete(): bulkPaymentNumber must be a positive integer, got ${input.bulkPaymentNumber}.`,
        )
      }
      await transport.request(
        {
          method: 'DELETE',
          path: `invoices/bulk/payments/${input.bulkPaymentNumber}`,
          schema: z.unknown(),
        },
        call,
      )
    },
    async unallocate(
      input: { readonly invoiceNumber: number; readonly paymentId: number },
      call?: KashflowCallOptions,
    ): Promise<void> {
      checkInvoiceNumber(input.invoiceNumber, 'invoicePayments.unallocate()')
      await transport.request(
        {
          method: 'POST',
          path: `internal/invoices/${input.invoiceNumber}/payments/${input.paymentId}/unallocate`,
          schema: z.unknown(),
        },
        call,
      )
    },
  }
}
