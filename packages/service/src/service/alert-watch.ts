// The service's alerts: a dead-lettered event as it happens, and `/health` turning degraded or
// recovering, checked on a timer while the service is started; each sent through one
// AlertSender (alerts.ts), which never blocks the engine.
import type { SyncEngine, SyncLogger } from '@opayo-kashflow/sync'
import { createAlertSender, healthTransition } from './alerts.js'
import type { AlertMessage, AlertOptions } from './alerts.js'

/**
 * The service's `alerts` option: where alerts go and how often health is checked.
 * @example
 * const alerts: ServiceAlertOptions = { url: 'https://chat.example/hooks/payments', name: 'shop-eu', healthIntervalMs: 60_000 }
 */
export interface ServiceAlertOptions extends AlertOptions {
  /** The `service` field of each message, to tell several installations apart. @default 'opayo-kashflow' */
  readonly name?: string | undefined
  /** How often `/health` is checked for a change while the service is started. @default 30000 */
  readonly healthIntervalMs?: number | undefined
  /** For tests: the fetch that POSTs. @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined
}

/** How long `stop()` waits for alerts still queued before it lets them go. */
const STOP_FLUSH_MS = 5_000

/** Internal: the alerts of one service. */
export interface AlertWatch {
  /** Starts the health checks (the service's `start()`). */
  start(): void
  /** Stops the health checks and waits (at most 5 s) for queued alerts. */
  stop(): Promise<void>
}

/** Sends the service's alerts; see {@link ServiceAlertOptions}. */
export function watchAlerts(deps: {
  readonly options: ServiceAlertOptions
  readonly engine: SyncEngine
  /** The reasons money is not moving now (what `/health` answers 503 for). */
  readonly health: () => Promise<readonly string[]>
  readonly logger: SyncLogger | undefined
}): AlertWatch {
  const { options, engine, logger } = deps
  const sender = createAlertSender({ ...options, logger })
  const service = options.name ?? 'opayo-kashflow'
  const intervalMs = options.healthIntervalMs ?? 30_000
  const message = (
    type: AlertMessage['type'],
    summary: string,
    detail: Record<string, unknown>,
  ): AlertMessage => ({ type, at: new Date().toISOString(), service, summary, detail })

  engine.on('dead-lettered', (event) => {
    const { type: _type, ...detail } = event
    sender.send(
      message(
        'dead_lettered',
        `Payment event ${event.id} dead-lettered: ${event.reason}. It waits for a person (status page, or opayo-kashflow dead-letters).`,
        detail,
      ),
    )
  })

  let previous: readonly string[] | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let checking = false
  const check = async () => {
    if (checking) return
    checking = true
    try {
      const reasons = await deps.health()
      const change = healthTransition(previous, reasons)
      previous = reasons
      if (change === 'degraded')
        sender.send(
          message('health_degraded', `Money has stopped moving: ${reasons.join(', ')}.`, {
            reasons: [...reasons],
          }),
        )
      else if (change === 'recovered')
        sender.send(message('health_recovered', 'Money is moving again.', { reasons: [] }))
    } catch (error) {
      logger?.warn?.('alerts: health check failed', { error: (error as Error).message })
    } finally {
      checking = false
    }
  }

  return {
    start() {
      if (timer) return
      timer = setInterval(() => void check(), intervalMs)
      timer.unref?.()
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      let waited: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        sender.flush(),
        new Promise<void>((resolve) => {
          waited = setTimeout(resolve, STOP_FLUSH_MS)
          waited.unref?.()
        }),
      ])
      clearTimeout(waited)
    },
  }
}
