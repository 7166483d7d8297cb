// A request budget shared by everything that talks to one account: a token bucket that lends
// (a caller reserves its tokens at once and waits out the debt, so a wait never spins), learns
// from what the server says (429 + Retry-After, RateLimit headers), and keeps every window of
// `windowMs` within `limit` requests.
import type { Sleep } from '../sleep.js'
import { sleep as defaultSleep } from '../sleep.js'

/** What a server said about the budget in one response (from Retry-After and rate-limit headers). */
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
 * const kashflow = createKashflowClient({ ...credentials, rateBudget: budget })
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
 * A budget as numbers: `limit` requests in any `windowMs`. It learns and recovers: a 429 without
 * a stated limit shrinks `limit` (to what was let through in the window before, by 3% to 10%) at
 * most once per incident (the 429s learned within one window or one Retry-After of the one that
 * shrank it only pause every caller), never below `minLimit`; every full window after that with
 * no 429 adds back `max(1, 5% of limit)`, up to `limit` (or a limit the server states in
 * RateLimit headers, which replaces it).
 * @example
 * const options: RateBudgetOptions = { limit: 60, windowMs: 1000, minLimit: 10 }
 */
export interface RateBudgetOptions {
  /** Requests allowed in any window of `windowMs`; what a shrunk budget grows back to. */
  readonly limit: number
  /** The window, in milliseconds. */
  readonly windowMs: number
  /** The least a 429 shrinks `limit` to. @default 1 */
  readonly minLimit?: number
}

/**
 * The state of one bucket, as the in-memory budget and a budget kept elsewhere (a shared SQL
 * one, see `postgresRateBudget`) both keep it.
 * @example
 * const state: RateBucketState = newBucket({ limit: 100, windowMs: 1000 }, Date.now())
 */
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
  /** What `limit` grows back to: the configured limit, or one the server stated. */
  readonly ceiling: number
  /** The least a 429 shrinks `limit` to. */
  readonly floor: number
  /** 429s learned before this instant belong to the incident that last shrank `limit`. */
  readonly incidentUntil: number
  /** The start of the current stretch with no 429 (after its pause); growth is counted from it. */
  readonly calmSince: number
}

/**
 * The share of `limit` a bucket plans to spend. A bucket holding `capacity` tokens and refilling
 * `ratePerMs` lets through at most `capacity + ratePerMs * windowMs` in any window; both are
 * chosen so that is `HEADROOM * limit`, leaving room for requests that arrive late or in a
 * different order than they were sent.
 */
export const RATE_HEADROOM = 0.98
/** The burst as a share of `limit` (at least one request). */
export const RATE_BURST_SHARE = 0.01
/** What a 429 without a stated limit does to `limit` when nothing better is known. */
export const RATE_SHRINK = 0.9
/** The least a 429 without a stated limit takes off `limit`. */
export const RATE_SHRINK_MIN = 0.97
/** The least `limit` a 429 shrinks to, unless `minLimit` says otherwise. */
export const RATE_FLOOR = 1
/**
 * Below this share of its limit let through in the window before a 429, the budget was not
 * pacing at its limit: that 429 says nothing about the limit (see {@link learnRate}).
 */
export const RATE_BUSY_SHARE = 0.5
/** What each full window with no 429 adds back to a shrunk `limit`: this share of its ceiling (at least 1). */
export const RATE_GROW_SHARE = 0.05

/**
 * The burst and refill rate for a budget of `limit` requests per `windowMs`.
 * @throws {RangeError} when `limit` or `windowMs` is not a positive finite number
 * @example bucketShape(100, 1000) // { capacity: 1, ratePerMs: 0.097 }
 */
export function bucketShape(
  limit: number,
  windowMs: number,
): { readonly capacity: number; readonly ratePerMs: number } {
  if (!(Number.isFinite(limit) && limit > 0) || !(Number.isFinite(windowMs) && windowMs > 0))
    throw new RangeError(
      `A rate budget needs a positive limit and windowMs, got limit ${limit} per ${windowMs} ms.`,
    )
  const capacity = Math.max(1, Math.floor(limit * RATE_BURST_SHARE))
  // Below about 3 requests a window one request of burst is already most of it: keep half.
  const perWindow = Math.max(limit * RATE_HEADROOM - capacity, limit / 2)
  return { capacity, ratePerMs: perWindow / windowMs }
}

/**
 * A full bucket for `limit` requests per `windowMs`, as of `now`.
 * @example const state = newBucket({ limit: 100, windowMs: 1000 }, Date.now())
 */
export function newBucket(options: RateBudgetOptions, now: number): RateBucketState {
  const shape = bucketShape(options.limit, options.windowMs)
  return {
    tokens: shape.capacity,
    updatedAt: now,
    limit: options.limit,
    windowMs: options.windowMs,
    ...shape,
    shrunkAt: 0,
    ceiling: options.limit,
    floor: Math.min(options.limit, Math.max(RATE_FLOOR, options.minLimit ?? RATE_FLOOR)),
    incidentUntil: 0,
    calmSince: now,
  }
}

