import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_SCHEDULE, decideFailure } from '../src/index.js'
import type { FailureCause, FailureInput } from '../src/index.js'

const schedule = {
  ...DEFAULT_RETRY_SCHEDULE,
  delaysMs: [10, 20],
  notFoundDelaysMs: [100, 200],
  confirmDelaysMs: [1_000],
  pauseAfterConsecutiveFailures: 3,
}
const decide = (cause: FailureCause, input: Partial<FailureInput> = {}) =>
  decideFailure({ cause, attempts: 0, consecutiveFailures: 0, schedule, now: 5_000, ...input })

describe('the failure policy', () => {
  it('schedules a retryable failure on the retry schedule, spending an attempt', () => {
    expect(decide({ kind: 'retryable' }, { attempts: 1 })).toEqual({
      state: 'waiting',
      cause: 'retryable',
      attempts: 2,
      nextAttemptAt: 5_020,
      outcome: 'retry scheduled',
      pause: undefined,
      consecutiveFailures: 1,
    })
  })

  it('dead-letters a journal shape that did not verify at once, without pausing or spending the schedule', () => {
    expect(
      decide({ kind: 'journal-shape-unverified', message: 'sides differ' }, { attempts: 0 }),
    ).toEqual({
      state: 'dead',
      reason: 'journal_shape_unverified',
      attempts: 1,
      outcome: 'journal shape unverified: sides differ',
      pause: undefined,
      consecutiveFailures: 0,
    })
  })

  it('dead-letters a retryable failure as retries_exhausted once the schedule is spent', () => {
    expect(decide({ kind: 'retryable' }, { attempts: 2 })).toEqual({
      state: 'dead',
      reason: 'retries_exhausted',
      attempts: 3,
      outcome: 'retries exhausted',
      pause: undefined,
      consecutiveFailures: 1,
    })
  })

  it('pauses posting when retryable failures in a row reach the threshold, dead or not', () => {
    expect(decide({ kind: 'retryable' }, { consecutiveFailures: 1 }).pause).toBeUndefined()
    expect(decide({ kind: 'retryable' }, { consecutiveFailures: 2 })).toMatchObject({
      state: 'waiting',
      pause: 'kashflow_unavailable',
      consecutiveFailures: 3,
    })
    expect(decide({ kind: 'retryable' }, { attempts: 2, consecutiveFailures: 2 })).toMatchObject({
      state: 'dead',
      pause: 'kashflow_unavailable',
      consecutiveFailures: 3,
    })
  })

  it('waits out a rate limit for the time asked, without spending an attempt or counting a failure', () => {
    expect(
      decide({ kind: 'rate-limited', waitMs: 7_000 }, { attempts: 2, consecutiveFailures: 2 }),
    ).toEqual({
      state: 'waiting',
      cause: 'rate-limited',
      attempts: 2,
      nextAttemptAt: 12_000,
      outcome: 'rate limited',
      pause: undefined,
      consecutiveFailures: 2,
    })
  })

  it('pauses for an authentication failure, the event due at once and its attempt unspent', () => {
    expect(decide({ kind: 'authentication' }, { attempts: 1, consecutiveFailures: 1 })).toEqual({
      state: 'waiting',
      cause: 'authentication',
      attempts: 1,
      nextAttemptAt: 5_000,
      outcome: 'paused: authentication',
      pause: 'authentication',
      consecutiveFailures: 1,
    })
  })

  it('dead-letters a permanent failure at once as kashflow_rejected', () => {
    expect(decide({ kind: 'permanent' }, { attempts: 0, consecutiveFailures: 2 })).toEqual({
      state: 'dead',
      reason: 'kashflow_rejected',
      attempts: 1,
      outcome: 'permanent failure',
      pause: undefined,
      consecutiveFailures: 2,
    })
  })

  it('dead-letters several candidate lines at once as needs_review', () => {
    expect(decide({ kind: 'needs-review' }, { attempts: 3 })).toEqual({
      state: 'dead',
      reason: 'needs_review',
      attempts: 4,
      outcome: 'needs review: several candidate lines',
      pause: undefined,
      consecutiveFailures: 0,
    })
  })

  it('defers a missing invoice on the not-found schedule, then dead-letters it as invoice_not_found', () => {
    expect(decide({ kind: 'deferred' }, { attempts: 1 })).toEqual({
      state: 'waiting',
      cause: 'deferred',
      attempts: 2,
      nextAttemptAt: 5_200,
      outcome: 'deferred: invoice not found',
      pause: undefined,
      consecutiveFailures: 0,
    })
    expect(decide({ kind: 'deferred' }, { attempts: 2 })).toEqual({
      state: 'dead',
      reason: 'invoice_not_found',
      attempts: 3,
      outcome: 'invoice not found, schedule exhausted',
      pause: undefined,
      consecutiveFailures: 0,
    })
  })

  it('asks Opayo again about a hint on the confirmation schedule, then dead-letters it as unconfirmed', () => {
    const cause = { kind: 'unconfirmed', message: 'still in progress' } as const
    expect(decide(cause)).toEqual({
      state: 'waiting',
      cause: 'unconfirmed',
      attempts: 1,
      nextAttemptAt: 6_000,
      outcome: 'unconfirmed: still in progress',
      pause: undefined,
      consecutiveFailures: 0,
    })
    expect(decide(cause, { attempts: 1 })).toMatchObject({
      state: 'dead',
      reason: 'unconfirmed',
      attempts: 2,
      outcome: 'unconfirmed, schedule exhausted',
    })
  })

  it('dead-letters a hint at once when there is no confirmation schedule (no way to ask Opayo)', () => {
    expect(
      decide(
        { kind: 'unconfirmed', message: 'no confirmHint' },
        { schedule: { ...schedule, confirmDelaysMs: [] } },
      ),
    ).toMatchObject({ state: 'dead', reason: 'unconfirmed', attempts: 1 })
  })

  it('follows the default schedule: 5 s after the first failure, dead after the eighth', () => {
    const at = (attempts: number) =>
      decideFailure({
        cause: { kind: 'retryable' },
        attempts,
        consecutiveFailures: 0,
        schedule: DEFAULT_RETRY_SCHEDULE,
        now: 0,
      })
    expect(at(0)).toMatchObject({ state: 'waiting', nextAttemptAt: 5_000 })
    expect(at(6)).toMatchObject({ state: 'waiting', nextAttemptAt: 10 * 3_600_000 })
    expect(at(7)).toMatchObject({ state: 'dead', reason: 'retries_exhausted', attempts: 8 })
  })

  it('is pure: the same input gives the same decision and the input is not changed', () => {
    const input: FailureInput = Object.freeze({
      cause: Object.freeze({ kind: 'retryable' }),
      attempts: 1,
      consecutiveFailures: 4,
      schedule: Object.freeze({ ...schedule }),
      now: 1,
    })
    expect(decideFailure(input)).toEqual(decideFailure(input))
  })
})
