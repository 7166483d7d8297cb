// The operator's view of a store, with no KashFlow or Opayo client: the backlog and the dead
// letters. The engine's `status`/`deadLetters` and the CLI's `status`/`dead-letters` commands
// are this same code, so a command run beside a live service reads what the service would say.
import type { Store } from '../store/store.js'
import { chargeStatementSummaries } from './charge-statements.js'
import type { ChargeStatementSummary } from './charge-statements.js'
import { createDeadLetterAdmin } from './dead-letters.js'
import { backlogOf } from './status.js'
import type { BacklogStatus, DeadLetterAdmin } from './sync-engine.js'

/** What an operator can read and do with only the store: no vendor credentials needed. */
export interface SyncAdmin {
  /** Counts per state, the age of the oldest unfinished event, conflicts recorded. */
  backlog(): Promise<BacklogStatus>
  /** List, explain, replay and discard dead letters. */
  readonly deadLetters: DeadLetterAdmin
  /** Every charge statement the engine holds and where it stands (posted, waiting and why, dead). */
  chargeStatements(): Promise<ChargeStatementSummary[]>
}

/**
 * The admin API over a store alone, for tools that run beside a service (the CLI's `status`
 * and `dead-letters` commands): the same code as a running engine's `status()` and
 * `deadLetters`, without its KashFlow client or secrets.
 * @example
 * const admin = createSyncAdmin({ store: await sqliteStore({ path: './opayo-kashflow.db' }) })
 * const { replayed } = await admin.deadLetters.replay({ reason: 'invoice_not_found' })
 */
export function createSyncAdmin(input: {
  readonly store: Store
  /** Epoch ms source (tests). @default Date */
  readonly clock?: { now(): number }
}): SyncAdmin {
  const now = () => (input.clock ?? Date).now()
  const view = { store: input.store, now }
  return {
    backlog: () => backlogOf(view),
    deadLetters: createDeadLetterAdmin(view),
    chargeStatements: () => chargeStatementSummaries(input.store),
  }
}