/**
 * Grows a shrunk `limit` back at `now`: `max(1, 5% of the ceiling)` for every full window since
 * the last 429 (and its pause) or the last growth, up to the ceiling. Returns `state` itself
 * when nothing is due.
 * @example const grown = recoverRate(learnRate(newBucket({ limit: 60, windowMs: 1000 }, 0), { status: 429 }, 0), 60_000)
 */
export function recoverRate(state: RateBucketState, now: number): RateBucketState {
  if (state.limit >= state.ceiling) return state
  const windows = Math.floor((now - state.calmSince) / state.windowMs)
  if (windows < 1) return state
  const step = Math.max(1, Math.round(state.ceiling * RATE_GROW_SHARE))
  const limit = Math.min(state.ceiling, state.limit + windows * step)
  const shape = bucketShape(limit, state.windowMs)
  return {
    ...state,
    limit,
    ...shape,
    tokens: Math.min(state.tokens, shape.capacity),
    calmSince: state.calmSince + windows * state.windowMs,
  }
}

/**
 * Whether {@link recoverRate} would grow `state` at `now` (for a budget kept elsewhere, which
 * applies it only then).
 * @example recoveryDue(newBucket({ limit: 60, windowMs: 1000 }, 0), 5000) // false: not shrunk
 */
export function recoveryDue(state: RateBucketState, now: number): boolean {
  return state.limit < state.ceiling && now - state.calmSince >= state.windowMs
}

/**
 * Takes `n` tokens at `now`, refilling first: the new state, and how long the caller must wait
 * before sending (0 when the tokens were there). A clock that went back refills nothing.
 * @example
 * const bucket = newBucket({ limit: 100, windowMs: 1000 }, Date.now())
 * const { state, waitMs } = takeTokens(bucket, 1, Date.now())
 */
export function takeTokens(
  state: RateBucketState,
  n: number,
  now: number,
): { readonly state: RateBucketState; readonly waitMs: number } {
  const elapsed = Math.max(0, now - state.updatedAt)
  const refilled = Math.min(state.capacity, state.tokens + elapsed * state.ratePerMs)
  const grown = recoverRate({ ...state, tokens: refilled }, now)
  const tokens = grown.tokens - n
  return {
    state: { ...grown, tokens, updatedAt: Math.max(state.updatedAt, now) },
    waitMs: tokens < 0 ? -tokens / state.ratePerMs : 0,
  }
}

/**
 * What a response teaches the bucket at `now`. A stated limit (and window) replaces the
 * bucket's; `remaining` caps the tokens in hand, and none remaining makes callers wait for the
 * reset; a stated limit is also what a shrunk limit grows back to. A 429 makes every caller wait
 * for Retry-After (or the reset, or a window) and, when the server stated no limit, shrinks the
 * limit once per incident (a 429 learned within a window or a Retry-After of the one that shrank
 * it only pauses: the 429s of requests already on their way say nothing new): by 10%, or, given
 * `sentInWindow` (the requests let through in the window before it: what the server just
 * accepted), to that count, taking off at least 3% and at most 10%; never below the floor
 * (`minLimit`, default 1). Each
 * full window after the pause with no 429 grows it back (see {@link recoverRate}).
 * @example
 * const bucket = newBucket({ limit: 100, windowMs: 1000 }, Date.now())
 * const next = learnRate(bucket, { status: 429, retryAfterMs: 1000 }, Date.now())
 */
export function learnRate(
  state: RateBucketState,
  signal: RateSignal,
  now: number,
  sentInWindow?: number,
): RateBucketState {
  let next = takeTokens(state, 0, now).state
  const usable = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v)
  // A 429 met while this budget let through under half its limit in the window before (known
  // only where the budget counts what it sent) cannot be this budget's pace: KashFlow failing,
  // or a refusal unrelated to the rate. It neither shrinks the limit nor pauses every caller;
  // its own caller still waits its Retry-After (the client before retrying a read, the sync
  // engine before writing again).
  const offPace =
    signal.status === 429 &&
    !(usable(signal.limit) && signal.limit > 0) &&
    sentInWindow !== undefined &&
    sentInWindow < next.limit * RATE_BUSY_SHARE
  // Off pace with a Retry-After: every caller still waits it (the server asked), nothing shrinks.
  if (offPace && !usable(signal.retryAfterMs)) return next
  if (usable(signal.limit) && signal.limit > 0) {
    const windowMs =
      usable(signal.windowMs) && signal.windowMs > 0 ? signal.windowMs : next.windowMs
    if (signal.limit !== next.limit || windowMs !== next.windowMs) {
      const shape = bucketShape(signal.limit, windowMs)
      next = {
        ...next,
        limit: signal.limit,
        windowMs,
        ...shape,
        tokens: Math.min(next.tokens, shape.capacity),
      }
    }
    next = { ...next, ceiling: next.limit }
  } else if (signal.status === 429 && !offPace && now >= next.incidentUntil) {
    // Never below RATE_SHRINK: a 429 met after a quiet spell (another client of the account
    // spent the window) says little about the limit.
    const shrunk =
      sentInWindow === undefined
        ? next.limit * RATE_SHRINK
        : Math.max(next.limit * RATE_SHRINK, Math.min(next.limit * RATE_SHRINK_MIN, sentInWindow))
    const limit = Math.max(next.floor, Math.min(next.limit, Math.floor(shrunk)))
    const incidentMs = Math.max(next.windowMs, signal.retryAfterMs ?? 0, signal.resetMs ?? 0)
    next = {
      ...next,
      limit,
      ...bucketShape(limit, next.windowMs),
      shrunkAt: now,
      incidentUntil: now + incidentMs,
    }
  }
  const debtFor = (ms: number) => -Math.max(0, ms) * next.ratePerMs
  if (usable(signal.remaining)) {
    next =
      signal.remaining <= 0
        ? { ...next, tokens: Math.min(next.tokens, debtFor(signal.resetMs ?? next.windowMs)) }
        : { ...next, tokens: Math.min(next.tokens, signal.remaining) }
  }
  if (signal.status === 429) {
    const waitMs = signal.retryAfterMs ?? signal.resetMs ?? next.windowMs
    // Quiet is counted from the end of this pause: no growth for windows nobody was sending in.
    next = {
      ...next,
      tokens: Math.min(next.tokens, debtFor(waitMs)),
      calmSince: Math.max(next.calmSince, now + Math.max(0, waitMs)),
    }
  }
  return next
}

