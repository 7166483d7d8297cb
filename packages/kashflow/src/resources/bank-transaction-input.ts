import { InvalidArgumentError } from '@opayo-kashflow/core'
import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import type { BankTransaction } from '../wire/bank-transactions.js'
import { checkDay } from './invoices.js'

// The inputs of the bank transactions resource (./bank-transactions.ts), and their checks.

/**
 * The window and options of `bankTransactions.list`.
 * @example
 * const filters: BankTransactionFilters = { from: '2026-11-01', to: '2026-11-07' }
 */
export interface BankTransactionFilters {
  /** YYYY-MM-DD, inclusive. */
  readonly from: string
  /** YYYY-MM-DD, inclusive. */
  readonly to: string
  /**
   * Sent as `includebulk` ("Include bulk transactions": the lines of bulk payments, which is how
   * this client records invoice payments). Always sent, so KashFlow's own default never applies.
   * @default true
   */
  readonly includeBulk?: boolean
  /** The bank account's currency (rows carry none). @default the home currency (KASHFLOW_UNCONFIRMED.bankTransactionCurrency) */
  readonly currency?: CurrencyCode
}

/**
 * What `bankTransactions.find` looks for: the line dated `date` whose `Comment` starts with `reference`.
 * @example
 * const wanted: BankTransactionFind = { date: '2026-11-02', reference: 'OPAYO-FEE:B-100' }
 */
export interface BankTransactionFind {
  /** YYYY-MM-DD. */
  readonly date: string
  readonly reference: string
  /** @default the home currency */
  readonly currency?: CurrencyCode
}

/** Throws `InvalidArgumentError` unless `accountId` is a bank account Id (a positive integer). */
export function checkAccount(accountId: number, where: string): void {
  if (!Number.isInteger(accountId) || accountId <= 0)
    throw new InvalidArgumentError(
      `${where}: accountId must be a bank account's Id (a positive integer), got ${accountId}.`,
    )
}

/**
 * One receipt or payment to record on a bank account with `bankTransactions.create`: exactly
 * one of `paidIn` and `paidOut`, positive. `reference` is the exactly-once marker, written as the
 * first word of the line's `Comment`, where `bankTransactions.find` reads it back.
 * @example
 * const chargeback: BankTransactionInput = {
 *   date: '2026-11-02',
 *   paidOut: money(12000, 'GBP'),
 *   reference: 'OPAYO-CB:F955C22E',
 *   comment: 'Chargeback, order 5521',
 *   transactionType: 7901,
 * }
 */
export interface BankTransactionInput {
  /** YYYY-MM-DD (the Europe/London calendar day). */
  readonly date: string
  /** Money in: positive, in the bank account's currency. */
  readonly paidIn?: Money
  /** Money out: positive, in the bank account's currency. */
  readonly paidOut?: Money
  /** The marker: one word, no spaces; the first word of `Comment`. */
  readonly reference: string
  /** The rest of the `Comment`, after the reference (line breaks become spaces). */
  readonly comment?: string
  /**
   * Sent as `TransactionType`, as given. What KashFlow expects there is not published
   * (KASHFLOW_UNCONFIRMED.bankTransactionType): read an existing line's `transactionType` first.
   * @default not sent
   */
  readonly transactionType?: number
  /** Sent as `CustomerCode`. @default not sent */
  readonly customerCode?: string
  /** Sent as `SupplierCode`. @default not sent */
  readonly supplierCode?: string
  /**
   * The VAT in the line: `VATAble: true`, `VATRate` (a percentage such as 20) and `VATAmount`.
   * @default no VAT: `VATAble: false`, `VATRate: 0`, `VATAmount: 0`
   */
  readonly vat?: { readonly rate: number; readonly amount: Money }
}

/**
 * Checks an input before anything is sent, and returns its amount (the one side given).
 * @throws {InvalidArgumentError} naming the field.
 */
export function checkBankTransactionInput(input: BankTransactionInput, where: string): Money {
  const fail = (message: string) => new InvalidArgumentError(`${where}(): ${message}`)
  if (typeof input.date !== 'string') throw fail('date is required (YYYY-MM-DD).')
  checkDay(input.date, 'date', `${where}()`)
  if ((input.paidIn === undefined) === (input.paidOut === undefined))
    throw fail('give exactly one of paidIn (a receipt) and paidOut (a payment).')
  const amount = (input.paidIn ?? input.paidOut) as Money
  const side = input.paidIn ? 'paidIn' : 'paidOut'
  if (!Number.isInteger(amount.amount) || amount.amount <= 0)
    throw fail(`${side} must be a positive amount in minor units, got ${amount.amount}.`)
  if (typeof input.reference !== 'string' || input.reference === '' || /\s/.test(input.reference))
    throw fail(
      'the reference must be one word, without spaces (it starts the Comment, where find() reads it back).',
    )
  const { transactionType, customerCode, supplierCode, vat } = input
  if (transactionType !== undefined && !(Number.isInteger(transactionType) && transactionType > 0))
    throw fail(`transactionType must be a positive integer, got ${transactionType}.`)
  if (customerCode !== undefined && customerCode.trim() === '')
    throw fail('customerCode must not be empty when given.')
  if (supplierCode !== undefined && supplierCode.trim() === '')
    throw fail('supplierCode must not be empty when given.')
  if (customerCode !== undefined && supplierCode !== undefined)
    throw fail('give customerCode or supplierCode, not both.')
  if (vat !== undefined) {
    if (!(Number.isFinite(vat.rate) && vat.rate >= 0))
      throw fail(`vat.rate must be a percentage of zero or more, got ${vat.rate}.`)
    if (vat.amount.currency !== amount.currency)
      throw fail(`vat.amount is in ${vat.amount.currency} but ${side} is in ${amount.currency}.`)
    if (vat.amount.amount < 0 || vat.amount.amount > amount.amount)
      throw fail(`vat.amount must be between 0 and ${side}, got ${vat.amount.amount}.`)
  }
  return amount
}

/** The first word of a `Comment`: where the marker is written. */
export const commentMarker = (comment: string): string => comment.trim().split(/\s+/)[0] ?? ''

/**
 * How a line read back differs from the input it was written from: one sentence per fact (the
 * date, each side's amount in minor units, the marker starting the `Comment`, the VAT amount when
 * the line carries one). Empty when it reads back as written.
 */
export function differencesFrom(input: BankTransactionInput, line: BankTransaction): string[] {
  const differences: string[] = []
  if (line.date !== input.date) differences.push(`it is dated ${line.date}, not ${input.date}`)
  for (const [side, sent, read] of [
    ['PaidIn', input.paidIn, line.paidIn],
    ['PaidOut', input.paidOut, line.paidOut],
  ] as const) {
    const expected = sent?.amount ?? 0
    if (read.amount !== expected)
      differences.push(`${side} is ${read.amount} minor units, ${expected} were sent`)
  }
  if (commentMarker(line.comment) !== input.reference)
    differences.push(`its Comment does not start with ${input.reference}`)
  const vat = input.vat?.amount.amount ?? 0
  if (line.vatAmount !== undefined && line.vatAmount.amount !== vat)
    differences.push(`VATAmount is ${line.vatAmount.amount} minor units, ${vat} were sent`)
  return differences
}
