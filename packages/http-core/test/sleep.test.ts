import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  backoffDelay,
  hasAttemptsLeft,
  isRetryableStatus,
  resolveRetryPolicy,
  retryDelay,
  sleep,
} from '../src/index.js'
import type { RetryPolicy, Sleep } from '../src/index.js'

describe('sleep', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('resolves once the time has passed, not before', async () => {
    let done = false
    const waiting = sleep(1000).then(() => (done = true))
    await vi.advanceTimersByTimeAsync(999)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await waiting
    expect(done).toBe(true)
  })

  it("rejects with the signal's reason when aborted, and clears its timer", async () => {
    const controller = new AbortController()
    const waiting = sleep(60_000, controller.signal)
    controller.abort(new Error('shutting down'))
    await expect(waiting).rejects.toThrow('shutting down')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects at once for a signal already aborted', async () => {
    await expect(sleep(10, AbortSignal.abort())).rejects.toBeInstanceOf(Error)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('an injected sleep', () => {
  const POLICY: RetryPolicy = {
    limit: 3,
    baseDelayMs: 500,
    maxDelayMs: 10_000,
    methods: ['GET'],
    statuses: [503],
  }

  /** The smallest loop a client writes from the core: statuses in, waits out. */
  async function run(statuses: number[], wait: Sleep, retryAfter?: number) {
    const policy = resolveRetryPolicy(POLICY)
    for (let attempt = 0; ; attempt += 1) {
      const status = statuses[attempt] ?? 200
      if (status < 300) return { status, attempt }
      if (!isRetryableStatus(policy, status) || !hasAttemptsLeft(policy, attempt))
        return { status, attempt }
      await wait(retryDelay(policy, attempt, () => 0.5, retryAfter))
    }
  }

  it('receives every wait, so a test moves no clock and never sleeps', async () => {
    const waits: number[] = []
    const fake: Sleep = (ms) => (waits.push(ms), Promise.resolve())
    await expect(run([503, 503, 200], fake)).resolves.toEqual({ status: 200, attempt: 2 })
    expect(waits).toEqual([backoffDelay(POLICY, 0, () => 0.5), backoffDelay(POLICY, 1, () => 0.5)])
    expect(waits).toEqual([375, 750])
  })

  it('gives up after the limit with the last answer', async () => {
    const waits: number[] = []
    const fake: Sleep = (ms) => (waits.push(ms), Promise.resolve())
    await expect(run([503, 503, 503, 503, 503], fake, 2000)).resolves.toEqual({
      status: 503,
      attempt: 3,
    })
    expect(waits).toEqual([2000, 2000, 2000])
  })
})
