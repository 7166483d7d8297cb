import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { londonDate } from '../src/posting/london-date.js'

const LONDON = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

describe('londonDate (cached per UTC hour)', () => {
  it('equals Intl for any instant, around both BST changes included', () => {
    const edges = [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(2026, 6, 1, 23)]
    const near = fc.tuple(
      fc.constantFrom(...edges),
      fc.integer({ min: -7_200_000, max: 7_200_000 }),
    )
    const anywhere = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) })
    fc.assert(
      fc.property(
        fc.oneof(
          near.map(([e, d]) => e + d),
          anywhere,
        ),
        (time) => {
          const date = new Date(time)
          // Twice: the second answer comes from the cache.
          expect(londonDate(date)).toBe(LONDON.format(date))
          expect(londonDate(date.toISOString())).toBe(LONDON.format(date))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('keeps the worked BST example and throws for an invalid instant', () => {
    expect(londonDate('2026-07-01T23:30:00Z')).toBe('2026-07-02')
    expect(londonDate('2026-01-01T23:30:00Z')).toBe('2026-01-01')
    expect(() => londonDate('not a date')).toThrow(RangeError)
  })
})
