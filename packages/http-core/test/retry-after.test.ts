import { describe, expect, it } from 'vitest'
import { RETRY_AFTER_CAP_MS, parseRetryAfter, retryAfterMs } from '../src/index.js'

const NOW = Date.parse('2026-10-21T07:27:30Z')

describe('Retry-After', () => {
  it('reads delta-seconds, decimals included', () => {
    expect(parseRetryAfter('12', NOW)).toBe(12_000)
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0)
    expect(parseRetryAfter('1.5', NOW)).toBe(1500)
  })

  it('reads an HTTP date relative to now, in each of its three forms', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', NOW)).toBe(30_000)
    expect(parseRetryAfter('Wednesday, 21-Oct-26 07:28:00 GMT', NOW)).toBe(30_000)
    expect(parseRetryAfter('Wed Oct 21 07:28:00 2026', NOW)).toBeGreaterThanOrEqual(0)
  })

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:00:00 GMT', NOW)).toBe(0)
  })

  it.each([
    [undefined],
    [null],
    [''],
    ['   '],
    ['soon'],
    ['-5'],
    ['0x10'],
    ['12s'],
    ['Wed, 99 Foo 2026'],
  ])('ignores %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined()
  })

  it('caps a long or absurd wait, so a timer never overflows', () => {
    expect(parseRetryAfter('86400', NOW)).toBe(RETRY_AFTER_CAP_MS)
    expect(parseRetryAfter('99999999999999', NOW)).toBe(RETRY_AFTER_CAP_MS)
    expect(parseRetryAfter('Sat, 01 Jan 2100 00:00:00 GMT', NOW)).toBe(RETRY_AFTER_CAP_MS)
    expect(parseRetryAfter('120', NOW, 60_000)).toBe(60_000)
    expect(RETRY_AFTER_CAP_MS).toBeLessThan(2 ** 31 - 1)
  })

  it('reads the header of a response', () => {
    expect(retryAfterMs(new Headers({ 'Retry-After': '3' }), NOW)).toBe(3000)
    expect(retryAfterMs(new Headers(), NOW)).toBeUndefined()
  })
})
