import { randomUUID } from 'node:crypto'

/** Thrown by `fake.fetch` to simulate a connection that drops after the write was committed. */
export class DroppedConnectionError extends TypeError {
  readonly dropped = true
  constructor() {
    super('fetch failed: the connection was reset after the request was processed')
  }
}

export interface FakeKashflowUser {
  readonly username: string
  readonly password: string
  readonly memorableWord: string
  locked?: boolean
  temporaryPassword?: boolean
  subscriptionExpired?: boolean
}

export interface FakeInvoiceSeed {
  readonly number: number
  /** The internal Id (bulk payments need it). @default assigned */
  readonly id?: number
  readonly customerCode?: string
  /** Gross amount in major units as KashFlow shows it (e.g. 120). */
  readonly gross: number
  /** @default the fake's `homeCurrency` */
  readonly currency?: string
  /**
   * Leave `Currency` out of the invoice detail, as KashFlow does for home-currency invoices in
   * some responses. @default false
   */
  readonly omitCurrency?: boolean
  readonly exchangeRate?: number
  readonly issuedDate?: string
  readonly reference?: string
}

/**
 * One switch per KashFlow behaviour no public source confirms. The defaults are the PESSIMISTIC
 * reading: what a client can rely on only if the public API documents it.
 * @example
 * const optimistic = new FakeKashflow({
 *   unconfirmed: { commentToNote: true, dropUnknownFields: false, negativeBulkAmounts: 'accepted' },
 * })
 */
export interface FakeKashflowUnconfirmed {
  /**
   * The shape of journals. `'live'`: `GET /journals` rows as a production sync stored 400 of them
   * from live accounts (CappyTech/hcs-app CHANGELOG 6.26.0, Notes): `Number`, `JournalName`,
   * `JournalDate` (`YYYY-MM-DDTHH:mm:ss`), `Comment`, `TotalAmount`, `Category`, ... and no `Id`,
   * `Date`, `Description` or lines; `GET /journals/{number}` adds `LineItems[{ NominalCode,
   * Comment, Debit, Credit }]`; `POST /journals` takes the live field family (`JournalDate`,
   * `JournalName`, `Comment`, `LineItems`: the client's UNCONFIRMED best guess) and refuses
   * `{ Date, Description, Lines }`. `'documented'`: KashFlow's journal page, `{ Date,
   * Description, Lines[{ NominalCode, Description, Amount, Debit: boolean }] }` posted, listed
   * (with lines) and read; the live body is refused. @default 'live'
   */
  readonly journalShape?: 'live' | 'documented'
  /**
   * `POST /journals` accepts the body (201) but misreads it, as KashFlow may if the UNCONFIRMED
   * body is wrong: `'sides-swapped'` stores each line's debit as a credit and the reverse;
   * `'name-dropped'` keeps no `JournalName`. @default 'none'
   */
  readonly journalBodyMisread?: 'none' | 'sides-swapped' | 'name-dropped'
  /**
   * Copy a bulk payment's `Comment` into each invoice payment line's `Note`. No public source
   * shows KashFlow doing it. @default false (lines have an empty Note)
   */
  readonly commentToNote?: boolean
  /**
   * Drop request fields the public schema lacks: on bulk payments and their items (e.g.
   * `PaymentItems[].IsExternalRefund`) and on journals (any field outside the `journalShape` in
   * force, e.g. `Reference`). @default true
   */
  readonly dropUnknownFields?: boolean
  /**
   * A negative bulk item `Amount` (a refund): `'refused'` answers 400 ValidationError and writes
   * nothing; `'accepted'` records a negative payment line. @default 'refused'
   */
  readonly negativeBulkAmounts?: 'refused' | 'accepted'
  /**
   * `POST /invoices` answers 201 with the invoice detail. The swagger documents both that and
   * "200 with an empty object". @default false (200 `{}`: the client must read back)
   */
  readonly invoiceCreateReturnsBody?: boolean
  /**
   * `GET /invoices?searchtext=` also searches `CustomerReference` (the swagger says only "Search
   * by reference"). @default false (it matches the invoice `Number` only)
   */
  readonly searchTextSearchesCustomerReference?: boolean
  /**
   * How `GET /customers/search?searchBy=email` matches a contact's `Email` (no source says):
   * `'contains'` (case-insensitive: `jo@x.com` also finds `bojo@x.com`) or `'exact'`
   * (case-insensitive). @default 'contains'
   */
  readonly customerSearchMatch?: 'contains' | 'exact'
  /**
   * `DueAmount` on an invoice that is not paid, in list rows and the detail: `'zero'` reads
   * 0.00, as a production sync found on live data (CappyTech/hcs-app CHANGELOG 6.63.0); `'owed'`
   * reads gross minus paid. `GrossAmount` and `TotalPaidAmount` are right either way, and a paid
   * invoice reads 0 in both. @default 'zero'
   */
  readonly dueAmountOnUnpaid?: 'zero' | 'owed'
}

export interface FakeKashflowSeed {
  readonly user?: FakeKashflowUser
  /** The account's home currency, served by `GET /settings/customerandsupplier`. @default 'GBP' */
  readonly homeCurrency?: string
  /** The unconfirmed behaviours, pessimistic by default (see {@link FakeKashflowUnconfirmed}). */
  readonly unconfirmed?: FakeKashflowUnconfirmed
  readonly invoices?: readonly FakeInvoiceSeed[]
  readonly customers?: readonly Record<string, unknown>[]
  readonly bankAccounts?: readonly { Id: number; AccountName: string; Code: number }[]
  readonly paymentMethods?: readonly { Id: number; Name: string }[]
  readonly nominals?: readonly { Code: number; Name: string }[]
  /** The clock for session idle expiry and downtime. @default Date.now */
  readonly now?: () => number
  /** Idle minutes before a session expires (KashFlow: 60, configurable). @default 60 */
  readonly sessionIdleMinutes?: number
}

