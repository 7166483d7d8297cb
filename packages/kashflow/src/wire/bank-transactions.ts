import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { z } from 'zod'
import { KashflowResponseError } from '../errors/kashflow-error.js'
import { parseKashflowDate } from './dates.js'
import { fromKashflowAmount } from './money.js'
import { opt } from './schemas.js'

// Bank transactions on the wire: `GET /bankaccounts/{accountId}/transactions` (`Data[]` rows),
// `GET /bankaccounts/{accountId}/transactions/{transactionId}` (one row, without the list-only
// computed fields `VATPaid`, `EditLink`, `LineProjectsCount`, `ProjectUrl`, `Balance`,
// `EntityName`, `CustomerSupplierName`). Field names from KashFlow's REST API docs as digested
// from its Swagger 2.0 spec (CappyTech/hcs-app `mongoose/config/apiDocsConfig.js`,
// "banktransactions-get-list"; the older KashFlow REST page for
// `/bankaccounts/{accountId}/transactions`). A production sync stores live rows with `Id`,
// `AccountId`, `Date`, `EntityName`, `ResourceNumber`, `PaidIn`, `PaidOut`, `Comment`, `Type`
// (CappyTech/hcs-app `mongoose/services/bankLinkService.js`), `PaidIn`/`PaidOut` as separate
// positive columns; dates read like `2022-03-31 12:00:00`.

/**
 * One bank transaction row as KashFlow answers it. `Id` and `Date` are required here (a row
 * without them cannot be told apart or placed); every other field is optional, and fields not
 * listed pass through untouched. `Id` is unique within one bank account only: a transfer between
 * two of the company's accounts shows in both with the same `Id`, `PaidIn`/`PaidOut` swapped
 * (CappyTech/hcs-app CHANGELOG, hcs-schemas 3.0.0 notes).
 * @example
 * const row = BankTransactionRowSchema.parse({ Id: 8001, Date: '2026-11-02 12:00:00', PaidIn: 98.3, PaidOut: 0, Comment: 'OPAYO SETTLEMENT' })
 */
export const BankTransactionRowSchema = z.looseObject({
  Id: z.number(),
  Date: z.string(),
  PaidIn: opt(z.number()),
  PaidOut: opt(z.number()),
  Comment: opt(z.string()),
  /** "Money type code": its values are not published (KASHFLOW_UNCONFIRMED.bankTransactionPostBody). */
  MoneyType: opt(z.number()),
  /** "Transaction type code" (KASHFLOW_UNCONFIRMED.bankTransactionType); `Type` is its label. */
  TransactionType: opt(z.number()),
  Type: opt(z.string()),
  AccountId: opt(z.number()),
  CustomerCode: opt(z.string()),
  SupplierCode: opt(z.string()),
  VATAble: opt(z.boolean()),
  VATRate: opt(z.number()),
  VATAmount: opt(z.number()),
  Reconciled: opt(z.boolean()),
  /** The bank feed line this transaction was matched to. */
  BFSTransactionId: opt(z.number()),
  /** What KashFlow generated the line from (`invoice`, `invoicebatchpayment`, `banktransaction`, ...). */
  EntityName: opt(z.string()),
  ResourceNumber: opt(z.number()),
  /** The running balance: recomputed per request, so never compare or hash it. */
  Balance: opt(z.number()),
})
export type BankTransactionRow = z.output<typeof BankTransactionRowSchema>

/**
 * A bank transaction in our terms: money in integer minor units, the date as YYYY-MM-DD, and the
 * row as KashFlow answered it (unknown fields kept) in `row`.
 * @example
 * const deposit: BankTransaction = bankTransactionOf({ Id: 8001, Date: '2026-11-02 12:00:00', PaidIn: 98.3 }, 55166, 'GBP')
 */
