// The admin listener's gate, in front of every admin route (GET too), and the resolve form's
// page token. A browser on the operator's machine can be made to reach a loopback listener under
// a name the attacker controls (DNS rebinding: `evil.example` first resolves to the attacker,
// then to 127.0.0.1). Such a request carries the attacker's name in `Host`, and its `Origin`
// matches that `Host`, so an Origin check alone lets it through. The gate answers only requests
// whose `Host` is one of the listener's own loopback names with its own port; a listener that is
// not on loopback answers only requests carrying the admin bearer token, which no browser page
// can attach by itself.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Secret } from '@opayo-kashflow/core'
import { bearerMatches, json } from './http.js'

/** How long a status page's resolve form may be posted after the page was served: 12 h. */
export const PAGE_TOKEN_MAX_AGE_MS = 12 * 3_600_000

const IPV4_LOOPBACK =
  /^127\.(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){2}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/**
 * Whether a host name is a loopback address: `localhost`, an IPv4 address in 127.0.0.0/8, or
 * `::1` (with or without the URL's brackets). Only these exact spellings: a trailing dot, a
 * subdomain of localhost or another notation of the same address is not one of them.
 * @param hostname a URL's `hostname`, or a configured bind address
 * @example isLoopbackHostname('127.0.0.1') // true; isLoopbackHostname('0.0.0.0') // false
 */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase()
  return name === 'localhost' || name === '[::1]' || name === '::1' || IPV4_LOOPBACK.test(name)
}

/**
 * The `Host` values a listener at `url` answers to, or undefined when `url` is not a loopback
 * address (then no `Host` proves anything and the bearer token is required). The names are
 * `localhost`, `127.0.0.1`, the bound 127.x address and `[::1]`, each with the listener's port
 * (and also without it on port 80, as browsers send it).
 * @param url the listener's own address with its port (`listen` builds requests' URLs from it)
 * @example ownAdminHosts(new URL('http://127.0.0.1:8081/admin')) // ['localhost:8081', '127.0.0.1:8081', '[::1]:8081']
 */
export function ownAdminHosts(url: URL): readonly string[] | undefined {
  if (!isLoopbackHostname(url.hostname)) return undefined
  const port = url.port || '80'
  const names = [...new Set(['localhost', '127.0.0.1', url.hostname.toLowerCase(), '[::1]'])]
  return names.flatMap((name) => (port === '80' ? [`${name}:80`, name] : [`${name}:${port}`]))
}

// Neither answer says which check failed or what the listener would have accepted.
const misdirected = () =>
  json(421, { error: 'Misdirected request.' }, { 'cache-control': 'no-store' })
const unauthorized = () =>
  json(
    401,
    { error: 'A valid Authorization: Bearer token is required.' },
    { 'cache-control': 'no-store', 'www-authenticate': 'Bearer' },
  )

/**
 * The admin listener's gate: undefined when the request may be served, else the answer. On a
 * loopback listener the `Host` must be one of `ownAdminHosts` (421 otherwise, a request without
 * `Host` included); on any other address, and for a handler called with a URL that is not a
 * loopback address with its port (in-process), only a request with `Authorization: Bearer
 * <adminToken>` is served (401 otherwise, and always when no admin token is configured).
 * @param request the request as the listener built it: its URL is the listener's own address
 * @param input `adminToken`: the admin bearer token, if one is configured
 * @example const refused = adminGate(request, { adminToken: new Secret(process.env.ADMIN_TOKEN ?? '') }); if (refused) return refused
 */
export function adminGate(
  request: Request,
  input: { readonly adminToken: Secret | undefined },
): Response | undefined {
  let own: readonly string[] | undefined
  try {
    own = ownAdminHosts(new URL(request.url))
  } catch {
    own = undefined
  }
  if (own) {
    const host = request.headers.get('host')?.toLowerCase()
    return host !== undefined && own.includes(host) ? undefined : misdirected()
  }
  return input.adminToken && bearerMatches(request, input.adminToken) ? undefined : unauthorized()
}

/** Issues and checks the resolve form's per-page tokens. */
export interface PageTokens {
  /** A new token for one page: unguessable, and valid for `maxAgeMs` in this process only. */
  issue(): string
  /** Whether `token` was issued by this process within `maxAgeMs` (compared in constant time). */
  verify(token: string): boolean
}

const TOKEN = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/

/**
 * Per-page tokens for the resolve form: `<issued at>.<random nonce>.<HMAC-SHA256 of both under a
 * key drawn at random for this process>`. Nothing is stored per page, a token from another
 * process or an earlier run never verifies, and the key never leaves the closure (it is not on
 * the object, so it is not printed by `util.inspect`). Tokens are never logged.
 * @param input `now`: the clock; `maxAgeMs`: how long a page's token stays valid
 * @default maxAgeMs PAGE_TOKEN_MAX_AGE_MS (12 h)
 * @example const tokens = createPageTokens({ now: Date.now }); tokens.verify(tokens.issue()) // true
 */
export function createPageTokens(input: {
  readonly now: () => number
  readonly maxAgeMs?: number
}): PageTokens {
  const key = randomBytes(32)
  const maxAgeMs = input.maxAgeMs ?? PAGE_TOKEN_MAX_AGE_MS
  const mac = (issuedAt: string, nonce: string) =>
    createHmac('sha256', key).update(`opayo-kashflow resolve form\n${issuedAt}\n${nonce}`).digest()
  return {
    issue() {
      const issuedAt = Math.max(0, Math.floor(input.now())).toString(36)
      const nonce = randomBytes(16).toString('base64url')
      return `${issuedAt}.${nonce}.${mac(issuedAt, nonce).toString('base64url')}`
    },
    verify(token) {
      const parts = TOKEN.exec(token)
      if (!parts?.[1] || !parts[2] || !parts[3]) return false
      const given = Buffer.from(parts[3], 'base64url')
      const expected = mac(parts[1], parts[2])
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false
      const age = input.now() - parseInt(parts[1], 36)
      // A minute of leeway for a clock that steps back.
      return age >= -60_000 && age <= maxAgeMs
    },
  }
}
