// Whether money still moves: worker loops running, no due event left waiting too long, KashFlow
// not refusing for too long, and a warning when notifications are acknowledged but nothing runs.
import type { Store, SyncEngine, SyncEvent, SyncLogger } from '@opayo-kashflow/sync'
import { cachedRead } from './cached-read.js'

/**
 * The thresholds `/health` judges by. Every field is optional; the defaults are documented.
 * @example
 * const health: HealthOptions = { oldestDueMaxAgeMs: 30 * 60_000, kashflowRefusingMaxMs: 5 * 60_000 }
 */
export interface HealthOptions {
  /**
   * A due event (received, or waiting past its next attempt) waiting longer than this turns health
   * degraded (`oldest_due_event_too_old`). It is also how recent a direct `runOnce()`/`drain()`
   * must be to count as a running worker. @default 900000 (15 min)
   */
  readonly oldestDueMaxAgeMs?: number
  /**
   * KashFlow refusing every request (5xx, 429, network or authentication failures, a pause) for
   * longer than this, with nothing posted in between, turns health degraded
   * (`kashflow_refusing`). @default 600000 (10 min)
   */
  readonly kashflowRefusingMaxMs?: number
  /**
   * How long after the service is made (and after a notification is acknowledged) a worker may
   * take to start before `workers_not_running` and a warning in the log. @default 5000
   */
  readonly workerStartGraceMs?: number
  /**
   * False in a process whose worker loops run elsewhere (a web process beside a worker process
   * sharing the store): then no `workers_not_running`, and the oldest-due check still catches a
   * stall. @default true
   */
  readonly requireWorkers?: boolean
}

/**
 * Why `/health` is degraded. All but `dead_letters` mean money has stopped moving and answer 503.
 * @example
 * const stopped = (reason: HealthReason) => reason !== 'dead_letters'
 */
export type HealthReason =
  | 'posting_paused'
  | 'workers_not_running'
  | 'oldest_due_event_too_old'
  | 'kashflow_refusing'
  | 'dead_letters'

/**
 * The health monitor's detail, the `health` field of `/admin/health`.
 * @example
 * const late = (detail: HealthDetail) => (detail.oldestDueAgeMs ?? 0) > 15 * 60_000
 */
export interface HealthDetail {
  readonly reasons: readonly HealthReason[]
  /** `start()`'s loops are running. */
  readonly workersRunning: boolean
  /** When a direct `runOnce()`/`drain()` round last ran (epoch ms), if ever. */
  readonly lastDirectRoundAt: number | undefined
  /** How long the oldest due event has been due, or undefined when none is. */
  readonly oldestDueAgeMs: number | undefined
  /** Since when KashFlow has refused every request (epoch ms), or undefined. */
  readonly kashflowRefusingSince: number | undefined
}

/** Causes of a retry that mean KashFlow refused (or did not answer) the request. */
const REFUSED: ReadonlySet<string> = new Set(['retryable', 'rate-limited', 'authentication'])
/** States whose events a worker would claim once due. */
const QUEUED = ['received', 'waiting'] as const
/** At most this many queued events are read (oldest first) to find the oldest due one. */
const QUEUED_READ_LIMIT = 500
/** Store reads for `/health` are reused for this long. */
const CACHE_MS = 5_000

/** Internal: the service's health monitor. */
export interface HealthMonitor {
  /** The engine with its loops tracked: what the service hands out as `engine`. */
  readonly engine: SyncEngine
  /** Called for each acknowledged notification. */
  readonly acknowledged: () => void
  /** The reasons health is degraded now (without `posting_paused` and `dead_letters`). */
  readonly detail: () => Promise<Omit<HealthDetail, 'reasons'> & { reasons: HealthReason[] }>
}

