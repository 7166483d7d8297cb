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
  return LONDON.format(date)
}
