// The state the fake KashFlow's resource handlers share, and the shape of a routed request.
import type {
  FakeBankTransaction,
  FakeInvoice,
  FakeKashflowSeed,
  FakeKashflowUnconfirmed,
  FakeKashflowUser,
} from './types.js'

/**
 * Everything the fake KashFlow holds: one object, handed to every resource handler.
 * @example const state: KashflowState = createKashflowState({ homeCurrency: 'EUR' })
 */
export interface KashflowState {
  readonly user: FakeKashflowUser
  readonly invoices: Map<number, FakeInvoice>
  readonly customers: Map<string, Record<string, unknown>>
  readonly journals: Map<number, Record<string, unknown>>
  readonly bulkPayments: Map<number, Record<string, unknown>>
  readonly bankAccounts: { Id: number; AccountName: string; Code: number }[]
  readonly paymentMethods: { Id: number; Name: string }[]
  readonly nominals: { Code: number; Name: string }[]
  /** Bank transactions by bank account `Id` (bulk payments' lines are made from `bulkPayments`). */
  readonly bankTransactions: Map<number, FakeBankTransaction[]>
  /** Every request received: method, path, status answered. */
  readonly log: { method: string; path: string; status: number }[]
  /** The switches in force (defaults filled in). */
  readonly unconfirmed: Required<FakeKashflowUnconfirmed>
  readonly homeCurrency: string
  /** The clock for session idle expiry and downtime. */
  readonly now: () => number
  /** Idle milliseconds before a session expires. */
  readonly idleMs: number
  /** Logins begun (step 1), by temporary token: the memorable-word positions asked for. */
  readonly temporary: Map<string, { positions: number[] }>
  /** Live sessions: token to last use. */
  readonly sessions: Map<string, number>
  /** Logins completed (step 2 succeeded). */
  logins: number
  /** The last id or number given out, per kind. */
  readonly ids: {
    invoice: number
    payment: number
    bulk: number
    customer: number
    journal: number
    bankTransaction: number
    bankFeed: number
  }
  /** Invoices whose detail leaves `Currency` out (`FakeInvoiceSeed.omitCurrency`). */
  readonly currencyless: Set<number>
}

/**
 * The state for a seed, with no invoice or customer yet (the fake adds those through its
 * resources, which assign their ids).
 * @example const state = createKashflowState({ unconfirmed: { commentToNote: true } })
 */
export function createKashflowState(seed: FakeKashflowSeed = {}): KashflowState {
  const unconfirmed = seed.unconfirmed ?? {}
  return {
    user: seed.user ?? {
      username: 'accounts@example.co.uk',
      password: 's3cret',
      memorableWord: 'pineapple',
    },
    invoices: new Map(),
    customers: new Map(),
    journals: new Map(),
    bulkPayments: new Map(),
    bankAccounts: [
      ...(seed.bankAccounts ?? [{ Id: 55166, AccountName: 'Current Account', Code: 1200 }]),
    ],
    paymentMethods: [...(seed.paymentMethods ?? [{ Id: 409844, Name: 'Credit/Debit Card' }])],
    nominals: [
      ...(seed.nominals ?? [
        { Code: 1200, Name: 'Current Account' },
        { Code: 4000, Name: 'Sales' },
        { Code: 9999, Name: 'Suspense' },
      ]),
    ],
    bankTransactions: new Map(),
    log: [],
    unconfirmed: {
      commentToNote: unconfirmed.commentToNote ?? false,
      dropUnknownFields: unconfirmed.dropUnknownFields ?? true,
      journalShape: unconfirmed.journalShape ?? 'live',
      journalBodyMisread: unconfirmed.journalBodyMisread ?? 'none',
      negativeBulkAmounts: unconfirmed.negativeBulkAmounts ?? 'refused',
      invoiceCreateReturnsBody: unconfirmed.invoiceCreateReturnsBody ?? false,
      searchTextSearchesCustomerReference: unconfirmed.searchTextSearchesCustomerReference ?? false,
      customerSearchMatch: unconfirmed.customerSearchMatch ?? 'contains',
      dueAmountOnUnpaid: unconfirmed.dueAmountOnUnpaid ?? 'zero',
      bankTransactionCreateAnswer: unconfirmed.bankTransactionCreateAnswer ?? 'empty',
      bankTransactionEndDate: unconfirmed.bankTransactionEndDate ?? 'midnight',
    },
    homeCurrency: seed.homeCurrency ?? 'GBP',
    now: seed.now ?? Date.now,
    idleMs: (seed.sessionIdleMinutes ?? 60) * 60_000,
    temporary: new Map(),
    sessions: new Map(),
    logins: 0,
    ids: {
      invoice: 196000,
      payment: 500000,
      bulk: 50,
      customer: 10500,
      journal: 300,
      bankTransaction: 8000,
      bankFeed: 3_000_000,
    },
    currencyless: new Set(),
  }
}

/**
 * The fields of `body` the public schema has, when `unconfirmed.dropUnknownFields` is on.
 * @example const item = known(state, { Id: 1, Amount: 12, Colour: 'red' }, new Set(['Id', 'Amount'])) // { Id: 1, Amount: 12 } (dropUnknownFields is on by default)
 */
export function known(
  state: KashflowState,
  body: Record<string, unknown>,
  fields: ReadonlySet<string>,
): Record<string, unknown> {
  if (!state.unconfirmed.dropUnknownFields) return body
  return Object.fromEntries(Object.entries(body).filter(([key]) => fields.has(key)))
}

/**
 * One request as a resource handler sees it, after the session and fault checks.
 * @example const handle = (call: KashflowCall) => Response.json(call.state.bankAccounts)
 */
export interface KashflowCall {
  readonly state: KashflowState
  readonly method: string
  /** The path under `/v2/`, no query string, no trailing slash, e.g. `invoices/1042`. */
  readonly path: string
  /** `path` split on `/`. */
  readonly parts: readonly string[]
  readonly query: URLSearchParams
  /** The JSON body (undefined for GET, DELETE, or a body that is not JSON). */
  readonly body: unknown
}

/**
 * One row of the route table: the first row whose method (or `'*'`) and path match answers.
 * @example const row: KashflowRoute = { method: 'GET', path: /^bankaccounts$/, handle: (call: KashflowCall) => Response.json(call.state.nominals) }
 */
export interface KashflowRoute {
  readonly method: string
  readonly path: RegExp
  readonly handle: (call: KashflowCall) => Response
}
