import { OpayoKashflowError } from '@opayo-kashflow/core'

/** What went wrong talking to Opayo, as facts a caller can act on. Never contains secrets. */
export interface OpayoErrorDetails {
  /** HTTP status, when there was a response. */
  readonly status?: number | undefined
  /** Opayo's own error entries (`code`, `property`, `description`). */
  readonly vendorErrors?: readonly OpayoVendorError[] | undefined
  /** Milliseconds to wait before trying again, when Opayo said so (Retry-After). */
  readonly retryAfterMs?: number | undefined
  /** The operation, e.g. `POST /transactions`. */
  readonly operation?: string | undefined
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

/** Base of every error @opayo-kashflow/opayo throws. */
export class OpayoError extends OpayoKashflowError {
  override readonly name: string = 'OpayoError'
  readonly status: number | undefined
  readonly vendorErrors: readonly OpayoVendorError[]
  readonly retryAfterMs: number | undefined
  readonly operation: string | undefined

  constructor(code: string, message: string, details: OpayoErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause })
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

/** A Form crypt could not be decrypted or is not the one expected. `reason` says which check failed. */
export class OpayoCryptError extends OpayoError {
  override readonly name = 'OpayoCryptError' as const
  readonly reason:
    | 'missing_prefix'
    | 'bad_hex'
    | 'bad_length'
    | 'bad_padding'
    | 'wrong_key'
    | 'replay'
    | 'bad_password'
    | 'bad_field'
  constructor(reason: OpayoCryptError['reason'], message: string) {
    super(`opayo_crypt_${reason}`, message)
    this.reason = reason
  }
}
