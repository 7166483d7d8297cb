import {
  OpayoAuthenticationError,
  OpayoRateLimitError,
  OpayoServerError,
} from '../errors/http-errors.js'
import { OpayoError } from '../errors/opayo-error.js'
import { retryAfterMs } from '@opayo-kashflow/http-core'
import type { RawResponse } from './http.js'

/**
 * The error for a non-2xx answer of the Reporting API or the Server registration endpoint, by
 * what the caller does next. `note` is added to the refusal and rate-limit messages (for a
 * registration: that nothing was registered).
 * @example throw httpError({ status: 403, headers: new Headers(), body: new Uint8Array() }, 'register', '; nothing was registered')
 */
export function httpError(response: RawResponse, operation: string, note = ''): OpayoError {
  const details = {
    status: response.status,
    operation,
    retryAfterMs: retryAfterMs(response.headers),
  }
  if (response.status === 401 || response.status === 403) {
    return new OpayoAuthenticationError(
      `${operation} was refused (HTTP ${response.status})${note}.`,
      details,
    )
  }
  if (response.status === 429) {
    return new OpayoRateLimitError(`${operation} was rate limited (HTTP 429)${note}.`, details)
  }
  // On the registration POST a 5xx never gets here: the Http core reports it as ambiguous.
  if (response.status === 408 || response.status >= 500) {
    return new OpayoServerError(
      `${operation} failed on Opayo's side (HTTP ${response.status}).`,
      details,
    )
  }
  return new OpayoError(
    'opayo_http_error',
    `${operation} failed with HTTP ${response.status}.`,
    details,
  )
}