/** One injected fault. */
export type FakeKashflowFault =
  | {
      readonly kind: 'status'
      readonly status: number
      readonly body?: unknown
      readonly headers?: Record<string, string>
    }
  | { readonly kind: 'rate-limit'; readonly retryAfter: string }
  | { readonly kind: 'sql-timeout' }
  | { readonly kind: 'commit-then-drop' }

export interface FakePaymentLine {
  Id: number
  Date: string
  Amount: number
  Method: number
  AccountId: number
  Note: string
  Reference: string
  IsExternalRefund: boolean
  BulkId: number
  BulkPaymentNumber: number
}

export interface FakeInvoice {
  Id: number
  Number: number
  CustomerCode: string
  CustomerName: string
  CustomerReference: string
  IssuedDate: string
  DueDate: string
  GrossAmount: number
  NetAmount: number
  VATAmount: number
  Currency: { Code: string; Name: string; Symbol: string; ExchangeRate: number }
  PaymentLines: FakePaymentLine[]
  /** The lines as created through `POST /invoices` (seeded invoices have none). */
  LineItems?: Record<string, unknown>[]
}

const cents = (n: number) => Math.round(n * 100)
const four = (n: number) => Math.round(n * 10000) / 10000

/**
 * An in-memory KashFlow that behaves as KashFlow's published API describes (not as our client
 * happens to call it): the two-step session with memorable-word positions and idle expiry on an
 * injected clock, `{Error, Message}` bodies, 404 for unknown invoices, invoices whose
 * `DueAmount`, `Status` and `PaymentLines` are recomputed after every payment, bulk payments
 * (create, get, delete), the account settings with the home currency, customers with contacts,
 * addresses and custom fields, balanced journals in the live shape (`unconfirmed.journalShape`), per-route request counts,
 * and fault injection. Behaviours no public source confirms are switches
 * ({@link FakeKashflowUnconfirmed}), pessimistic by default.
 *
 * `fake.fetch` is a web-standard fetch; `@opayo-kashflow/testkit/msw` wraps it in msw handlers
 * and `startFakeKashflowServer` serves it over real loopback HTTP.
 * @example
 * const fake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
 * const kashflow = createKashflowClient({ ...credentials, fetch: fake.fetch })
 */
export class FakeKashflow {
  readonly user: FakeKashflowUser
  readonly invoices = new Map<number, FakeInvoice>()
  readonly customers = new Map<string, Record<string, unknown>>()
  readonly journals = new Map<number, Record<string, unknown>>()
  readonly bulkPayments = new Map<number, Record<string, unknown>>()
  readonly bankAccounts: { Id: number; AccountName: string; Code: number }[]
  readonly paymentMethods: { Id: number; Name: string }[]
  readonly nominals: { Code: number; Name: string }[]
  /** Every request received: method, path, status answered. */
  readonly log: { method: string; path: string; status: number }[] = []
  /** The switches in force (defaults filled in). */
  readonly unconfirmed: Required<FakeKashflowUnconfirmed>
  /** The account's home currency. */
  readonly homeCurrency: string
  /** Logins completed (step 2 succeeded). */
  logins = 0
  /** Milliseconds added before each answer. */
  latencyMs = 0
  readonly #now: () => number
  readonly #idleMs: number
  readonly #temporary = new Map<string, { positions: number[] }>()
  readonly #sessions = new Map<string, number>()
  #faults: FakeKashflowFault[] = []
  #chaos:
    { probability: number; kinds: readonly FakeKashflowFault[]; random?: () => number } | undefined
  #down: { from: number; to: number } | undefined
  #budget: { limit: number; windowMs: number; hits: number[]; headers: boolean } | undefined
  #ids = { invoice: 196000, payment: 500000, bulk: 50, customer: 10500, journal: 300 }
  readonly #currencyless = new Set<number>()

  constructor(seed: FakeKashflowSeed = {}) {
    this.user = seed.user ?? {
      username: 'accounts@example.co.uk',
      password: 's3cret',
      memorableWord: 'pineapple',
    }
    this.unconfirmed = {
      commentToNote: seed.unconfirmed?.commentToNote ?? false,
      dropUnknownFields: seed.unconfirmed?.dropUnknownFields ?? true,
      journalShape: seed.unconfirmed?.journalShape ?? 'live',
      journalBodyMisread: seed.unconfirmed?.journalBodyMisread ?? 'none',
      negativeBulkAmounts: seed.unconfirmed?.negativeBulkAmounts ?? 'refused',
      invoiceCreateReturnsBody: seed.unconfirmed?.invoiceCreateReturnsBody ?? false,
      searchTextSearchesCustomerReference:
        seed.unconfirmed?.searchTextSearchesCustomerReference ?? false,
      customerSearchMatch: seed.unconfirmed?.customerSearchMatch ?? 'contains',
      dueAmountOnUnpaid: seed.unconfirmed?.dueAmountOnUnpaid ?? 'zero',
    }
    this.homeCurrency = seed.homeCurrency ?? 'GBP'
    this.#now = seed.now ?? Date.now
    this.#idleMs = (seed.sessionIdleMinutes ?? 60) * 60_000
    this.bankAccounts = [
      ...(seed.bankAccounts ?? [{ Id: 55166, AccountName: 'Current Account', Code: 1200 }]),
    ]
    this.paymentMethods = [...(seed.paymentMethods ?? [{ Id: 409844, Name: 'Credit/Debit Card' }])]
    this.nominals = [
      ...(seed.nominals ?? [
        { Code: 1200, Name: 'Current Account' },
        { Code: 4000, Name: 'Sales' },
        { Code: 9999, Name: 'Suspense' },
      ]),
    ]
    for (const customer of seed.customers ?? []) this.addCustomer(customer)
    for (const invoice of seed.invoices ?? []) this.addInvoice(invoice)
  }

