import { InvalidArgumentError, isCurrencyCode } from '@opayo-kashflow/core'
import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import type { z } from 'zod'
import { KashflowResponseError } from '../errors/kashflow-error.js'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { toKashflowDate } from '../wire/dates.js'
import { fromKashflowAmount, toKashflowAmount } from '../wire/money.js'
import {
  CreatedInvoiceResponseSchema,
  InvoiceSchema,
  InvoiceSummarySchema,
  listOf,
} from '../wire/schemas.js'
import type { Invoice, InvoiceSummary } from '../wire/schemas.js'
import { invoiceCurrency } from './invoice-payments.js'

/** Filters for `invoices.list` (query names of the KashFlow API v2 swagger, `GET /invoices`). */
export interface InvoiceListFilters {
  readonly customerCode?: string
  /** Free text; KashFlow searches the reference. */
  readonly searchText?: string
  /** YYYY-MM-DD */
  readonly issuedFrom?: string
  readonly issuedTo?: string
  /** Rows per page, at most 100. @default 100 */
  readonly perPage?: number
}

/**
 * One line of an invoice to create. Money is in integer minor units of the invoice's currency.
 * @example
 * const line: InvoiceLineInput = {
 *   description: 'Order 5521: 2 x blue mug',
 *   quantity: 2,
 *   rate: money(1000, 'GBP'),
 *   vatAmount: money(400, 'GBP'),
 *   vatLevel: 20,
 *   nominalCode: 4000,
 * }
 */
export interface InvoiceLineInput {
  readonly description: string
  /** Positive; may be fractional (hours, kilograms). */
  readonly quantity: number
  /** The unit price before VAT, in the invoice's currency (zero or more). */
  readonly rate: Money
  /** The VAT on the whole line (not per unit), in the invoice's currency (zero or more). */
  readonly vatAmount: Money
  /** KashFlow's VAT level, a percentage such as 20, 5 or 0. @default KashFlow's default for the nominal */
  readonly vatLevel?: number
  /** The sales nominal code (e.g. 4000). */
  readonly nominalCode: number
  readonly productCode?: string
}

/**
 * An invoice to create with `invoices.create`. `reference` is written as KashFlow's
 * `CustomerReference` and is how the invoice is found again (`findByCustomerReference`): make
 * it a deterministic marker of what the invoice is for, so a create whose answer was lost can
 * be read back instead of repeated.
 * @example
 * const line: InvoiceLineInput = { description: 'Widget', quantity: 1, rate: money(10000, 'GBP'), vatAmount: money(2000, 'GBP'), nominalCode: 4000 }
 * const input: InvoiceCreateInput = {
 *   customerCode: 'SMITH01',
 *   reference: 'OPAYO-INV:5f1c9a2e',
 *   currency: 'GBP',
 *   issuedDate: '2026-11-02',
 *   lines: [line],
 * }
 */
export interface InvoiceCreateInput {
  readonly customerCode: string
  /** Sent as `CustomerReference`: the exactly-once marker. Not empty, at most 100 characters. */
  readonly reference: string
  /** ISO 4217; every line's money must be in it. */
  readonly currency: CurrencyCode
  /** Units of `currency` per unit of the home currency. @default KashFlow's current rate */
  readonly exchangeRate?: number
  /** YYYY-MM-DD (the Europe/London calendar day). */
  readonly issuedDate: string
  /** YYYY-MM-DD. @default KashFlow's payment terms */
  readonly dueDate?: string
  /** At least one line. */
  readonly lines: readonly InvoiceLineInput[]
}

/**
 * Filters for `invoices.listOpen`: the candidate reads of matching.
 * @example
 * const filters: OpenInvoiceFilters = { customerCode: 'SMITH01', issuedFrom: '2026-08-04' }
 */
