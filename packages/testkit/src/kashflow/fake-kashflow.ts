// The fake KashFlow: a thin class over the shared state (state.ts), the route table (routes.ts)
// and its resource modules, the session check (session.ts), faults (faults.ts) and the request
// budget (rate-budget.ts).
import { addBankTransaction } from './bank-transactions.js'
import { addCustomer } from './customers.js'
import { DroppedConnectionError, KashflowFaults, serveFault } from './faults.js'
import { addInvoice, invoiceView } from './invoices.js'
import { linesSentWith } from './invoice-payments.js'
import { journalsCarrying } from './journals.js'
import { RequestBudget } from './rate-budget.js'
import { answerResource, findRoute, kashflowCall, sessionRoutes } from './routes.js'
import { checkSession } from './session.js'
import { createKashflowState } from './state.js'
import type { KashflowState } from './state.js'
import type {
  FakeBankTransaction,
  FakeBankTransactionSeed,
  FakeInvoice,
  FakeInvoiceSeed,
  FakeKashflowFault,
  FakeKashflowSeed,
  FakePaymentLine,
} from './types.js'

/**
 * An in-memory KashFlow that behaves as KashFlow's published API describes (not as our client
 * happens to call it): the two-step session with memorable-word positions and idle expiry on an
 * injected clock, `{Error, Message}` bodies, 404 for unknown invoices, invoices whose
 * `DueAmount`, `Status` and `PaymentLines` are recomputed after every payment, bulk payments
 * (create, get, delete), the account settings with the home currency, customers with contacts,
 * addresses and custom fields, balanced journals in the live shape (`unconfirmed.journalShape`),
 * bank transactions per bank account (paged, date-filtered, bulk payments' lines with
 * `includebulk=true`), per-route request counts, and fault injection. Behaviours no public source confirms are
 * switches (`FakeKashflowUnconfirmed`), pessimistic by default.
 *
 * `fake.fetch` is a web-standard fetch; `@opayo-kashflow/testkit/msw` wraps it in msw handlers
 * and `startFakeKashflowServer` serves it over real loopback HTTP.
 * @example
 * const fake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
 * const kashflow = createKashflowClient({ ...credentials, fetch: fake.fetch })
 */
export class FakeKashflow {
  readonly #state: KashflowState
  readonly #faults = new KashflowFaults()
  readonly #budget = new RequestBudget()
  // The records live in the shared state (./state.ts, which declares their types once); these
  // fields are the same objects, for tests that read or seed them.
  readonly user: KashflowState['user']
  readonly invoices: KashflowState['invoices']
  readonly customers: KashflowState['customers']
  readonly journals: KashflowState['journals']
  readonly bulkPayments: KashflowState['bulkPayments']
  readonly bankAccounts: KashflowState['bankAccounts']
  readonly paymentMethods: KashflowState['paymentMethods']
  readonly nominals: KashflowState['nominals']
  /** The bank transactions by bank account `Id` (bulk payments' lines are made when listed). */
  readonly bankTransactions: KashflowState['bankTransactions']
  /** Every request received: method, path, status answered. */
  readonly log: KashflowState['log']
  /** The switches in force (defaults filled in). */
  readonly unconfirmed: KashflowState['unconfirmed']
  /** The account's home currency. */
  readonly homeCurrency: string
  /** Milliseconds added before each answer. */
  latencyMs = 0

  constructor(seed: FakeKashflowSeed = {}) {
    const state = createKashflowState(seed)
    this.#state = state
    this.user = state.user
    this.invoices = state.invoices
    this.customers = state.customers
    this.journals = state.journals
    this.bulkPayments = state.bulkPayments
    this.bankAccounts = state.bankAccounts
    this.paymentMethods = state.paymentMethods
    this.nominals = state.nominals
    this.bankTransactions = state.bankTransactions
    this.log = state.log
    this.unconfirmed = state.unconfirmed
    this.homeCurrency = state.homeCurrency
    for (const customer of seed.customers ?? []) this.addCustomer(customer)
    for (const invoice of seed.invoices ?? []) this.addInvoice(invoice)
    for (const [accountId, lines] of Object.entries(seed.bankTransactions ?? {}))
      for (const line of lines) this.addBankTransaction(Number(accountId), line)
  }

  /** Logins completed (step 2 succeeded). */
  get logins(): number {
    return this.#state.logins
  }
  set logins(count: number) {
    this.#state.logins = count
  }

  // ---- seeding and inspection -------------------------------------------------------------

