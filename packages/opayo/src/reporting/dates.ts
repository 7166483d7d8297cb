// Reporting dates are Europe/London wall-clock times: `dd/mm/yyyy hh:mm:ss` (requests) and
// `dd/mm/yyyy HH:MM:SS.mmm` (responses). Never treat them as UTC (fhdalikhan/opayo-reporting-api
// parses them in Europe/London).

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** `dd/mm/yyyy hh:mm:ss` in London for an instant. */
export function toReportingDate(instant: Date): string {
  const p = Object.fromEntries(PARTS.formatToParts(instant).map((x) => [x.type, x.value]))
  return `${p['day']}/${p['month']}/${p['year']} ${p['hour']}:${p['minute']}:${p['second']}`
}

// London's offset changes only on the hour (BST starts and ends at 01:00 UTC), so it is looked
// up once per UTC hour: Intl.DateTimeFormat is the cost of parsing a Reporting row otherwise.
const OFFSETS = new Map<number, number>()
const HOUR = 3_600_000

function londonOffsetMinutes(utcMillis: number): number {
  const hour = Math.floor(utcMillis / HOUR)
  const known = OFFSETS.get(hour)
  if (known !== undefined) return known
  const offset = londonOffsetAt(hour * HOUR)
  if (OFFSETS.size >= 4096) OFFSETS.clear()
  OFFSETS.set(hour, offset)
  return offset
}

function londonOffsetAt(utcMillis: number): number {
  const p = Object.fromEntries(
    PARTS.formatToParts(new Date(utcMillis)).map((x) => [x.type, x.value]),
  )
  const asUtc = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
    Number(p['second']),
  )
  return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60000)
}

// Fractions of a second: `.mmm` (Opayo's documented responses) or up to the microseconds of PHP's
// `d/m/Y H:i:s.u` (fhdalikhan/opayo-reporting-api src/GetBatchList.php parses `completed` so).
const REPORTING = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/

/**
 * Parses a Reporting date (London local time) to an ISO 8601 string with its offset, e.g.
 * `04/11/2013 11:45:32` -> `2013-11-04T11:45:32.000+00:00`, `15/07/2026 00:20:31.123456` ->
 * `2026-07-15T00:20:31.123+01:00` (microseconds are cut to milliseconds); undefined when
 * malformed or not a calendar date (`31/02/2026 10:00:00`). The first 10 characters of the
 * result are always the date in London.
 * @example parseReportingDate('01/07/2026 09:00:00.500') // '2026-07-01T09:00:00.500+01:00'
 */
export function parseReportingDate(text: string | undefined): string | undefined {
  const m = REPORTING.exec((text ?? '').trim())
  if (!m) return undefined
  const [, dd, mm, yyyy, hh, mi, ss, fraction = '0'] = m
  const wall = Date.UTC(
    Number(yyyy),
    Number(mm) - 1,
    Number(dd),
    Number(hh),
    Number(mi),
    Number(ss),
    Number(fraction.slice(0, 3).padEnd(3, '0')),
  )
  if (Number.isNaN(wall)) return undefined
  // Date.UTC rolls 31/02 over into March and 24:00 into the next day: refuse what is not as sent.
  const check = new Date(wall)
  if (
    check.getUTCDate() !== Number(dd) ||
    check.getUTCMonth() + 1 !== Number(mm) ||
    check.getUTCHours() !== Number(hh) ||
    Number(mi) > 59 ||
    Number(ss) > 59
  )
    return undefined
  // The offset at the instant this wall time denotes (try the offset at the naive instant, then correct).
  let offset = londonOffsetMinutes(wall)
  offset = londonOffsetMinutes(wall - offset * 60000)
  const sign = offset >= 0 ? '+' : '-'
  const abs = Math.abs(offset)
  const local = new Date(wall).toISOString().slice(0, 23)
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}
