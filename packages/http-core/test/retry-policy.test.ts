import { describe, expect, it } from 'vitest'
import {
  backoffDelay,
  hasAttemptsLeft,
  isRetryableRequest,
  isRetryableStatus,
  resolveRetryPolicy,
  retryDelay,
  statusRange,
} from '../src/index.js'
import type { RetryPolicy } from '../src/index.js'
import { POLICY } from './policy.js'

/** The waits a client following the policy makes before giving up, with a fixed jitter. */
const schedule = (policy: RetryPolicy, random: () => number) => {
  const waits: number[] = []
  for (let attempt = 0; hasAttemptsLeft(policy, attempt); attempt += 1)
    waits.push(backoffDelay(policy, attempt, random))
  return waits
}

describe('retry policy as data', () => {
  it('doubles from baseDelayMs up to maxDelayMs, one wait per retry', () => {
    expect(schedule(POLICY, () => 0.999_999).map(Math.round)).toEqual([1000, 2000, 4000])
    expect(
      schedule({ ...POLICY, limit: 7, maxDelayMs: 10_000 }, () => 0.999_999).map(Math.round),
    ).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000])
  })

  it('makes no wait at all with limit 0', () => {
    expect(schedule({ ...POLICY, limit: 0 }, Math.random)).toEqual([])
  })

  it('lays the user schedule over the defaults, later overrides winning', () => {
    const policy = resolveRetryPolicy(POLICY, { limit: 1, baseDelayMs: 200 }, { limit: 5 })
    expect(policy).toEqual({ ...POLICY, limit: 5, baseDelayMs: 200 })
    expect(resolveRetryPolicy(POLICY, undefined)).toEqual(POLICY)
  })

  it('keeps the default for a negative or non-finite number', () => {
    expect(resolveRetryPolicy(POLICY, { limit: -1, baseDelayMs: Number.NaN })).toEqual(POLICY)
  })

  it('takes no method or status list from an override, so no option makes a write retryable', () => {
    const sneaky = { limit: 2, methods: ['POST'], statuses: [400] } as unknown as {
      limit: number
    }
    const policy = resolveRetryPolicy(POLICY, sneaky)
    expect(policy.methods).toEqual(['GET'])
    expect(policy.statuses).toEqual(POLICY.statuses)
    expect(isRetryableRequest(policy, 'POST')).toBe(false)
  })

  it('retries only the listed methods, unless the request says it is idempotent', () => {
    expect(isRetryableRequest(POLICY, 'GET')).toBe(true)
    for (const method of ['POST', 'PUT', 'DELETE'] as const)
      expect(isRetryableRequest(POLICY, method)).toBe(false)
    expect(isRetryableRequest(POLICY, 'POST', true)).toBe(true)
    expect(isRetryableRequest(POLICY, 'GET', false)).toBe(false)
  })

  it('retries only the listed statuses', () => {
    expect([429, 500, 503, 599].map((s) => isRetryableStatus(POLICY, s))).toEqual([
      true,
      true,
      true,
      true,
    ])
    expect([200, 400, 401, 404, 408].map((s) => isRetryableStatus(POLICY, s))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('lists a status range inclusively, and nothing for an empty range', () => {
    expect(statusRange(502, 504)).toEqual([502, 503, 504])
    expect(statusRange(500, 599)).toHaveLength(100)
    expect(statusRange(5, 4)).toEqual([])
  })
})

describe('backoff jitter', () => {
  it('stays within [ceiling / 2, ceiling) for every random in [0, 1)', () => {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const ceiling = Math.min(POLICY.maxDelayMs, POLICY.baseDelayMs * 2 ** attempt)
      for (const r of [0, 0.25, 0.5, 0.75, 0.999_999]) {
        const delay = backoffDelay(POLICY, attempt, () => r)
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
        expect(delay).toBeLessThan(ceiling)
      }
    }
  })

  it('takes its randomness only from the injected source', () => {
    expect(backoffDelay(POLICY, 0, () => 0)).toBe(500)
    expect(backoffDelay(POLICY, 1, () => 0.5)).toBe(1500)
  })

  it("waits the server's Retry-After when there is one, even past maxDelayMs", () => {
    expect(retryDelay(POLICY, 0, () => 0, 45_000)).toBe(45_000)
    expect(retryDelay(POLICY, 0, () => 0, 0)).toBe(0)
    expect(retryDelay(POLICY, 0, () => 0)).toBe(500)
  })
})