  /** Creates an invoice (as if raised in KashFlow), e.g. one that appears after its payment. */
  addInvoice(seed: FakeInvoiceSeed): FakeInvoice {
    return addInvoice(this.#state, seed)
  }

  /** Adds a customer (a code is made up if it has none), as if created in KashFlow. */
  addCustomer(customer: Record<string, unknown>): Record<string, unknown> {
    return addCustomer(this.#state, customer)
  }

  /**
   * Adds a line to a bank account as the bank feed brings it in (a deposit: `paidIn`), with a
   * `BFSTransactionId` of its own. Throws for a bank account the fake does not have.
   * @example fake.addBankTransaction(55166, { date: '2026-11-02', paidIn: 98.3, comment: 'OPAYO SETTLEMENT' })
   */
  addBankTransaction(accountId: number, seed: FakeBankTransactionSeed): FakeBankTransaction {
    return addBankTransaction(this.#state, accountId, seed)
  }

  /**
   * The payment lines written by bulk payments whose `Comment` (as sent) contains `text`, such as
   * a posting marker: what a test counts to prove "one line per payment", whatever
   * `unconfirmed.commentToNote` shows on the lines themselves.
   * @example expect(fake.linesSentWith('OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment')).toHaveLength(1)
   */
  linesSentWith(text: string): FakePaymentLine[] {
    return linesSentWith(this.#state, text)
  }

  /** The invoice as `GET /invoices/{number}` shows it, with amounts recomputed. */
  invoiceView(invoice: FakeInvoice): Record<string, unknown> {
    return invoiceView(this.#state, invoice)
  }

  /**
   * How many requests each route received, keyed `METHOD /path` (no query string), e.g.
   * `{ 'GET /invoices/1042': 1, 'POST /invoices/bulk/payments': 1, 'POST /sessiontoken': 1 }`.
   * Counts every request in `log` (since the last `resetRequestCounts`), answered or not.
   */
  requestCounts(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const { method, path } of this.log) {
      const key = `${method} /${path}`
      counts[key] = (counts[key] ?? 0) + 1
    }
    return counts
  }
  /** Empties `log`, so `requestCounts()` starts again from zero. */
  resetRequestCounts(): void {
    this.log.length = 0
  }

  /**
   * The journals (as stored, detail with lines) that carry `marker` in `JournalName`, `Comment`
   * or `Description`, whatever `unconfirmed.journalShape` is: what a test counts to prove "one
   * journal per marker".
   * @example expect(fake.journalsCarrying('OPAYO-BATCH:B-100:fees')).toHaveLength(1)
   */
  journalsCarrying(marker: string): Record<string, unknown>[] {
    return journalsCarrying(this.#state, marker)
  }

  /** Expires every session now (as 60 idle minutes would). */
  expireSessions(): void {
    this.#state.sessions.clear()
  }

  // ---- fault injection --------------------------------------------------------------------

  /** Serve these faults, one per request (after login), before answering normally again. */
  inject(...faults: FakeKashflowFault[]): void {
    this.#faults.inject(...faults)
  }
  /** Fail the next `count` requests with an HTTP status (`{Error, Message}` body). */
  failNext(count: number, status = 503): void {
    for (let i = 0; i < count; i += 1) this.inject({ kind: 'status', status })
  }
  /** Answer 429 with this Retry-After (seconds or an HTTP date) to the next `count` requests. */
  rateLimitNext(count: number, retryAfter = '1'): void {
    for (let i = 0; i < count; i += 1) this.inject({ kind: 'rate-limit', retryAfter })
  }
  /** The `-2146232060` database timeout (HTTP 400) for the next `count` requests. */
  sqlTimeoutNext(count = 1): void {
    for (let i = 0; i < count; i += 1) this.inject({ kind: 'sql-timeout' })
  }
  /** Apply the next write, then drop the connection: the caller cannot know it happened. */
  commitThenDropNextWrite(): void {
    this.inject({ kind: 'commit-then-drop' })
  }
  /** Answer every request with 503 between these instants (on the fake's clock). */
  downtime(from: number, to: number): void {
    this.#faults.downtime(from, to)
  }
  /**
   * At most `limit` requests (logins aside) in any `windowMs`; beyond that 429 with Retry-After
   * (whole seconds, at least 1) and nothing else, as pessimistic as KashFlow may be (it documents
   * no limit and no headers). `headers: true` also states the budget on every answer, as the IETF
   * draft's `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`.
   * @example fake.requestBudget(100, 1000, { headers: true })
   */
  requestBudget(limit: number, windowMs: number, options: { headers?: boolean } = {}): void {
    this.#budget.set(limit, windowMs, options.headers ?? false)
  }
  /**
   * Random faults: each request after login fails with `probability`, with a fault drawn from
   * `kinds`. Pass a seeded `random` for repeatable runs; `undefined` turns chaos off.
   */
  chaos(
    options:
      | { probability: number; kinds: readonly FakeKashflowFault[]; random?: () => number }
      | undefined,
  ): void {
    this.#faults.chaos(options)
  }
  clearFaults(): void {
    this.#faults.clear()
    this.#budget.clear()
  }

  // ---- the HTTP surface -------------------------------------------------------------------

  /** A web-standard fetch answering the KashFlow REST v2 paths under any base URL ending in /v2. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const path = url.pathname.replace(/^.*?\/v2\//, '').replace(/\/$/, '')
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs))
    const answered = await this.#route(request, path, url)
    if (answered instanceof DroppedConnectionError) {
      this.log.push({ method: request.method, path, status: 0 })
      throw answered
    }
    const response = this.#budget.withHeaders(answered, this.#state.now)
    this.log.push({ method: request.method, path, status: response.status })
    return response
  }

  /** Login, then downtime, the budget, the session, a fault, and the resource's answer. */
  async #route(
    request: Request,
    path: string,
    url: URL,
  ): Promise<Response | DroppedConnectionError> {
    const method = request.method
    const body =
      method === 'GET' || method === 'DELETE'
        ? undefined
        : await request.json().catch(() => undefined)
    const call = kashflowCall(this.#state, method, path, url, body)
    const login = findRoute(sessionRoutes, call)
    if (login) return login.handle(call)
    const now = this.#state.now()
    const refused =
      this.#faults.downAt(now) ??
      this.#budget.admit(now) ??
      checkSession(this.#state, request, path, now)
    if (refused) return refused
    const fault = this.#faults.next(method !== 'GET')
    return fault ? serveFault(fault, () => answerResource(call)) : answerResource(call)
  }
}
