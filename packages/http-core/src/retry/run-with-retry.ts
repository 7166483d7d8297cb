// The one retry loop both vendor clients run: attempt, classify the outcome, wait, give up.
// What surrounds an attempt (KashFlow's session and rate budget, Opayo's 404 after 3-D Secure)
// stays in each client, passed in as hooks; which requests and answers are retried, how long to
// wait, and what a write that may have been applied becomes are decided here, once.
import type { Sleep } from '../sleep.js'
import {
  backoffDelay,
  hasAttemptsLeft,
  isRetryableRequest,
  isRetryableStatus,
  retryDelay,
} from './retry-policy.js'
import type { HttpMethod, RetryPolicy } from './retry-policy.js'

/**
 * What a client made of one answer (a response arrived; see {@link RetryRun.classify}).
 * - `done`: the result; the loop returns it.
 * - `failed`: a non-2xx answer and the error it maps to. Retried when the request may be, the
 *   status is one the policy retries (or `transient` says the answer is), and attempts are left;
 *   for a write (never retried) a 5xx becomes `mayHaveApplied`; otherwise `error` is thrown.
 * - `again`: the client's own reason to send once more. `wait: true` waits the backoff and counts
 *   as an attempt (Opayo's brief 404 right after 3-D Secure); `wait: false` sends again at once
 *   and does not count (KashFlow's renewed session).
 * @example
 * const outcome: AttemptOutcome<string, Error> = { kind: 'failed', status: 503, error: new Error('busy') }
 */
export type AttemptOutcome<T, E extends RetryableError> =
  | { readonly kind: 'done'; readonly value: T }
  | {
      readonly kind: 'failed'
      readonly status: number
      readonly error: E
      /** Retry this answer although its status is not in the policy (KashFlow's SQL timeout). */
      readonly transient?: boolean
    }
  | { readonly kind: 'again'; readonly wait: boolean }

/**
 * An error a failed answer maps to: the server's Retry-After, when it sent one, is waited
 * instead of the backoff.
 * @example
 * const error: RetryableError = Object.assign(new Error('HTTP 429'), { retryAfterMs: 2000 })
 */
export interface RetryableError extends Error {
  readonly retryAfterMs?: number | undefined
}

/**
 * How a write that may have been applied failed: no answer came (`cause`, what `send` threw), or
 * a 5xx did (`status`, and the `error` the client mapped it to).
 * @example
 * const describe = (f: WriteFailure<Error>) => ('status' in f ? `HTTP ${f.status}` : 'no answer')
 */
export type WriteFailure<E extends RetryableError> =
  { readonly cause: unknown } | { readonly status: number; readonly error: E }

/**
 * What the loop tells {@link RetryRun.onRetry} before it waits.
 * @example
 * const log = (e: RetryEvent) => console.warn('retry', e.attempt, e.status ?? 'no answer', e.delayMs)
 */
export interface RetryEvent {
  /** The attempt that failed, 0 for the first. */
  readonly attempt: number
  /** How long the loop waits before the next attempt, in milliseconds. */
  readonly delayMs: number
  /**
   * The status of the failed answer being retried; undefined when no answer came (network error,
   * timeout) or the client asked to send `again`.
   */
  readonly status?: number | undefined
}

/**
 * One request as the retry loop sees it: the policy, whether the request may be retried, and the
 * client's hooks. A request the policy does not retry (a write) is sent once, and a failure that
 * may have applied it (no answer, or a 5xx) is handed to `mayHaveApplied`, never retried.
 * @example
 * const policy: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * const url = 'https://api.example/things'
 * const run: RetryRun<Response, Response, RetryableError> = {
 *   policy, method: 'GET', sleep, random: Math.random,
 *   send: () => fetch(url),
 *   classify: (res) => (res.ok ? { kind: 'done', value: res } : { kind: 'failed', status: res.status, error: new Error(`HTTP ${res.status}`) }),
 *   unanswered: (cause) => new Error('no answer', { cause }),
 *   mayHaveApplied: () => new Error('may have been applied'),
 * }
 */
