// What a response says about the request budget, from whichever of the usual headers it sends.
// Forms read (each field from the first header that has it):
//  - IETF httpapi-ratelimit-headers, drafts 00-07 (https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/):
//    `RateLimit-Limit: 100`, `RateLimit-Remaining: 37`, `RateLimit-Reset: 12` (delta seconds),
//    `RateLimit-Policy: 100;w=60`, and the combined `RateLimit: limit=100, remaining=37, reset=12`;
//  - the same drafts from 08 on: `RateLimit: "default";r=37;t=12` and
//    `RateLimit-Policy: "default";q=100;w=60`;
//  - the de facto `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (delta
//    seconds, or epoch seconds as GitHub sends them);
//  - Retry-After (seconds or an HTTP date), through `retryAfterMs`.
import { RETRY_AFTER_CAP_MS, retryAfterMs } from '../retry/retry-after.js'
import type { RateSignal } from './rate-budget.js'

const NUMBER = /^\s*(\d+(?:\.\d+)?)/
// A reset above this is a point in time (epoch seconds), not a number of seconds to wait.
const EPOCH_SECONDS = 1e9

const leadingNumber = (value: string | null | undefined): number | undefined => {
  const match = value ? NUMBER.exec(value) : null
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** `key=value` parameters of a structured header item (`;` or `,` separated, quotes dropped). */
const parameters = (value: string | null): Map<string, string> => {
  const out = new Map<string, string>()
  for (const part of value?.split(/[;,]/) ?? []) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    out.set(
      part.slice(0, eq).trim().toLowerCase(),
      part
        .slice(eq + 1)
        .trim()
        .replace(/^"|"$/g, ''),
    )
  }
  return out
}

const resetToMs = (seconds: number | undefined, now: number): number | undefined => {
  if (seconds === undefined) return undefined
  const ms = seconds > EPOCH_SECONDS ? seconds * 1000 - now : seconds * 1000
  return Math.min(Math.max(0, Math.round(ms)), RETRY_AFTER_CAP_MS)
}

/**
 * The budget a response states, for {@link RateBudget.learn}: Retry-After and every rate-limit
 * header form above that is present. Absent or unreadable fields are `undefined`.
 * @example rateSignalFrom(429, new Headers({ 'retry-after': '2' }), Date.now()) // { status: 429, retryAfterMs: 2000, ... }
 */
export function rateSignalFrom(status: number, headers: Headers, now: number): RateSignal {
  const combined = parameters(headers.get('ratelimit'))
  const policy = headers.get('ratelimit-policy')
  const policyParams = parameters(policy)
  const num = (v: string | undefined): number | undefined => leadingNumber(v)
  const limit =
    leadingNumber(headers.get('ratelimit-limit')) ??
    num(combined.get('limit')) ??
    num(policyParams.get('q')) ??
    // Draft 00-07 policy: the quota is the leading number (`100;w=60`).
    leadingNumber(policy) ??
    leadingNumber(headers.get('x-ratelimit-limit'))
  const windowSeconds = num(policyParams.get('w'))
  const remaining =
    leadingNumber(headers.get('ratelimit-remaining')) ??
    num(combined.get('remaining')) ??
    num(combined.get('r')) ??
    leadingNumber(headers.get('x-ratelimit-remaining'))
  const resetSeconds =
    leadingNumber(headers.get('ratelimit-reset')) ??
    num(combined.get('reset')) ??
    num(combined.get('t')) ??
    leadingNumber(headers.get('x-ratelimit-reset'))
  return {
    status,
    retryAfterMs: retryAfterMs(headers, now),
    limit,
    windowMs: windowSeconds === undefined || windowSeconds <= 0 ? undefined : windowSeconds * 1000,
    remaining,
    resetMs: resetToMs(resetSeconds, now),
  }
}

/**
 * Whether a response says anything a budget can learn from: a 429, Retry-After, or any
 * rate-limit header. Cheap enough for every response.
 * @example
 * const budget = createRateBudget({ limit: 60, windowMs: 1000 })
 * if (statesRateLimit(response.status, response.headers))
 *   await budget.learn(rateSignalFrom(response.status, response.headers, Date.now()))
 */
export function statesRateLimit(status: number, headers: Headers): boolean {
  return (
    status === 429 ||
    headers.has('retry-after') ||
    headers.has('ratelimit') ||
    headers.has('ratelimit-limit') ||
    headers.has('ratelimit-remaining') ||
    headers.has('ratelimit-policy') ||
    headers.has('x-ratelimit-limit') ||
    headers.has('x-ratelimit-remaining')
  )
}
