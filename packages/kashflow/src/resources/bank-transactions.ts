import { InvalidArgumentError, addDays } from '@opayo-kashflow/core'
import type { CurrencyCode } from '@opayo-kashflow/core'
import { z } from 'zod'
import { KashflowCannotTellError } from '../errors/kashflow-error.js'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import {
  BankTransactionRowSchema,
  bankTransactionDate,
  bankTransactionOf,
} from '../wire/bank-transactions.js'
import type { BankTransaction, BankTransactionRow } from '../wire/bank-transactions.js'
import { toKashflowAmount } from '../wire/money.js'
import { checkDay, pagesWithTotals } from './invoices.js'
import { fieldsOf } from './journals.js'
import type { SettingsResource } from './settings.js'
import {
  checkAccount,
  checkBankTransactionInput,
  commentMarker,
  differencesFrom,
} from './bank-transaction-input.js'
import type {
  BankTransactionFilters,
  BankTransactionFind,
  BankTransactionInput,
} from './bank-transaction-input.js'

/**
 * The bank lines of one KashFlow bank account: read a window (every page), read one, find one
 * by its marker (the read-back), and record a receipt or a payment exactly once.
 * @example
 * const resource: BankTransactionsResource = kashflow.bankTransactions
 */
export interface BankTransactionsResource {
  /**
   * The account's lines dated `from` to `to` (both inclusive), every page of
   * `GET /bankaccounts/{accountId}/transactions` (`perpage` 100, following `MetaData.NextPageUrl`),
   * in KashFlow's order: what the bank feed brought in, and the lines KashFlow made from payments.
   * The whole window is read and checked before anything is returned: the rows read must be the
   * `MetaData.TotalRecords` KashFlow states, each `Id` once (rows sharing a date are reordered
   * from one request to the next, CappyTech/hcs-sync CHANGELOG, so a page can repeat a row and
   * skip another).
   * @throws {InvalidArgumentError} for a date that is not YYYY-MM-DD, or `from` after `to`.
   * @throws {KashflowResponseError} when an answer or a row cannot be read (see `bankTransactionOf`).
   * @throws {KashflowCannotTellError} when the pages do not add up: a repeated `Id`, a
   *   `TotalRecords` that changed between pages or differs from the rows read. Read again.
   * @example
   * const lines = await kashflow.bankTransactions.list(55166, { from: '2026-11-01', to: '2026-11-07' })
   * const deposits = lines.filter((line) => line.paidIn.amount > 0)
   */
  list(
    accountId: number,
    filters: BankTransactionFilters,
    call?: KashflowCallOptions,
  ): Promise<BankTransaction[]>
  /**
   * One line by its `Id` (`GET /bankaccounts/{accountId}/transactions/{transactionId}`).
   * @throws {KashflowNotFoundError} when there is no such line.
   * @example
   * const line = await kashflow.bankTransactions.get(55166, 8001)
   */
  get(
    accountId: number,
    id: number,
    options?: { readonly currency?: CurrencyCode },
    call?: KashflowCallOptions,
  ): Promise<BankTransaction>
  /**
   * The read-back: the line dated `date` whose `Comment` starts with the word `reference`, or
   * undefined when every line of that day carries a `Comment` and none does.
   * @throws {KashflowCannotTellError} when a line of that day has no `Comment` field, when
   *   several carry the marker, or when one starts with what may be the marker cut short.
   * @example
   * const found = await kashflow.bankTransactions.find(55166, { date: '2026-11-02', reference: 'OPAYO-FEE:B-100' })
   */
  find(
    accountId: number,
    wanted: BankTransactionFind,
    call?: KashflowCallOptions,
  ): Promise<BankTransaction | undefined>
  /**
   * Records one receipt (`paidIn`) or payment (`paidOut`) on the account:
   * `POST /bankaccounts/{accountId}/transactions`, the body in
   * `KASHFLOW_UNCONFIRMED.bankTransactionPostBody` (`MoneyType` values are a guess), the
   * reference first in `Comment`. Never retried: after `KashflowAmbiguousWriteError` call `find`
   * before recording again. On success the line is read back (by the answer's `Id`, else by the
   * marker) and compared with what was sent, and the line read is returned.
   * @throws {InvalidArgumentError} naming the field, before anything is sent.
   * @throws {KashflowCannotTellError} when KashFlow answered success but the line cannot be found
   *   by its marker, or reads back otherwise than sent (date, amounts, VAT). It exists: do not
   *   record it again; a person looks.
   * @example
   * const fee = await kashflow.bankTransactions.create(55166, { date: '2026-11-02', paidOut: money(342, 'GBP'), reference: 'OPAYO-FEE:B-100', comment: 'Opayo card fees' })
   */
  create(
    accountId: number,
    input: BankTransactionInput,
    call?: KashflowCallOptions,
  ): Promise<BankTransaction>
}

