import {
  OpayoAuthenticationError,
  OpayoNotFoundError,
  OpayoRateLimitError,
  OpayoServerError,
  OpayoValidationError,
} from '../errors/http-errors.js'
import { OpayoError } from '../errors/opayo-error.js'
import type { OpayoVendorError } from '../errors/opayo-error.js'
import { retryAfterMs, scrubVendorText } from '@opayo-kashflow/http-core'
import type { RawResponse } from '../internal/http.js'
import { PiErrorBodySchema } from './schemas.js'
import type { PiErrorEntry } from './schemas.js'

const scrub = <T>(value: T): T => (typeof value === 'string' ? scrubVendorText(value) : value) as T

function vendorErrorsOf(body: Uint8Array): OpayoVendorError[] {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'))
  } catch {
    return []
  }
  const parsed = PiErrorBodySchema.safeParse(json)
  if (!parsed.success) return []
  const data = parsed.data as { errors?: PiErrorEntry[] } & PiErrorEntry
  const entries: PiErrorEntry[] = Array.isArray(data.errors) ? data.errors : [data]
  return entries.map((e) =>
    Object.fromEntries(
      // Each text capped and scrubbed: a server that echoed the request would otherwise put the
      // Authorization header (the Basic integration key and password) into the error.
      Object.entries({
        code: scrub(e.code),
        property: scrub(e.property),
        description: scrub(e.description),
        clientMessage: scrub(e.clientMessage),
        statusCode: scrub(e.statusCode),
        statusDetail: scrub(e.statusDetail),
      }).filter(([, v]) => v !== undefined),
    ),
  )
}

/**
 * Maps a non-2xx Pi response to the error class named for what the caller does next
 * (the HTTP code table of smiths0n/django-sagepaypi gateway.py): 400/422 validation, 401 (and
 * 403 without a transaction body) authentication, 404 not found, 429 rate limit, 408/5xx server. Both error body shapes
 * (`{errors:[...]}` and a single object) are read; codes may be numbers or strings.
 */
export function errorFromResponse(response: RawResponse, operation: string): OpayoError {
  const vendorErrors = vendorErrorsOf(response.body)
  const summary = vendorErrors
    .map((e) => [e.code, e.property, e.description ?? e.statusDetail].filter(Boolean).join(' '))
    .join('; ')
  const details = {
    status: response.status,
    vendorErrors,
    operation,
    retryAfterMs: retryAfterMs(response.headers),
  }
  const tail = summary ? `: ${summary}` : '.'
  switch (true) {
    case response.status === 400 || response.status === 422:
      return new OpayoValidationError(
        `${operation} was rejected as invalid (HTTP ${response.status})${tail}`,
        details,
      )
    case response.status === 401 || response.status === 403:
      return new OpayoAuthenticationError(
        `${operation} was refused (HTTP ${response.status})${tail} Check the integration key and password for this environment.`,
        details,
      )
    case response.status === 404:
      return new OpayoNotFoundError(`${operation} found nothing (HTTP 404)${tail}`, details)
    case response.status === 429:
      return new OpayoRateLimitError(`${operation} was rate limited (HTTP 429)${tail}`, details)
    case response.status === 408 || response.status >= 500:
      return new OpayoServerError(
        `${operation} failed on Opayo's side (HTTP ${response.status})${tail}`,
        details,
      )
    default:
      return new OpayoError(
        'opayo_http_error',
        `${operation} failed with HTTP ${response.status}${tail}`,
        details,
      )
  }
}
