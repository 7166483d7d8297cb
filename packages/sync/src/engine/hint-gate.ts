// The bound on pending hints: every hint can cost a Reporting question on each step of the
// confirmation schedule (7 over about 31 h by default), so the number waiting is capped.
import { CLAIMABLE_STATES } from '../store/store.js'
import type { Store } from '../store/store.js'
import type { SyncLogger } from './options.js'

/**
 * Pending hints (received or waiting for Opayo) the engine holds before it refuses new ones.
 * Each costs at most 7 confirmation questions over about 31 h; 1,000 keeps a flood to a day's
 * worth of questions at the confirmation budget's pace, far above any genuine backlog (a hint
 * is confirmed within minutes of its payment).
 */
export const DEFAULT_MAX_PENDING_HINTS = 1_000

/**
 * How often, at most, the pending hints are counted again from the store while the cap is
 * reached (other workers finish hints this engine never sees).
 */
const RECOUNT_INTERVAL_MS = 1_000

/** What the gate has refused, for `status().hints`. */
export interface HintGateStatus {
  /** The cap in force. */
  readonly maxPending: number
  /** Hints refused since this engine started because the cap was reached. */
  readonly refused: number
}

/** Internal: admits a new hint while fewer than the cap are pending. */
export interface HintGate {
  /**
   * True when a new hint may be stored (call `settle` once it is); false (counted, logged once
   * per crossing of the cap) when not.
   */
  admit(): Promise<boolean>
  /** An admitted hint's ingest ended: `created` when it made a new pending event. */
  settle(created: boolean): void
  status(): HintGateStatus
}

/**
 * The gate over the engine's store. The count starts from the store, then grows with each hint
 * stored here; it is read from the store again (at most once a second) whenever it says the cap
 * is reached, so hints finished since (here or by another worker) make room. A check below the
 * cap costs no store read. Hints admitted and not yet stored count too, so concurrent requests
 * cannot all slip under the cap at once.
 */
export function createHintGate(input: {
  readonly store: Store
  readonly maxPending: number
  readonly now: () => number
  readonly logger: SyncLogger | undefined
}): HintGate {
  const { store, maxPending, now, logger } = input
  let known: number | undefined
  let inFlight = 0
  let countedAt = Number.NEGATIVE_INFINITY
  let counting: Promise<number> | undefined
  let refused = 0
  let refusing = false

  // One read shared by every caller that needs it meanwhile.
  const recount = (): Promise<number> =>
    (counting ??= store
      .list({ states: CLAIMABLE_STATES })
      .then((events) => events.filter((event) => event.id.startsWith('hint:')).length)
      .finally(() => {
        counting = undefined
      }))

  return {
    async admit() {
      if (
        known === undefined ||
        (known + inFlight >= maxPending && now() - countedAt >= RECOUNT_INTERVAL_MS)
      ) {
        countedAt = now()
        known = await recount()
      }
      const pending = known + inFlight
      if (pending < maxPending) {
        inFlight += 1
        if (refusing) {
          refusing = false
          logger?.info?.('hint cap: accepting hints again', { pending, maxPending, refused })
        }
        return true
      }
      refused += 1
      if (!refusing) {
        // One line per crossing, not one per refused hint: a flood must not flood the log too.
        refusing = true
        logger?.warn?.(
          `hint cap reached: ${pending} hints wait for Opayo, the most allowed (maxPendingHints); new hints are refused until some are confirmed or dead-lettered. Genuine payments are still found by the Reporting poll.`,
          { pending, maxPending },
        )
      }
      return false
    },
    settle(created) {
      inFlight -= 1
      if (created && known !== undefined) known += 1
    },
    status: () => ({ maxPending, refused }),
  }
}
