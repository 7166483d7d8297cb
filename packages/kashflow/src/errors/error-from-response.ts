import {
  KashflowAuthenticationError,
  KashflowError,
  KashflowNotFoundError,
  KashflowRateLimitError,
  KashflowServerError,
  KashflowTransientError,
  KashflowValidationError,
} from './kashflow-error.js'
import { KashflowErrorBodySchema } from '../wire/schemas.js'
import { retryAfterMs, scrubVendorText } from '@opayo-kashflow/http-core'

/**
 * KashFlow's SQL timeout, surfaced verbatim as a 400 (seen by CappyTech/hcs-sync, CHANGELOG.md and
 * src/kashflow/client.js, which retries it).
 */
export const KASHFLOW_SQL_TIMEOUT_CODE = '-2146232060'

/**
 * The one table from a KashFlow response to an error class (bodies as documented on
 * kashflow.com/developers/rest-api/authentication and in the KashFlow API v2 swagger):
 * 400 `{Error, Message}` validation, except `Error: "-2146232060"` which is transient; 401/403
 * authentication; 404 not found; 429 rate limit with `retryAfterMs`; 5xx server. Every error
 * carries status, KashFlow's code and message (capped at 200 characters, control characters and
 * anything token-like removed), method and path, never credentials or the token.
 */
export function errorFromResponse(
  status: number,
  bodyText: string,
  headers: Headers,
  method: string,
  path: string,
): KashflowError {
  let body: { Error?: string | null | undefined; Message?: string | null | undefined } = {}
  try {
    const parsed = KashflowErrorBodySchema.safeParse(JSON.parse(bodyText))
    // What KashFlow said is kept capped and scrubbed: a server that echoed the request would
    // otherwise put the session token (the Authorization header) into the error.
    if (parsed.success)
      body = {
        Error: scrubVendorText(parsed.data.Error ?? undefined),
        Message: scrubVendorText(parsed.data.Message ?? undefined),
      }
  } catch {
    // Not JSON (a proxy's HTML page): keep the status alone.
  }
  const details = {
    status,
    kashflowCode: body.Error ?? undefined,
    kashflowMessage: body.Message ?? undefined,
    method,
    path,
    retryAfterMs: retryAfterMs(headers),
  }
  const what = `${method} ${path}`
  const said =
    body.Error || body.Message ? `: ${[body.Error, body.Message].filter(Boolean).join(' - ')}` : ''
  if (status === 400 && body.Error === KASHFLOW_SQL_TIMEOUT_CODE) {
    return new KashflowTransientError(
      `${what} hit a KashFlow database timeout (HTTP 400)${said}. Retry later.`,
      details,
    )
  }
  if (status === 400)
    return new KashflowValidationError(`${what} was rejected (HTTP 400)${said}`, details)
  if (status === 401 || status === 403) {
    return new KashflowAuthenticationError(
      `${what} was not authorised (HTTP ${status})${said}`,
      details,
    )
  }
  if (status === 404)
    return new KashflowNotFoundError(`${what} found nothing (HTTP 404)${said}`, details)
  if (status === 429)
    return new KashflowRateLimitError(`${what} was rate limited (HTTP 429)${said}`, details)
  if (status >= 500)
    return new KashflowServerError(
      `${what} failed on KashFlow's side (HTTP ${status})${said}`,
      details,
    )
  return new KashflowError(
    'kashflow_http_error',
    `${what} failed with HTTP ${status}${said}`,
    details,
  )
}
