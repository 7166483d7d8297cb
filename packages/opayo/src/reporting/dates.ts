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

const REPORTING = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/

/**
 * Parses a Reporting date (London local time) to an ISO 8601 string with its offset, e.g.
 * `04/11/2013 11:45:32` -> `2013-11-04T11:45:32.000+00:00`; undefined when malformed.
 */
export function parseReportingDate(text: string | undefined): string | undefined {
  const m = REPORTING.exec((text ?? '').trim())
  if (!m) return undefined
  const [, dd, mm, yyyy, hh, mi, ss, ms = '0'] = m
  const wall = Date.UTC(
    Number(yyyy),
    Number(mm) - 1,
    Number(dd),
    Number(hh),
    Number(mi),
    Number(ss),
    Number(ms.padEnd(3, '0')),
  )
  if (Number.isNaN(wall)) return undefined
  // The offset at the instant this wall time denotes (try the offset at the naive instant, then correct).
  let offset = londonOffsetMinutes(wall)
  offset = londonOffsetMinutes(wall - offset * 60000)
  const sign = offset >= 0 ? '+' : '-'
  const abs = Math.abs(offset)
  const local = new Date(wall).toISOString().slice(0, 23)
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}
