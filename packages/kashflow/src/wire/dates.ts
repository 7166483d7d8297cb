import { londonDate } from '@opayo-kashflow/core'

/**
 * The date KashFlow stores for a calendar day: `YYYY-MM-DD 12:00:00` (noon, as KashFlow stores
 * date-only values; CappyTech/hcs-app sends bulk payment dates as `YYYY-MM-DD`).
 * Accepts a `YYYY-MM-DD` string or an instant, whose
 * Europe/London calendar date is used.
 */
export function toKashflowDate(date: string | Date): string {
  const day = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : londonDate(date)
  return `${day} 12:00:00`
}

const SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:\s*([+-]\d{2}):?(\d{2})|Z)?$/

/**
 * The calendar date (YYYY-MM-DD) of a KashFlow date in any of its three shapes:
 * `2022-03-31 12:00:00`, `2025-04-05T00:00:00`, `2012-10-09 12:00:00 +05:30`. Offset-less values
 * are London wall-clock times and their date is taken as written; a UTC instant such as
 * `2025-09-04T23:00:00Z` is converted to the London date (the next day in summer). The .NET
 * sentinels `0001-01-01` and `1900-01-01` mean "no date" and give undefined.
 */
export function parseKashflowDate(text: string | null | undefined): string | undefined {
  if (text === null || text === undefined) return undefined
  const trimmed = text.trim()
  const m = SHAPE.exec(trimmed) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed)
  if (!m) return undefined
  const [, y, mo, d] = m
  if (y === '0001' || y === '1900') return undefined
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)
  if (!hasZone) return `${y}-${mo}-${d}`
  const instant = new Date(trimmed.replace(' ', 'T').replace(/ ([+-])/, '$1'))
  return Number.isNaN(instant.getTime()) ? undefined : londonDate(instant)
}
