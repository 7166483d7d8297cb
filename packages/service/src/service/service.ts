import { InvalidArgumentError, normaliseTransactionId, toSecret } from '@opayo-kashflow/core'
import { RegistrationTrustSchema } from '@opayo-kashflow/opayo'
import { SyncConfigError, createSyncEngine } from '@opayo-kashflow/sync'
import type { RegistrationRecord } from '@opayo-kashflow/sync'
import {
  DEFAULT_BODY_LIMIT_BYTES,
  bearerMatches,
  json,
  methodNotAllowed,
  publicRoutes,
} from './http.js'
import { createPull } from './pull.js'
import { createHintRoutes } from './hint-routes.js'
import { createNotificationRoute, createReplyCarrier, fillTemplate } from './notification-route.js'
import { createAdminRoutes } from './admin-routes.js'
import { adminGate, createPageTokens } from './admin-guard.js'
import { customerFromRegistration } from './registration-customer.js'
import { hintConfirmer } from './confirmation.js'
import { createHealthMonitor } from './health.js'
import type { HealthReason } from './health.js'
import type {
  FormTransactionInput,
  ServerTransactionInput,
  SyncService,
  SyncServiceOptions,
} from './service-types.js'
import { bindMetrics, createServiceMetrics, pendingHintCounter } from './metrics.js'
import { watchAlerts } from './alert-watch.js'

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
 * const server = createOpayoServerClient({ vendorName: 'myshop' })
 * const service = createSyncService({ store, kashflow, rules, references, opayo: { vendorName: 'myshop', server, reporting }, redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}' })
 * service.start()
 * const response = await service.handler(request) // or serve it: listen() from @opayo-kashflow/service/node
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
    routes: publicRoutes(base, { formPassword, pi, handoverToken, adminToken }),
    logger: options.logger,
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
