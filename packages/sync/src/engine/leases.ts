// Leases, from the engine's side: each worker loop claims under its own id, renews what it holds
// while it works, and drops an event whose lease another loop or worker has taken over.
import type { Store } from '../store/store.js'

/**
 * The store says this loop no longer holds an event's lease: it expired and another loop or
 * worker claimed the event (or it was released). Internal: `processEvent` drops the event on it
 * (no KashFlow write, no transition, no attempt spent); the new holder carries on from the ledger.
 * @example
 * const worker = 'web-1/1'
 * const id = 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment'
 * const now = Date.now()
 * const kept = await store.heartbeat({ worker, ids: [id], now, until: now + 30_000 })
 * if (!kept.includes(id)) throw new LeaseLostError(id, worker)
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError'
  readonly code = 'lease_lost'
  constructor(
    readonly eventId: string,
    readonly worker: string,
  ) {
    super(
      `Worker ${worker} no longer holds the lease on event ${eventId} (it expired and was taken over, or was released); dropping it: no write, no transition. If this happens often, raise leaseMs.`,
    )
  }
}

/**
 * Whether `error` is a {@link LeaseLostError} (by name too, so two copies of the package agree).
 * @example if (isLeaseLost(error)) return // someone else has it now
 */
export const isLeaseLost = (error: unknown): error is LeaseLostError =>
  error instanceof LeaseLostError ||
  (error instanceof Error && error.name === 'LeaseLostError' && 'eventId' in error)

/** Renews one loop's claims in the background; see {@link keepLeases}. */
export interface LeaseKeeper {
  /** Stops renewing this event (finished or dropped). */
  forget(id: string): void
  /** True once a renewal found this event's lease lost. */
  lost(id: string): boolean
  /** Stops renewing and waits for a renewal in flight. Idempotent. */
  stop(): Promise<void>
}

/**
 * Renews `ids` for `worker` every `intervalMs` (the engine uses a third of the lease), each time
 * until `now() + leaseMs`, until each is forgotten or found lost, or `stop()`. It runs on its own
 * timer, so renewals go on whatever the loop is awaiting (a KashFlow write, a client waiting out
 * a Retry-After, Opayo confirming a hint). The timer is a real, unref'd `setTimeout`: an injected
 * `sleep` may resolve at once (tests) and can be neither cancelled nor unref'd; the lease's end
 * is computed from the injected clock, as every other time the store sees.
 * @example
 * const leaseMs = 30_000
 * const keeper = keepLeases({
 *   store,
 *   worker: 'web-1/1',
 *   ids: ['opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment'],
 *   leaseMs,
 *   intervalMs: leaseMs / 3,
 *   now: Date.now,
 *   onError: (failure) => logger.warn('lease renewal failed', failure),
 * })
 * // ... post the event, then:
 * await keeper.stop()
 */
export function keepLeases(input: {
  readonly store: Store
  readonly worker: string
  readonly ids: readonly string[]
  readonly leaseMs: number
  readonly intervalMs: number
  readonly now: () => number
  readonly onError: (error: unknown) => void
}): LeaseKeeper {
  const held = new Set(input.ids)
  const lost = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: Promise<void> | undefined
  let stopped = false

  const renew = async () => {
    if (held.size === 0) return
    const ids = [...held]
    const at = input.now()
    const kept = new Set(
      await input.store.heartbeat({
        worker: input.worker,
        ids,
        now: at,
        until: at + input.leaseMs,
      }),
    )
    // An id forgotten while the heartbeat was in flight (its transition released the claim) is
    // finished, not lost.
    for (const id of ids) if (!kept.has(id) && held.delete(id)) lost.add(id)
  }
  const arm = () => {
    timer = setTimeout(() => {
      timer = undefined
      inFlight = renew()
        .catch(input.onError)
        .finally(() => {
          inFlight = undefined
          if (!stopped) arm()
        })
    }, input.intervalMs)
    timer.unref?.()
  }
  arm()

  return {
    forget(id) {
      held.delete(id)
    },
    lost: (id) => lost.has(id),
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = undefined
      await inFlight
    },
  }
}
