/** The HTTP methods the clients send. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

// The one declaration of the retry option: the Opayo clients export it as `RetryOptions`, the
// KashFlow client as `KashflowRetryOptions`, and their builds inline it into their published
// declarations (`bundleHttpCore` in tsup.package.ts), so this doc is what their users read.
/**
 * How reads are retried: capped exponential backoff with jitter, Retry-After honoured. Only the
 * numbers of the schedule can be tuned, never which requests are retried: writes (KashFlow's
 * POST, PUT and DELETE, Opayo's money-moving POSTs) are never retried. The defaults are on each
 * client's `retry` option (KashFlow: 3, 1000, 30000 ms; Opayo: 3, 500, 10000 ms).
 * @example
 * const retry: RetryOptions = { limit: 5, baseDelayMs: 250, maxDelayMs: 5000 }
 */
export interface RetryOptions {
  /** Attempts after the first (`0` disables retries). */
  readonly limit?: number
  /** First back-off delay in milliseconds; doubles each attempt, with jitter. */
  readonly baseDelayMs?: number
  /** Ceiling for one back-off delay (a Retry-After is honoured even when longer). */
  readonly maxDelayMs?: number
}

/**
 * A client's retry policy, as data: the schedule and which requests and answers are retried.
 * Each client declares its own defaults; users override only the schedule (`RetryOptions`).
 */
export interface RetryPolicy {
  /** Attempts after the first. */
  readonly limit: number
  /** First back-off delay in milliseconds; doubles each attempt. */
  readonly baseDelayMs: number
  /** Ceiling for one back-off delay. */
  readonly maxDelayMs: number
  /** Methods that may be retried. Writes are never listed: a write is sent once. */
  readonly methods: readonly HttpMethod[]
  /** Response statuses that are retried (for a request that may be retried). */
  readonly statuses: readonly number[]
}

/**
 * The statuses from `first` to `last`, inclusive (`statusRange(500, 599)` for every 5xx).
 * @example statusRange(502, 504) // [502, 503, 504]
 */
export function statusRange(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i)
}

/**
 * The policy with the user's schedule laid over the client's defaults, later overrides winning.
 * Only `limit`, `baseDelayMs` and `maxDelayMs` are read from an override, so no option can make
 * a write retryable; negative or non-finite numbers keep the default.
 * @example
 * const defaults: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * resolveRetryPolicy(defaults, { limit: 5 }, { maxDelayMs: 5000 }) // limit 5, maxDelayMs 5000
 */
export function resolveRetryPolicy(
  defaults: RetryPolicy,
  ...overrides: readonly (RetryOptions | undefined)[]
): RetryPolicy {
  let { limit, baseDelayMs, maxDelayMs } = defaults
  const usable = (n: number | undefined): n is number =>
    typeof n === 'number' && Number.isFinite(n) && n >= 0
  for (const o of overrides) {
    if (usable(o?.limit)) limit = o.limit
    if (usable(o?.baseDelayMs)) baseDelayMs = o.baseDelayMs
    if (usable(o?.maxDelayMs)) maxDelayMs = o.maxDelayMs
  }
  return { ...defaults, limit, baseDelayMs, maxDelayMs }
}

/**
 * Whether a request may be retried at all. `idempotent` overrides the method list for a read
 * that is sent as a POST (Opayo's Reporting API); a write passes `false` or nothing.
 * @example
 * const policy: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * isRetryableRequest(policy, 'GET') // true with methods ['GET']
 */
export function isRetryableRequest(
  policy: RetryPolicy,
  method: HttpMethod,
  idempotent?: boolean,
): boolean {
  return idempotent ?? policy.methods.includes(method)
}

/**
 * Whether a response status is one the policy retries.
 * @example
 * const policy: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * isRetryableStatus(policy, 503)
 */
export function isRetryableStatus(policy: RetryPolicy, status: number): boolean {
  return policy.statuses.includes(status)
}

/**
 * Whether another attempt is left after `attempt` (0 for the first try).
 * @example
 * const policy: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * hasAttemptsLeft(policy, 0) // true when limit >= 1
 */
export function hasAttemptsLeft(policy: RetryPolicy, attempt: number): boolean {
  return attempt < policy.limit
}

/**
 * Capped exponential backoff with jitter: `min(maxDelayMs, baseDelayMs * 2^attempt)` scaled by a
 * factor in [0.5, 1) from `random` (which returns a number in [0, 1)), so clients that failed
 * together do not come back together.
 * @example
 * const policy: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * backoffDelay(policy, 1, () => 0.5) // 1500 with baseDelayMs 1000
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  return ceiling * (0.5 + random() / 2)
}

/**
 * How long to wait before the next attempt: the server's Retry-After when it sent one (honoured
 * even when longer than `maxDelayMs`), otherwise the backoff.
 * @example
 * const policy: RetryPolicy = { limit: 3, baseDelayMs: 1000, maxDelayMs: 30000, methods: ['GET'], statuses: statusRange(500, 599) }
 * retryDelay(policy, 2, Math.random, 5000) // 5000: the server's Retry-After wins
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  return retryAfterMs ?? backoffDelay(policy, attempt, random)
}
