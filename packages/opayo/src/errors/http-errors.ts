import { errorClassFactory } from '@opayo-kashflow/http-core'
import { OpayoError } from './opayo-error.js'
import type { OpayoErrorDetails } from './opayo-error.js'

/** One class per thing the caller does next, each with a literal name and a stable code. */
const make = errorClassFactory(OpayoError)

/** 401/403 on credentials: fix the integration key/password or the Reporting user. Do not retry. */
export class OpayoAuthenticationError extends make(
  'OpayoAuthenticationError',
  'opayo_authentication_failed',
) {}
/** 400/422: the request is wrong; `vendorErrors` names the offending properties. Fix and resend. */
export class OpayoValidationError extends make('OpayoValidationError', 'opayo_validation_failed') {}
/** 404 or Reporting 0043: no such transaction (yet). */
export class OpayoNotFoundError extends make('OpayoNotFoundError', 'opayo_not_found') {}
/** 429: slow down; `retryAfterMs` says for how long when Opayo sent Retry-After. */
export class OpayoRateLimitError extends make('OpayoRateLimitError', 'opayo_rate_limited') {}
/** 5xx or 408: Opayo's side failed. Safe to retry reads; see OpayoAmbiguousResultError for writes. */
export class OpayoServerError extends make('OpayoServerError', 'opayo_server_error') {}
/** No response within the timeout. */
export class OpayoTimeoutError extends make('OpayoTimeoutError', 'opayo_timeout') {}
/** The connection failed (DNS, reset, refused) before a response. */
export class OpayoNetworkError extends make('OpayoNetworkError', 'opayo_network_error') {}
/** A response did not have the shape the schemas expect. */
export class OpayoResponseError extends make('OpayoResponseError', 'opayo_unexpected_response') {}

/**
 * A money-moving POST may or may not have reached Opayo (timeout, reset, 5xx). It was not
 * retried. Look the VendorTxCode up with the Reporting client before trying again.
 */
export class OpayoAmbiguousResultError extends OpayoError {
  override readonly name = 'OpayoAmbiguousResultError' as const
  readonly vendorTxCode: string | undefined
  constructor(message: string, details: OpayoErrorDetails & { vendorTxCode?: string | undefined }) {
    super('opayo_ambiguous_result', message, details)
    this.vendorTxCode = details.vendorTxCode
  }
}

/** The Reporting API answered with an `errorcode` other than 0000 (and not 0043). */
export class OpayoReportingError extends OpayoError {
  override readonly name = 'OpayoReportingError' as const
  readonly errorCode: string
  constructor(errorCode: string, message: string, details: OpayoErrorDetails = {}) {
    super('opayo_reporting_error', message, details)
    this.errorCode = errorCode
  }
}
