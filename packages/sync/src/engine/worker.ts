// The worker loop: each loop claims under its own id, one round at a time, and keeps the leases
// of what it holds until each event is done (see leases.ts).
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { recordError } from './errors.js'
import { keepLeases } from './leases.js'
import type { LeaseKeeper } from './leases.js'

/** The engine's loops: `runOnce`, `drain`, `start` and `stop` of {@link SyncEngine}. */
export interface Worker {
  readonly runOnce: () => Promise<number>
  readonly drain: (maxRounds?: number) => Promise<void>
  readonly start: (input?: { readonly concurrency?: number }) => void
  readonly stop: () => Promise<void>
}

/** Loops over the context's store, handing each claimed event to `processEvent`. */
export function createWorker(
  ctx: EngineContext,
  processEvent: (event: EventRecord) => Promise<void>,
): Worker {
  const { store, options, leaseMs, gate, now, workerId, directLoop } = ctx
  let running: Promise<void> | undefined
  let stopping = false
  // Direct runOnce()/drain() calls are one loop, `${workerId}/0`, queued one round at a time;
  // start()'s loops are `${workerId}/1` and up. Every loop's renewals are tracked for stop().
  let directRounds: Promise<unknown> = Promise.resolve()
  let startedLoops: string[] = []
  const keepers = new Set<LeaseKeeper>()

  /**
   * One round of one loop: probe if paused, otherwise claim due events as `worker` and process
   * them, renewing their leases until each is done. Returns how many were claimed.
   */
  async function round(worker: string): Promise<number> {
    if (gate.current()) {
      await gate.probe()
      if (gate.current()) return 0
    }
    const claimed = await store.claim({
      worker,
      now: now(),
      leaseMs,
      limit: options.batchSize ?? 1,
    })
    if (claimed.length === 0) return 0
    const keeper = keepLeases({
      store,
      worker,
      ids: claimed.map((e) => e.id),
      leaseMs,
      intervalMs: Math.max(1, Math.floor(leaseMs / 3)),
      now,
      onError: (error) =>
        ctx.logger?.warn?.('sync lease renewal failed', { worker, error: recordError(error) }),
    })
    keepers.add(keeper)
    try {
      for (const event of claimed) {
        if (gate.current() || stopping) {
          await store.release({ worker })
          break
        }
        // Taken over while it waited in this batch: another loop or worker has it now.
        if (keeper.lost(event.id)) continue
        try {
          await processEvent(event)
        } finally {
          keeper.forget(event.id)
        }
      }
    } finally {
      await keeper.stop()
      keepers.delete(keeper)
    }
    return claimed.length
  }

  /** One round as the direct loop (`${workerId}/0`); direct rounds run one at a time. */
  function runOnce(): Promise<number> {
    const next = directRounds.then(() => round(directLoop))
    directRounds = next.catch(() => undefined)
    return next
  }

  return {
    runOnce,
    async drain(maxRounds = 10_000) {
      for (let i = 0; i < maxRounds; i += 1) if ((await runOnce()) === 0) return
    },
    start(input = {}) {
      if (running) return
      stopping = false
      startedLoops = Array.from(
        { length: Math.max(1, input.concurrency ?? 1) },
        (_, i) => `${workerId}/${i + 1}`,
      )
      const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
      const loops = startedLoops.map(async (worker) => {
        while (!stopping) {
          const processed = await round(worker).catch((error: unknown) => {
            ctx.logger?.error?.('sync round failed', { worker, error: recordError(error) })
            return 0
          })
          if (processed === 0 && !stopping) await sleep(options.pollIntervalMs ?? 1000)
        }
      })
      running = Promise.all(loops).then(() => undefined)
    },
    async stop() {
      stopping = true
      await running
      running = undefined
      await Promise.all([...keepers].map((keeper) => keeper.stop()))
      for (const worker of [directLoop, ...startedLoops]) await store.release({ worker })
    },
  }
}
