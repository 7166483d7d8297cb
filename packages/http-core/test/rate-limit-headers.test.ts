import { describe, expect, it } from 'vitest'
import { rateSignalFrom, statesRateLimit } from '../src/index.js'

const NOW = Date.parse('Wed, 21 Oct 2026 07:27:30 GMT')

describe('rateSignalFrom', () => {
  it('reads the IETF draft headers (00-07), with the policy window', () => {
    const headers = new Headers({
      'RateLimit-Limit': '100',
      'RateLimit-Remaining': '37',
      'RateLimit-Reset': '12',
      'RateLimit-Policy': '100;w=60',
    })
    expect(rateSignalFrom(200, headers, NOW)).toEqual({
      status: 200,
      retryAfterMs: undefined,
      limit: 100,
      windowMs: 60_000,
      remaining: 37,
      resetMs: 12_000,
    })
  })

  it('reads the combined RateLimit header of drafts 00-07 and of draft 08 on', () => {
    expect(
      rateSignalFrom(200, new Headers({ RateLimit: 'limit=50, remaining=3, reset=2' }), NOW),
    ).toMatchObject({ limit: 50, remaining: 3, resetMs: 2000 })
    expect(
      rateSignalFrom(
        200,
        new Headers({ RateLimit: '"default";r=4;t=9', 'RateLimit-Policy': '"default";q=120;w=60' }),
        NOW,
      ),
    ).toMatchObject({ limit: 120, windowMs: 60_000, remaining: 4, resetMs: 9000 })
  })

  it('reads X-RateLimit-*, with a reset given as epoch seconds', () => {
    const headers = new Headers({
      'X-RateLimit-Limit': '5000',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(NOW / 1000 + 30),
    })
    expect(rateSignalFrom(403, headers, NOW)).toMatchObject({
      limit: 5000,
      remaining: 0,
      resetMs: 30_000,
    })
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(rateSignalFrom(429, new Headers({ 'Retry-After': '2' }), NOW).retryAfterMs).toBe(2000)
    expect(
      rateSignalFrom(429, new Headers({ 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' }), NOW)
        .retryAfterMs,
    ).toBe(30_000)
  })

  it('leaves out what it cannot read', () => {
    expect(
      rateSignalFrom(200, new Headers({ 'RateLimit-Limit': 'lots', 'RateLimit-Reset': '-1' }), NOW),
    ).toEqual({
      status: 200,
      retryAfterMs: undefined,
      limit: undefined,
      windowMs: undefined,
      remaining: undefined,
      resetMs: undefined,
    })
  })
})

describe('statesRateLimit', () => {
  it('is true for a 429 or any rate-limit header, false for a plain answer', () => {
    expect(statesRateLimit(429, new Headers())).toBe(true)
    expect(statesRateLimit(200, new Headers({ 'x-ratelimit-remaining': '4' }))).toBe(true)
    expect(statesRateLimit(200, new Headers({ 'RateLimit-Policy': '10;w=1' }))).toBe(true)
    expect(statesRateLimit(200, new Headers({ 'content-type': 'application/json' }))).toBe(false)
  })
})
