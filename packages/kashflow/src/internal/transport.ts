import ky from 'ky'
import type { Hooks, KyInstance } from 'ky'
import type { z } from 'zod'
import {
  KashflowAmbiguousWriteError,
  KashflowAuthenticationError,
  KashflowNetworkError,
  KashflowResponseError,
  KashflowTimeoutError,
} from '../errors/kashflow-error.js'
import type { KashflowError } from '../errors/kashflow-error.js'
import { errorFromResponse } from '../errors/error-from-response.js'
import { SessionStartResponseSchema, SessionTokenResponseSchema } from '../wire/schemas.js'
import { Secret } from '@opayo-kashflow/core'
import {
  describeTransportFailure,
  rateSignalFrom,
  resolveRetryPolicy,
  runWithRetry,
  sleep as defaultSleep,
  statesRateLimit,
  statusRange,
} from '@opayo-kashflow/http-core'
import type { RateBudget, RetryOptions, RetryPolicy } from '@opayo-kashflow/http-core'
import { KASHFLOW_UNCONFIRMED } from './unconfirmed.js'

/**
 * How reads are retried (5xx, 429, KashFlow's SQL timeout, timeouts and resets). Writes (POST,
 * PUT, DELETE) are never retried: every failure of a write goes straight back to the caller.
 * Defaults: `{ limit: 3, baseDelayMs: 1000, maxDelayMs: 30000 }`. The same type as the Opayo
 * clients' `RetryOptions`, declared once and shared.
 * @example
 * const kashflow = createKashflowClient({ ...credentials, retry: { limit: 5 } satisfies KashflowRetryOptions })
 */
export type KashflowRetryOptions = RetryOptions

/** Keeps a burst of writes within KashFlow's (unpublished) limits. */
export interface WriteThrottleOptions {
  /** Writes in flight at once. @default 4 (`KASHFLOW_UNCONFIRMED.writesInFlight`) */
  readonly concurrency?: number
  /** Minimum milliseconds between the starts of two writes. @default 0 */
  readonly minIntervalMs?: number
}

/** Structured log sink; the client never logs credentials or tokens. */
export interface KashflowLogger {
  debug?(message: string, fields?: Record<string, unknown>): void
  warn?(message: string, fields?: Record<string, unknown>): void
}

/** Per-call options (the last argument of every method). */
export interface KashflowCallOptions {
  readonly signal?: AbortSignal
  readonly timeout?: number
}

export interface TransportOptions {
  readonly baseUrl: string
  readonly username: Secret
  readonly password: Secret
  readonly memorableWord: Secret
  readonly fetch?: typeof fetch | undefined
  readonly timeout: number
  readonly retry?: KashflowRetryOptions | undefined
  readonly hooks?: Hooks | undefined
  readonly logger?: KashflowLogger | undefined
  readonly writeThrottle?: WriteThrottleOptions | undefined
  readonly sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined
  readonly random?: (() => number) | undefined
  readonly now?: (() => number) | undefined
  /** Every request (the login's too) takes a token from it first, and every answer teaches it. */
  readonly rateBudget: RateBudget
}

export interface RequestInput<T> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  readonly path: string
  readonly query?: Record<string, string | number | boolean | undefined>
  readonly body?: unknown
  readonly schema: z.ZodType<T>
}

/**
 * The client's retry policy as data: reads (GET) only, on 429 and every 5xx (plus KashFlow's SQL
 * timeout, a 400 recognised by its code). Writes are not in `methods`: never retried.
 */
const KASHFLOW_RETRY: RetryPolicy = {
  limit: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  methods: ['GET'],
  statuses: [429, ...statusRange(500, 599)],
}

interface Raw {
  status: number
  headers: Headers
  text: string
}

/** HTTP, session and retry policy for the KashFlow client. */
export class KashflowTransport {
  readonly #ky: KyInstance
  readonly #o: TransportOptions
  #token: Secret | undefined
  #login: Promise<Secret> | undefined
  #writesInFlight = 0
  #writeWaiters: (() => void)[] = []
  #nextWriteStart = 0