export interface RetryRun<R, T, E extends RetryableError> {
  /** The client's policy with the user's schedule laid over it (`resolveRetryPolicy`). */
  readonly policy: RetryPolicy
  readonly method: HttpMethod
  /** Overrides the policy's methods: true for a read sent as a POST, false for a write. */
  readonly idempotent?: boolean | undefined
  /** Aborts the waits; a request that fails after it aborted rethrows its own error, as is. */
  readonly signal?: AbortSignal | undefined
  readonly sleep: Sleep
  /** Jitter source in [0, 1). */
  readonly random: () => number
  /** Runs before each attempt, outside the failure handling (a session, a rate-budget token). */
  readonly prepare?: ((attempt: number) => Promise<void>) | undefined
  /** Sends the request once. Throws only when no answer came (network error, timeout). */
  readonly send: (attempt: number) => Promise<R>
  /** What an answer means (its errors are thrown as they are, never retried). */
  readonly classify: (answer: R, attempt: number) => AttemptOutcome<T, E>
  /** The error for a request that got no answer and is not retried; `attempts` were made. */
  readonly unanswered: (cause: unknown, attempts: number) => Error
  /** The error for a write (a request the policy does not retry) that may have been applied. */
  readonly mayHaveApplied: (failure: WriteFailure<E>) => Error
  /** Called before each wait for a retry (for logs). */
  readonly onRetry?: ((event: RetryEvent) => void) | undefined
}

/**
 * Sends a request until it succeeds or the policy gives up. A lost request (network error,
 * timeout) is retried after the backoff when the request may be retried and attempts are left;
 * a failed answer is retried after its Retry-After, or the backoff, when its status is one the
 * policy retries. A write is never retried: no answer, or a 5xx, becomes `mayHaveApplied`
 * (the server may have applied it; read back before writing again), any other failure its own
 * error. Once the signal aborts, the request's failure is rethrown as is.
 * @example
 * const policy: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * const url = 'https://api.example/things'
 * const signal = AbortSignal.timeout(30000)
 * const response = await runWithRetry({
 *   policy, method: 'GET', sleep, random: Math.random, signal,
 *   send: () => fetch(url, { signal }),
 *   classify: (res) => (res.ok ? { kind: 'done', value: res } : { kind: 'failed', status: res.status, error: new Error(`HTTP ${res.status}`) }),
 *   unanswered: (cause, attempts) => new Error(`no answer after ${attempts} attempt(s)`, { cause }),
 *   mayHaveApplied: () => new Error('may have been applied'),
 * })
 */
export async function runWithRetry<R, T, E extends RetryableError>(
  run: RetryRun<R, T, E>,
): Promise<T> {
  const { policy, signal, sleep, random } = run
  // A request the policy may not retry is a write: sent once, its ambiguous failures reported.
  const write = !isRetryableRequest(policy, run.method, run.idempotent)
  const wait = async (attempt: number, delayMs: number, status?: number) => {
    run.onRetry?.({ attempt, delayMs, status })
    await sleep(delayMs, signal)
  }
  for (let attempt = 0; ; attempt += 1) {
    const canRetry = !write && hasAttemptsLeft(policy, attempt)
    await run.prepare?.(attempt)
    let answer: R
    try {
      answer = await run.send(attempt)
    } catch (cause) {
      if (signal?.aborted) throw cause
      if (write) throw run.mayHaveApplied({ cause })
      if (canRetry) {
        await wait(attempt, backoffDelay(policy, attempt, random))
        continue
      }
      throw run.unanswered(cause, attempt + 1)
    }
    const outcome = run.classify(answer, attempt)
    if (outcome.kind === 'done') return outcome.value
    if (outcome.kind === 'again') {
      if (outcome.wait) await wait(attempt, backoffDelay(policy, attempt, random))
      else attempt -= 1
      continue
    }
    const { status, error } = outcome
    if (canRetry && (isRetryableStatus(policy, status) || outcome.transient === true)) {
      await wait(attempt, retryDelay(policy, attempt, random, error.retryAfterMs), status)
      continue
    }
    if (write && status >= 500) throw run.mayHaveApplied({ status, error })
    throw error
  }
}
