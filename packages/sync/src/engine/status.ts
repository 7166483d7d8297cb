// Status: counts per state, backlog age, pause state and recent errors; and whether all is done.
import { TERMINAL_STATES } from '../store/store.js'
import type { EventState } from '../store/store.js'
import type { EngineContext } from './context.js'
import type { SyncStatus } from './sync-engine.js'

/** The engine's `status`, from the store's stats and the engine's in-memory pause and errors. */
export async function statusOf(ctx: EngineContext): Promise<SyncStatus> {
  const stats = await ctx.store.stats()
  return {
    counts: stats.counts,
    oldestPendingAgeMs:
      stats.oldestPendingAt === undefined ? undefined : ctx.now() - stats.oldestPendingAt,
    conflicts: stats.conflicts,
    paused: ctx.gate.current(),
    lastErrors: [...ctx.lastErrors],
  }
}

/** True when every event is finished (posted, skipped, dead or discarded). */
export async function isIdle(ctx: EngineContext): Promise<boolean> {
  const stats = await ctx.store.stats()
  return Object.entries(stats.counts).every(
    ([state, n]) => n === 0 || TERMINAL_STATES.includes(state as EventState),
  )
}