  // ---- seeding and inspection -------------------------------------------------------------

  /** Creates an invoice (as if raised in KashFlow), e.g. one that appears after its payment. */
  addInvoice(seed: FakeInvoiceSeed): FakeInvoice {
    const code = seed.currency ?? this.homeCurrency
    const invoice: FakeInvoice = {
      Id: seed.id ?? (this.#ids.invoice += 1),
      Number: seed.number,
      CustomerCode: seed.customerCode ?? 'CUST01',
      CustomerName: 'Customer',
      CustomerReference: seed.reference ?? '',
      IssuedDate: `${seed.issuedDate ?? '2026-11-01'} 12:00:00`,
      DueDate: `${seed.issuedDate ?? '2026-11-01'} 12:00:00`,
      GrossAmount: seed.gross,
      NetAmount: four(seed.gross / 1.2),
      VATAmount: four(seed.gross - seed.gross / 1.2),
      Currency: {
        Code: code,
        Name: code,
        Symbol: code === 'GBP' ? '£' : code,
        ExchangeRate: seed.exchangeRate ?? 1,
      },
      PaymentLines: [],
    }
    this.invoices.set(invoice.Number, invoice)
    if (seed.omitCurrency === true) this.#currencyless.add(invoice.Number)
    else this.#currencyless.delete(invoice.Number)
    return invoice
  }

  addCustomer(customer: Record<string, unknown>): Record<string, unknown> {
    const code =
      typeof customer['Code'] === 'string' ? customer['Code'] : `CUST${(this.#ids.customer += 1)}`
    const stored = { Id: (this.#ids.customer += 1), ...customer, Code: code }
    this.customers.set(code, stored)
    return stored
  }

  /**
   * The payment lines written by bulk payments whose `Comment` (as sent) contains `text`, such as
   * a posting marker: what a test counts to prove "one line per payment", whatever
   * `unconfirmed.commentToNote` shows on the lines themselves.
   * @example expect(fake.linesSentWith('OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment')).toHaveLength(1)
   */
  linesSentWith(text: string): FakePaymentLine[] {
    const numbers = new Set(
      [...this.bulkPayments.values()]
        .filter((b) => typeof b['Comment'] === 'string' && b['Comment'].includes(text))
        .map((b) => b['Number']),
    )
    return [...this.invoices.values()]
      .flatMap((invoice) => invoice.PaymentLines)
      .filter((line) => numbers.has(line.BulkPaymentNumber))
  }

  /** The invoice as `GET /invoices/{number}` shows it, with amounts recomputed. */
  invoiceView(invoice: FakeInvoice): Record<string, unknown> {
    const paid = invoice.PaymentLines.reduce((sum, line) => sum + cents(line.Amount), 0)
    const due = cents(invoice.GrossAmount) - paid
    const { Currency, ...rest } = invoice
    return {
      ...rest,
      ...(this.#currencyless.has(invoice.Number) ? {} : { Currency }),
      GrossAmount: four(invoice.GrossAmount),
      TotalPaidAmount: four(paid / 100),
      // UNCONFIRMED: live DueAmount reads 0.00 on unpaid invoices (switch, 'zero' by default).
      DueAmount: due > 0 && this.unconfirmed.dueAmountOnUnpaid === 'zero' ? 0 : four(due / 100),
      Status: due <= 0 ? 'Paid' : 'Outstanding',
      PaidDate: due <= 0 ? (invoice.PaymentLines.at(-1)?.Date ?? null) : null,
      HomeCurrencyGrossAmount: four(invoice.GrossAmount / invoice.Currency.ExchangeRate),
      PaymentLines: invoice.PaymentLines.map((l) => ({ ...l, Amount: four(l.Amount) })),
    }
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
    return [...this.journals.values()].filter((journal) =>
      ['JournalName', 'Comment', 'Description', 'Reference'].some((field) => {
        const value = journal[field]
        return typeof value === 'string' && value.split(/\s+/).includes(marker)
      }),
    )
  }

  // ---- fault injection --------------------------------------------------------------------

  /** Serve these faults, one per request (after login), before answering normally again. */
  inject(...faults: FakeKashflowFault[]): void {
    this.#faults.push(...faults)
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
    this.#down = { from, to }
  }
  /**
   * At most `limit` requests (logins aside) in any `windowMs`; beyond that 429 with Retry-After
   * (whole seconds, at least 1) and nothing else, as pessimistic as KashFlow may be (it documents
   * no limit and no headers). `headers: true` also states the budget on every answer, as the IETF
   * draft's `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`.
   * @example fake.requestBudget(100, 1000, { headers: true })
   */
  requestBudget(limit: number, windowMs: number, options: { headers?: boolean } = {}): void {
    this.#budget = { limit, windowMs, hits: [], headers: options.headers ?? false }
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
    this.#chaos = options
  }
  clearFaults(): void {
    this.#chaos = undefined
    this.#faults = []
    this.#down = undefined
    this.#budget = undefined
  }

  // ---- the HTTP surface -------------------------------------------------------------------

  /** A web-standard fetch answering the KashFlow REST v2 paths under any base URL ending in /v2. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const path = url.pathname.replace(/^.*?\/v2\//, '').replace(/\/$/, '')
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs))
    const answered = await this.#route(request, path, url)
    const response =
      answered instanceof DroppedConnectionError ? answered : this.#withBudgetHeaders(answered)
    if (response instanceof DroppedConnectionError) {
      this.log.push({ method: request.method, path, status: 0 })
      throw response
    }
    this.log.push({ method: request.method, path, status: response.status })
    return response
  }

  /** The budget's RateLimit headers on an answer, when `requestBudget` was asked for them. */
  #withBudgetHeaders(response: Response): Response {
    const budget = this.#budget
    if (!budget?.headers) return response
    const now = this.#now()
    const live = budget.hits.filter((t) => t > now - budget.windowMs)
    const oldest = live[0]
    const reset = oldest === undefined ? 0 : Math.ceil((oldest + budget.windowMs - now) / 1000)
    const headers = new Headers(response.headers)
    headers.set('RateLimit-Limit', String(budget.limit))
    headers.set('RateLimit-Remaining', String(Math.max(0, budget.limit - live.length)))
    headers.set('RateLimit-Reset', String(reset))
    headers.set('RateLimit-Policy', `${budget.limit};w=${budget.windowMs / 1000}`)
    return new Response(response.body, { status: response.status, headers })
  }

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
    if (path === 'sessiontoken' && method === 'POST') return this.#loginStart(body)
    if (path === 'sessiontoken' && method === 'PUT') return this.#loginFinish(body)

    const now = this.#now()
    if (this.#down && now >= this.#down.from && now < this.#down.to)
      return error(503, 'ServiceUnavailable', 'KashFlow is unavailable')
    if (this.#budget) {
      this.#budget.hits = this.#budget.hits.filter((t) => t > now - this.#budget!.windowMs)
      if (this.#budget.hits.length >= this.#budget.limit) {
        const wait = Math.ceil((this.#budget.hits[0]! + this.#budget.windowMs - now) / 1000)
        return error(429, 'TooManyRequests', 'Request limit exceeded', {
          'retry-after': String(Math.max(1, wait)),
        })
      }
      this.#budget.hits.push(now)
    }

    const auth = request.headers.get('authorization') ?? ''
    const token = /^KfToken (.+)$/.exec(auth)?.[1]
    const lastUsed = token === undefined ? undefined : this.#sessions.get(token)
    if (token !== undefined && path === `sessiontoken/${token}` && method === 'DELETE') {
      this.#sessions.delete(token)
      return new Response(null, { status: 204 })
    }
    if (token === undefined || lastUsed === undefined || now - lastUsed > this.#idleMs) {
      if (token !== undefined) this.#sessions.delete(token)
      return error(401, 'InvalidSessionToken', 'Session token provided is invalid.')
    }
    this.#sessions.set(token, now)

    const write = method !== 'GET'
    if (this.#faults.length === 0 && this.#chaos) {
      const random = this.#chaos.random ?? Math.random
      if (random() < this.#chaos.probability) {
        const kind = this.#chaos.kinds[Math.floor(random() * this.#chaos.kinds.length)]
        if (kind && (kind.kind !== 'commit-then-drop' || write)) this.#faults.push(kind)
      }
    }
    const fault = this.#faults[0]
    if (fault && (fault.kind !== 'commit-then-drop' || write)) {
      this.#faults.shift()
      if (fault.kind === 'status')
        return error(fault.status, 'ServerError', 'Injected failure', fault.headers ?? {})
      if (fault.kind === 'rate-limit')
        return error(429, 'TooManyRequests', 'Slow down', { 'retry-after': fault.retryAfter })
      if (fault.kind === 'sql-timeout') {
        return error(
          400,
          '-2146232060',
          'Execution Timeout Expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.',
        )
      }
      const applied = this.#resource(method, path, url, body)
      return applied.status < 300 ? new DroppedConnectionError() : applied
    }
    return this.#resource(method, path, url, body)
  }

  #loginStart(body: unknown): Response {
    const b = (body ?? {}) as Record<string, unknown>
    // Model binding is case-insensitive (CappyTech/KashFlowAPI-CRON-ts src/kashflow/auth.ts sends
    // lower-case names and logs in): accept UserName or username.
    const username = b['UserName'] ?? b['username']
    const password = b['Password'] ?? b['password']
    if (username !== this.user.username || password !== this.user.password) {
      return error(
        400,
        'InvalidCredentials',
        'The username/password is invalid. invalid username/password',
      )
    }
    const length = this.user.memorableWord.length
    const positions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
      .filter((p) => p <= length)
      .sort(() => Math.random() - 0.5)
      .slice(0, 3)
      .sort((a, b) => a - b)
    const temporary = randomUUID()
    this.#temporary.set(temporary, { positions })
    return json(201, {
      TemporaryToken: temporary,
      MemorableWordList: positions.map((Position) => ({ Position, Value: '' })),
      HasTemporaryPassword: this.user.temporaryPassword ?? false,
      IsAdmin: true,
      PackageName: 'Business',
      SubscriptionExpired: this.user.subscriptionExpired ?? false,
      IsLockedOut: this.user.locked ?? false,
      KeepUserLoggedIn: false,
    })
  }

  #loginFinish(body: unknown): Response {
    const b = (body ?? {}) as {
      TemporaryToken?: string
      MemorableWordList?: { Position: number; Value: string }[]
    }
    const pending =
      b.TemporaryToken === undefined ? undefined : this.#temporary.get(b.TemporaryToken)
    if (!pending)
      return error(401, 'InvalidTemporaryToken', 'Temporary token is invalid or expired.')
    this.#temporary.delete(b.TemporaryToken!)
    if (this.user.locked) return error(401, 'AccountLocked', 'User account is locked.')
    const given = new Map((b.MemorableWordList ?? []).map((c) => [c.Position, c.Value]))
    const correct = pending.positions.every(
      (p) =>
        (given.get(p) ?? '').toLowerCase() === (this.user.memorableWord[p - 1] ?? '').toLowerCase(),
    )
    if (!correct)
      return error(401, 'InvalidMemorableWord', 'The memorable word characters are incorrect.')
    const token = randomUUID().toUpperCase()
    this.#sessions.set(token, this.#now())
    this.logins += 1
    return json(200, {
      SessionToken: token,
      CompanyName: 'Example Ltd',
      IsAdmin: true,
      SubscriptionExpired: false,
      HasTemporaryPassword: false,
    })
  }

  /** Expires every session now (as 60 idle minutes would). */
  expireSessions(): void {
    this.#sessions.clear()
  }

  #resource(method: string, path: string, url: URL, body: unknown): Response {
    const parts = path.split('/')
    const q = url.searchParams
    if (parts[0] === 'invoices') {
      if (parts[1] === 'bulk' && parts[2] === 'payments') {
        if (parts.length === 3 && method === 'POST') return this.#bulkPayment(body)
        if (parts.length === 4) return this.#bulkPaymentByNumber(method, Number(parts[3]))
      }
      if (parts.length === 1 && method === 'POST') return this.#createInvoice(body)
      if (parts.length === 1 && method === 'GET') {
        let rows = [...this.invoices.values()]
        const code = q.get('customercode')
        if (code) rows = rows.filter((i) => i.CustomerCode === code)
        const text = q.get('searchtext')
        if (text) {
          // UNCONFIRMED whether searchtext reaches CustomerReference (switch).
          const reference = this.unconfirmed.searchTextSearchesCustomerReference
          rows = rows.filter(
            (i) =>
              String(i.Number).includes(text) || (reference && i.CustomerReference.includes(text)),
          )
        }
        // issuedatefrom / issuedateto: inclusive calendar days (YYYY-MM-DD).
        const from = q.get('issuedatefrom')
        if (from) rows = rows.filter((i) => i.IssuedDate.slice(0, 10) >= from.slice(0, 10))
        const to = q.get('issuedateto')
        if (to) rows = rows.filter((i) => i.IssuedDate.slice(0, 10) <= to.slice(0, 10))
        return this.#page(
          rows.map((i) => ({ ...this.invoiceView(i), PaymentLines: null })),
          q,
          'invoices',
        )
      }
      const number = Number(parts[1])
      const invoice = this.invoices.get(number)
      if (parts.length === 2 && method === 'GET') {
        return invoice
          ? json(200, this.invoiceView(invoice))
          : error(404, 'NotFound', 'InvoiceID not found')
      }
    }
    if (
      parts[0] === 'internal' &&
      parts[1] === 'invoices' &&
      parts[3] === 'payments' &&
      parts[5] === 'unallocate' &&
      method === 'POST'
    ) {
      const invoice = this.invoices.get(Number(parts[2]))
      const id = Number(parts[4])
      if (!invoice || !invoice.PaymentLines.some((l) => l.Id === id))
        return error(404, 'NotFound', 'Payment not found')
      invoice.PaymentLines = invoice.PaymentLines.filter((l) => l.Id !== id)
      return json(200, { Id: id })
    }
    if (path === 'settings/customerandsupplier' && method === 'GET') return this.#settings()
    if (parts[0] === 'customers') return this.#customers(method, parts, q, body)
    if (parts[0] === 'journals') return this.#journals(method, parts, q, body)
    if (path === 'bankaccounts' && method === 'GET') return json(200, this.bankAccounts)
    if (path === 'paymentmethods/invoice' && method === 'GET') return json(200, this.paymentMethods)
    if (path === 'currencies' && method === 'GET') {
      return json(200, [
        {
          Id: 1,
          Code: 'GBP',
          Name: 'British Pounds',
          Symbol: '£',
          ExchangeRate: 1,
          IsDefault: true,
        },
      ])
    }
    if (path === 'nominals' && method === 'GET')
      return json(
        200,
        this.nominals.map((n, i) => ({ Id: i + 1, ...n })),
      )
    return error(404, 'NotFound', `No resource at /${path}`)
  }

  #page(rows: unknown[], q: URLSearchParams, path: string): Response {
    const page = Math.max(1, Number(q.get('page') ?? '1'))
    const perpage = Number(q.get('perpage') ?? '50')
    if (perpage > 100 && q.get('skipperpagevalidation') !== 'true') {
      return error(400, 'InvalidPerPage', 'Maximum allowed records per page are 100')
    }
    const data = rows.slice((page - 1) * perpage, page * perpage)
    const more = page * perpage < rows.length
    return json(200, {
      MetaData: {
        TotalRecords: rows.length,
        NextPageUrl: more
          ? `https://api.kashflow.com/v2/${path}?page=${page + 1}&perpage=${perpage}`
          : null,
        PreviousPageUrl: null,
      },
      Data: data,
    })
  }

