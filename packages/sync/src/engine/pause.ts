// Pausing: after an outage or an authentication failure all posting stops, and one cheap call
// tells, now and then, whether KashFlow is back.
import type { KashflowClient } from '@opayo-kashflow/kashflow'
import type { RecordedError } from '../store/store.js'
import { recordError } from './errors.js'
import type { SyncEvent } from './events.js'
import type { RetrySchedule } from './options.js'
import type { PauseReason } from './sync-engine.js'

/** Why posting is paused, since when, and the error that paused it. */
export interface PauseState {
  readonly reason: PauseReason
  readonly since: number
  readonly error: RecordedError
}

/** Whether posting is paused, and the KashFlow failures in a row that lead to a pause. */
export interface PauseGate {
  /** Why posting is paused, since when and on which error; undefined while posting runs. */
  readonly current: () => PauseState | undefined
  /** KashFlow failures in a row (reset by a posted event, a successful probe or `resume`). */
  readonly consecutiveFailures: () => number
  /** Records the failures in a row after a failed attempt (from the failure policy). */
  readonly setConsecutiveFailures: (count: number) => void
  /** Pauses posting for `reason`; does nothing when already paused. */
  readonly pause: (reason: PauseReason, error: RecordedError) => void
  /** While paused and a probe is due, asks KashFlow once; resumes when it answers. */
  readonly probe: () => Promise<void>
  /** Resumes posting now (after an authentication pause, once the credentials are fixed). */
  readonly resume: () => void
}

/** The engine's pause state, probing KashFlow with one cheap call on the schedule's intervals. */
export function createPauseGate(deps: {
  readonly kashflow: KashflowClient
  readonly schedule: RetrySchedule
  readonly now: () => number
  readonly emit: (event: SyncEvent) => void
}): PauseGate {
  const { schedule, now, emit } = deps
  let failures = 0
  let paused:
    { reason: PauseReason; since: number; error: RecordedError; nextProbeAt: number } | undefined
  const intervalFor = (reason: PauseReason) =>
    reason === 'authentication' ? schedule.authProbeIntervalMs : schedule.probeIntervalMs

  return {
    current: () => paused && { reason: paused.reason, since: paused.since, error: paused.error },
    consecutiveFailures: () => failures,
    setConsecutiveFailures(count) {
      failures = count
    },
    pause(reason, error) {
      if (paused) return
      const at = now()
      paused = { reason, since: at, error, nextProbeAt: at + intervalFor(reason) }
      emit({ type: 'paused', reason, error })
    },
    async probe() {
      if (!paused || now() < paused.nextProbeAt) return
      try {
        await deps.kashflow.bankAccounts.list()
        paused = undefined
        failures = 0
        emit({ type: 'resumed' })
      } catch (error) {
        // resume() may have run while the probe was in flight.
        const current = paused
        if (!current) return
        paused = {
          ...current,
          error: recordError(error),
          nextProbeAt: now() + intervalFor(current.reason),
        }
      }
    },
    resume() {
      if (!paused) return
      paused = undefined
      failures = 0
      emit({ type: 'resumed' })
    },
  }
}
