const LONDON = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/**
 * The Europe/London calendar date (YYYY-MM-DD) of an instant: the date KashFlow books a payment
 * on. Never round-trip KashFlow dates through UTC: they are date-only values stored at noon, and
 * CappyTech/hcs-app's CHANGELOG.md records BST-boundary instants landing on the wrong day.
 * @example londonDate('2026-07-01T23:30:00Z') // '2026-07-02' (BST)
 */
export function londonDate(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  const time = date.getTime()
  // Intl's own RangeError for an invalid instant, as before; and no cache before 1972, when
  // London's offsets were not always whole hours (local mean time until 1847).
  if (Number.isNaN(time) || time < SINCE_1972) return LONDON.format(date)
  // London's date changes only on a UTC hour boundary (midnight there is 23:00 or 00:00 UTC), so
  // every instant of one UTC hour has the same London date: one Intl call per hour, not per
  // payment. The cache is bounded; a backfill over years just refills it.
  const hour = Math.floor(time / 3_600_000)
  let day = BY_HOUR.get(hour)
  if (day === undefined) {
    if (BY_HOUR.size >= 4096) BY_HOUR.clear()
    day = LONDON.format(date)
    BY_HOUR.set(hour, day)
  }
  return day
}

const BY_HOUR = new Map<number, string>()
const SINCE_1972 = Date.UTC(1972, 0, 1)

const DAY_MS = 86_400_000

/** Days since 1970-01-01 of a YYYY-MM-DD date (calendar arithmetic, no time zone). */
export function dayNumber(date: string): number {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number)
  return Date.UTC(year, month - 1, day) / DAY_MS
}

/**
 * The YYYY-MM-DD calendar date `days` after (or before, when negative) `date`: calendar
 * arithmetic on the date as written, never through a time zone.
 * @example addDays('2026-10-31', 1) // '2026-11-01'
 */
export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10)
}
