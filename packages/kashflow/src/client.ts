import { InvalidArgumentError, isCurrencyCode, toSecret } from '@opayo-kashflow/core'
import type { CurrencyCode, Secret } from '@opayo-kashflow/core'
import type { Hooks } from 'ky'
import { KashflowTransport } from './internal/transport.js'
import type {
  KashflowLogger,
  KashflowRetryOptions,
  WriteThrottleOptions,
} from './internal/transport.js'
import { customersResource } from './resources/customers.js'
import { invoicePaymentsResource } from './resources/invoice-payments.js'
import { invoicesResource } from './resources/invoices.js'
import { journalsResource } from './resources/journals.js'
import { lookupResources } from './resources/lookups.js'
import { settingsResource } from './resources/settings.js'

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
  /** @default { concurrency: 1, minIntervalMs: 0 }: one write at a time */
  readonly writeThrottle?: WriteThrottleOptions
  /**
   * The account's home currency (ISO 4217), used for invoices that carry no `Currency.Code`.
   * When set, `settings.homeCurrency()` answers it without a request.
   * @default undefined: read once from `GET /settings/customerandsupplier` (`HomeCurrency.Code`)
   */
  readonly homeCurrency?: CurrencyCode
  /** For tests: how to wait. @default setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** For tests: jitter source. @default Math.random */
  readonly random?: () => number
}

/**
 * The typed KashFlow REST client.
 * @example
 * const kashflow: KashflowClient = createKashflowClient({ username, password, memorableWord })
 */
export type KashflowClient = ReturnType<typeof build>

function build(transport: KashflowTransport, homeCurrency: CurrencyCode | undefined) {
  const invoices = invoicesResource(transport)
  const settings = settingsResource(transport, homeCurrency)
  return {
    invoices,
    invoicePayments: invoicePaymentsResource(transport, invoices, settings),
    customers: customersResource(transport),
    journals: journalsResource(transport),
    settings,
    ...lookupResources(transport),
    /** Ends the KashFlow session now (otherwise it expires after 60 idle minutes). */
    logout: () => transport.logout(),
  }
}

/**
 * Creates a KashFlow REST v2 client: the two-step memorable-word login shared by concurrent
 * requests, `KfToken` auth, one re-login on an expired session, typed resources, and errors
 * that never carry credentials.
 * @throws {InvalidArgumentError} for missing credentials or a `homeCurrency` that is not an ISO 4217 code.
 * @example
 * const kashflow = createKashflowClient({ username, password, memorableWord })
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
    sleep: options.sleep,
    random: options.random,
  })
  return build(transport, options.homeCurrency)
}