export interface BankTransaction {
  /** KashFlow's `Id`: unique within `accountId` only (key a line on both). */
  readonly id: number
  /** The bank account the line was read from (the path's `accountId`). */
  readonly accountId: number
  /** The calendar date, YYYY-MM-DD. */
  readonly date: string
  /** Money in (`PaidIn`); zero on a payment. */
  readonly paidIn: Money
  /** Money out (`PaidOut`); zero on a receipt. */
  readonly paidOut: Money
  /** `Comment`, or '' when KashFlow sent none. */
  readonly comment: string
  readonly moneyType: number | undefined
  readonly transactionType: number | undefined
  /** `Type`: the label of the transaction type, resolved by KashFlow. */
  readonly typeName: string | undefined
  readonly customerCode: string | undefined
  readonly supplierCode: string | undefined
  readonly vatable: boolean | undefined
  readonly vatRate: number | undefined
  readonly vatAmount: Money | undefined
  readonly reconciled: boolean | undefined
  /** `BFSTransactionId`: the bank feed line it was matched to. */
  readonly bankFeedTransactionId: number | undefined
  readonly entityName: string | undefined
  readonly resourceNumber: number | undefined
  /** The row as KashFlow answered it. */
  readonly row: BankTransactionRow
}

const defined = <T>(value: T | null | undefined): T | undefined => value ?? undefined

const unreadable = (row: BankTransactionRow, accountId: number, why: string) =>
  new KashflowResponseError(
    `KashFlow bank transaction ${row.Id} on account ${accountId} cannot be read: ${why}.`,
    { method: 'GET', path: `/bankaccounts/${accountId}/transactions/${row.Id}` },
  )

/**
 * The calendar date (YYYY-MM-DD) of a bank transaction row.
 * @throws {KashflowResponseError} when its `Date` is in none of KashFlow's shapes.
 * @example
 * bankTransactionDate({ Id: 8001, Date: '2026-11-02 12:00:00' }, 55166) // '2026-11-02'
 */
export function bankTransactionDate(row: BankTransactionRow, accountId: number): string {
  const date = parseKashflowDate(row.Date)
  if (date === undefined) throw unreadable(row, accountId, `its Date "${row.Date}" is not a date`)
  return date
}

/**
 * A bank transaction row in our terms, amounts in exact minor units of `currency`. Pure: what
 * `bankTransactions.list` and `get` return for each row.
 * @param accountId the bank account the row was read from.
 * @param currency the bank account's currency (rows do not carry one).
 * @throws {KashflowResponseError} when the row cannot be read: a `Date` in none of KashFlow's
 *   shapes, neither `PaidIn` nor `PaidOut`, a negative amount, or an amount finer than the
 *   currency's minor unit. Never a guess.
 * @example
 * const line = bankTransactionOf({ Id: 8002, Date: '2026-11-03 12:00:00', PaidOut: 3.42, Comment: 'Card fees' }, 55166, 'GBP')
 * line.paidOut // { amount: 342, currency: 'GBP' }
 */
export function bankTransactionOf(
  row: BankTransactionRow,
  accountId: number,
  currency: CurrencyCode,
): BankTransaction {
  const date = bankTransactionDate(row, accountId)
  if (typeof row.PaidIn !== 'number' && typeof row.PaidOut !== 'number')
    throw unreadable(row, accountId, 'it has neither PaidIn nor PaidOut')
  const amount = (value: number | null | undefined, field: string): Money => {
    if ((value ?? 0) < 0) throw unreadable(row, accountId, `${field} ${String(value)} is negative`)
    return fromKashflowAmount(value ?? 0, currency, `bank transaction ${row.Id} ${field}`)
  }
  return {
    id: row.Id,
    accountId,
    date,
    paidIn: amount(row.PaidIn, 'PaidIn'),
    paidOut: amount(row.PaidOut, 'PaidOut'),
    comment: row.Comment ?? '',
    moneyType: defined(row.MoneyType),
    transactionType: defined(row.TransactionType),
    typeName: defined(row.Type),
    customerCode: defined(row.CustomerCode),
    supplierCode: defined(row.SupplierCode),
    vatable: defined(row.VATAble),
    vatRate: defined(row.VATRate),
    vatAmount: typeof row.VATAmount === 'number' ? amount(row.VATAmount, 'VATAmount') : undefined,
    reconciled: defined(row.Reconciled),
    bankFeedTransactionId: defined(row.BFSTransactionId),
    entityName: defined(row.EntityName),
    resourceNumber: defined(row.ResourceNumber),
    row,
  }
}
