import { describe, expect, it } from 'vitest'
import { createRateBudget, learnRate, newBucket, rateSignalFrom, takeTokens } from '../src/index.js'
import type { RateBudget } from '../src/index.js'

/**
 * A budget on a fake clock. `sleep` does not move the clock: it records when the caller is let
 * through (the time it asked plus the wait), which is all a window is about.
 */
function fakeBudget(limit: number, windowMs: number) {
  let now = 1_000_000
  let waited = 0
  const budget = createRateBudget({
    limit,
    windowMs,
    now: () => now,
    sleep: (ms) => {
      waited = ms
      return Promise.resolve()
    },
  })
  return {
    budget,
    at: (t: number) => {
      now = t
    },
    /** Takes one token at `t`; returns when the request may go. */
    sendAt: async (t: number) => {
      now = t
      waited = 0
      await budget.take()
      return t + waited
    },
  }
}

/** The most requests in any window of `windowMs` (windows start at a request). */
function busiestWindow(sent: readonly number[], windowMs: number): number {
  const sorted = [...sent].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[j]! <= sorted[i]! - windowMs) j += 1
    most = Math.max(most, i - j + 1)
  }
  return most
}

/** A seeded generator (mulberry32), for repeatable arrival patterns. */
function seeded(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('createRateBudget', () => {
  it('reads what it holds for metrics: the limit in force, its ceiling and the tokens in hand', async () => {
    const b = fakeBudget(100, 1000)
    expect(await b.budget.inspect?.()).toEqual({
      limit: 100,
      ceiling: 100,
      windowMs: 1000,
      tokens: 1,
    })
    for (let i = 0; i < 11; i += 1) await b.sendAt(1_000_000)
    expect((await b.budget.inspect?.())?.tokens).toBe(-10)
    const paced = fakeBudget(10, 1000)
    for (let t = 0; t < 10; t += 1) await paced.sendAt(1_000_000 + t * 100)
    paced.at(1_000_950)
    await paced.budget.learn({ status: 429 })
    const shrunk = await paced.budget.inspect?.()
    expect(shrunk?.limit).toBeLessThan(10)
    expect(shrunk?.ceiling).toBe(10)
  })

  it.each([
    [100, 1000],
    [60, 60_000],
    [5, 1000],
    [1, 2000],
  ])('never lets more than %i requests through in any %i ms window', async (limit, windowMs) => {
    for (const seed of [1, 2, 3]) {
      const random = seeded(seed)
      const { sendAt } = fakeBudget(limit, windowMs)
      const sent: number[] = []
      let t = 1_000_000
      // Bursts and lulls: many callers at one instant, then gaps up to two windows.
      for (let i = 0; i < limit * 12; i += 1) {
        if (random() < 0.2) t += Math.floor(random() * 2 * windowMs)
        sent.push(await sendAt(t))
      }
      expect(busiestWindow(sent, windowMs)).toBeLessThanOrEqual(limit)
    }
  })

  it('serves a steady backlog at nearly the whole budget (no polling: one wait per caller)', async () => {
    const { sendAt } = fakeBudget(100, 1000)
    const sent: number[] = []
    for (let i = 0; i < 1000; i += 1) sent.push(await sendAt(1_000_000))
    const span = Math.max(...sent) - Math.min(...sent)
    // 1,000 requests at 97 a second (98% of the budget less the burst of 1).
    expect(span / 1000).toBeCloseTo(999 / 97, 1)
  })

  it('makes every caller wait out a 429 with Retry-After; off pace (one request sent) it shrinks nothing', async () => {
    const { budget, sendAt } = fakeBudget(100, 1000)
    await sendAt(1_000_000)
    await budget.learn({ status: 429, retryAfterMs: 3000 })
    const next = await sendAt(1_000_000)
    expect(next).toBeGreaterThanOrEqual(1_003_000)
    // The budget had let one request through, far below its limit: the 429 is not its pace, so
    // the window after the pause still lets (nearly) the whole budget through.
    const sent: number[] = []
    for (let i = 0; i < 300; i += 1) sent.push(await sendAt(1_003_000))
    const first = sent.filter((t) => t < 1_004_000)
    expect(busiestWindow(first, 1000)).toBeLessThanOrEqual(100)
    expect(busiestWindow(first, 1000)).toBeGreaterThan(90) // a shrink to 90 would hold it to 90
  })

  it('shrinks a saturated budget by 3% on a 429, to what it had let through when that is lower, never by more than 10%; off pace not at all', () => {
    const at100 = newBucket({ limit: 100, windowMs: 1000 }, 0)
    expect(learnRate(at100, { status: 429, retryAfterMs: 1000 }, 10, 98).limit).toBe(97)
    expect(learnRate(at100, { status: 429, retryAfterMs: 1000 }, 10, 93).limit).toBe(93)
    expect(learnRate(at100, { status: 429, retryAfterMs: 1000 }, 10, 55).limit).toBe(90)
    // Under half the limit let through (RATE_BUSY_SHARE): the 429 is not this budget's pace.
    const offPace = learnRate(at100, { status: 429, retryAfterMs: 1000 }, 10, 3)
    expect(offPace.limit).toBe(100)
    expect(offPace.tokens).toBeLessThan(0) // still a pause for its Retry-After
    // Off pace without a Retry-After: no pause either (its own caller waits).
    expect(learnRate(at100, { status: 429 }, 10, 3).tokens).toBeGreaterThan(0)
    // Not counted (a shared budget not saturated): a 429 out of the blue shrinks by 10%.
    expect(learnRate(at100, { status: 429, retryAfterMs: 1000 }, 10).limit).toBe(90)
  })

  it('measures a 429 against what it let through in the last window', async () => {
    const { budget, sendAt, at } = fakeBudget(100, 1000)
    let last = 0
    for (let i = 0; i < 300; i += 1) last = await sendAt(1_000_000)
    // The 429 answers the last of them; the window before it was full (97 requests): the limit
    // becomes 97, not 90 as after a 429 out of the blue.
    at(last)
    await budget.learn({ status: 429, retryAfterMs: 1000 })
    const sent: number[] = []
    for (let i = 0; i < 300; i += 1) sent.push(await sendAt(last + 1000))
    // 97 planned at 98%, less the burst: 95 in the window after the pause (a limit of 90 would
    // allow 88).
    expect(
      busiestWindow(
        sent.filter((t) => t <= sent[0]! + 1000),
        1000,
      ),
    ).toBe(95)
  })

  it('sends no caller that was waiting when a 429 came before its Retry-After', async () => {
    const now = 1_000_000
    const pending: { ms: number; resolve: () => void }[] = []
    const budget = createRateBudget({
      limit: 10,
      windowMs: 1000,
      now: () => now,
      sleep: (ms) => new Promise<void>((resolve) => pending.push({ ms, resolve })),
    })
    const waiting = Array.from({ length: 5 }, () => budget.take())
    await Promise.resolve()
    const firstWaits = pending.map((p) => p.ms)
    expect(Math.max(...firstWaits)).toBeLessThan(1000)
    await budget.learn({ status: 429, retryAfterMs: 3000 })
    // Wake the waiters (their time has come on their old reservation); each takes again.
    for (const p of pending.splice(0)) p.resolve()
    await new Promise((r) => setImmediate(r))
    expect(pending).toHaveLength(firstWaits.length)
    expect(Math.min(...pending.map((p) => p.ms))).toBeGreaterThanOrEqual(3000)
    for (const p of pending.splice(0)) p.resolve()
    await Promise.all(waiting)
  })

  it('shrinks once for the 429s of requests already on their way, not once per answer', () => {
    let state = newBucket({ limit: 100, windowMs: 1000 }, 0)
    for (let i = 0; i < 5; i += 1) state = learnRate(state, { status: 429, retryAfterMs: 1000 }, 10)
    expect(state.limit).toBe(90)
    state = learnRate(state, { status: 429, retryAfterMs: 1000 }, 1010)
    expect(state.limit).toBe(81)
  })

  it('grows back to the configured limit after a quiet period, after 20 × 429', async () => {
    const { budget, sendAt, at } = fakeBudget(60, 1000)
    let t = 1_000_000
    for (let i = 0; i < 20; i += 1) {
      t += 1500 // each 429 a new incident, less than a quiet window after its pause
      at(t)
      await budget.learn({ status: 429, retryAfterMs: 1000 })
    }
    let state = newBucket({ limit: 60, windowMs: 1000 }, 0)
    for (let i = 0; i < 20; i += 1)
      state = learnRate(state, { status: 429, retryAfterMs: 1000 }, 1500 * (i + 1))
    expect(state.limit).toBeLessThan(10)
    // 3 (5% of 60) back per full window with no 429: the configured 60 within 20 windows.
    expect(takeTokens(state, 0, 30_000 + 1000 + 20 * 1000).state.limit).toBe(60)
    expect(takeTokens(state, 0, 30_000 + 1000 + 5 * 1000).state.limit).toBeLessThan(60)
    // The budget itself: after 25 quiet seconds it lets 60 a second through again, not 3.
    const sent: number[] = []
    for (let i = 0; i < 600; i += 1) sent.push(await sendAt(t + 26_000))
    expect(busiestWindow(sent, 1000)).toBeGreaterThanOrEqual(57)
    expect(busiestWindow(sent, 1000)).toBeLessThanOrEqual(60)
  })

  it('shrinks once for 10 × 429 in one incident, and only pauses for the rest', () => {
    let state = newBucket({ limit: 60, windowMs: 1000 }, 0)
    for (let i = 0; i < 10; i += 1)
      state = learnRate(state, { status: 429, retryAfterMs: 3000 }, 10 + i * 250)
    // Over 2.25 s, more than two windows, but within the first 429's Retry-After: one shrink.
    expect(state.limit).toBe(54)
    // Every 429 still pauses every caller until its Retry-After.
    expect(takeTokens(state, 1, 2260).waitMs).toBeGreaterThanOrEqual(3000)
  })

  it('never shrinks below the floor (minLimit, or 1 request a window)', () => {
    let floored = newBucket({ limit: 60, windowMs: 1000, minLimit: 5 }, 0)
    let one = newBucket({ limit: 60, windowMs: 1000 }, 0)
    for (let i = 0; i < 100; i += 1) {
      floored = learnRate(floored, { status: 429, retryAfterMs: 1000 }, 1500 * i)
      one = learnRate(one, { status: 429, retryAfterMs: 1000 }, 1500 * i)
    }
    expect(floored.limit).toBe(5)
    expect(one.limit).toBe(1)
  })

  it('grows back no higher than a limit the server stated', () => {
    let state = newBucket({ limit: 100, windowMs: 1000 }, 0)
    state = learnRate(state, { status: 200, limit: 40, windowMs: 1000 }, 0)
    state = learnRate(state, { status: 429, retryAfterMs: 1000 }, 10)
    expect(state.limit).toBe(36)
    expect(takeTokens(state, 0, 60_000).state.limit).toBe(40)
  })

  it('takes the limit and window a server states, and waits for the reset when none remain', () => {
    const headers = new Headers({
      'RateLimit-Limit': '300',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '7',
      'RateLimit-Policy': '300;w=60',
    })
    let state = newBucket({ limit: 60, windowMs: 1000 }, 0)
    state = learnRate(state, rateSignalFrom(200, headers, 0), 0)
    expect(state).toMatchObject({ limit: 300, windowMs: 60_000 })
    const { waitMs } = takeTokens(state, 1, 0)
    expect(waitMs).toBeGreaterThanOrEqual(7000)
  })

  it('keeps a stated limit on a 429 rather than shrinking it', () => {
    let state = newBucket({ limit: 100, windowMs: 1000 }, 0)
    state = learnRate(state, { status: 429, retryAfterMs: 1000, limit: 100 }, 0)
    expect(state.limit).toBe(100)
    expect(takeTokens(state, 1, 0).waitMs).toBeGreaterThanOrEqual(1000)
  })

  it('refills nothing when the clock goes back', () => {
    const state = { ...newBucket({ limit: 100, windowMs: 1000 }, 5000), tokens: 0 }
    expect(takeTokens(state, 1, 1000).waitMs).toBeGreaterThan(0)
    expect(takeTokens(state, 1, 1000).state.updatedAt).toBe(5000)
  })

  it('refuses a budget that is not a positive rate', () => {
    expect(() => createRateBudget({ limit: 0, windowMs: 1000 })).toThrow(RangeError)
    expect(() => createRateBudget({ limit: 10, windowMs: Number.NaN })).toThrow(/positive limit/)
  })

  it('rejects a take whose signal has aborted, while it waits', async () => {
    const budget: RateBudget = createRateBudget({
      limit: 1,
      windowMs: 60_000,
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
        ),
    })
    await budget.take()
    const controller = new AbortController()
    const waiting = budget.take(1, controller.signal)
    controller.abort()
    await expect(waiting).rejects.toThrow('stopped')
    await expect(budget.take(1, controller.signal)).rejects.toThrow()
  })
})
