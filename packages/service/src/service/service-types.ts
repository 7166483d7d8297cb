// The sync service's public types: its options, what it is, and the inputs of its registration
// methods. createSyncService (service.ts) wires the modules that implement them.
import type { CanonicalCustomer, Money, Secret } from '@opayo-kashflow/core'
import type { RateBudget, RateBudgetOptions } from '@opayo-kashflow/kashflow'
import type { OpayoPiClient, OpayoReportingClient, OpayoServerClient } from '@opayo-kashflow/opayo'
import type {
  HintConfirmation,
  PaymentHint,
  SyncEngine,
  SyncEngineOptions,
  SyncLogger,
} from '@opayo-kashflow/sync'
import type { ServiceAlertOptions } from './alert-watch.js'
import type { HealthOptions } from './health.js'
import type { ServiceMetrics } from './metrics.js'
import type { Reconciliation } from './reconcile.js'

export interface SyncServiceOptions extends Omit<SyncEngineOptions, 'confirmHint'> {
  readonly opayo: {
    /** Your Opayo vendor name. */
    readonly vendorName: string
    /**
     * Server integration client (`createOpayoServerClient`): `registerServerTransaction`
     * registers with Opayo and stores the registration (SecurityKey, amount, currency, type)
     * before the shopper is sent to Opayo. @default none
     */
    readonly server?: OpayoServerClient
    /**
     * Form integration password. Needs `reporting`: a Form return is only a hint, confirmed
     * through the Reporting API before anything posts. @default none (the route answers 404)
     */
    readonly formPassword?: string | Secret
    /**
     * Reporting client: confirms Form returns (and hand-overs without an amount), polls,
     * backfills and reconciles.
     */
    readonly reporting?: OpayoReportingClient
    /** Pi client: hand-overs are re-read from Opayo with `GET /transactions/{id}`. */
    readonly pi?: OpayoPiClient
    /**
     * The pace of the Reporting reads that confirm hints: at most `limit` in any `windowMs`, or
     * one `RateBudget` (e.g. `postgresRateBudget`, to share it between workers). Each read is one
     * request (no client retries: the confirmation schedule retries). Opayo publishes no limit.
     * @default REPORTING_UNCONFIRMED.confirmationRateBudget: { limit: 2, windowMs: 1000 }, per process
     */
    readonly confirmationRateBudget?: RateBudget | RateBudgetOptions
  }
  /**
   * Bearer token your app sends to `POST /pi/transactions`. The route exists only when this and
   * `opayo.pi` are both set. @default none (no hand-over route)
   */
  readonly handoverToken?: string | Secret
  /**
   * Bearer token for the admin routes (`GET /admin`, `GET /admin/health`) on `handler`. Without
   * it they are served only by `adminHandler`, which you bind to a loopback listener. With it,
   * `adminHandler` also serves a listener bound beyond loopback, to requests that carry it.
   * @default none
   */
  readonly adminToken?: string | Secret
  /** Largest request body a route reads, in bytes; larger ones are answered 413. @default 65536 */
  readonly bodyLimitBytes?: number
  /** Where Opayo sends the shopper after a notification; `{vendorTxCode}` is replaced. */
  readonly redirectUrl: string
  /**
   * Where a Form return sends the shopper, the same for every crypt (the reply never depends on
   * what the crypt holds); the return's own query parameters other than `crypt` are appended.
   * @default redirectUrl without its placeholders
   */
  readonly formRedirectUrl?: string
  /** Reporting poll: every `intervalMs` over the trailing `windowMs`. `false` turns it off. @default { intervalMs: 15 min, windowMs: 48 h } */
  readonly poll?: { readonly intervalMs?: number; readonly windowMs?: number } | false
  /** Path prefix of every route. @default '' */
  readonly basePath?: string
  /** Title of the status page. @default 'opayo-kashflow' */
  readonly title?: string
  /**
   * When `/health` turns degraded because money stopped moving (see {@link HealthOptions}):
   * no worker loop, a due event older than 15 min, KashFlow refusing for 10 min.
   * @default {} (those defaults)
   */
  readonly health?: HealthOptions
  /**
   * The metrics `GET /metrics` serves (Prometheus text, on the admin listener, and on `handler`
   * with `adminToken`). Make them with `createServiceMetrics({ rateBudget })` to pass the same
   * ones to the clients (`fetch: metrics.instrumentFetch('kashflow')`), so vendor requests and
   * the rate budget are counted too.
   * @default the service's own (events, health, hints and acknowledgements; no vendor requests)
   */
  readonly metrics?: ServiceMetrics
  /**
   * A webhook told (a JSON POST, see `AlertMessage`) when an event is dead-lettered and when
   * `/health` turns degraded or recovers (checked every `healthIntervalMs` while started).
   * Sending never blocks the engine: retried, rate-limited, dropped and counted beyond the limit.
   * @default none
   */
  readonly alerts?: ServiceAlertOptions
}

