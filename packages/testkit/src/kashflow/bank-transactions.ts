// The fake KashFlow's bank transactions: `GET /bankaccounts/{accountId}/transactions` (paged, with
// `startdate`/`enddate` read as `unconfirmed.bankTransactionEndDate` says, bulk payments' lines
// only with `includebulk=true`, running balances), `GET .../transactions/{transactionId}` and
// `POST .../transactions`, answered as `unconfirmed.bankTransactionCreateAnswer` says. Field names
// from KashFlow's REST API docs (Swagger digest: CappyTech/hcs-app `mongoose/config/apiDocsConfig.js`,
// "banktransactions-*"); bulk payment lines carry `EntityName: 'invoicebatchpayment'` and the
// bulk `Number` as `ResourceNumber`, as live rows do (hcs-app `mongoose/services/bankLinkService.js`).
import { cents, error, four, json, page } from './http.js'
import { known } from './state.js'
import type { KashflowCall, KashflowRoute, KashflowState } from './state.js'
import type { FakeBankTransaction, FakeBankTransactionSeed } from './types.js'

// The request fields of `POST /bankaccounts/{accountId}/transactions` in KashFlow's docs; with
// `dropUnknownFields` the fake keeps only these.
const POST_FIELDS: ReadonlySet<string> = new Set([
  'Id',
  'Date',
  'MoneyType',
  'Comment',
  'VATAble',
  'VATAmount',
  'VATRate',
  'AccountId',
  'ProjectNumber',
  'PaidIn',
  'PaidOut',
  'VATPaid',
  'BFSTransactionId',
  'CustomerCode',
  'SupplierCode',
  'TransactionType',
  'Disallowed',
  'PaymentId',
])

// Bulk payments' lines get Ids of their own, far from the fake's bank transaction Ids.
const BULK_LINE_IDS = 9_000_000

const DAY = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/

/**
 * Adds a line to a bank account as the bank feed would: `EntityName: 'banktransaction'`, a
 * `BFSTransactionId` of its own. Throws for an account the fake does not have.
 * @example const line = addBankTransaction(state, 55166, { date: '2026-11-02', paidIn: 98.3, comment: 'OPAYO SETTLEMENT' })
 */
export function addBankTransaction(
  state: KashflowState,
  accountId: number,
  seed: FakeBankTransactionSeed,
): FakeBankTransaction {
  if (!state.bankAccounts.some((account) => account.Id === accountId))
    throw new Error(`addBankTransaction: the fake has no bank account ${accountId}.`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(seed.date))
    throw new Error(`addBankTransaction: date must be YYYY-MM-DD, got "${seed.date}".`)
  const line: FakeBankTransaction = {
    ...blankLine(accountId, seed.date),
    Id: seed.id ?? (state.ids.bankTransaction += 1),
    MoneyType: seed.moneyType ?? 0,
    PaidIn: seed.paidIn ?? 0,
    PaidOut: seed.paidOut ?? 0,
    Comment: seed.comment ?? '',
    TransactionType: seed.transactionType ?? 0,
    CustomerCode: seed.customerCode ?? '',
    BFSTransactionId: seed.bankFeedTransactionId ?? (state.ids.bankFeed += 1),
  }
  const lines = state.bankTransactions.get(accountId) ?? []
  lines.push(line)
  state.bankTransactions.set(accountId, lines)
  return line
}

/** The lines KashFlow makes from the bulk payments into an account: one per bulk payment. */
function bulkLines(state: KashflowState, accountId: number): FakeBankTransaction[] {
  return [...state.bulkPayments.values()]
    .filter((bulk) => bulk['AccountId'] === accountId)
    .map((bulk) => {
      const items = (bulk['PaymentItems'] ?? []) as Record<string, unknown>[]
      const total = items.reduce((sum, item) => sum + cents(Number(item['Amount'] ?? 0)), 0)
      const number = Number(bulk['Number'])
      return {
        ...blankLine(accountId, typeof bulk['Date'] === 'string' ? bulk['Date'].slice(0, 10) : ''),
        Id: BULK_LINE_IDS + number,
        PaidIn: Math.max(total, 0) / 100,
        PaidOut: Math.max(-total, 0) / 100,
        Comment: typeof bulk['Comment'] === 'string' ? bulk['Comment'] : '',
        EntityName: 'invoicebatchpayment',
        ResourceNumber: number,
      }
    })
}

