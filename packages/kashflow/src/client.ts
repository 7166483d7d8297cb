import { InvalidArgumentError, isCurrencyCode, toSecret } from '@opayo-kashflow/core'
import type { CurrencyCode, Secret } from '@opayo-kashflow/core'
import { createRateBudget, sleep as defaultSleep } from '@opayo-kashflow/http-core'
import type { RateBudget, RateBudgetOptions } from '@opayo-kashflow/http-core'
import type { Hooks } from 'ky'
import { rateClock } from './internal/rate-clock.js'
import { KashflowTransport } from './internal/transport.js'
import type {
  KashflowLogger,
  KashflowRetryOptions,
  WriteThrottleOptions,
} from './internal/transport.js'
import { bankTransactionsResource } from './resources/bank-transactions.js'
import { creditNotesResource } from './resources/credit-notes.js'
import { customersResource } from './resources/customers.js'
import { invoicePaymentsResource } from './resources/invoice-payments.js'
import { invoicesResource } from './resources/invoices.js'
import { journalsResource } from './resources/journals.js'
import { lookupResources } from './resources/lookups.js'
import { settingsResource } from './resources/settings.js'
import type { BankTransactionsResource } from './resources/bank-transactions.js'
import type { CreditNotesResource } from './resources/credit-notes.js'
import type { CustomersResource } from './resources/customers.js'
import type { InvoicePaymentsResource } from './resources/invoice-payments.js'
import type { InvoicesResource } from './resources/invoices.js'
import type { JournalsResource } from './resources/journals.js'
import type { KashflowLookups } from './resources/lookups.js'
import type { SettingsResource } from './resources/settings.js'
import { KASHFLOW_UNCONFIRMED } from './internal/unconfirmed.js'

/**
 * Options of {@link createKashflowClient}. Credentials are a string or a `Secret`; the client
 * wraps them in a `Secret` at once and reveals them only in the login request body.
 * @example
 * const options: KashflowClientOptions = {
 *   username: 'accounts@example.co.uk',
 *   password: new Secret(process.env.KASHFLOW_PASSWORD ?? ''),
 *   memorableWord: new Secret(process.env.KASHFLOW_MEMORABLE_WORD ?? ''),
 * }
 */
export interface KashflowClientOptions {
  /** The KashFlow web user's username (use a dedicated user for the integration). */
  readonly username: string | Secret
  /** The user's password: a string or a `Secret`. */
  readonly password: string | Secret
  /** The user's memorable word (a string or a `Secret`); KashFlow asks for three of its characters at each login. */
  readonly memorableWord: string | Secret
  /** @default 'https://api.kashflow.com/v2' */
  readonly baseUrl?: string
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch
  /** Milliseconds per request. @default 45000 */
  readonly timeout?: number
  /** Reads and transient failures: capped exponential backoff with jitter. @default { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000 } */
  readonly retry?: KashflowRetryOptions
  /** ky hooks, passed through. */
  readonly hooks?: Hooks
  /** Gets one debug line per request and a warning per retry; never credentials. */
  readonly logger?: KashflowLogger
  /** @default { concurrency: 4, minIntervalMs: 0 }: up to four writes in flight (the rate budget paces them) */
  readonly writeThrottle?: WriteThrottleOptions
  /**
   * The account's home currency (ISO 4217), used for invoices that carry no `Currency.Code`.
   * When set, `settings.homeCurrency()` answers it without a request.
   * @default undefined: read once from `GET /settings/customerandsupplier` (`HomeCurrency.Code`)
   */
  readonly homeCurrency?: CurrencyCode
  /**
   * The account's request budget: every request (logins too) waits for a token first, and
   * learns from 429s, Retry-After and RateLimit headers. Give `{ limit, windowMs }` for a budget
   * of this client's own, or one {@link RateBudget} to every client of the same KashFlow account
   * (`createRateBudget` in one process; `postgresRateBudget` from `@opayo-kashflow/sync/postgres`
   * across workers). KashFlow publishes no limit: the default is a guess (see
   * `KASHFLOW_UNCONFIRMED.defaultRateBudget`).
   * @default { limit: 60, windowMs: 1000 }, this client's own
   */
  readonly rateBudget?: RateBudget | RateBudgetOptions
  /** For tests: how to wait. @default setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** For tests: jitter source. @default Math.random */
  readonly random?: () => number
}

/**
 * The typed KashFlow REST client.
 * @example
 * const kashflow: KashflowClient = createKashflowClient({ ...credentials })
 */