const firstWord = (row: BankTransactionRow) => commentMarker(row.Comment ?? '')

export function bankTransactionsResource(
  transport: KashflowTransport,
  settings: SettingsResource,
): BankTransactionsResource {
  const path = (accountId: number) => `bankaccounts/${accountId}/transactions`
  const currencyOf = (given: CurrencyCode | undefined, call?: KashflowCallOptions) =>
    given === undefined ? settings.homeCurrency(call) : Promise.resolve(given)

  /** The rows of a window, every page, checked to add up, kept by their calendar date. */
  async function rows(
    operation: string,
    accountId: number,
    from: string,
    to: string,
    includeBulk: boolean,
    call?: KashflowCallOptions,
  ): Promise<BankTransactionRow[]> {
    const widen = KASHFLOW_UNCONFIRMED.bankTransactionDateWidening
    const query = {
      startdate: addDays(from, -widen),
      enddate: addDays(to, widen),
      includebulk: includeBulk,
    }
    const byId = new Map<number, BankTransactionRow>()
    let total: number | undefined
    let read = 0
    const cannot = (message: string) =>
      new KashflowCannotTellError(operation, message, {
        rowsRead: read,
        distinctIds: byId.size,
        totalRecords: total,
      })
    for await (const page of pagesWithTotals(
      transport,
      path(accountId),
      BankTransactionRowSchema as z.ZodType<BankTransactionRow>,
      query,
      KASHFLOW_UNCONFIRMED.maxPerPage,
      call,
    )) {
      if (page.total !== undefined && total !== undefined && page.total !== total)
        throw cannot(`TotalRecords changed from ${total} to ${page.total} while paging; read again`)
      total = page.total ?? total
      for (const row of page.rows) {
        read += 1
        byId.set(row.Id, row)
      }
    }
    if (total !== undefined ? byId.size !== total : byId.size !== read)
      throw cannot(
        `the pages held ${read} rows with ${byId.size} distinct Ids, but KashFlow states ${total ?? 'no'} TotalRecords; a line may have been skipped, read again`,
      )
    return [...byId.values()].filter((row) => {
      const date = bankTransactionDate(row, accountId)
      return date >= from && date <= to
    })
  }

  async function find(
    accountId: number,
    wanted: BankTransactionFind,
    call?: KashflowCallOptions,
  ): Promise<BankTransaction | undefined> {
    const operation = 'bankTransactions.find'
    checkAccount(accountId, `${operation}()`)
    checkDay(wanted.date, 'date', `${operation}()`)
    if (wanted.reference.trim() === '')
      throw new InvalidArgumentError(`${operation}(): the reference must not be empty.`)
    const day = await rows(operation, accountId, wanted.date, wanted.date, true, call)
    const marked = day.filter((row) => firstWord(row) === wanted.reference)
    if (marked.length > 1)
      throw new KashflowCannotTellError(
        operation,
        `${marked.length} lines on ${wanted.date} carry ${wanted.reference}`,
        { ids: marked.map((row) => row.Id) },
      )
    const [row] = marked
    if (row !== undefined)
      return bankTransactionOf(row, accountId, await currencyOf(wanted.currency, call))
    const lacking = day.filter((r) => !Object.hasOwn(r, 'Comment'))
    if (lacking.length > 0)
      throw new KashflowCannotTellError(
        operation,
        `${lacking.length} of ${day.length} lines on ${wanted.date} have no Comment, so ${wanted.reference} cannot be shown absent`,
        { rowsRead: day.length, rowsLacking: lacking.length, fields: fieldsOf(lacking) },
      )
    const cut = day.find(
      (r) => firstWord(r).length >= 8 && wanted.reference.startsWith(firstWord(r)),
    )
    if (cut !== undefined)
      throw new KashflowCannotTellError(
        operation,
        `line ${cut.Id} on ${wanted.date} starts "${firstWord(cut)}", which may be ${wanted.reference} cut short`,
        { id: cut.Id },
      )
    return undefined
  }

  async function get(
    accountId: number,
    id: number,
    options: { readonly currency?: CurrencyCode } = {},
    call?: KashflowCallOptions,
  ): Promise<BankTransaction> {
    checkAccount(accountId, 'bankTransactions.get()')
    const row = await transport.request(
      { method: 'GET', path: `${path(accountId)}/${id}`, schema: BankTransactionRowSchema },
      call,
    )
    return bankTransactionOf(row, accountId, await currencyOf(options.currency, call))
  }

  return {
    async list(accountId, filters, call) {
      const operation = 'bankTransactions.list'
      checkAccount(accountId, `${operation}()`)
      checkDay(filters.from, 'from', `${operation}()`)
      checkDay(filters.to, 'to', `${operation}()`)
      if (filters.from > filters.to)
        throw new InvalidArgumentError(
          `${operation}(): from ${filters.from} is after to ${filters.to}.`,
        )
      const read = await rows(
        operation,
        accountId,
        filters.from,
        filters.to,
        filters.includeBulk ?? true,
        call,
      )
      const currency = await currencyOf(filters.currency, call)
      return read.map((row) => bankTransactionOf(row, accountId, currency))
    },
    get,
    find,
    async create(accountId, input, call) {
      const operation = 'bankTransactions.create'
      checkAccount(accountId, `${operation}()`)
      const amount = checkBankTransactionInput(input, operation)
      const body = KASHFLOW_UNCONFIRMED.bankTransactionPostBody({
        accountId,
        date: input.date,
        paidIn: input.paidIn ? toKashflowAmount(input.paidIn) : 0,
        paidOut: input.paidOut ? toKashflowAmount(input.paidOut) : 0,
        // The marker first: a Comment cut short still carries it.
        comment: [input.reference, input.comment?.replace(/\s+/g, ' ').trim() ?? '']
          .filter((part) => part !== '')
          .join(' '),
        transactionType: input.transactionType,
        customerCode: input.customerCode,
        supplierCode: input.supplierCode,
        vat: input.vat && { rate: input.vat.rate, amount: toKashflowAmount(input.vat.amount) },
      })
      const answer = await transport.request(
        { method: 'POST', path: path(accountId), body, schema: z.unknown() },
        call,
      )
      const id = z.looseObject({ Id: z.number().int().positive() }).safeParse(answer)
      const options = { currency: amount.currency }
      const line = id.success
        ? await get(accountId, id.data.Id, options, call).catch((error: unknown) => {
            if ((error as Error | undefined)?.name !== 'KashflowNotFoundError') throw error
            throw new KashflowCannotTellError(
              operation,
              `KashFlow answered transaction Id ${id.data.Id}, which GET does not find; the line may exist under another Id`,
              { answeredId: id.data.Id },
            )
          })
        : await find(accountId, { date: input.date, reference: input.reference, ...options }, call)
      if (line === undefined)
        throw new KashflowCannotTellError(
          operation,
          `KashFlow answered success without a transaction Id, and no line on ${input.date} carries ${input.reference}; it may exist under another comment`,
          { answered: answer === null ? 'null' : typeof answer },
        )
      const differences = differencesFrom(input, line)
      if (differences.length > 0)
        throw new KashflowCannotTellError(
          operation,
          `line ${line.id} was written but reads back otherwise: ${differences.join('; ')}`,
          { id: line.id, differences },
        )
      return line
    },
  }
}