/** Watches the engine's loops and events for the service's `/health`. */
export function createHealthMonitor(deps: {
  readonly engine: SyncEngine
  readonly store: Store
  readonly now: () => number
  readonly logger: SyncLogger | undefined
  readonly sleep: ((ms: number) => Promise<void>) | undefined
  readonly options: HealthOptions | undefined
}): HealthMonitor {
  const { engine, store, now, logger } = deps
  const oldestDueMaxAgeMs = deps.options?.oldestDueMaxAgeMs ?? 15 * 60_000
  const kashflowRefusingMaxMs = deps.options?.kashflowRefusingMaxMs ?? 10 * 60_000
  const graceMs = deps.options?.workerStartGraceMs ?? 5_000
  const requireWorkers = deps.options?.requireWorkers ?? true
  const createdAt = now()
  let loops = false
  let lastDirectRoundAt: number | undefined
  let refusingSince: number | undefined
  let firstAckAt: number | undefined
  let warned = false

  engine.on('*', (event: SyncEvent) => {
    if (event.type === 'posted' || event.type === 'resumed' || event.type === 'skipped')
      refusingSince = undefined
    else if (event.type === 'retry-scheduled')
      if (REFUSED.has(event.cause)) refusingSince ??= now()
      else if (event.cause === 'deferred') refusingSince = undefined
    if (event.type === 'paused') refusingSince ??= now()
  })

  const round = <T>(run: () => Promise<T>): Promise<T> => {
    lastDirectRoundAt = now()
    return run().finally(() => (lastDirectRoundAt = now()))
  }
  const tracked: SyncEngine = {
    ...engine,
    runOnce: () => round(() => engine.runOnce()),
    drain: (maxRounds) => round(() => engine.drain(maxRounds)),
    start(input) {
      loops = true
      engine.start(input)
    },
    async stop() {
      loops = false
      await engine.stop()
    },
  }

  /** `start()`'s loops run, or a direct round ran within the oldest-due threshold. */
  const running = () =>
    loops || (lastDirectRoundAt !== undefined && now() - lastDirectRoundAt <= oldestDueMaxAgeMs)

  const warnIfIdle = () => {
    if (!requireWorkers) return
    if (warned || firstAckAt === undefined || now() - firstAckAt < graceMs) return
    if (loops || (lastDirectRoundAt !== undefined && lastDirectRoundAt >= firstAckAt)) return
    warned = true
    logger?.warn?.(
      'notifications are acknowledged but no worker has started: nothing is posted to KashFlow until service.start() is called',
      { acknowledgedAt: new Date(firstAckAt).toISOString(), waitedMs: now() - firstAckAt },
    )
  }

  // When the oldest event due at the last read became due (the age grows with the clock).
  const oldestDueAt = cachedRead(
    async () => {
      const at = now()
      const events = await store.list({ states: QUEUED, limit: QUEUED_READ_LIMIT })
      const due = events.filter((e) => e.nextAttemptAt <= at).map((e) => e.nextAttemptAt)
      return due.length === 0 ? undefined : Math.min(...due)
    },
    CACHE_MS,
    now,
  )
  const oldestDueAge = async (): Promise<number | undefined> => {
    const since = await oldestDueAt()
    return since === undefined ? undefined : now() - since
  }

  return {
    engine: tracked,
    acknowledged() {
      if (firstAckAt !== undefined) return warnIfIdle()
      if (running()) return
      firstAckAt = now()
      const check = () => warnIfIdle()
      if (deps.sleep) void deps.sleep(graceMs).then(check, () => undefined)
      else setTimeout(check, graceMs).unref?.()
    },
    async detail() {
      warnIfIdle()
      const oldestDueAgeMs = await oldestDueAge()
      const reasons: HealthReason[] = []
      if (requireWorkers && !running() && now() - createdAt >= graceMs)
        reasons.push('workers_not_running')
      if (oldestDueAgeMs !== undefined && oldestDueAgeMs > oldestDueMaxAgeMs)
        reasons.push('oldest_due_event_too_old')
      if (refusingSince !== undefined && now() - refusingSince >= kashflowRefusingMaxMs)
        reasons.push('kashflow_refusing')
      return {
        reasons,
        workersRunning: loops,
        lastDirectRoundAt,
        oldestDueAgeMs,
        kashflowRefusingSince: refusingSince,
      }
    },
  }
}