  /**
   * `POST /invoices`: `CustomerCode` (required) must name a customer; the next free `Number` is
   * assigned unless one is given; `NetAmount` is the sum of `Quantity × Rate` (each line rounded
   * to the penny), `VATAmount` the sum of the lines' `VATAmount`. Answers 200 `{}` or, with
   * `unconfirmed.invoiceCreateReturnsBody`, 201 with the detail.
   */
  #createInvoice(body: unknown): Response {
    const b = (body ?? {}) as Record<string, unknown>
    const code = typeof b['CustomerCode'] === 'string' ? b['CustomerCode'] : ''
    if (code === '') return error(400, 'ValidationError', 'The CustomerCode field is required.')
    const customer = this.customers.get(code)
    if (!customer) return error(400, 'ValidationError', `Customer ${code} does not exist`)
    const items = Array.isArray(b['LineItems']) ? (b['LineItems'] as Record<string, unknown>[]) : []
    let net = 0
    let vat = 0
    for (const item of items) {
      const quantity = item['Quantity']
      const rate = item['Rate']
      const lineVat = item['VATAmount'] ?? 0
      if (typeof quantity !== 'number' || typeof rate !== 'number' || typeof lineVat !== 'number')
        return error(400, 'ValidationError', 'Each line needs a numeric Quantity and Rate')
      if (
        item['NominalCode'] !== undefined &&
        !this.nominals.some((n) => n.Code === item['NominalCode'])
      )
        return error(
          400,
          'ValidationError',
          `Nominal code ${JSON.stringify(item['NominalCode'])} does not exist`,
        )
      net += Math.round(quantity * rate * 100)
      vat += cents(lineVat)
    }
    const taken = typeof b['Number'] === 'number' && this.invoices.has(b['Number'])
    if (taken) return error(400, 'ValidationError', 'Invoice number already exists')
    const number =
      typeof b['Number'] === 'number' ? b['Number'] : Math.max(0, ...[...this.invoices.keys()]) + 1
    const currency = (b['Currency'] ?? {}) as { Code?: unknown; ExchangeRate?: unknown }
    const currencyCode = typeof currency.Code === 'string' ? currency.Code : this.homeCurrency
    const issued = typeof b['IssuedDate'] === 'string' ? b['IssuedDate'].slice(0, 10) : '2026-11-01'
    const due = typeof b['DueDate'] === 'string' ? b['DueDate'].slice(0, 10) : issued
    const invoice = this.addInvoice({
      number,
      customerCode: code,
      gross: (net + vat) / 100,
      currency: currencyCode,
      exchangeRate: typeof currency.ExchangeRate === 'number' ? currency.ExchangeRate : 1,
      issuedDate: issued,
      reference: typeof b['CustomerReference'] === 'string' ? b['CustomerReference'] : '',
    })
    invoice.CustomerName = typeof customer['Name'] === 'string' ? customer['Name'] : code
    invoice.DueDate = `${due} 12:00:00`
    invoice.NetAmount = four(net / 100)
    invoice.VATAmount = four(vat / 100)
    invoice.LineItems = items.map((item, i) => ({ Number: i + 1, ...item }))
    return this.unconfirmed.invoiceCreateReturnsBody
      ? json(201, this.invoiceView(invoice))
      : json(200, {})
  }

  #settings(): Response {
    const code = this.homeCurrency
    return json(200, {
      CompanyName: 'Example Ltd',
      BusinessType: 1,
      AccountingType: 1,
      DateFormat: 'dd/MM/yyyy',
      VATRegistered: true,
      HomeCurrency: {
        Name: code,
        Symbol: code === 'GBP' ? '£' : code,
        DisplaySymbolOnRight: false,
        Code: code,
        ExchangeRate: 1,
      },
      PaymentTerms: { Type: 'Days', Days: 30 },
    })
  }

  #bulkPayment(body: unknown): Response {
    const b = this.#known((body ?? {}) as Record<string, unknown>, BULK_FIELDS)
    const items = Array.isArray(b['PaymentItems'])
      ? (b['PaymentItems'] as unknown[]).map((item) =>
          this.#known((item ?? {}) as Record<string, unknown>, BULK_ITEM_FIELDS),
        )
      : undefined
    if (!items || items.length === 0)
      return error(400, 'ValidationError', 'PaymentItems is required')
    if (!this.bankAccounts.some((a) => a.Id === b['AccountId']))
      return error(400, 'ValidationError', 'Invalid bank account')
    if (!this.paymentMethods.some((m) => m.Id === b['Method']))
      return error(400, 'ValidationError', 'Invalid payment method')
    const date = typeof b['Date'] === 'string' ? b['Date'] : ''
    if (!/^\d{4}-\d{2}-\d{2}/.test(date)) return error(400, 'ValidationError', 'Date is invalid')
    for (const item of items) {
      const invoice = this.invoices.get(Number(item['ObjectNumber']))
      if (!invoice || invoice.Id !== item['Id'])
        return error(404, 'NotFound', 'InvoiceID not found')
      const amount = item['Amount']
      if (
        typeof amount !== 'number' ||
        !Number.isFinite(amount) ||
        Math.abs(amount * 100 - Math.round(amount * 100)) > 1e-6
      ) {
        return error(
          400,
          'ValidationError',
          'Amount must be a number with at most 2 decimal places',
        )
      }
      if (amount < 0 && this.unconfirmed.negativeBulkAmounts === 'refused')
        return error(400, 'ValidationError', 'Amount must be greater than zero')
    }
    const number = (this.#ids.bulk += 1)
    for (const item of items) {
      const invoice = this.invoices.get(Number(item['ObjectNumber']))!
      invoice.PaymentLines.push({
        Id: (this.#ids.payment += 1),
        Date: `${(typeof item['PaidDate'] === 'string' ? item['PaidDate'] : date).slice(0, 10)} 12:00:00`,
        Amount: item['Amount'] as number,
        Method: b['Method'] as number,
        AccountId: b['AccountId'] as number,
        // UNCONFIRMED: whether the bulk Comment shows as each line's Note (switch commentToNote).
        Note:
          this.unconfirmed.commentToNote && typeof b['Comment'] === 'string' ? b['Comment'] : '',
        Reference: '',
        // Kept only when unknown fields are kept: the public bulk item schema has no such field.
        IsExternalRefund: item['IsExternalRefund'] === true,
        BulkId: number,
        BulkPaymentNumber: number,
      })
    }
    const stored = {
      Number: number,
      Date: date,
      AccountId: b['AccountId'],
      Method: b['Method'],
      Comment: b['Comment'],
      Reconciled: false,
      PaymentItems: items,
    }
    this.bulkPayments.set(number, stored)
    return json(200, stored)
  }

  /** `GET` and `DELETE /invoices/bulk/payments/{number}` (deleting removes its invoice lines). */
  #bulkPaymentByNumber(method: string, number: number): Response {
    const stored = this.bulkPayments.get(number)
    if (!stored) return error(404, 'NotFound', 'Bulk payment not found')
    if (method === 'GET') return json(200, stored)
    if (method === 'DELETE') {
      this.bulkPayments.delete(number)
      for (const invoice of this.invoices.values())
        invoice.PaymentLines = invoice.PaymentLines.filter((l) => l.BulkPaymentNumber !== number)
      return json(200, {})
    }
    return error(405, 'MethodNotAllowed', 'Method not allowed')
  }

  /** The fields of `body` the public schema has, when `dropUnknownFields` is on. */
  #known(body: Record<string, unknown>, fields: ReadonlySet<string>): Record<string, unknown> {
    if (!this.unconfirmed.dropUnknownFields) return body
    return Object.fromEntries(Object.entries(body).filter(([key]) => fields.has(key)))
  }

  #customers(method: string, parts: string[], q: URLSearchParams, body: unknown): Response {
    if (parts[1] === 'search' && method === 'GET') {
      const by = q.get('searchBy')
      const text = (q.get('searchText') ?? '').toLowerCase()
      const hits = [...this.customers.values()].filter((c) => {
        if (by === 'email') {
          // UNCONFIRMED whether KashFlow matches exact or "contains" (switch, 'contains' by default).
          const exact = this.unconfirmed.customerSearchMatch === 'exact'
          return ((c['Contacts'] as { Email?: string }[] | undefined) ?? []).some((x) => {
            const email = (x.Email ?? '').toLowerCase()
            return exact ? email === text : text !== '' && email.includes(text)
          })
        }
        if (by === 'code') return String(c['Code']).toLowerCase() === text
        return (typeof c['Name'] === 'string' ? c['Name'] : '').toLowerCase().includes(text)
      })
      return json(
        200,
        hits.map((c) => ({ key: c['Id'], value: c['Name'] ?? c['Code'] })),
      )
    }
    if (parts.length === 1 && method === 'GET') {
      return this.#page(
        [...this.customers.values()].map((c) => ({
          Id: c['Id'],
          Code: c['Code'],
          Name: c['Name'],
        })),
        q,
        'customers',
      )
    }
    if (parts.length === 1 && method === 'POST') {
      const b = { ...((body ?? {}) as Record<string, unknown>) }
      let code = typeof b['Code'] === 'string' && b['Code'] !== '' ? b['Code'] : undefined
      if (code && this.customers.has(code)) {
        if (b['CreateCustomerCodeIfDuplicate'] !== true)
          return error(400, 'DuplicateCode', 'Customer code already exists')
        code = `${code}${this.customers.size + 1}`
      }
      if (!b['Name'] && b['CreateCustomerNameIfEmptyOrNull'] !== true)
        return error(400, 'ValidationError', 'Name is required')
      delete b['CreateCustomerCodeIfDuplicate']
      delete b['CreateCustomerNameIfEmptyOrNull']
      const stored = this.addCustomer({
        ...b,
        ...(code ? { Code: code } : { Code: undefined }),
        Name: b['Name'] ?? 'New customer',
      })
      return json(201, stored)
    }
    const code = decodeURIComponent(parts[1] ?? '')
    const existing = this.customers.get(code)
    if (!existing) return error(404, 'NotFound', 'Customer not found')
    if (method === 'GET') return json(200, existing)
    if (method === 'PUT') {
      const b = (body ?? {}) as Record<string, unknown>
      // PUT replaces the customer (fields omitted are cleared), which is why the client merges first.
      const stored = {
        ...b,
        Id: existing['Id'],
        Code: typeof b['Code'] === 'string' ? b['Code'] : code,
      }
      this.customers.delete(code)
      this.customers.set(String(stored.Code), stored)
      return json(stored.Code === code ? 200 : 201, stored)
    }
    return error(405, 'MethodNotAllowed', 'Method not allowed')
  }

  #journals(method: string, parts: string[], q: URLSearchParams, body: unknown): Response {
    const live = this.unconfirmed.journalShape === 'live'
    if (parts.length === 1 && method === 'GET') {
      const all = [...this.journals.values()]
      // Live rows carry no lines (they exist only on the detail); the documented list has them.
      const rows = live ? all.map(({ LineItems: _lines, ...row }) => row) : all
      return this.#page(rows, q, 'journals')
    }
    if (parts.length === 1 && method === 'POST')
      return live ? this.#createLiveJournal(body) : this.#createDocumentedJournal(body)
    const journal = this.journals.get(Number(parts[1]))
    return journal && method === 'GET'
      ? json(200, journal)
      : error(404, 'NotFound', 'Journal not found')
  }

  /**
   * `POST /journals` in the live field family (the client's best guess; UNCONFIRMED):
   * `{ JournalDate, JournalName, Comment, Category, ExcludedFromProfitAndLoss, LineItems[{
   * NominalCode, Debit, Credit, Comment }] }`, stored as a live row plus `LineItems`, misread as
   * `unconfirmed.journalBodyMisread` says.
   */
  #createLiveJournal(body: unknown): Response {
    const b = this.#known((body ?? {}) as Record<string, unknown>, JOURNAL_FIELDS)
    const date = typeof b['JournalDate'] === 'string' ? b['JournalDate'] : ''
    if (!/^\d{4}-\d{2}-\d{2}/.test(date))
      return error(400, 'ValidationError', 'The JournalDate field is required.')
    const items = b['LineItems']
    if (!Array.isArray(items) || items.length < 2)
      return error(400, 'ValidationError', 'The LineItems field is required.')
    let debits = 0
    let credits = 0
    const lines: Record<string, unknown>[] = []
    for (const item of items as Record<string, unknown>[]) {
      const line = this.#known(item ?? {}, JOURNAL_LINE_FIELDS)
      if (!this.nominals.some((n) => n.Code === line['NominalCode']))
        return error(
          400,
          'ValidationError',
          `Nominal code ${String(line['NominalCode'])} does not exist`,
        )
      const debit = line['Debit'] ?? 0
      const credit = line['Credit'] ?? 0
      if (
        typeof debit !== 'number' ||
        typeof credit !== 'number' ||
        debit < 0 ||
        credit < 0 ||
        debit > 0 === credit > 0
      )
        return error(400, 'ValidationError', 'Each line needs a Debit or a Credit')
      debits += cents(debit)
      credits += cents(credit)
      const swapped = this.unconfirmed.journalBodyMisread === 'sides-swapped'
      lines.push({
        Id: 0,
        NominalCode: line['NominalCode'],
        Comment: typeof line['Comment'] === 'string' ? line['Comment'] : '',
        Debit: swapped ? credit : debit,
        Credit: swapped ? debit : credit,
        ProjectNumber: 0,
      })
    }
    if (debits !== credits) return error(400, 'ValidationError', 'Debits and credits must balance')
    const number = (this.#ids.journal += 1)
    const name = typeof b['JournalName'] === 'string' ? b['JournalName'] : ''
    const stored = {
      Number: number,
      JournalName: this.unconfirmed.journalBodyMisread === 'name-dropped' ? '' : name,
      JournalDate: `${date.slice(0, 10)}T12:00:00`,
      Comment: typeof b['Comment'] === 'string' ? b['Comment'] : '',
      TotalAmount: debits / 100,
      Category: typeof b['Category'] === 'number' ? b['Category'] : 0,
      CategoryDescription: 'StandardJournals',
      TradeBorderType: 0,
      ExcludedFromProfitAndLoss: b['ExcludedFromProfitAndLoss'] === true,
      VATReturnId: 0,
      LockedBankLines: false,
      IsTemplate: false,
      TemplateName: null,
      LineItems: lines.map((line, i) => ({ ...line, Id: number * 100 + i })),
    }
    this.journals.set(number, stored)
    return json(201, stored)
  }

  /** `POST /journals` as KashFlow's journal page documents it: `{ Date, Description, Lines }`. */
  #createDocumentedJournal(body: unknown): Response {
    const b = this.#known((body ?? {}) as Record<string, unknown>, DOCUMENTED_JOURNAL_FIELDS)
    // The documented body is { Date (required), Description, Lines (required) }; the live
    // family { JournalDate, JournalName, LineItems } is refused.
    const date = typeof b['Date'] === 'string' ? b['Date'] : ''
    if (!/^\d{4}-\d{2}-\d{2}/.test(date))
      return error(400, 'ValidationError', 'The Date field is required.')
    const lines = b['Lines']
    if (!Array.isArray(lines) || lines.length < 2)
      return error(400, 'ValidationError', 'The Lines field is required.')
    let debit = 0
    let credit = 0
    for (const line of lines as Record<string, unknown>[]) {
      if (!this.nominals.some((n) => n.Code === line['NominalCode']))
        return error(
          400,
          'ValidationError',
          `Nominal code ${String(line['NominalCode'])} does not exist`,
        )
      const amount = line['Amount']
      if (typeof amount !== 'number' || !(amount > 0) || typeof line['Debit'] !== 'boolean')
        return error(400, 'ValidationError', 'Each line needs a positive Amount and Debit')
      if (line['Debit']) debit += cents(amount)
      else credit += cents(amount)
    }
    if (debit !== credit) return error(400, 'ValidationError', 'Debits and credits must balance')
    const number = (this.#ids.journal += 1)
    const swapped = this.unconfirmed.journalBodyMisread === 'sides-swapped'
    const stored = {
      Id: number + 900_000,
      Number: number,
      Date: `${date.slice(0, 10)} 12:00:00`,
      Description: typeof b['Description'] === 'string' ? b['Description'] : '',
      Lines: (lines as Record<string, unknown>[]).map((line, i) => ({
        Id: number * 100 + i,
        NominalCode: line['NominalCode'],
        Description: typeof line['Description'] === 'string' ? line['Description'] : '',
        Amount: line['Amount'],
        Debit: swapped ? !line['Debit'] : line['Debit'],
      })),
    }
    this.journals.set(number, stored)
    return json(201, stored)
  }
}