/** A line with every field at its empty value, for the lines the fake makes itself. */
function blankLine(accountId: number, date: string): FakeBankTransaction {
  return {
    Id: 0,
    AccountId: accountId,
    Date: `${date} 12:00:00`,
    MoneyType: 0,
    PaidIn: 0,
    PaidOut: 0,
    Comment: '',
    TransactionType: 0,
    CustomerCode: '',
    SupplierCode: '',
    VATAble: false,
    VATRate: 0,
    VATAmount: 0,
    Reconciled: false,
    BFSTransactionId: 0,
    EntityName: 'banktransaction',
    ResourceNumber: 0,
    ProjectNumber: 0,
    PaymentId: 0,
    Disallowed: false,
  }
}

/** The account's lines in date order (then Id), bulk payments' lines with `includeBulk`. */
function linesOf(state: KashflowState, accountId: number, includeBulk: boolean) {
  return [
    ...(state.bankTransactions.get(accountId) ?? []),
    ...(includeBulk ? bulkLines(state, accountId) : []),
  ].sort((a, b) => a.Date.localeCompare(b.Date) || a.Id - b.Id)
}

/** The detail of `GET .../transactions/{id}`: the stored fields and the ones KashFlow resolves. */
function detail(state: KashflowState, line: FakeBankTransaction): Record<string, unknown> {
  const customer = state.customers.get(line.CustomerCode)
  return {
    ...line,
    Type: line.TransactionType === 0 ? '' : `Type ${line.TransactionType}`,
    ReconciledId: 0,
    VATReturnId: 0,
    ProjectName: '',
    TransactionNumber: line.Id,
    CustomerName: typeof customer?.['Name'] === 'string' ? customer['Name'] : '',
    SupplierName: '',
    IsSystemGeneratedTransaction: line.EntityName !== 'banktransaction',
    DisableDisallowed: false,
  }
}

/** A `startdate`/`enddate` as the instant it is compared at (`YYYY-MM-DD HH:mm:ss`). */
function bound(state: KashflowState, text: string | null, end: boolean): string | undefined {
  if (text === null) return end ? '9999-12-31 23:59:59' : '0000-01-01 00:00:00'
  const m = DAY.exec(text.trim())
  if (!m) return undefined
  if (m[2] !== undefined) return `${m[1]} ${m[2]}`
  const wholeDay = state.unconfirmed.bankTransactionEndDate === 'whole-day'
  return `${m[1]} ${end && wholeDay ? '23:59:59' : '00:00:00'}`
}

function account(call: KashflowCall): number | undefined {
  const id = Number(call.parts[1])
  return call.state.bankAccounts.some((a) => a.Id === id) ? id : undefined
}

/** `GET /bankaccounts/{accountId}/transactions`: the window, paged, with running balances. */
function list(call: KashflowCall): Response {
  const { state, query } = call
  const accountId = account(call)
  if (accountId === undefined) return error(404, 'NotFound', 'Bank account not found')
  const from = bound(state, query.get('startdate'), false)
  const to = bound(state, query.get('enddate'), true)
  if (from === undefined || to === undefined)
    return error(400, 'ValidationError', 'startdate and enddate must be dates')
  let balance = 0
  let opening = 0
  const rows: Record<string, unknown>[] = []
  for (const line of linesOf(state, accountId, query.get('includebulk') === 'true')) {
    if (line.Date > to) break
    balance += cents(line.PaidIn) - cents(line.PaidOut)
    if (line.Date < from) opening = balance
    else
      rows.push({
        ...detail(state, line),
        VATPaid: 0,
        EditLink: '',
        LineProjectsCount: 0,
        ProjectUrl: '',
        Balance: balance / 100,
        CustomerSupplierName: '',
      })
  }
  const meta = { OpeningBalance: opening / 100, ClosingBalance: balance / 100 }
  return page(rows, query, `bankaccounts/${accountId}/transactions`, { meta, perPage: 10 })
}

