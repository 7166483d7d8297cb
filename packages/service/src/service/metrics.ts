// Numbers to alert on, in Prometheus text (prom-client): what the store holds, what the engine
// did, what KashFlow and Opayo answered and how fast, the rate budget, and the acknowledgements.
// Gauges are read at each scrape (one store read shared by all of them); counters and histograms
// are kept as things happen.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { CLAIMABLE_STATES, EVENT_STATES } from '@opayo-kashflow/sync'
import type { EventState, Store, SyncEvent } from '@opayo-kashflow/sync'
import type { RateBudget } from '@opayo-kashflow/kashflow'
import { cachedRead } from './cached-read.js'

/** The vendors a request metric is about. */
export type MetricsUpstream = 'kashflow' | 'opayo'

/**
 * The service's metrics: a prom-client `Registry` and a way to count each vendor request.
 * `GET /metrics` on the admin listener serves it (see `SyncServiceOptions.metrics`).
 * @example
 * const metrics = createServiceMetrics()
 * const text = await metrics.registry.metrics()
 */
export interface ServiceMetrics {
  /**
   * The registry holding every metric: serve it yourself or merge it into your app's own
   * (`Registry.merge([yours, metrics.registry])` from prom-client).
   */
  readonly registry: Registry
  /**
   * A `fetch` that counts and times each request it sends (every attempt, retries included) by
   * upstream, method, route (ids replaced by `:id`) and status; give it to a client's `fetch`
   * option. A request that fails before an answer is counted with status `error`.
   */
  instrumentFetch(upstream: MetricsUpstream, fetchImpl?: typeof fetch): typeof fetch
}

/**
 * Options of {@link createServiceMetrics}.
 * @example
 * const options: ServiceMetricsOptions = { rateBudget: createRateBudget({ limit: 60, windowMs: 1000 }) }
 */
export interface ServiceMetricsOptions {
  /**
   * The KashFlow rate budget the client takes from, read (`inspect()`) at each scrape for
   * `opayo_kashflow_rate_budget_*`. @default none (those gauges are absent)
   */
  readonly rateBudget?: RateBudget
}

/** What the service lets the metrics read at a scrape. Internal. */
export interface MetricsSource {
  readonly counts: () => Promise<Readonly<Record<EventState, number>>>
  /** The reasons money is not moving (`posting_paused` included) and the monitor's detail. */
  readonly health: () => Promise<{
    readonly reasons: readonly string[]
    readonly workersRunning: boolean
    readonly oldestDueAgeMs: number | undefined
  }>
  /** Hints (`hint:` events) still waiting for Opayo's answer. */
  readonly pendingHints: () => Promise<number>
}

/** What the service records as it happens. Internal. */
export interface MetricsRecorder {
  readonly event: (event: SyncEvent) => void
  readonly notification: (outcome: string) => void
  readonly acknowledged: (seconds: number) => void
}

/** Every reason `/health` can give, so each has a 0 or a 1. */
const HEALTH_REASONS = [
  'posting_paused',
  'workers_not_running',
  'oldest_due_event_too_old',
  'kashflow_refusing',
  'dead_letters',
] as const

/**
 * The engine's event types and the notification outcomes, each counted from 0 at start: a rule
 * such as `increase(...{type="posted"}[30m]) == 0` then has a series to read before the first.
 */
const EVENT_TYPES: readonly SyncEvent['type'][] = [
  'received',
  'duplicate',
  'conflict',
  'planned',
  'posted',
  'skipped',
  'retry-scheduled',
  'paused',
  'resumed',
  'dead-lettered',
]
const NOTIFICATION_OUTCOMES = ['accepted', 'duplicate', 'conflict', 'invalid', 'error'] as const

/** Distinct route labels kept per upstream; any more are counted as `other`. */
const MAX_ROUTES = 100

/** Latency buckets (seconds): vendor calls take tens of ms to tens of seconds. */
const REQUEST_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
/** Acknowledgement buckets (seconds): Opayo waits for the answer. */
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]

/**
 * A URL path as a route label: each segment that is not a plain lowercase word (an invoice
 * number, a customer code, a transaction id) becomes `:id`, and so does the segment after
 * `customers` other than `search` (a customer code may be a word).
 * @example routeLabel('/v2/invoices/1042/payments') // '/v2/invoices/:id/payments'
 */
export function routeLabel(pathname: string): string {
  const segments = pathname.split('/')
  return segments
    .map((segment, i) => {
      if (segment === '') return segment
      if (segments[i - 1] === 'customers' && segment !== 'search') return ':id'
      return /^([a-z][a-z_-]*(\.[a-z]+)?|v\d+)$/.test(segment) ? segment : ':id'
    })
    .join('/')
}