/** What `registerServerTransaction` takes: the registration call's input plus what KashFlow needs. */
export type ServerTransactionInput = Parameters<OpayoServerClient['register']>[0] & {
  /**
   * The customer, for customer upserts, custom fields and create-invoice.
   * @default the billing contact and customerEmail sent to Opayo
   */
  readonly customer?: CanonicalCustomer
  /** Where the invoice number is read from, if not the VendorTxCode. @default the VendorTxCode */
  readonly invoiceReference?: string
}

/** A Form transaction you are about to send to Opayo: recorded so its return can be recognised. */
export interface FormTransactionInput {
  readonly vendorTxCode: string
  readonly amount: Money
  /** @default 'PAYMENT' */
  readonly txType?: 'PAYMENT' | 'DEFERRED' | 'AUTHENTICATE'
  readonly customer?: CanonicalCustomer
  readonly invoiceReference?: string
}

/** The sync service: the engine plus Opayo's ways in, with its trust rules built in. */
export interface SyncService {
  readonly engine: SyncEngine
  /**
   * `(Request) => Promise<Response>` for the public routes: `POST /opayo/notify`,
   * `GET /opayo/form-return`, `POST /pi/transactions` (when configured), `GET /health`,
   * `GET /health/live` (the process answers), and the
   * admin routes when `adminToken` is set.
   */
  readonly handler: (request: Request) => Promise<Response>
  /**
   * The paths `handler` answers as this service is configured, with `basePath` (e.g.
   * `['/opayo/notify', '/health', '/health/live']`): a framework adapter claims these and passes
   * every other request on to the app.
   */
  readonly routes: readonly string[]
  /** The `logger` the service was given (the framework adapters log through it too). */
  readonly logger: SyncLogger | undefined
  /**
   * The admin routes (`GET /admin`, `GET /admin/health`, `POST /admin/resolve`): bind it to
   * loopback with `listen`. It answers only requests whose `Host` is one of its own loopback names
   * with its port (421 otherwise), read from the request's URL, which `listen` builds from the
   * bound address. On any other address, or called in-process with a URL that is not a loopback
   * address, it answers only `Authorization: Bearer <adminToken>` (401 otherwise, and always
   * without `adminToken`). The resolve form also needs the status page's page token.
   */
  readonly adminHandler: (request: Request) => Promise<Response>
  /**
   * Registers a Server transaction with Opayo and stores the registration durably before
   * returning Opayo's NextURL: send the shopper there.
   */
  registerServerTransaction(
    input: ServerTransactionInput,
  ): Promise<{ readonly nextUrl: string; readonly vpsTxId: string }>
  /** Records a Form transaction before you send its crypt to Opayo. */
  recordFormTransaction(input: FormTransactionInput): Promise<'created' | 'duplicate' | 'conflict'>
  /** Confirms a hint with Opayo (what the engine calls): Reporting, or Pi for hand-overs. */
  confirmHint(hint: PaymentHint): Promise<HintConfirmation>
  backfill(input: {
    from: Date
    to: Date
    onProgress?: (done: number) => void
  }): Promise<{ seen: number; received: number; duplicates: number; invalid: number }>
  reconcile(input: { from: Date; to: Date }): Promise<Reconciliation>
  /** One Reporting poll over the trailing window. */
  poll(): ReturnType<SyncService['backfill']>
  /** Starts the worker loop and the Reporting poller. */
  start(input?: { readonly concurrency?: number }): void
  /** Stops the poller and the workers, and waits for Form returns being recorded. */
  stop(): Promise<void>
}
