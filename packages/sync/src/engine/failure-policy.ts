// The failure policy, as a pure function: what a failed attempt does to an event. No I/O, no
// clock: the engine classifies the error, calls decideFailure, and carries out the decision.
import type { FailureClass } from './errors.js'
import type { RetrySchedule } from './options.js'
import type { PauseReason } from './sync-engine.js'

/**
 * A failure, classified: a {@link FailureClass} from `classify` (for `deferred`: the invoice is
 * not in KashFlow yet), or one of the engine's own causes.
 */
export type FailureCause =
  | FailureClass
  /**
   * A person decides: several new payment lines could be this posting, or a read-back could not
   * tell whether a write happened (`message` says which).
   */
  | { readonly kind: 'needs-review'; readonly message?: string }
  /** Opayo cannot confirm a hint (yet); `message` says why. */
  | { readonly kind: 'unconfirmed'; readonly message: string }
  /** A settlement batch cannot be planned yet (a transaction unposted, fees not imported). */
  | { readonly kind: 'settlement-wait'; readonly message: string }

/** Why an event is dead-lettered by the failure policy. */
export type FailureDeadReason =
  | 'needs_review'
  | 'invoice_not_found'
  | 'kashflow_rejected'
  | 'retries_exhausted'
  | 'unconfirmed'
  | 'settlement_incomplete'
  /** The first journal did not read back as written; journals stop (journal-verification.ts). */
  | 'journal_shape_unverified'

/** Why an event waits: each is reported as a `retry-scheduled` event except `authentication` (reported as `paused`). */
export type FailureWaitCause =
  'retryable' | 'rate-limited' | 'deferred' | 'authentication' | 'unconfirmed' | 'settlement-wait'

/** What the policy is asked about one failed attempt. */
export interface FailureInput {
  readonly cause: FailureCause
  /** Attempts the event had spent before this one. */
  readonly attempts: number
  /** KashFlow failures in a row before this one, across events (an outage pauses posting). */
  readonly consecutiveFailures: number
  /** The schedule in force; `confirmDelaysMs` is empty when hints cannot be confirmed at all. */
  readonly schedule: RetrySchedule
  /** When the attempt failed. */
  readonly now: number
}

/** Fields every decision carries. */
interface DecisionCommon {
  /** The event's attempts after this failure (unchanged when the attempt is not spent). */
  readonly attempts: number
  /** The line for the event's history. */
  readonly outcome: string
  /** Pause all posting, for this reason (the engine ignores it when already paused). */
  readonly pause: PauseReason | undefined
  /** KashFlow failures in a row after this one. */
  readonly consecutiveFailures: number
}

/** What a failed attempt does to the event: wait for another attempt, or dead-letter it. */
export type FailureDecision =
  | (DecisionCommon & {
      readonly state: 'waiting'
      readonly nextAttemptAt: number
      readonly cause: FailureWaitCause
    })
  | (DecisionCommon & { readonly state: 'dead'; readonly reason: FailureDeadReason })

/**
 * Decides what a failed attempt does (the failure table in docs/sync-engine.md): the next state,
 * the attempts spent, when to try again or why the event is dead, and whether to pause posting.
 * Pure: the same input always gives the same decision.
 * @example decideFailure({ cause: { kind: 'retryable' }, attempts: 0, consecutiveFailures: 0, schedule: DEFAULT_RETRY_SCHEDULE, now: 0 })
 * // { state: 'waiting', attempts: 1, nextAttemptAt: 5000, cause: 'retryable', outcome: 'retry scheduled', pause: undefined, consecutiveFailures: 1 }
 */
export function decideFailure(input: FailureInput): FailureDecision {
  const { cause, attempts, consecutiveFailures, schedule, now } = input
  const unchanged = { pause: undefined, consecutiveFailures }
  // One more attempt spent: wait for the next delay on `delays`, or die once it is exhausted.
  const onSchedule = (
    delays: readonly number[],
    waiting: { readonly cause: FailureWaitCause; readonly outcome: string },
    dead: { readonly reason: FailureDeadReason; readonly outcome: string },
    rest: Pick<FailureDecision, 'pause' | 'consecutiveFailures'> = unchanged,
  ): FailureDecision => {
    const delay = delays[attempts]
    return delay === undefined
      ? { state: 'dead', attempts: attempts + 1, ...dead, ...rest }
      : {
          state: 'waiting',
          attempts: attempts + 1,
          nextAttemptAt: now + delay,
          ...waiting,
          ...rest,
        }
  }
  switch (cause.kind) {
    case 'needs-review':
      return {
        state: 'dead',
        reason: 'needs_review',
        attempts: attempts + 1,
        outcome: `needs review: ${cause.message ?? 'several candidate lines'}`,
        ...unchanged,
      }
    case 'journal-shape-unverified':
      return {
        state: 'dead',
        reason: 'journal_shape_unverified',
        attempts: attempts + 1,
        outcome: `journal shape unverified: ${cause.message}`,
        ...unchanged,
      }
    case 'permanent':
      return {
        state: 'dead',
        reason: 'kashflow_rejected',
        attempts: attempts + 1,
        outcome: 'permanent failure',
        ...unchanged,
      }
    case 'rate-limited':
      // Waiting out a rate limit does not spend an attempt.
      return {
        state: 'waiting',
        cause: 'rate-limited',
        attempts,
        nextAttemptAt: now + cause.waitMs,
        outcome: 'rate limited',
        ...unchanged,
      }
    case 'authentication':
      // Nothing is wrong with the event: it waits, unspent, while posting is paused.
      return {
        state: 'waiting',
        cause: 'authentication',
        attempts,
        nextAttemptAt: now,
        outcome: 'paused: authentication',
        pause: 'authentication',
        consecutiveFailures,
      }
    case 'deferred':
      return onSchedule(
        schedule.notFoundDelaysMs,
        { cause: 'deferred', outcome: 'deferred: invoice not found' },
        { reason: 'invoice_not_found', outcome: 'invoice not found, schedule exhausted' },
      )
    case 'unconfirmed':
      return onSchedule(
        schedule.confirmDelaysMs,
        { cause: 'unconfirmed', outcome: `unconfirmed: ${cause.message}` },
        { reason: 'unconfirmed', outcome: 'unconfirmed, schedule exhausted' },
      )
    case 'settlement-wait':
      return onSchedule(
        schedule.settlementDelaysMs,
        { cause: 'settlement-wait', outcome: `waiting: ${cause.message}` },
        { reason: 'settlement_incomplete', outcome: 'settlement incomplete, schedule exhausted' },
      )
    case 'retryable': {
      // Only these count towards pausing: KashFlow itself failing, not the event's data.
      const failures = consecutiveFailures + 1
      const pause =
        failures >= schedule.pauseAfterConsecutiveFailures ? 'kashflow_unavailable' : undefined
      return onSchedule(
        schedule.delaysMs,
        { cause: 'retryable', outcome: 'retry scheduled' },
        { reason: 'retries_exhausted', outcome: 'retries exhausted' },
        { pause, consecutiveFailures: failures },
      )
    }
  }
}