  constructor(options: TransportOptions) {
    this.#o = options
    this.#ky = ky.create({
      prefixUrl: options.baseUrl,
      timeout: options.timeout,
      retry: 0,
      throwHttpErrors: false,
      headers: { accept: 'application/json' },
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
    })
  }

  /** Sends one request with the session, retries and error mapping of the client. */
  async request<T>(input: RequestInput<T>, call: KashflowCallOptions = {}): Promise<T> {
    const write = input.method !== 'GET'
    const release = write ? await this.#acquireWrite(call.signal) : undefined
    try {
      return await this.#withRetries(input, call)
    } finally {
      release?.()
    }
  }

  #withRetries<T>(input: RequestInput<T>, call: KashflowCallOptions): Promise<T> {
    const path = `/${input.path}`
    let token: Secret
    let renewed = false
    return runWithRetry<Raw, T, KashflowError>({
      policy: resolveRetryPolicy(KASHFLOW_RETRY, this.#o.retry),
      method: input.method,
      signal: call.signal,
      sleep: this.#o.sleep ?? defaultSleep,
      random: this.#o.random ?? Math.random,
      prepare: async () => {
        token = await this.#session(call.signal)
        // A wait for the budget is not a failure: it happens before the request is sent.
        await this.#o.rateBudget.take(1, call.signal)
      },
      send: () => this.#send(input, token, call),
      classify: (raw) => {
        if (raw.status >= 200 && raw.status < 300)
          return { kind: 'done', value: this.#parse(input, raw) }
        const error = errorFromResponse(raw.status, raw.text, raw.headers, input.method, path)
        if (error.kashflowCode === 'InvalidSessionToken' && !renewed) {
          // Expired by inactivity or revoked: log in again once and retry this request once.
          renewed = true
          this.#invalidate(token)
          return { kind: 'again', wait: false }
        }
        // runWithRetry never retries a write, not even after a 429 (which asks for a wait that
        // may be longer than the caller's lease): the caller decides when to write again.
        return {
          kind: 'failed',
          status: raw.status,
          error,
          transient: error.name === 'KashflowTransientError',
        }
      },
      // ky's TimeoutError and fetch's TypeError can hold the request with its Authorization
      // header: only the kind of failure is copied, never the error itself.
      unanswered: (cause, attempts) => {
        const { timedOut, reason } = describeTransportFailure(cause)
        const message = `${input.method} ${path} ${timedOut ? 'timed out' : `could not reach KashFlow${reason}`} after ${attempts} attempt(s).`
        const details = { method: input.method, path }
        return timedOut
          ? new KashflowTimeoutError(message, details)
          : new KashflowNetworkError(message, details)
      },
      mayHaveApplied: (failure) => {
        const readBack =
          'KashFlow may have applied it. Read back (invoicePayments.findNew, journals.find) before writing again.'
        if ('status' in failure)
          return new KashflowAmbiguousWriteError(
            `${input.method} ${path} failed with HTTP ${failure.status}; ${readBack}`,
            { method: input.method, path, status: failure.status, cause: failure.error },
          )
        const { timedOut, reason } = describeTransportFailure(failure.cause)
        return new KashflowAmbiguousWriteError(
          `${input.method} ${path} ${timedOut ? 'timed out' : `lost its connection${reason}`}; ${readBack}`,
          { method: input.method, path },
        )
      },
      onRetry: ({ status, delayMs }) => {
        if (status === undefined) return
        this.#o.logger?.warn?.('kashflow retry', {
          method: input.method,
          path,
          status,
          waitMs: delayMs,
        })
      },
    })
  }

  async #send(
    input: RequestInput<unknown>,
    token: Secret | undefined,
    call: KashflowCallOptions,
  ): Promise<Raw> {
    const searchParams: Record<string, string | number | boolean> = {}
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) searchParams[k] = v
    const started = (this.#o.now ?? Date.now)()
    const response = await this.#ky(input.path, {
      method: input.method,
      searchParams,
      ...(token ? { headers: { authorization: `KfToken ${token.reveal()}` } } : {}),
      ...(input.body === undefined ? {} : { json: input.body }),
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.timeout === undefined ? {} : { timeout: call.timeout }),
    })
    const text = await response.text()
    await this.#learn(response)
    this.#o.logger?.debug?.('kashflow request', {
      method: input.method,
      path: `/${input.path}`,
      status: response.status,
      ms: (this.#o.now ?? Date.now)() - started,
    })
    return { status: response.status, headers: response.headers, text }
  }

  /** Tells the budget what a response said about the rate limit, if anything. */
  async #learn(response: Response): Promise<void> {
    if (!statesRateLimit(response.status, response.headers)) return
    const now = (this.#o.now ?? Date.now)()
    try {
      await this.#o.rateBudget.learn(rateSignalFrom(response.status, response.headers, now))
    } catch (error) {
      // The answer stands; a budget that could not record it (a shared one whose database is
      // away) only learns less.
      this.#o.logger?.warn?.('kashflow rate budget could not learn', {
        status: response.status,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  #parse<T>(input: RequestInput<T>, raw: Raw): T {
    let json: unknown = undefined
    if (raw.text.trim() !== '') {
      try {
        json = JSON.parse(raw.text)
      } catch {
        // The SyntaxError is not kept: its message quotes the body, which may hold a token.
        throw new KashflowResponseError(
          `${input.method} /${input.path} returned a body that is not JSON.`,
          { status: raw.status, method: input.method, path: `/${input.path}` },
        )
      }
    }
    const parsed = input.schema.safeParse(json)
    if (!parsed.success) {
      throw new KashflowResponseError(
        `${input.method} /${input.path} returned an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        { status: raw.status, method: input.method, path: `/${input.path}` },
      )
    }
    return parsed.data
  }

  /** The current session token, logging in (once, shared by concurrent callers) if needed. */
  async #session(signal?: AbortSignal): Promise<Secret> {
    if (this.#token) return this.#token
    this.#login ??= this.#doLogin(signal).finally(() => {
      this.#login = undefined
    })
    this.#token = await this.#login
    return this.#token
  }

  #invalidate(token: Secret): void {
    if (this.#token === token) this.#token = undefined
  }

  async #doLogin(signal?: AbortSignal): Promise<Secret> {
    const fail = (message: string, details = {}) =>
      new KashflowAuthenticationError(message, {
        method: 'POST',
        path: '/sessiontoken',
        ...details,
      })
    const step1 = await this.#sendAuth(
      'POST',
      { UserName: this.#o.username.reveal(), Password: this.#o.password.reveal() },
      signal,
    )
    if (step1.status >= 300) throw this.#authError(step1, 'POST')
    const start = this.#parse(
      { method: 'POST', path: 'sessiontoken', schema: SessionStartResponseSchema },
      step1,
    )
    if (start.IsLockedOut)
      throw fail(
        'KashFlow says this user is locked out (too many failed logins). Unlock it in KashFlow; the client will not retry.',
      )
    if (start.HasTemporaryPassword)
      throw fail(
        'This KashFlow user has a temporary password. Log in to KashFlow once to set a permanent one.',
      )
    if (start.SubscriptionExpired) throw fail("The KashFlow account's subscription has expired.")
    const word = this.#o.memorableWord.reveal()
    const chars = start.MemorableWordList.map(({ Position }) => {
      const char = word[Position - 1]
      if (char === undefined)
        throw fail(
          `KashFlow asked for character ${Position} of the memorable word, which is shorter. Check the memorable word.`,
        )
      return { Position, Value: char }
    })
    const step2 = await this.#sendAuth(
      'PUT',
      { TemporaryToken: start.TemporaryToken, MemorableWordList: chars },
      signal,
    )
    if (step2.status >= 300) throw this.#authError(step2, 'PUT')
    const session = this.#parse(
      { method: 'PUT', path: 'sessiontoken', schema: SessionTokenResponseSchema },
      step2,
    )
    return new Secret(session.SessionToken)
  }

  async #sendAuth(method: 'POST' | 'PUT', body: unknown, signal?: AbortSignal): Promise<Raw> {
    await this.#o.rateBudget.take(1, signal)
    try {
      const response = await this.#ky('sessiontoken', {
        method,
        json: body,
        ...(signal ? { signal } : {}),
      })
      const text = await response.text()
      await this.#learn(response)
      return { status: response.status, headers: response.headers, text }
    } catch (cause) {
      const { timedOut, reason } = describeTransportFailure(cause)
      const details = { method, path: '/sessiontoken' }
      throw timedOut
        ? new KashflowTimeoutError('Logging in to KashFlow timed out.', details)
        : new KashflowNetworkError(`Could not reach KashFlow to log in${reason}.`, details)
    }
  }

  #authError(raw: Raw, method: string): KashflowError {
    const error = errorFromResponse(raw.status, raw.text, raw.headers, method, '/sessiontoken')
    if (error.name !== 'KashflowValidationError' && error.status !== 401 && error.status !== 403)
      return error
    const reason =
      error.kashflowCode === 'InvalidCredentials'
        ? 'the username or password is wrong'
        : error.kashflowCode === 'AccountLocked'
          ? 'the user is locked out after failed logins'
          : error.kashflowCode === 'PasswordExpired'
            ? "the user's password has expired"
            : method === 'PUT'
              ? 'the memorable word characters were refused'
              : `KashFlow refused the login (${error.kashflowCode ?? error.status})`
    return new KashflowAuthenticationError(
      `KashFlow login failed: ${reason}. The client will not retry.`,
      {
        status: error.status,
        kashflowCode: error.kashflowCode,
        kashflowMessage: error.kashflowMessage,
        method,
        path: '/sessiontoken',
      },
    )
  }

  /** Ends the session (DELETE), if there is one. */
  async logout(): Promise<void> {
    const token = this.#token
    if (!token) return
    this.#token = undefined
    await this.#ky(KASHFLOW_UNCONFIRMED.logoutPath(token.reveal()), {
      method: 'DELETE',
      headers: { authorization: `KfToken ${token.reveal()}` },
    }).catch(() => undefined)
  }

  /** A FIFO semaphore for writes plus a minimum spacing between their starts. */
  async #acquireWrite(signal?: AbortSignal): Promise<() => void> {
    const concurrency = Math.max(
      1,
      this.#o.writeThrottle?.concurrency ?? KASHFLOW_UNCONFIRMED.writesInFlight,
    )
    const minInterval = this.#o.writeThrottle?.minIntervalMs ?? 0
    const now = this.#o.now ?? Date.now
    if (this.#writesInFlight < concurrency) this.#writesInFlight += 1
    else await new Promise<void>((resolve) => this.#writeWaiters.push(resolve)) // the slot is handed over
    const release = () => {
      const next = this.#writeWaiters.shift()
      if (next) next()
      else this.#writesInFlight -= 1
    }
    if (minInterval > 0) {
      const start = Math.max(now(), this.#nextWriteStart)
      this.#nextWriteStart = start + minInterval
      const wait = start - now()
      if (wait > 0) {
        try {
          await (this.#o.sleep ?? defaultSleep)(wait, signal)
        } catch (error) {
          release()
          throw error
        }
      }
    }
    return release
  }
}
