/**
 * The longest Retry-After taken from a server: one hour. A longer (or absurd) value is cut to
 * this, so a wait never overflows a timer (setTimeout fires at once past 2^31 - 1 ms).
 */
export const RETRY_AFTER_CAP_MS = 60 * 60 * 1000

const SECONDS = /^\d+(\.\d+)?$/
// Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a day name; Date.parse alone
// would accept garbage such as "-5" or "1" as a year.
const HTTP_DATE = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i

/**
 * A Retry-After value as milliseconds: delta-seconds (decimals accepted) or an HTTP date
 * (relative to `now`, never negative), capped at `capMs`. Anything else is `undefined`.
 * @param value the header value, or null/undefined when absent
 * @param now the current time in epoch milliseconds
 * @param capMs the longest wait returned @default RETRY_AFTER_CAP_MS
 * @example parseRetryAfter('12', Date.now()) // 12000
 * @example parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:30 GMT')) // 30000
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number,
  capMs: number = RETRY_AFTER_CAP_MS,
): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  let ms: number
  if (SECONDS.test(text)) ms = Math.round(Number(text) * 1000)
  else if (HTTP_DATE.test(text)) {
    const date = Date.parse(text)
    if (Number.isNaN(date)) return undefined
    ms = Math.max(0, date - now)
  } else return undefined
  return Math.min(ms, capMs)
}

/**
 * The Retry-After header of a response as milliseconds (see `parseRetryAfter`).
 * @example retryAfterMs(response.headers) // 3000 for `Retry-After: 3`
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now)
}
