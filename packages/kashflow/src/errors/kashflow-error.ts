import { isOpayoKashflowError, OpayoKashflowError } from '@opayo-kashflow/core'
import { errorClassFactory } from '@opayo-kashflow/http-core'

/**
 * The facts of a failed KashFlow call, copied from the response: never credentials, the session
 * token, or a Request, Response, Headers or ky error (those carry the `Authorization` header).
 */
export interface KashflowErrorDetails {
  readonly status?: number | undefined
  /** KashFlow's `Error` code (e.g. `InvalidSessionToken`, `-2146232060`). */
  readonly kashflowCode?: string | undefined
  /** KashFlow's `Message`. */
  readonly kashflowMessage?: string | undefined
  readonly method?: string | undefined
  /** The path called, e.g. `/invoices/1042`. */
  readonly path?: string | undefined
  readonly retryAfterMs?: number | undefined
  /**
   * Another opayo-kashflow error this one wraps (an ambiguous write keeps the 5xx it came from).
   * Anything else (a ky error, a fetch `TypeError`, which can hold the request and its headers)
   * is not kept.
   */
  readonly cause?: unknown
}

/**
 * Base of every error @opayo-kashflow/kashflow throws. It holds only whitelisted facts (status,
 * KashFlow's code and message, method, path, retryAfterMs); `cause` is kept only when it is
 * another opayo-kashflow error, so no request, response or header can ride along into a log.
 * @example
 * try {
 *   await kashflow.invoices.get(1042)
 * } catch (error) {
 *   if (error instanceof KashflowError) logger.warn(error.code, { status: error.status, path: error.path })
 * }
 */
export class KashflowError extends OpayoKashflowError {
  override readonly name: string = 'KashflowError'
  readonly status: number | undefined
  readonly kashflowCode: string | undefined
  readonly kashflowMessage: string | undefined
  readonly method: string | undefined
  readonly path: string | undefined
  readonly retryAfterMs: number | undefined

  constructor(code: string, message: string, details: KashflowErrorDetails = {}) {
    super(code, message, isOpayoKashflowError(details.cause) ? { cause: details.cause } : undefined)
    this.status = details.status
    this.kashflowCode = details.kashflowCode
    this.kashflowMessage = details.kashflowMessage
    this.method = details.method
    this.path = details.path
    this.retryAfterMs = details.retryAfterMs
  }
}

// One class per thing the caller does next, each with a literal name and a stable code.
const make = errorClassFactory(KashflowError)

/** 400 `{Error, Message}`: KashFlow refused the data. Fix it; do not retry. */
export class KashflowValidationError extends make(
  'KashflowValidationError',
  'kashflow_validation_failed',
) {}
/** 400 with `Error: "-2146232060"` (a database timeout): retry with back-off. */
export class KashflowTransientError extends make('KashflowTransientError', 'kashflow_transient') {}
/**
 * Credentials refused, account locked, password expired, temporary password, subscription
 * expired, or a session that could not be renewed. Fatal: never retried.
 */
export class KashflowAuthenticationError extends make(
  'KashflowAuthenticationError',
  'kashflow_authentication_failed',
) {}
/** 404: no such invoice, customer or journal (the seed's "InvoiceID not found"). */
export class KashflowNotFoundError extends make('KashflowNotFoundError', 'kashflow_not_found') {}
/**
 * 429: wait `retryAfterMs` (seconds or HTTP date in Retry-After). Reads are retried after the
 * wait; a write is not retried by the client, whatever the wait: it was refused, not applied,
 * and the caller writes again when it chooses.
 */
export class KashflowRateLimitError extends make(
  'KashflowRateLimitError',
  'kashflow_rate_limited',
) {}
/** 5xx: KashFlow is failing; reads are retried, writes become ambiguous. */
export class KashflowServerError extends make('KashflowServerError', 'kashflow_server_error') {}
/** No response in time. */
export class KashflowTimeoutError extends make('KashflowTimeoutError', 'kashflow_timeout') {}
/** The connection failed before a response. */
export class KashflowNetworkError extends make('KashflowNetworkError', 'kashflow_network_error') {}
/**
 * A write may or may not have been applied (timeout, reset, 5xx after sending). It was not
 * retried: read back (`invoicePayments.findNew` against the pre-image, `journals.find`) before
 * writing again.
 */
export class KashflowAmbiguousWriteError extends make(
  'KashflowAmbiguousWriteError',
  'kashflow_ambiguous_write',
) {}
/**
 * KashFlow answered with a shape the schemas do not accept. The sync engine treats it as
 * "cannot tell": it stops writing that item and dead-letters it `needs_review`.
 */
export class KashflowResponseError extends make(
  'KashflowResponseError',
  'kashflow_unexpected_response',
) {}

/**
 * A read-back could not decide whether a write happened: the rows KashFlow answered with do not
 * carry the fields the comparison needs (for example journal list rows without the reference),
 * or a search hit cannot be proven to be the one asked for. This is never "not written": stop
 * writing that item and let a person look. `seen` says what KashFlow did answer (field names,
 * row counts, candidate codes), never a secret.
 * @example
 * try {
 *   await kashflow.journals.find({ date: '2026-11-02', reference: marker })
 * } catch (error) {
 *   if (error instanceof KashflowCannotTellError) console.log(error.operation, error.seen)
 * }
 */
export class KashflowCannotTellError extends KashflowError {
  override readonly name = 'KashflowCannotTellError' as const
  /** The client call that could not tell, e.g. `journals.find`. */
  readonly operation: string
  /** What KashFlow answered, summarised (field names, counts, codes); safe to log. */
  readonly seen: Readonly<Record<string, unknown>>
  constructor(
    operation: string,
    message: string,
    seen: Readonly<Record<string, unknown>> = {},
    details: KashflowErrorDetails = {},
  ) {
    super('kashflow_cannot_tell', `${operation}: cannot tell: ${message}`, details)
    this.operation = operation
    this.seen = seen
  }
}