const NO_RECORDER: MetricsRecorder = {
  event: () => undefined,
  notification: () => undefined,
  acknowledged: () => undefined,
}

const binders = new WeakMap<ServiceMetrics, (source: MetricsSource) => MetricsRecorder>()

/**
 * Metrics for one sync service: pass them to `createSyncService({ metrics })` and give
 * `instrumentFetch` to the KashFlow and Opayo clients. Names start `opayo_kashflow_`; see the
 * monitoring section of the service docs for each one and example alerts.
 * @example
 * const rateBudget = createRateBudget({ limit: 60, windowMs: 1000 })
 * const metrics = createServiceMetrics({ rateBudget })
 * const kashflow = createKashflowClient({ ...credentials, rateBudget, fetch: metrics.instrumentFetch('kashflow') })
 */
export function createServiceMetrics(options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry()
  const registers = [registry]
  let source: MetricsSource | undefined
  // One read of the store per scrape, shared by the gauges that need it.
  let snapshot: (() => Promise<Snapshot>) | undefined
  const read = (): Promise<Snapshot> | undefined => {
    if (!source) return undefined
    const current = source
    snapshot ??= cachedRead(
      () =>
        Promise.all([current.counts(), current.health(), current.pendingHints()]).then(
          ([counts, health, pendingHints]) => ({ counts, health, pendingHints }),
        ),
      1_000,
      Date.now,
    )
    return snapshot()
  }

  new Gauge({
    name: 'opayo_kashflow_events',
    help: 'Events in the store, by state.',
    labelNames: ['state'],
    registers,
    async collect() {
      const s = await read()
      if (s) for (const state of EVENT_STATES) this.set({ state }, s.counts[state] ?? 0)
    },
  })
  new Gauge({
    name: 'opayo_kashflow_oldest_due_event_age_seconds',
    help: 'How long the oldest event due for work has been due (0 when none is).',
    registers,
    async collect() {
      const s = await read()
      if (s) this.set((s.health.oldestDueAgeMs ?? 0) / 1000)
    },
  })
  new Gauge({
    name: 'opayo_kashflow_health_degraded',
    help: 'Why /health is degraded: 1 for each reason in force, 0 otherwise.',
    labelNames: ['reason'],
    registers,
    async collect() {
      const s = await read()
      if (!s) return
      const now = new Set(s.health.reasons)
      if (s.counts.dead > 0) now.add('dead_letters')
      for (const reason of HEALTH_REASONS) this.set({ reason }, now.has(reason) ? 1 : 0)
    },
  })
  new Gauge({
    name: 'opayo_kashflow_workers_running',
    help: '1 while the worker loops run in this process.',
    registers,
    async collect() {
      const s = await read()
      if (s) this.set(s.health.workersRunning ? 1 : 0)
    },
  })
  new Gauge({
    name: 'opayo_kashflow_pending_hints',
    help: 'Hints (Form returns, Pi hand-overs) waiting for Opayo to confirm them.',
    registers,
    async collect() {
      const s = await read()
      if (s) this.set(s.pendingHints)
    },
  })
  const transitions = new Counter({
    name: 'opayo_kashflow_event_transitions_total',
    help: 'What the engine did, by event type (received, posted, retry-scheduled, dead-lettered, ...).',
    labelNames: ['type'],
    registers,
  })
  const deadLetters = new Counter({
    name: 'opayo_kashflow_dead_letters_total',
    help: 'Events dead-lettered (waiting for a person), by reason.',
    labelNames: ['reason'],
    registers,
  })
  const retries = new Counter({
    name: 'opayo_kashflow_retries_total',
    help: 'Retries scheduled, by cause (retryable, rate-limited, authentication, ...).',
    labelNames: ['cause'],
    registers,
  })
  const notifications = new Counter({
    name: 'opayo_kashflow_notifications_total',
    help: 'Opayo Server notifications answered, by outcome (accepted, duplicate, conflict, invalid, error).',
    labelNames: ['outcome'],
    registers,
  })
  for (const type of EVENT_TYPES) transitions.inc({ type }, 0)
  for (const outcome of NOTIFICATION_OUTCOMES) notifications.inc({ outcome }, 0)
  const ack = new Histogram({
    name: 'opayo_kashflow_notification_ack_seconds',
    help: 'From a notification read to its answer (stored first): what Opayo waits for.',
    buckets: ACK_BUCKETS,
    registers,
  })
  const requests = new Counter({
    name: 'opayo_kashflow_upstream_requests_total',
    help: 'Requests sent to KashFlow and Opayo (each attempt), by upstream, method, route and status.',
    labelNames: ['upstream', 'method', 'route', 'status'],
    registers,
  })
  const latency = new Histogram({
    name: 'opayo_kashflow_upstream_request_seconds',
    help: 'Time to the answer of each request to KashFlow and Opayo, by upstream, method, route and status.',
    labelNames: ['upstream', 'method', 'route', 'status'],
    buckets: REQUEST_BUCKETS,
    registers,
  })
  const budget = options.rateBudget
  if (budget?.inspect) {
    const inspect = budget.inspect.bind(budget)
    type Reading = Awaited<ReturnType<typeof inspect>>
    // One reading per scrape, shared by the four gauges.
    const once = cachedRead(inspect, 1_000, Date.now)
    const field = (name: string, help: string, pick: (r: Reading) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(pick(await once()))
        },
      })
    field(
      'opayo_kashflow_rate_budget_limit',
      'KashFlow requests the budget allows per window now (shrunk after a 429, grown back after quiet windows).',
      (r) => r.limit,
    )
    field(
      'opayo_kashflow_rate_budget_ceiling',
      'What the KashFlow rate budget grows back to (the configured or stated limit).',
      (r) => r.ceiling,
    )
    field(
      'opayo_kashflow_rate_budget_window_seconds',
      'The window the KashFlow rate budget counts in.',
      (r) => r.windowMs / 1000,
    )
    field(
      'opayo_kashflow_rate_budget_tokens',
      'Tokens in hand in the KashFlow rate budget (below zero: requests already waiting).',
      (r) => r.tokens,
    )
  }

  const routes = new Map<MetricsUpstream, Set<string>>()
  const routeOf = (upstream: MetricsUpstream, url: string): string => {
    let label: string
    try {
      label = routeLabel(new URL(url).pathname)
    } catch {
      return 'other'
    }
    const seen = routes.get(upstream) ?? new Set<string>()
    routes.set(upstream, seen)
    if (seen.has(label)) return label
    if (seen.size >= MAX_ROUTES) return 'other'
    seen.add(label)
    return label
  }

  const metrics: ServiceMetrics = {
    registry,
    instrumentFetch(upstream, fetchImpl) {
      return async (input, init) => {
        const url = input instanceof Request ? input.url : String(input)
        const method = (
          init?.method ?? (input instanceof Request ? input.method : 'GET')
        ).toUpperCase()
        const labels = { upstream, method, route: routeOf(upstream, url) }
        const started = performance.now()
        let status = 'error'
        try {
          // Resolved per call: a fetch patched later (msw, a test) is the one used.
          const response = await (fetchImpl ?? globalThis.fetch)(input, init)
          status = String(response.status)
          return response
        } finally {
          const all = { ...labels, status }
          requests.inc(all)
          latency.observe(all, (performance.now() - started) / 1000)
        }
      }
    },
  }
  binders.set(metrics, (given) => {
    source = given
    snapshot = undefined
    return {
      event(event) {
        transitions.inc({ type: event.type })
        if (event.type === 'dead-lettered') deadLetters.inc({ reason: event.reason })
        if (event.type === 'retry-scheduled') retries.inc({ cause: event.cause })
      },
      notification: (outcome) => notifications.inc({ outcome }),
      acknowledged: (seconds) => ack.observe(seconds),
    }
  })
  return metrics
}

