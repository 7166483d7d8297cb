import type { Secret } from '@opayo-kashflow/core'
import {
  describeTransportFailure,
  resolveRetryPolicy,
  runWithRetry,
  sleep as defaultSleep,
} from '@opayo-kashflow/http-core'
import type { RetryOptions, RetryPolicy } from '@opayo-kashflow/http-core'
import ky from 'ky'
import type { Hooks, KyInstance } from 'ky'
import {
  OpayoAmbiguousResultError,
  OpayoNetworkError,
  OpayoTimeoutError,
} from '../errors/http-errors.js'
import type { OpayoError } from '../errors/opayo-error.js'

// `RetryOptions` (how reads are retried; money-moving POSTs never are) is declared once, in
// http-core, and exported from this package's index under that name; the build inlines it.
export type { RetryOptions }

/** Per-call options every method takes as its last argument. */
export interface CallOptions {
  readonly signal?: AbortSignal
  /** Milliseconds before the call gives up. */
  readonly timeout?: number
  /** Overrides the client's retry policy for this call (`{ limit: 0 }` disables retries). */
  readonly retry?: RetryOptions
}

/** Transport options both Opayo clients take. */
export interface OpayoTransportOptions {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch
  /** Milliseconds per request. @default 30000 */
  readonly timeout?: number
  /** Retry policy for reads. @default { limit: 3, baseDelayMs: 500, maxDelayMs: 10000 } */
  readonly retry?: RetryOptions
  /** ky hooks, passed through (beforeRequest, afterResponse, ...). */
  readonly hooks?: Hooks
  /** For tests: how to wait between retries. @default setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** For tests: jitter source. @default Math.random */
  readonly random?: () => number
}

/**
 * The Http core for a client: its base URL and headers plus the shared transport options, and
 * the Authorization header as a `Secret`, revealed per request only.
 */
export function httpFor(
  baseUrl: string,
  headers: Record<string, string>,
  options: OpayoTransportOptions,
  authorization?: Secret,
): Http {
  return new Http({
    baseUrl,
    headers,
    ...(authorization ? { authorization } : {}),
    timeout: options.timeout ?? 30_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
  })
}

export interface HttpOptions {
  readonly baseUrl: string
  /** Headers without credentials. */
  readonly headers: Readonly<Record<string, string>>
  /** The Authorization header value, revealed only as each request is sent. */
  readonly authorization?: Secret
  readonly fetch?: typeof fetch
  readonly timeout: number
  readonly retry?: RetryOptions
  readonly hooks?: Hooks
  /** Injected for tests: how to wait. @default setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Injected for tests: jitter source in [0, 1). @default Math.random */
  readonly random?: () => number
}

export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: Uint8Array
}

export interface SendInput {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly json?: unknown
  readonly form?: URLSearchParams
  /** GETs and other reads: retried on network errors, timeouts, 408, 429 and 5xx. */
  readonly idempotent: boolean
  /** Extra attempts on 404 (Pi's brief 404 right after 3-D Secure). @default 0 */
  readonly notFoundRetries?: number
  /** For ambiguity reports on writes. */
  readonly vendorTxCode?: string
  /** A non-2xx response that is nevertheless a result (a Pi decline answered 403). */
  readonly accept?: (response: RawResponse) => boolean
  /** Maps a non-2xx response to an error. */
  readonly toError: (response: RawResponse, operation: string) => OpayoError
}

/**
 * The clients' retry policy as data: reads only (GET, and the Reporting API's POSTs, which are
 * reads and say so with `idempotent`), on 408, 429 and the 5xx a retry can cure. A money-moving
 * POST is never retried.
 */
const OPAYO_RETRY: RetryPolicy = {
  limit: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  methods: ['GET'],
  statuses: [408, 429, 500, 502, 503, 504],
}

/** A small HTTP core over ky: one place for timeouts, retries and error mapping. */
export class Http {
  readonly #ky: KyInstance
  readonly #options: HttpOptions

  constructor(options: HttpOptions) {
    this.#options = options
    this.#ky = ky.create({
      prefixUrl: options.baseUrl,
      headers: options.headers,
      timeout: options.timeout,
      retry: 0,
      throwHttpErrors: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
    })
  }

  async send(input: SendInput, call: CallOptions = {}): Promise<RawResponse> {
    const operation = `${input.method} /${input.path}`
    const txCode = input.vendorTxCode ?? '(unknown)'
    let notFoundLeft = input.notFoundRetries ?? 0
    return runWithRetry<RawResponse, RawResponse, OpayoError>({
      policy: resolveRetryPolicy(OPAYO_RETRY, this.#options.retry, call.retry),
      method: input.method,
      idempotent: input.idempotent,
      signal: call.signal,
      sleep: this.#options.sleep ?? defaultSleep,
      random: this.#options.random ?? Math.random,
      send: async () => {
        const authorization = this.#options.authorization
        const res = await this.#ky(input.path, {
          method: input.method,
          ...(authorization ? { headers: { authorization: authorization.reveal() } } : {}),
          ...(input.json === undefined ? {} : { json: input.json }),
          ...(input.form === undefined ? {} : { body: input.form }),
          ...(call.signal ? { signal: call.signal } : {}),
          ...(call.timeout === undefined ? {} : { timeout: call.timeout }),
        })
        return {
          status: res.status,
          headers: res.headers,
          body: new Uint8Array(await res.arrayBuffer()),
        }
      },
      classify: (response) => {
        if (response.status < 300 || input.accept?.(response))
          return { kind: 'done', value: response }
        if (response.status === 404 && notFoundLeft > 0) {
          notFoundLeft -= 1
          return { kind: 'again', wait: true }
        }
        return {
          kind: 'failed',
          status: response.status,
          error: input.toError(response, operation),
        }
      },
      // Only the kind of failure is copied into our errors, never the ky/fetch error itself.
      unanswered: (cause, attempts) => {
        const { timedOut, reason } = describeTransportFailure(cause)
        const message = `${operation} ${timedOut ? 'timed out' : `could not reach Opayo${reason}`} after ${attempts} attempt(s).`
        return timedOut
          ? new OpayoTimeoutError(message, { operation })
          : new OpayoNetworkError(message, { operation })
      },
      mayHaveApplied: (failure) => {
        if ('status' in failure)
          return new OpayoAmbiguousResultError(
            `${operation} failed with HTTP ${failure.status}; Opayo may or may not have processed it. Look up VendorTxCode ${txCode} with the Reporting API before trying again.`,
            {
              operation,
              status: failure.status,
              vendorErrors: failure.error.vendorErrors,
              vendorTxCode: input.vendorTxCode,
              cause: failure.error,
            },
          )
        const { timedOut, reason } = describeTransportFailure(failure.cause)
        return new OpayoAmbiguousResultError(
          `${operation} ${timedOut ? 'timed out' : `failed on the network${reason}`}; Opayo may or may not have processed it. It was not retried: look up VendorTxCode ${txCode} with the Reporting API before trying again.`,
          { operation, vendorTxCode: input.vendorTxCode },
        )
      },
    })
  }
}
