// The rate budget's public face: its types declared here, so the published declarations never
// name the private http-core package whose implementation the build bundles in.
import {
  createRateBudget as coreCreateRateBudget,
  learnRate as coreLearnRate,
  newBucket as coreNewBucket,
  recoverRate as coreRecoverRate,
  recoveryDue as coreRecoveryDue,
  takeTokens as coreTakeTokens,
} from '@opayo-kashflow/http-core'

/** What a KashFlow answer said about the budget (from Retry-After and rate-limit headers). */
export interface RateSignal {
  /** The response status; 429 means the budget was exceeded. */
  readonly status: number
  /** Retry-After, in milliseconds. */
  readonly retryAfterMs?: number | undefined
  /** Requests allowed per window (RateLimit-Limit, X-RateLimit-Limit, or a policy's quota). */
  readonly limit?: number | undefined
  /** The window those requests are counted in, in milliseconds (a policy's `w`). */
  readonly windowMs?: number | undefined
  /** Requests left in the current window. */
  readonly remaining?: number | undefined
  /** Milliseconds until the current window resets. */
  readonly resetMs?: number | undefined
}

/**
 * A request budget: every request takes a token first, and every answer teaches it. Give one to
 * every client of the same KashFlow account (`rateBudget`).
 * @example
 * const budget: RateBudget = createRateBudget({ limit: 100, windowMs: 1000 })
 * const kashflow = createKashflowClient({ username, password, memorableWord, rateBudget: budget })
 */
export interface RateBudget {
  /** Waits until `n` requests (default 1) may be sent, and takes them. Rejects if `signal` aborts. */
  take(n?: number, signal?: AbortSignal): Promise<void>
  /** Tells the budget what a response said; a 429 makes every later `take` wait. */
  learn(signal: RateSignal): Promise<void>
  /** What the budget holds now, for metrics; optional (a budget of your own may leave it out). */
  inspect?(): Promise<RateBudgetReading>
}

/**
 * What a budget holds at one instant, for metrics: the limit in force (shrunk after a 429, grown
 * back after quiet windows), what it grows back to, and the tokens in hand (below zero: requests
 * already waiting).
 * @example
 * const gauge = (r: RateBudgetReading) => `${r.limit}/${r.windowMs} ms, ${r.tokens.toFixed(1)} in hand`
 */
export interface RateBudgetReading {
  readonly limit: number
  readonly ceiling: number
  readonly windowMs: number
  readonly tokens: number
}

/**
 * A budget as numbers: `limit` requests in any `windowMs`. It learns and recovers: a 429
 * without a stated limit shrinks `limit` by 3% to 10% (to what was let through in the window
 * before) at most once per incident (further 429s within a window or a Retry-After of it only
 * pause every caller), never below `minLimit`; each full window with no 429 after the pause adds
 * back `max(1, 5% of limit)`, up to `limit` (or a limit KashFlow states in RateLimit headers).
 */
export interface RateBudgetOptions {
  /** Requests allowed in any window of `windowMs`; what a shrunk budget grows back to. */
  readonly limit: number
  /** The window, in milliseconds. */
  readonly windowMs: number
  /** The least a 429 shrinks `limit` to. @default 1 */
  readonly minLimit?: number
}

/** Options of {@link createRateBudget}. */
export interface InMemoryRateBudgetOptions extends RateBudgetOptions {
  /** The clock. @default Date.now */
  readonly now?: () => number
  /** How to wait. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** One bucket's state, for a budget kept elsewhere (see `postgresRateBudget`). */
export interface RateBucketState {
  /** Tokens in hand; below zero is debt that the next callers wait out. */
  readonly tokens: number
  /** When `tokens` was last brought up to date (ms since the epoch). */
  readonly updatedAt: number
  readonly limit: number
  readonly windowMs: number
  /** The largest number of tokens held (a burst). */
  readonly capacity: number
  /** Tokens added per millisecond. */
  readonly ratePerMs: number
  /** When a 429 last shrank `limit` (0: never). */
  readonly shrunkAt: number
  /** What `limit` grows back to: the configured limit, or one KashFlow stated. */
  readonly ceiling: number
  /** The least a 429 shrinks `limit` to. */
  readonly floor: number
  /** 429s learned before this instant belong to the incident that last shrank `limit`. */
  readonly incidentUntil: number
  /** The start of the current stretch with no 429 (after its pause); growth counts from it. */
  readonly calmSince: number
}

/**
 * A token bucket in this process: `limit` requests in any `windowMs`, planning 98% of it less a
 * burst of 1% (at least one request), shared by every client given it. Callers reserve their
 * tokens in order and wait once; a 429 makes every caller wait out its Retry-After.
 * @throws {RangeError} when `limit` or `windowMs` is not a positive finite number
 * @example
 * const rateBudget = createRateBudget({ limit: 100, windowMs: 1000 })
 * const kashflow = createKashflowClient({ username, password, memorableWord, rateBudget })
 */
export const createRateBudget: (options: InMemoryRateBudgetOptions) => RateBudget =
  coreCreateRateBudget

/**
 * A full bucket for `limit` requests per `windowMs`, as of `now` (for a budget kept elsewhere).
 * @example const state = newBucket({ limit: 100, windowMs: 1000 }, Date.now())
 */
export const newBucket: (options: RateBudgetOptions, now: number) => RateBucketState = coreNewBucket

/**
 * Takes `n` tokens at `now`, refilling first: the new state and how long to wait before sending.
 * @example const { state, waitMs } = takeTokens(newBucket({ limit: 100, windowMs: 1000 }, 0), 1, 0)
 */
export const takeTokens: (
  state: RateBucketState,
  n: number,
  now: number,
) => { readonly state: RateBucketState; readonly waitMs: number } = coreTakeTokens

/**
 * Grows a shrunk bucket back at `now`: `max(1, 5% of its ceiling)` per full window with no 429.
 * @example const grown = recoverRate(newBucket({ limit: 60, windowMs: 1000 }, 0), 5000)
 */
export const recoverRate: (state: RateBucketState, now: number) => RateBucketState = coreRecoverRate

/**
 * Whether {@link recoverRate} would grow `state` at `now`.
 * @example recoveryDue(newBucket({ limit: 60, windowMs: 1000 }, 0), 5000) // false
 */
export const recoveryDue: (state: RateBucketState, now: number) => boolean = coreRecoveryDue

/**
 * What an answer teaches a bucket at `now`: a stated limit replaces it, a 429 makes callers wait
 * and (with no stated limit) shrinks it by 3 to 10%, at most once per incident, never below its
 * floor; it grows back after quiet windows (see {@link recoverRate}).
 * @example const next = learnRate(newBucket({ limit: 100, windowMs: 1000 }, 0), { status: 429, retryAfterMs: 1000 }, 0)
 */
export const learnRate: (
  state: RateBucketState,
  signal: RateSignal,
  now: number,
  sentInWindow?: number,
) => RateBucketState = coreLearnRate