interface Snapshot {
  readonly counts: Readonly<Record<EventState, number>>
  readonly health: Awaited<ReturnType<MetricsSource['health']>>
  readonly pendingHints: number
}

/**
 * Internal: connects metrics to the service that reads and records them (the last service bound
 * is the one read). Metrics not made by {@link createServiceMetrics} record nothing.
 */
export function bindMetrics(metrics: ServiceMetrics, source: MetricsSource): MetricsRecorder {
  return binders.get(metrics)?.(source) ?? NO_RECORDER
}

/** Queued events read to count the pending hints; more are not counted. */
const HINT_READ_LIMIT = 10_000
/** The pending-hint count is read again after this long. */
const HINT_READ_EVERY_MS = 30_000

/**
 * Internal: counts the hints still waiting for Opayo (`hint:` events not finished), among the
 * oldest {@link HINT_READ_LIMIT} unfinished events, reading the store at most every 30 s.
 */
export function pendingHintCounter(store: Store, now: () => number): () => Promise<number> {
  return cachedRead(
    () =>
      store
        .list({ states: CLAIMABLE_STATES, limit: HINT_READ_LIMIT })
        .then((events) => events.filter((event) => event.id.startsWith('hint:')).length),
    HINT_READ_EVERY_MS,
    now,
  )
}
