import { OpayoError } from './opayo-error.js'
import type { OpayoErrorDetails } from './opayo-error.js'

// One class per thing the caller does next. All extend OpayoError.

/** 401/403 on credentials: fix the integration key/password or the Reporting user. Do not retry. */
export class OpayoAuthenticationError extends OpayoError {
  override readonly name = 'OpayoAuthenticationError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_authentication_failed', message, details)
  }
}

/** 400/422: the request is wrong; `vendorErrors` names the offending properties. Fix and resend. */
export class OpayoValidationError extends OpayoError {
  override readonly name = 'OpayoValidationError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_validation_failed', message, details)
  }
}

/** 404 or Reporting 0043: no such transaction (yet). */
export class OpayoNotFoundError extends OpayoError {
  override readonly name = 'OpayoNotFoundError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_not_found', message, details)
  }
}

/** 429: slow down; `retryAfterMs` says for how long when Opayo sent Retry-After. */
export class OpayoRateLimitError extends OpayoError {
  override readonly name = 'OpayoRateLimitError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_rate_limited', message, details)
  }
}

/** 5xx or 408: Opayo's side failed. Safe to retry reads; see OpayoAmbiguousResultError for writes. */
export class OpayoServerError extends OpayoError {
  override readonly name = 'OpayoServerError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_server_error', message, details)
  }
}

/** No response within the timeout. */
export class OpayoTimeoutError extends OpayoError {
  override readonly name = 'OpayoTimeoutError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_timeout', message, details)
  }
}

/** The connection failed (DNS, reset, refused) before a response. */
export class OpayoNetworkError extends OpayoError {
  override readonly name = 'OpayoNetworkError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_network_error', message, details)
  }
}

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

/** A response did not have the shape the schemas expect. */
export class OpayoResponseError extends OpayoError {
  override readonly name = 'OpayoResponseError' as const
  constructor(message: string, details: OpayoErrorDetails) {
    super('opayo_unexpected_response', message, details)
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
