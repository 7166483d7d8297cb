// The routes an operator reads: `/health` (public: ok, or degraded with the reasons), and the
// admin routes `GET /admin` (the status page), `GET /admin/health` (the detail), `GET /metrics`
// (Prometheus text) and `POST /admin/resolve` (the status page's resolve form). Which listener
// and which token may reach each is decided by the service's handlers, not here.
import type { ReferenceParser } from '@opayo-kashflow/core'
import type { Store, SyncEngine } from '@opayo-kashflow/sync'
import { resolveRoute } from './admin-resolve.js'
import type { createPageTokens } from './admin-guard.js'
import type { HealthDetail, HealthReason } from './health.js'
import { cachedRead } from './cached-read.js'
import { json, methodNotAllowed } from './http.js'
import type { ServiceMetrics } from './metrics.js'
import { STATUS_RECENT_SHOWN, STATUS_WAITING_SHOWN, invoicesOf, statusPage } from './status-page.js'

/** Internal: the operator's routes of one service; see {@link createAdminRoutes}. */
export interface AdminRoutes {
  /** `/admin`, `/admin/health` or `/metrics` (GET); undefined for any other route. */
  readonly route: (
    route: string,
    request: Request,
    onAdminListener: boolean,
  ) => Promise<Response | undefined>
  /** `GET /health`. */
  readonly health: (request: Request) => Promise<Response>
  /** `POST /admin/resolve`, on the admin listener only. */
  readonly resolve: (request: Request) => Promise<Response>
}

/** Internal: the health, metrics and admin routes over the engine and the store. */
export function createAdminRoutes(deps: {
  readonly engine: SyncEngine
  readonly store: Store
  readonly metrics: ServiceMetrics
  /** Why money is not moving now (the 503 reasons), with the health monitor's detail. */
  readonly moneyMoving: () => Promise<Omit<HealthDetail, 'reasons'> & { reasons: HealthReason[] }>
  readonly references: ReferenceParser
  readonly title: string | undefined
  readonly base: string
  readonly pageTokens: ReturnType<typeof createPageTokens>
  readonly bodyLimit: number
  readonly now: () => number
}): AdminRoutes {
  const { engine, store, metrics, moneyMoving, references, title, base, pageTokens, now } = deps

  async function adminRoute(
    route: string,
    request: Request,
    onAdminListener: boolean,
  ): Promise<Response | undefined> {
    if (route !== '/admin' && route !== '/admin/health' && route !== '/metrics') return undefined
    if (request.method !== 'GET') return methodNotAllowed('GET')
    if (route === '/metrics')
      return new Response(await metrics.registry.metrics(), {
        headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
      })
    if (route === '/admin/health') {
      const [status, detail] = await Promise.all([engine.status(), moneyMoving()])
      return json(200, { ok: detail.reasons.length === 0, ...status, health: detail })
    }
    // Only what the page shows: each list bounded and cut by the store (list order 'latest').
    const [status, dead, waiting, recent] = await Promise.all([
      engine.status(),
      engine.deadLetters.list({ limit: 100 }),
      store.list({ states: ['waiting'], order: 'latest', limit: STATUS_WAITING_SHOWN }),
      store.list({ states: ['posted', 'skipped'], order: 'latest', limit: STATUS_RECENT_SHOWN }),
    ])
    const invoices = await invoicesOf(waiting, references, store)
    const html = statusPage({
      status,
      dead,
      waiting,
      recent,
      invoiceOf: (event) => invoices.get(event.id),
      ...(title ? { title } : {}),
      ...(onAdminListener
        ? { resolveAction: `${base}/admin/resolve`, resolveToken: pageTokens.issue() }
        : {}),
    })
    return new Response(html, {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      },
    })
  }

  const deadLettersWaiting = cachedRead(async () => (await store.stats()).counts.dead, 5_000, now)

  async function health(request: Request): Promise<Response> {
    if (request.method !== 'GET') return methodNotAllowed('GET')
    // Degraded, 503 (so a load balancer that reads only the status code notices), while
    // money stops moving: posting paused, no worker loop, a due event waiting too long,
    // KashFlow refusing for too long (health.ts). Degraded but 200 while dead letters wait
    // for a person: the service still takes notifications. The store reads behind it are
    // reused for 5 s, so the public route costs the store nothing per request.
    const stopped = (await moneyMoving()).reasons
    const reasons = [
      ...stopped,
      ...((await deadLettersWaiting()) > 0 ? (['dead_letters'] as const) : []),
    ]
    if (reasons.length === 0) return json(200, { status: 'ok' })
    return json(stopped.length === 0 ? 200 : 503, { status: 'degraded', reasons })
  }

  return {
    route: adminRoute,
    health,
    resolve: (request) =>
      resolveRoute(request, {
        deadLetters: engine.deadLetters,
        pageTokens,
        bodyLimit: deps.bodyLimit,
        back: `${base}/admin`,
      }),
  }
}
