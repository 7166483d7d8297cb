import { isOpayoKashflowError, OpayoKashflowError } from '@opayo-kashflow/core'

/**
 * What went wrong talking to Opayo, as facts a caller can act on, copied from the response.
 * Never contains secrets, nor a Request, Response, Headers or ky error (those carry the
 * `Authorization` header).
 */
export interface OpayoErrorDetails {
  /** HTTP status, when there was a response. */
  readonly status?: number | undefined
  /** Opayo's own error entries (`code`, `property`, `description`). */
  readonly vendorErrors?: readonly OpayoVendorError[] | undefined
  /** Milliseconds to wait before trying again, when Opayo said so (Retry-After). */
  readonly retryAfterMs?: number | undefined
  /** The operation, e.g. `POST /transactions`. */
  readonly operation?: string | undefined
  /**
   * Another opayo-kashflow error this one wraps (an ambiguous result keeps the 5xx it came
   * from). Anything else (a ky error, a fetch `TypeError`, which can hold the request and its
   * headers) is not kept.
   */
  readonly cause?: unknown
}

/** One entry of an Opayo Pi error body. */
export interface OpayoVendorError {
  readonly code?: string
  readonly property?: string
  readonly description?: string
  readonly clientMessage?: string
  readonly statusCode?: string
  readonly statusDetail?: string
}

/**
 * Base of every error @opayo-kashflow/opayo throws. It holds only whitelisted facts (status,
 * vendorErrors, retryAfterMs, operation); `cause` is kept only when it is another
 * opayo-kashflow error, so no request, response or header can ride along into a log.
 * @example
 * try {
 *   await pi.transactions.get('T6569400-1516-0A3F-E3FA-7F222CC79221')
 * } catch (error) {
 *   if (error instanceof OpayoError) logger.warn(error.code, { status: error.status, operation: error.operation })
 * }
 */
export class OpayoError extends OpayoKashflowError {
  override readonly name: string = 'OpayoError'
  readonly status: number | undefined
  readonly vendorErrors: readonly OpayoVendorError[]
  readonly retryAfterMs: number | undefined
  readonly operation: string | undefined

  constructor(code: string, message: string, details: OpayoErrorDetails = {}) {
    super(code, message, isOpayoKashflowError(details.cause) ? { cause: details.cause } : undefined)
    this.status = details.status
    this.vendorErrors = details.vendorErrors ?? []
    this.retryAfterMs = details.retryAfterMs
    this.operation = details.operation
  }
}

/**
 * The VPSSignature of a Server notification does not match. The message lists the usual causes;
 * it never contains the SecurityKey.
 */
export class OpayoSignatureError extends OpayoError {
  override readonly name = 'OpayoSignatureError' as const
  constructor(message: string) {
    super('opayo_signature_mismatch', message)
  }
}

/**
 * A Form crypt could not be decrypted or is not the one expected. `reason`: `undecryptable`
 * (one reason for every decryption failure, so no caller can build a padding oracle from it),
 * `replay` (not the VendorTxCode expected), `bad_password` (not 16 characters) or `bad_field`
 * (a field that cannot be encrypted).
 */
export class OpayoCryptError extends OpayoError {
  override readonly name = 'OpayoCryptError' as const
  readonly reason: 'undecryptable' | 'replay' | 'bad_password' | 'bad_field'
  constructor(reason: OpayoCryptError['reason'], message: string) {
    super(`opayo_crypt_${reason}`, message)
    this.reason = reason
  }
}
