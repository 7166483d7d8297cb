import { InvalidArgumentError, normaliseTransactionId, toSecret } from '@opayo-kashflow/core'
import type { CanonicalCustomer, Money, Secret } from '@opayo-kashflow/core'
import { RegistrationTrustSchema } from '@opayo-kashflow/opayo'
import type { OpayoPiClient, OpayoReportingClient, OpayoServerClient } from '@opayo-kashflow/opayo'
import { SyncConfigError, createSyncEngine } from '@opayo-kashflow/sync'
import type {
  HintConfirmation,
  PaymentHint,
  RegistrationRecord,
  SyncEngine,
  SyncEngineOptions,
} from '@opayo-kashflow/sync'
import { DEFAULT_BODY_LIMIT_BYTES, bearerMatches, json, methodNotAllowed } from './http.js'
import { createPull } from './pull.js'
import { createHintRoutes } from './hint-routes.js'
import { createNotificationRoute, createReplyCarrier, fillTemplate } from './notification-route.js'
import { createAdminRoutes } from './admin-routes.js'
import type { Reconciliation } from './reconcile.js'
import { adminGate, createPageTokens } from './admin-guard.js'
import { customerFromRegistration } from './registration-customer.js'
import { hintConfirmer } from './confirmation.js'
import { createHealthMonitor } from './health.js'
import type { HealthOptions, HealthReason } from './health.js'
import { bindMetrics, createServiceMetrics, pendingHintCounter } from './metrics.js'
import { watchAlerts } from './alert-watch.js'
import type { ServiceAlertOptions } from './alert-watch.js'
import type { ServiceMetrics } from './metrics.js'
import type { RateBudget, RateBudgetOptions } from '@opayo-kashflow/kashflow'

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

/**
 * A registration's trust fields checked by opayo's RegistrationTrustSchema (the rules
 * `registrations import` applies too) before it is stored: never a value in the message.
 */