export interface OpenInvoiceFilters {
  readonly customerCode?: string
  /** YYYY-MM-DD, inclusive. */
  readonly issuedFrom?: string
  /** YYYY-MM-DD, inclusive. */
  readonly issuedTo?: string
  /** Rows per page, at most 100. @default 100 */
  readonly perPage?: number
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
/** Longest CustomerReference we send. KashFlow documents no limit (KASHFLOW_UNCONFIRMED). */
const MAX_REFERENCE = KASHFLOW_UNCONFIRMED.customerReferenceMaxLength

/** Throws `InvalidArgumentError` naming `field` unless `value` is absent or YYYY-MM-DD. */
export function checkDay(value: string | undefined, field: string, where: string): void {
  if (value !== undefined && !DAY.test(value))
    throw new InvalidArgumentError(`${where}: ${field} must be YYYY-MM-DD, got "${value}".`)
}

function checkNonNegativeIn(money: Money, currency: string, field: string, where: string): void {
  if (money.currency !== currency)
    throw new InvalidArgumentError(
      `${where}: ${field} is in ${money.currency} but the invoice is in ${currency}.`,
    )
  if (money.amount < 0) throw new InvalidArgumentError(`${where}: ${field} must not be negative.`)
}

/**
 * The `POST /invoices` body for an input, after checking every field (each error names it).
 * Pure: the request `invoices.create` sends.
 * @throws {InvalidArgumentError} naming the first field that is missing or wrong.
 * @example
 * const input: InvoiceCreateInput = { customerCode: 'SMITH01', reference: 'OPAYO-INV:5f1c9a2e', currency: 'GBP', issuedDate: '2026-11-02', lines: [{ description: 'Widget', quantity: 1, rate: money(10000, 'GBP'), vatAmount: money(2000, 'GBP'), nominalCode: 4000 }] }
 * const body = invoiceCreateBody(input) // { CustomerCode: 'SMITH01', CustomerReference: 'OPAYO-INV:5f1c9a2e', ... }
 */
export function invoiceCreateBody(input: InvoiceCreateInput): Record<string, unknown> {
  return checkedInvoiceBody(input, 'invoices.create()')
}

/** The body of {@link invoiceCreateBody}, its errors naming `where` (the credit notes' too). */
export function checkedInvoiceBody(
  input: InvoiceCreateInput,
  where: string,
): Record<string, unknown> {
  if (typeof input.customerCode !== 'string' || input.customerCode.trim() === '')
    throw new InvalidArgumentError(`${where}: customerCode is required.`)
  if (typeof input.reference !== 'string' || input.reference.trim() === '')
    throw new InvalidArgumentError(
      `${where}: reference is required (it is how the invoice is found again).`,
    )
  // Read back by exact comparison: a reference KashFlow might trim or fold would not be found.
  if (input.reference !== input.reference.trim() || /[\r\n\t]/.test(input.reference))
    throw new InvalidArgumentError(
      `${where}: reference must not start or end with spaces nor hold line breaks or tabs.`,
    )
  if (input.reference.length > MAX_REFERENCE)
    throw new InvalidArgumentError(
      `${where}: reference must be at most ${MAX_REFERENCE} characters, got ${input.reference.length}.`,
    )
  if (!isCurrencyCode(input.currency))
    throw new InvalidArgumentError(
      `${where}: currency must be an ISO 4217 code, got "${String(input.currency)}".`,
    )
  if (
    input.exchangeRate !== undefined &&
    !(Number.isFinite(input.exchangeRate) && input.exchangeRate > 0)
  )
    throw new InvalidArgumentError(`${where}: exchangeRate must be a positive number.`)
  checkDay(input.issuedDate, 'issuedDate', where)
  if (input.issuedDate === undefined)
    throw new InvalidArgumentError(`${where}: issuedDate is required.`)
  checkDay(input.dueDate, 'dueDate', where)
  if (input.dueDate !== undefined && input.dueDate < input.issuedDate)
    throw new InvalidArgumentError(`${where}: dueDate is before issuedDate.`)
  const given: readonly InvoiceLineInput[] = input.lines
  if (given.length === 0)
    throw new InvalidArgumentError(`${where}: lines must hold at least one line.`)
  const lines = given.map((line, i) => {
    const at = `lines[${i}]`
    if (typeof line.description !== 'string' || line.description.trim() === '')
      throw new InvalidArgumentError(`${where}: ${at}.description is required.`)
    if (!(Number.isFinite(line.quantity) && line.quantity > 0))
      throw new InvalidArgumentError(`${where}: ${at}.quantity must be a positive number.`)
    checkNonNegativeIn(line.rate, input.currency, `${at}.rate`, where)
    checkNonNegativeIn(line.vatAmount, input.currency, `${at}.vatAmount`, where)
    if (!Number.isInteger(line.nominalCode) || line.nominalCode <= 0)
      throw new InvalidArgumentError(`${where}: ${at}.nominalCode must be a positive integer.`)
    if (line.vatLevel !== undefined && !(Number.isFinite(line.vatLevel) && line.vatLevel >= 0))
      throw new InvalidArgumentError(`${where}: ${at}.vatLevel must be zero or more.`)
    return {
      Number: i + 1,
      Description: line.description.replace(/[\r\n]+/g, ' '),
      Quantity: line.quantity,
      Rate: toKashflowAmount(line.rate),
      VATAmount: toKashflowAmount(line.vatAmount),
      ...(line.vatLevel === undefined ? {} : { VATLevel: line.vatLevel }),
      NominalCode: line.nominalCode,
      ...(line.productCode ? { ProductCode: line.productCode } : {}),
    }
  })
  return {
    CustomerCode: input.customerCode,
    CustomerReference: input.reference,
    IssuedDate: toKashflowDate(input.issuedDate),
    ...(input.dueDate === undefined ? {} : { DueDate: toKashflowDate(input.dueDate) }),
    Currency: {
      Code: input.currency,
      ...(input.exchangeRate === undefined ? {} : { ExchangeRate: input.exchangeRate }),
    },
    LineItems: lines,
  }
}

/**
 * What is owed on an invoice, as {@link invoiceAmountOwed} could tell it from one KashFlow row:
 * `known` with the amount (minor units of the invoice's currency; 0 or less means nothing is
 * owed) and where it came from, or not `known`, with the reason in words.
 * @example
 * const owed: InvoiceAmountOwed = { known: true, owed: money(12000, 'GBP'), from: 'gross_minus_paid' }
 */
export type InvoiceAmountOwed =
  | {
      readonly known: true
      /** Still owed, in the invoice's currency; zero or less: nothing is owed. */
      readonly owed: Money
      /**
       * `due_amount`: KashFlow's `DueAmount`, above 0 (and agreeing with gross minus paid when
       * the row has both); `gross_minus_paid`: `GrossAmount` minus what was paid, because
       * `DueAmount` read 0, less than 0, or was missing.
       */
      readonly from: 'due_amount' | 'gross_minus_paid'
    }
  | {
      readonly known: false
      /** Why the row cannot tell, naming the fields, for a person. */
      readonly reason: string
    }

/** The invoice fields what is owed is read from (a list row or a detail). */
type OwedFields = Pick<
  InvoiceSummary,
  'Number' | 'DueAmount' | 'GrossAmount' | 'TotalPaidAmount' | 'PaymentLines'
>

/**
 * The owed rules, once, over any exact unit: `units` turns a KashFlow decimal into integer units
 * (minor units of a currency, or ten-thousandths), undefined when it cannot exactly.
 */
function owedIn(
  invoice: OwedFields,
  units: (value: number, field: string) => number | undefined,
):
  | { known: true; owed: number; from: 'due_amount' | 'gross_minus_paid' }
  | { known: false; reason: string } {
  const at = `invoice ${invoice.Number}`
  const read = (value: unknown, field: string): number | 'absent' | 'inexact' => {
    if (typeof value !== 'number') return 'absent'
    if (!Number.isFinite(value)) return 'inexact'
    return units(value, field) ?? 'inexact'
  }
  const cannot = (why: string) => ({
    known: false as const,
    reason: `${at}: ${why}, so what is owed cannot be told`,
  })
  const due = read(invoice.DueAmount, 'DueAmount')
  const gross = read(invoice.GrossAmount, 'GrossAmount')
  let paid = read(invoice.TotalPaidAmount, 'TotalPaidAmount')
  let paidFrom = 'TotalPaidAmount'
  if (paid === 'absent' && Array.isArray(invoice.PaymentLines)) {
    paidFrom = 'the sum of PaymentLines'
    paid = 0
    for (const [i, line] of invoice.PaymentLines.entries()) {
      const amount = read(line.Amount, `PaymentLines.${i}.Amount`)
      if (typeof amount !== 'number') {
        paid = amount === 'absent' ? 'inexact' : amount
        break
      }
      paid += amount
    }
  }
  if (due === 'inexact') return cannot(`DueAmount ${String(invoice.DueAmount)} is not exact`)
  if (gross === 'inexact') return cannot(`GrossAmount ${String(invoice.GrossAmount)} is not exact`)
  if (paid === 'inexact') return cannot(`${paidFrom} is not exact`)
  const derived = typeof gross === 'number' && typeof paid === 'number' ? gross - paid : undefined
  if (typeof due === 'number' && due > 0) {
    if (derived !== undefined && derived !== due)
      return cannot(
        `DueAmount ${String(invoice.DueAmount)} disagrees with GrossAmount minus ${paidFrom}`,
      )
    return { known: true, owed: due, from: 'due_amount' }
  }
  // Live KashFlow data shows DueAmount 0.00 on unpaid invoices (CappyTech/hcs-app CHANGELOG
  // 6.63.0): a DueAmount of 0 or less, or none, is not trusted; gross minus paid is.
  const dueWords = due === 'absent' ? 'DueAmount is missing' : 'DueAmount reads 0 or less'
  if (gross === 'absent') return cannot(`${dueWords} and the row has no GrossAmount`)
  if (paid === 'absent')
    return cannot(`${dueWords} and the row has neither TotalPaidAmount nor PaymentLines`)
  return { known: true, owed: derived as number, from: 'gross_minus_paid' }
}

/**
 * What is owed on an invoice, from a list row (`invoices.list`, `listOpen`) or a detail
 * (`invoices.get`), in minor units of the invoice's currency. The one place the rules live
 * (UNCONFIRMED: `KASHFLOW_UNCONFIRMED.dueAmountOnUnpaidInvoices`):
 * - `DueAmount` above 0 is what is owed, unless the row also has `GrossAmount` and what was paid
 *   and they disagree (then it cannot be told);
 * - otherwise (`DueAmount` 0, below 0, null or missing: live data shows 0.00 on unpaid
 *   invoices, CappyTech/hcs-app CHANGELOG 6.63.0) it is `GrossAmount` minus what was paid, where
 *   paid is `TotalPaidAmount` when present, else the sum of `PaymentLines`;
 * - a row without `GrossAmount`, or without either paid field, or with an amount finer than the
 *   currency's minor unit, cannot tell: `{ known: false, reason }`. Never a guess, never a throw.
 * `Status` is never read (its values are not published).
 * @param homeCurrency the account's home currency, used when the row carries no `Currency.Code`.
 * @example
 * const home = await kashflow.settings.homeCurrency()
 * for await (const row of kashflow.invoices.list({ customerCode: 'SMITH01' })) {
 *   const owed = invoiceAmountOwed(row, home)
 *   if (owed.known && owed.owed.amount > 0) console.log(`owed ${owed.owed.amount} (${owed.from})`)
 *   else if (!owed.known) console.log(owed.reason)
 * }
 */
export function invoiceAmountOwed(
  invoice: InvoiceSummary,
  homeCurrency: CurrencyCode,
): InvoiceAmountOwed {
  const currency = invoiceCurrency(invoice as Invoice, homeCurrency)
  const answer = owedIn(invoice, (value, field) => {
    try {
      return fromKashflowAmount(value, currency, field).amount
    } catch {
      return undefined
    }
  })
  return answer.known
    ? { known: true, owed: { amount: answer.owed, currency } as Money, from: answer.from }
    : answer
}

/**
 * Whether an invoice row may still have money owed: false only when the row shows that nothing
 * is (by the rules of {@link invoiceAmountOwed}); true when money is owed, and also when the row
 * cannot tell (so a reader never drops an invoice for a field it cannot trust). Needs no
 * currency: it compares at KashFlow's own precision (4 decimal places). `Status` is never read
 * (KASHFLOW_UNCONFIRMED.openInvoiceStatus).
 * @example
 * isOpenInvoice({ Number: 1042, DueAmount: 0, GrossAmount: 120, TotalPaidAmount: 0 }) // true
 */
export function isOpenInvoice(invoice: InvoiceSummary): boolean {
  const answer = owedIn(invoice, (value) => {
    // Ten-thousandths: KashFlow sends at most 4 decimal places; anything finer is not exact.
    const units = Math.round(value * 10_000)
    return Math.abs(units - value * 10_000) < 0.01 ? units : undefined
  })
  return !answer.known || answer.owed > 0
}

/**
 * Reads pages until KashFlow says there is no next page: each page's rows with the list's stated
 * `MetaData.TotalRecords` (undefined when not stated, or for a bare array); both list shapes.
 */
export async function* pagesWithTotals<T>(
  transport: KashflowTransport,
  path: string,
  item: z.ZodType<T>,
  query: Record<string, string | number | boolean | undefined>,
  perPage: number,
  call?: KashflowCallOptions,
): AsyncGenerator<{ readonly rows: readonly T[]; readonly total: number | undefined }> {
  const size = Math.min(Math.max(1, perPage), KASHFLOW_UNCONFIRMED.maxPerPage)
  for (let page = 1; ; page += 1) {
    const result = await transport.request(
      { method: 'GET', path, query: { ...query, page, perpage: size }, schema: listOf(item) },
      call,
    )
    if (Array.isArray(result)) {
      yield { rows: result, total: undefined }
      return
    }
    yield { rows: result.Data ?? [], total: result.MetaData?.TotalRecords ?? undefined }
    if (!result.MetaData?.NextPageUrl || (result.Data ?? []).length === 0) return
  }
}

/** Reads pages until KashFlow says there is no next page, one array per page; both list shapes are accepted. */
export async function* pages<T>(
  transport: KashflowTransport,
  path: string,
  item: z.ZodType<T>,
  query: Record<string, string | number | boolean | undefined>,
  perPage: number,
  call?: KashflowCallOptions,
): AsyncGenerator<readonly T[]> {
  for await (const page of pagesWithTotals(transport, path, item, query, perPage, call))
    yield page.rows
}

/** Reads pages until KashFlow says there is no next page; both list shapes are accepted. */
export async function* paginate<T>(
  transport: KashflowTransport,
  path: string,
  item: z.ZodType<T>,
  query: Record<string, string | number | boolean | undefined>,
  perPage: number,
  call?: KashflowCallOptions,
): AsyncGenerator<T> {
  for await (const rows of pages(transport, path, item, query, perPage, call)) yield* rows
}

/** Sales invoices: read, list, candidates for matching, and create exactly once. */
export interface InvoicesResource {
  /**
   * An invoice by its number (not its internal Id), with its PaymentLines.
   * @throws {KashflowNotFoundError} when there is no such invoice.
   */
  get(number: number, call?: KashflowCallOptions): Promise<Invoice>
  /**
   * Creates an invoice: `POST /invoices`. Never retried: a timeout, a dropped connection or a
   * 5xx throws `KashflowAmbiguousWriteError`, and the caller reads back with
   * `findByCustomerReference(customerCode, reference)` before creating again. When KashFlow
   * answers with the invoice (201) that is returned; when it answers 200 with an empty object
   * (also documented), the invoice is read back by its reference (one list read per page of
   * the customer's invoices, then `GET /invoices/{number}`).
   * @throws {InvalidArgumentError} naming the field, before anything is sent.
   * @throws {KashflowResponseError} when the answer was empty and no invoice of the customer
   *   carries the reference.
   * @example
   * const invoice = await kashflow.invoices.create({
   *   customerCode: 'SMITH01',
   *   reference: 'OPAYO-INV:5f1c9a2e',
   *   currency: 'GBP',
   *   issuedDate: '2026-11-02',
   *   lines: [{ description: 'Order 5521', quantity: 1, rate: money(10000, 'GBP'), vatAmount: money(2000, 'GBP'), nominalCode: 4000 }],
   * })
   */
  create(input: InvoiceCreateInput, call?: KashflowCallOptions): Promise<Invoice>
  /**
   * The customer's invoice whose `CustomerReference` equals `reference` exactly, or undefined
   * (the lowest number when there are several). Reads `GET /invoices?customercode=...` page by
   * page and compares here: whether `searchtext` searches `CustomerReference` is not published
   * (KASHFLOW_UNCONFIRMED.searchTextSearchesCustomerReference), so it is not relied on.
   * @example
   * const existing = await kashflow.invoices.findByCustomerReference('SMITH01', 'OPAYO-INV:5f1c9a2e')
   */
  findByCustomerReference(
    customerCode: string,
    reference: string,
    call?: KashflowCallOptions,
  ): Promise<InvoiceSummary | undefined>
  /**
   * The invoices that may still have money owed (`isOpenInvoice`, compared here), optionally of
   * one customer and issued in a date window (both inclusive, filtered by KashFlow). The
   * candidate read of matching: summaries carry `Number`, `CustomerCode`, `CustomerName`,
   * `Currency`, `IssuedDate`, `DueDate`, `GrossAmount`, `TotalPaidAmount` and `DueAmount`, which
   * reads 0.00 on unpaid invoices in live data: read what is owed with `invoiceAmountOwed`. A
   * row that cannot tell what is owed is yielded, never dropped.
   * @throws {InvalidArgumentError} for a date that is not YYYY-MM-DD.
   * @example
   * for await (const invoice of kashflow.invoices.listOpen({ customerCode: 'SMITH01' })) {
   *   console.log(invoice.Number, invoiceAmountOwed(invoice, 'GBP'))
   * }
   */
  listOpen(filters?: OpenInvoiceFilters, call?: KashflowCallOptions): AsyncIterable<InvoiceSummary>
  /** Invoice summaries, page by page (perpage at most 100, following `MetaData.NextPageUrl`). */
  list(filters?: InvoiceListFilters, call?: KashflowCallOptions): AsyncIterable<InvoiceSummary>
}

export function invoicesResource(transport: KashflowTransport): InvoicesResource {
  function get(number: number, call?: KashflowCallOptions): Promise<Invoice> {
    return transport.request(
      { method: 'GET', path: `invoices/${number}`, schema: InvoiceSchema },
      call,
    )
  }
  function summaries(
    filters: InvoiceListFilters,
    call?: KashflowCallOptions,
  ): AsyncIterable<InvoiceSummary> {
    return paginate(
      transport,
      'invoices',
      InvoiceSummarySchema as z.ZodType<InvoiceSummary>,
      {
        customercode: filters.customerCode,
        searchtext: filters.searchText,
        issuedatefrom: filters.issuedFrom,
        issuedateto: filters.issuedTo,
      },
      filters.perPage ?? KASHFLOW_UNCONFIRMED.maxPerPage,
      call,
    )
  }
  async function findByCustomerReference(
    customerCode: string,
    reference: string,
    call?: KashflowCallOptions,
  ): Promise<InvoiceSummary | undefined> {
    if (customerCode.trim() === '')
      throw new InvalidArgumentError(
        'invoices.findByCustomerReference(): customerCode is required.',
      )
    if (reference.trim() === '')
      throw new InvalidArgumentError('invoices.findByCustomerReference(): reference is required.')
    let found: InvoiceSummary | undefined
    for await (const row of summaries({ customerCode }, call)) {
      if (row.CustomerReference === reference && (found === undefined || row.Number < found.Number))
        found = row
    }
    return found
  }
  return {
    get,
    async create(input: InvoiceCreateInput, call?: KashflowCallOptions): Promise<Invoice> {
      const body = invoiceCreateBody(input)
      const answer = await transport.request(
        { method: 'POST', path: 'invoices', body, schema: CreatedInvoiceResponseSchema },
        call,
      )
      if (answer && typeof answer.Id === 'number' && typeof answer.Number === 'number')
        return answer as Invoice
      if (answer && typeof answer.Number === 'number') return get(answer.Number, call)
      const found = await findByCustomerReference(input.customerCode, input.reference, call)
      if (found === undefined)
        throw new KashflowResponseError(
          `POST /invoices answered without an invoice and no invoice of customer ${input.customerCode} carries reference "${input.reference}".`,
          { method: 'POST', path: '/invoices' },
        )
      return get(found.Number, call)
    },
    findByCustomerReference,
    listOpen(
      filters: OpenInvoiceFilters = {},
      call?: KashflowCallOptions,
    ): AsyncIterable<InvoiceSummary> {
      checkDay(filters.issuedFrom, 'issuedFrom', 'invoices.listOpen()')
      checkDay(filters.issuedTo, 'issuedTo', 'invoices.listOpen()')
      const rows = summaries(filters, call)
      return (async function* () {
        for await (const row of rows) if (isOpenInvoice(row)) yield row
      })()
    },
    list(
      filters: InvoiceListFilters = {},
      call?: KashflowCallOptions,
    ): AsyncIterable<InvoiceSummary> {
      return summaries(filters, call)
    },
  }
}