/**
 * Options of {@link createRateBudget}.
 * @example
 * const options: InMemoryRateBudgetOptions = { limit: 100, windowMs: 1000, now: () => Date.now() }
 */
export interface InMemoryRateBudgetOptions extends RateBudgetOptions {
  /** The clock. @default Date.now */
  readonly now?: () => number
  /** How to wait. @default a timer */
  readonly sleep?: Sleep
}

/**
 * A bucket's {@link RateBudgetReading}: bring it up to date first (`takeTokens(state, 0, now)`).
 * (Module-private, so it has no example: nothing outside this file can call it.)
 */
function readingOf(state: RateBucketState): RateBudgetReading {
  return {
    limit: state.limit,
    ceiling: state.ceiling,
    windowMs: state.windowMs,
    tokens: state.tokens,
  }
}

/**
 * A token bucket in this process: `limit` requests in any `windowMs`, planning 98% of it less a
 * burst of 1% (at least one request), shared by every caller (every client) holding it. A caller
 * reserves its tokens when it asks, so callers are served in order and a wait never polls; a
 * caller whose wait a 429 interrupted (learned meanwhile) takes again, behind the Retry-After.
 * @throws {RangeError} when `limit` or `windowMs` is not a positive finite number
 * @example
 * const rateBudget = createRateBudget({ limit: 100, windowMs: 1000 })
 * const kashflow = createKashflowClient({ ...credentials, rateBudget })
 */
export function createRateBudget(options: InMemoryRateBudgetOptions): RateBudget {
  const now = options.now ?? Date.now
  const wait = options.sleep ?? defaultSleep
  let state = newBucket(options, now())
  // When each recent request was let through, oldest first: what a 429 is measured against.
  const sent: number[] = []
  // Counts the 429s learned: a caller that waited through one takes again.
  let refusals = 0
  // Half the headroom, as time: how late a woken caller may go out without a burst.
  const lateToleranceMs = () => {
    const spare = state.limit - state.capacity - state.ratePerMs * state.windowMs
    return Math.max(1, spare / state.ratePerMs / 2)
  }
  const sentInWindow = (at: number): number => {
    while (sent.length > 0 && (sent[0]! <= at - state.windowMs || sent.length > 10_000))
      sent.shift()
    return sent.filter((t) => t <= at).length
  }
  return {
    async take(n = 1, signal) {
      if (signal?.aborted)
        throw signal.reason instanceof Error ? signal.reason : new Error('Aborted')
      for (let late = 0; ;) {
        const at = now()
        const taken = takeTokens(state, n, at)
        state = taken.state
        for (let i = 0; i < n; i += 1) sent.push(at + taken.waitMs)
        if (taken.waitMs <= 0) return
        const before = refusals
        await wait(Math.ceil(taken.waitMs), signal)
        // A 429 came while this caller waited: its slot may fall in the refused time. Take again.
        if (refusals !== before) continue
        // Woken well after its slot (the process stalled): the callers woken with it would go
        // out together, more in a moment than the window's headroom. Take one later slot instead
        // (once: under a load that makes every wake-up late, a request still goes).
        if (now() - (at + taken.waitMs) > lateToleranceMs() && late === 0) {
          late += 1
          continue
        }
        return
      }
    },
    learn(signal) {
      if (signal.status === 429) refusals += 1
      const at = now()
      state = learnRate(state, signal, at, signal.status === 429 ? sentInWindow(at) : undefined)
      return Promise.resolve()
    },
    inspect() {
      return Promise.resolve(readingOf(takeTokens(state, 0, now()).state))
    },
  }
}
