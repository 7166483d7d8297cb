// Status: counts per state, backlog age, pause state and recent errors; and whether all is done.
import { TERMINAL_STATES } from '../store/store.js'
import type { EventState } from '../store/store.js'
import type { Store } from '../store/store.js'
import type { EngineContext } from './context.js'
import type { BacklogStatus, SyncStatus } from './sync-engine.js'

/** The part of the status the store alone knows: counts, backlog age, conflicts. */
export async function backlogOf(view: {
  readonly store: Store
  readonly now: () => number
}): Promise<BacklogStatus> {
  const stats = await view.store.stats()
  return {
    counts: stats.counts,
    oldestPendingAgeMs:
      stats.oldestPendingAt === undefined ? undefined : view.now() - stats.oldestPendingAt,
    conflicts: stats.conflicts,
  }
}

/** The engine's `status`: the backlog, plus the engine's in-memory pause state and errors. */
export async function statusOf(ctx: EngineContext): Promise<SyncStatus> {
  return {
    ...(await backlogOf(ctx)),
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