const checkedRegistration = (operation: string, record: RegistrationRecord): RegistrationRecord => {
  const checked = RegistrationTrustSchema.safeParse(record)
  if (checked.success) return record
  throw new InvalidArgumentError(
    `${operation}: not stored: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  )
}

/**
 * The sync service: the engine plus Opayo's ways in. Money moves only on a Server notification
 * signed with the SecurityKey of a stored registration (amount, currency and type from that
 * registration) or on what the service itself read from Opayo. Form returns and Pi hand-overs
 * are hints: stored, then confirmed with Opayo by a worker; nothing they carry is posted.
 * @throws {SyncConfigError} when a Form password is set without a Reporting client
 * @example
 * const service = createSyncService({ ...engineOptions, opayo: { vendorName, server, reporting }, redirectUrl })
 * await listen(service.handler, { port: 8080 }) // from @opayo-kashflow/service/node
 * service.start()
 */
export function createSyncService(options: SyncServiceOptions): SyncService {
  const store = options.store
  const reporting = options.opayo.reporting
  const pi = options.opayo.pi
  if (options.opayo.formPassword !== undefined && !reporting)
    throw new SyncConfigError(
      'A Form password is set but no Reporting client: Form returns carry no signature and are confirmed through the Reporting API. Configure opayo.reporting (CLI: opayo.reportingUser and OPAYO_KASHFLOW_REPORTING_PASSWORD), or remove the Form password.',
    )
  const formPassword =
    options.opayo.formPassword === undefined ? undefined : toSecret(options.opayo.formPassword)
  const handoverToken =
    options.handoverToken === undefined ? undefined : toSecret(options.handoverToken)
  const adminToken = options.adminToken === undefined ? undefined : toSecret(options.adminToken)
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  const now = () => (options.clock ?? Date).now()
  // The status page's resolve forms carry one of these; a key drawn for this process signs them.
  const pageTokens = createPageTokens({ now })
  const base = (options.basePath ?? '').replace(/\/$/, '')

  // Each notification's reply is written in the same transaction as its event (notification-route.ts).
  const carrier = createReplyCarrier(store)

  const confirmHint = hintConfirmer({
    reporting,
    pi,
    budget: options.opayo.confirmationRateBudget,
    clock: options.clock,
    sleep: options.sleep,
  })
  // The engine as handed out: its loops tracked, so `/health` knows whether any runs.
  const health = createHealthMonitor({
    engine: createSyncEngine({ ...options, store: carrier.store, confirmHint }),
    store,
    now,
    logger: options.logger,
    sleep: options.sleep,
    options: options.health,
  })
  const engine = health.engine
  const metrics = options.metrics ?? createServiceMetrics()

  /** Why money is not moving (503 reasons), with the monitor's detail. */
  const moneyMoving = async () => {
    const detail = await health.detail()
    const reasons: HealthReason[] = [
      ...(engine.paused() === undefined ? [] : (['posting_paused'] as const)),
      ...detail.reasons,
    ]
    return { ...detail, reasons }
  }
  const record = bindMetrics(metrics, {
    counts: async () => (await store.stats()).counts,
    health: moneyMoving,
    pendingHints: pendingHintCounter(store, now),
  })
  engine.on('*', record.event)
  const alerts = options.alerts
    ? watchAlerts({
        options: options.alerts,
        engine,
        health: async () => (await moneyMoving()).reasons,
        logger: options.logger,
      })
    : undefined

  // --- signed Server notifications (notification-route.ts) ------------------------------------
  const notifyRoute = createNotificationRoute({
    store,
    engine,
    carrier,
    vendorName: options.opayo.vendorName,
    redirectUrl: options.redirectUrl,
    bodyLimit,
    now,
    logger: options.logger,
    onEvent(event) {
      if (event.type === 'accepted') health.acknowledged()
      record.notification(
        event.type === 'rejected' ? (event.reply === 'ERROR' ? 'error' : 'invalid') : event.type,
      )
    },
    acknowledged: (seconds) => record.acknowledged(seconds),
  })

  // --- hints: Form returns and Pi hand-overs (hint-routes.ts) ------------------------------
  const hints = createHintRoutes({
    engine,
    store,
    formPassword,
    handoverToken,
    formRedirect: options.formRedirectUrl ?? fillTemplate(options.redirectUrl, {}),
    bodyLimit,
    now,
    logger: options.logger,
  })

  // --- health, metrics and the admin pages (admin-routes.ts) ---------------------------------
  const admin = createAdminRoutes({
    engine,
    store,
    metrics,
    moneyMoving,
    references: options.references,
    title: options.title,
    base,
    pageTokens,
    bodyLimit,
    now,
  })

  /** The route below `basePath`; undefined for a path outside it. */
  const routeOf = (request: Request): string | undefined => {
    const path = new URL(request.url).pathname
    if (!base) return path
    if (path !== base && !path.startsWith(`${base}/`)) return undefined
    return path.slice(base.length) || '/'
  }

  async function guarded(
    request: Request,
    serve: (route: string) => Promise<Response | undefined>,
  ): Promise<Response> {
    const route = routeOf(request)
    try {
      return (
        (route === undefined ? undefined : await serve(route)) ??
        json(404, { error: 'No such route.' })
      )
    } catch (error) {
      options.logger?.error?.('service route failed', {
        route,
        error: (error as Error).message,
      })
      return json(500, { error: 'Internal error' })
    }
  }

  async function handler(request: Request): Promise<Response> {
    return guarded(request, async (route) => {
      if (route === '/opayo/notify') return notifyRoute(request)
      if (route === '/opayo/form-return') return hints.formReturn(request)
      if (route === '/pi/transactions' && pi && handoverToken) return hints.piHandover(request)
      if (route === '/health/live') {
        if (request.method !== 'GET') return methodNotAllowed('GET')
        // Liveness only: the process answers. For a balancer's check; /health says whether money
        // moves, which every instance shares (KashFlow, the store) and so must not drop them all.
        return json(200, { status: 'ok' })
      }
      if (route === '/health') return admin.health(request)
      if (route === '/admin' || route === '/admin/health' || route === '/metrics') {
        if (!adminToken || !bearerMatches(request, adminToken))
          return json(404, { error: 'No such route.' })
        return admin.route(route, request, false)
      }
      return undefined
    })
  }

  async function adminHandler(request: Request): Promise<Response> {
    // Before any route, GET too: a rebound browser page must not even read the status page.
    const refused = adminGate(request, { adminToken })
    if (refused) return refused
    return guarded(request, (route) =>
      // The resolve form posts only here, on the admin listener (see admin-resolve.ts).
      route === '/admin/resolve'
        ? admin.resolve(request)
        : admin.route(route === '/' ? '/admin' : route, request, true),
    )
  }

  // --- registrations ----------------------------------------------------------------------------
  async function registerServerTransaction(input: ServerTransactionInput) {
    if (!options.opayo.server)
      throw new SyncConfigError(
        'registerServerTransaction needs opayo.server (createOpayoServerClient).',
      )
    const { customer: given, invoiceReference, ...request } = input
    const registered = await options.opayo.server.register(request)
    // Without a customer of the caller's, the one Opayo was given (billing details and email).
    const customer = given ?? customerFromRegistration(request)
    const record = checkedRegistration('registerServerTransaction', {
      vendorTxCode: registered.vendorTxCode,
      securityKey: registered.securityKey.reveal(),
      amount: registered.amount.amount,
      currency: registered.amount.currency,
      txType: registered.txType,
      vpsTxId: normaliseTransactionId(registered.vpsTxId),
      ...(customer ? { customer } : {}),
      ...(invoiceReference ? { invoiceReference } : {}),
      // The order as sent, for create-invoice's invoice lines (docs/matching.md).
      ...(request.basket ? { basket: request.basket } : {}),
      ...(request.basketXml ? { basketXml: request.basketXml } : {}),
      createdAt: now(),
    })
    const outcome = await store.saveRegistration(record)
    if (outcome === 'conflict')
      throw new SyncConfigError(
        `VendorTxCode ${request.vendorTxCode} is already registered with different details: use a new VendorTxCode per attempt.`,
      )
    return { nextUrl: registered.nextUrl, vpsTxId: registered.vpsTxId }
  }

  async function recordFormTransaction(input: FormTransactionInput) {
    const record = checkedRegistration('recordFormTransaction', {
      vendorTxCode: input.vendorTxCode,
      // Form transactions have no SecurityKey: this record can never verify a notification.
      securityKey: '',
      amount: input.amount.amount,
      currency: input.amount.currency,
      txType: input.txType ?? 'PAYMENT',
      ...(input.customer ? { customer: input.customer } : {}),
      ...(input.invoiceReference ? { invoiceReference: input.invoiceReference } : {}),
      createdAt: now(),
    })
    return store.saveRegistration(record)
  }

  const pull = createPull({
    reporting,
    engine,
    store,
    kashflow: options.kashflow,
    references: options.references,
    settlement: options.settlement !== undefined,
    poll: options.poll,
    logger: options.logger,
    now,
  })

  return {
    engine,
    handler,
    adminHandler,
    registerServerTransaction,
    recordFormTransaction,
    confirmHint,
    backfill: pull.backfill,
    reconcile: pull.reconcile,
    poll: pull.poll,
    start(input: { readonly concurrency?: number } = {}): void {
      engine.start(input)
      alerts?.start()
      pull.start()
    },
    async stop(): Promise<void> {
      pull.stop()
      await hints.settled()
      await engine.stop()
      await alerts?.stop()
    },
  }
}