/** `GET .../transactions/{transactionId}`: one line, bulk payments' lines included. */
function byId(call: KashflowCall): Response {
  const accountId = account(call)
  if (accountId === undefined) return error(404, 'NotFound', 'Bank account not found')
  if (call.method !== 'GET') return error(405, 'MethodNotAllowed', 'Method not allowed')
  const id = Number(call.parts[3])
  const line = linesOf(call.state, accountId, true).find((l) => l.Id === id)
  if (!line) return error(404, 'NotFound', 'Bank transaction not found')
  const { EntityName: _listOnly, ...row } = detail(call.state, line)
  return json(200, row)
}

const isAmount = (n: unknown): n is number =>
  typeof n === 'number' &&
  Number.isFinite(n) &&
  n >= 0 &&
  Math.abs(n * 100 - Math.round(n * 100)) < 1e-6

/** `POST /bankaccounts/{accountId}/transactions`: one receipt or payment. */
function create(call: KashflowCall): Response {
  const { state } = call
  const accountId = account(call)
  if (accountId === undefined) return error(404, 'NotFound', 'Bank account not found')
  const b = known(state, (call.body ?? {}) as Record<string, unknown>, POST_FIELDS)
  const date = typeof b['Date'] === 'string' ? DAY.exec(b['Date'].trim())?.[1] : undefined
  if (date === undefined) return error(400, 'ValidationError', 'The Date field is required.')
  if (!Number.isInteger(b['MoneyType']))
    return error(400, 'ValidationError', 'The MoneyType field is required.')
  const paidIn = b['PaidIn'] ?? 0
  const paidOut = b['PaidOut'] ?? 0
  if (!isAmount(paidIn) || !isAmount(paidOut) || paidIn > 0 === paidOut > 0)
    return error(400, 'ValidationError', 'Give PaidIn or PaidOut, with at most 2 decimal places')
  const vatAmount = b['VATAmount'] ?? 0
  if (!isAmount(vatAmount) || vatAmount > paidIn + paidOut)
    return error(400, 'ValidationError', 'VATAmount is invalid')
  const customerCode = typeof b['CustomerCode'] === 'string' ? b['CustomerCode'] : ''
  if (customerCode !== '' && !state.customers.has(customerCode))
    return error(400, 'ValidationError', 'Customer not found')
  const line = addBankTransaction(state, accountId, {
    date,
    paidIn,
    paidOut,
    comment: typeof b['Comment'] === 'string' ? b['Comment'] : '',
    moneyType: b['MoneyType'] as number,
    transactionType: typeof b['TransactionType'] === 'number' ? b['TransactionType'] : 0,
    customerCode,
    bankFeedTransactionId: typeof b['BFSTransactionId'] === 'number' ? b['BFSTransactionId'] : 0,
  })
  line.SupplierCode = typeof b['SupplierCode'] === 'string' ? b['SupplierCode'] : ''
  line.VATAble = b['VATAble'] === true
  line.VATRate = typeof b['VATRate'] === 'number' ? b['VATRate'] : 0
  line.VATAmount = four(vatAmount)
  switch (state.unconfirmed.bankTransactionCreateAnswer) {
    case 'row':
      return json(201, detail(state, line))
    case 'id':
      return json(201, line.Id)
    case 'empty':
      return new Response(null, { status: 201 })
  }
}

/**
 * The bank transaction routes, ahead of the lookups (which answer `GET /bankaccounts`).
 * @example const route = bankTransactionRoutes.find((r) => r.path.test('bankaccounts/55166/transactions'))
 */
export const bankTransactionRoutes: readonly KashflowRoute[] = [
  { method: 'GET', path: /^bankaccounts\/[^/]+\/transactions$/, handle: list },
  { method: 'POST', path: /^bankaccounts\/[^/]+\/transactions$/, handle: create },
  { method: '*', path: /^bankaccounts\/[^/]+\/transactions\/[^/]+$/, handle: byId },
]