// The request fields of KashFlow's published swagger (`POST /{objectType}/bulk/payments`) and
// API page (`POST /journals`); with `dropUnknownFields` the fake keeps only these.
const BULK_FIELDS: ReadonlySet<string> = new Set([
  'Number',
  'Date',
  'Comment',
  'AccountId',
  'Method',
  'Reconciled',
  'BankReconciliationId',
  'resetBankReconciliation',
  'PaymentItems',
  'ExportDetails',
  'BFSTransactionId',
  'DoesCustomersHaveEmail',
  'DoesSuppliersHaveEmail',
])
const BULK_ITEM_FIELDS: ReadonlySet<string> = new Set([
  'Id',
  'Amount',
  'PaidDate',
  'ObjectNumber',
  'ContactName',
  'ContactCode',
  'ContactId',
  'ContactReference',
  'ObjectIssuedDate',
  'VATReturnId',
  'EmailAddress',
  'ObjectDueDate',
  'resetBankReconciliation',
])
// `POST /journals` in the live field family: the journal template's fields
// (`Journals_CreateTemplateJournal`) with the list rows' `JournalName`/`JournalDate`/`Comment`.
const JOURNAL_FIELDS: ReadonlySet<string> = new Set([
  'Number',
  'JournalDate',
  'JournalName',
  'Comment',
  'Category',
  'ExcludedFromProfitAndLoss',
  'TradeBorderType',
  'LineItems',
])
const JOURNAL_LINE_FIELDS: ReadonlySet<string> = new Set([
  'Id',
  'NominalCode',
  'Comment',
  'Debit',
  'Credit',
  'ProjectNumber',
  'Disallowed',
])
// KashFlow's journal page (`journalShape: 'documented'`).
const DOCUMENTED_JOURNAL_FIELDS: ReadonlySet<string> = new Set(['Date', 'Description', 'Lines'])

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

function error(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return json(status, { Error: code, Message: message }, headers)
}