export interface KashflowClient {
  /** Sales invoices: read, list, candidates for matching, create exactly once. */
  readonly invoices: InvoicesResource
  /** Payments on sales invoices, and the read-back that makes posting exactly once. */
  readonly invoicePayments: InvoicePaymentsResource
  /** Sales credit notes (negative invoices): create exactly once, find by marker. */
  readonly creditNotes: CreditNotesResource
  /** Customers: read, find by email, create, update, upsert. */
  readonly customers: CustomersResource
  /** Nominal journals. */
  readonly journals: JournalsResource
  /** The account settings the client needs (the home currency). */
  readonly settings: SettingsResource
  /** The lines of a bank account: read a window (the bank feed's deposits), find, record a receipt or payment. */
  readonly bankTransactions: BankTransactionsResource
  readonly bankAccounts: KashflowLookups['bankAccounts']
  readonly paymentMethods: KashflowLookups['paymentMethods']
  readonly currencies: KashflowLookups['currencies']
  readonly nominals: KashflowLookups['nominals']
  /** Ends the KashFlow session now (otherwise it expires after 60 idle minutes). */
  logout(): Promise<void>
}

function build(
  transport: KashflowTransport,
  homeCurrency: CurrencyCode | undefined,
): KashflowClient {
  const invoices = invoicesResource(transport)
  const settings = settingsResource(transport, homeCurrency)
  return {
    invoices,
    invoicePayments: invoicePaymentsResource(transport, invoices, settings),
    creditNotes: creditNotesResource(transport, invoices),
    customers: customersResource(transport),
    journals: journalsResource(transport),
    settings,
    bankTransactions: bankTransactionsResource(transport, settings),
    ...lookupResources(transport),
    logout: () => transport.logout(),
  }
}

/**
 * Creates a KashFlow REST v2 client: the two-step memorable-word login shared by concurrent
 * requests, `KfToken` auth, one re-login on an expired session, typed resources, and errors
 * that never carry credentials.
 * @throws {InvalidArgumentError} for missing credentials or a `homeCurrency` that is not an ISO 4217 code.
 * @example
 * const kashflow = createKashflowClient({ ...credentials })
 * const invoice = await kashflow.invoices.get(1042)
 */
export function createKashflowClient(options: KashflowClientOptions): KashflowClient {
  // Wrapped at once; the options object itself is not kept by the client.
  const username = toSecret(options.username)
  const password = toSecret(options.password)
  const memorableWord = toSecret(options.memorableWord)
  if (!username.reveal() || !password.reveal() || !memorableWord.reveal()) {
    throw new InvalidArgumentError(
      'createKashflowClient(): username, password and memorableWord are required.',
    )
  }
  if (options.homeCurrency !== undefined && !isCurrencyCode(options.homeCurrency)) {
    throw new InvalidArgumentError(
      `createKashflowClient(): homeCurrency must be an ISO 4217 code such as 'GBP', got "${String(options.homeCurrency)}".`,
    )
  }
  const budget = options.rateBudget
  if (budget !== undefined && !isRateBudget(budget)) checkBudgetOptions(budget)
  const clock = rateClock(options.sleep ?? defaultSleep)
  const rateBudget = isRateBudget(budget)
    ? budget
    : createRateBudget({
        ...(budget ?? KASHFLOW_UNCONFIRMED.defaultRateBudget),
        now: clock.now,
        sleep: clock.timer,
      })
  const transport = new KashflowTransport({
    baseUrl: (options.baseUrl ?? 'https://api.kashflow.com/v2').replace(/\/$/, ''),
    username,
    password,
    memorableWord,
    timeout: options.timeout ?? 45_000,
    fetch: options.fetch,
    retry: options.retry,
    hooks: options.hooks,
    logger: options.logger,
    writeThrottle: options.writeThrottle,
    sleep: clock.sleep,
    now: clock.now,
    random: options.random,
    rateBudget,
  })
  return build(transport, options.homeCurrency)
}

const isRateBudget = (b: RateBudget | RateBudgetOptions | undefined): b is RateBudget =>
  typeof (b as Partial<RateBudget> | undefined)?.take === 'function' &&
  typeof (b as Partial<RateBudget> | undefined)?.learn === 'function'

function checkBudgetOptions(b: RateBudgetOptions): void {
  const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0
  if (!ok(b.limit) || !ok(b.windowMs))
    throw new InvalidArgumentError(
      `createKashflowClient(): rateBudget needs a positive limit and windowMs (e.g. { limit: 100, windowMs: 1000 }) or a RateBudget, got limit ${String(b.limit)} per ${String(b.windowMs)} ms.`,
    )
}
