import { InvalidArgumentError, Secret, toSecret } from '@opayo-kashflow/core'
import { OpayoResponseError } from '../errors/http-errors.js'
import { httpFor } from '../internal/http.js'
import type { CallOptions, OpayoTransportOptions, RawResponse } from '../internal/http.js'
import { errorFromResponse } from './error-from-response.js'
import {
  PiInstructionRequestSchema,
  PiInstructionSchema,
  PiMerchantSessionKeySchema,
  PiThreeDSecureCompletionSchema,
  PiTransactionRequestSchema,
  PiTransactionSchema,
} from './schemas.js'
import type {
  PiInstruction,
  PiInstructionRequest,
  PiMerchantSessionKey,
  PiThreeDSecureCompletion,
  PiTransaction,
  PiTransactionRequest,
} from './schemas.js'
import { z } from 'zod'

/**
 * Opayo's hosts: Elavon, mandatory since March 2024 (academe/opayo-pi src/Model/Endpoint.php).
 */
export const OPAYO_PI_URLS = {
  live: 'https://live.opayo.eu.elavon.com/api/v1',
  sandbox: 'https://sandbox.opayo.eu.elavon.com/api/v1',
} as const

/**
 * Options of {@link createOpayoPiClient}. The integration key and password are a string or a
 * `Secret`; the client wraps them in a `Secret` at once and reveals them only to build the
 * Basic Authorization header.
 * @example
 * const options: OpayoPiClientOptions = {
 *   integrationKey: new Secret(process.env.OPAYO_INTEGRATION_KEY ?? ''),
 *   integrationPassword: new Secret(process.env.OPAYO_INTEGRATION_PASSWORD ?? ''),
 *   vendorName: 'myshop',
 * }
 */
export interface OpayoPiClientOptions extends OpayoTransportOptions {
  /** The integration key: a string or a `Secret`. */
  readonly integrationKey: string | Secret
  /** The integration password: a string or a `Secret`. */
  readonly integrationPassword: string | Secret
  /** Your vendor name (sent when creating merchant session keys). */
  readonly vendorName: string
  /** `'sandbox'`, `'live'`, or a `URL` (a fake, or the legacy hosts). @default 'sandbox' */
  readonly environment?: 'sandbox' | 'live' | URL
  /** Extra attempts when GET /transactions/{id} answers 404 just after 3-D Secure. @default 3 */
  readonly notFoundRetries?: number
}

/** The Opayo Pi REST client. */
export interface OpayoPiClient {
  readonly merchantSessionKeys: {
    /** A merchant session key for the browser's card form (valid 20 minutes). */
    create(options?: CallOptions): Promise<PiMerchantSessionKey>
  }
  readonly transactions: {
    /**
     * Payment, Deferred, Authenticate, Repeat, Refund or Authorise (amount in minor units).
     * Declines come back as a transaction with `status: 'NotAuthed'`, not as an error. Never
     * retried: on a timeout or 5xx it throws OpayoAmbiguousResultError.
     */
    create(input: PiTransactionRequest, options?: CallOptions): Promise<PiTransaction>
    /** Reads a transaction (retried; the brief 404 after 3-D Secure is retried a few times). */
    get(transactionId: string, options?: CallOptions): Promise<PiTransaction>
  }
  readonly instructions: {
    /** void, abort, release (with amount) or cancel. Never retried. */
    create(
      transactionId: string,
      input: PiInstructionRequest,
      options?: CallOptions,
    ): Promise<PiInstruction>
    list(transactionId: string, options?: CallOptions): Promise<PiInstruction[]>
  }
  readonly threeDSecure: {
    /** Completes 3-D Secure: `{ paRes }` (v1) or `{ cRes }` (v2). GET the transaction afterwards for the outcome. */
    complete(
      transactionId: string,
      input: PiThreeDSecureCompletion,
      options?: CallOptions,
    ): Promise<unknown>
  }
}

/**
 * Creates a Pi client over ky with Basic auth (`integrationKey:integrationPassword`).
 * @throws {InvalidArgumentError} for missing credentials.
 * @example
 * const pi = createOpayoPiClient({ integrationKey: process.env.OPAYO_INTEGRATION_KEY ?? '', integrationPassword: process.env.OPAYO_INTEGRATION_PASSWORD ?? '', vendorName: 'myshop' })
 * const tx = await pi.transactions.get('T6569400-1516-0A3F-E3FA-7F222CC79221')
 */
export function createOpayoPiClient(options: OpayoPiClientOptions): OpayoPiClient {
  // Wrapped at once; the client keeps neither the options object nor the plain credentials.
  const integrationKey = toSecret(options.integrationKey)
  const integrationPassword = toSecret(options.integrationPassword)
  const { vendorName, notFoundRetries = 3 } = options
  if (!integrationKey.reveal() || !integrationPassword.reveal() || !vendorName) {
    throw new InvalidArgumentError(
      'createOpayoPiClient(): integrationKey, integrationPassword and vendorName are required.',
    )
  }
  const environment = options.environment ?? 'sandbox'
  const baseUrl =
    environment === 'live' || environment === 'sandbox'
      ? OPAYO_PI_URLS[environment]
      : environment.href.replace(/\/$/, '')
  const authorization = new Secret(
    `Basic ${Buffer.from(`${integrationKey.reveal()}:${integrationPassword.reveal()}`, 'utf8').toString('base64')}`,
  )
  const http = httpFor(baseUrl, { accept: 'application/json' }, options, authorization)

  const read = <T>(schema: z.ZodType<T>, response: RawResponse, operation: string): T => {
    let json: unknown
    try {
      json = JSON.parse(Buffer.from(response.body).toString('utf8'))
    } catch {
      // The SyntaxError is not kept: its message quotes the body.
      throw new OpayoResponseError(`${operation} returned a body that is not JSON.`, {
        status: response.status,
        operation,
      })
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      throw new OpayoResponseError(
        `${operation} returned an unexpected shape: ${parsed.error.message}`,
        {
          status: response.status,
          operation,
        },
      )
    }
    return parsed.data
  }
  const id = (transactionId: string) => encodeURIComponent(transactionId.replace(/[{}]/g, ''))

  return {
    merchantSessionKeys: {
      async create(call) {
        const res = await http.send(
          {
            method: 'POST',
            path: 'merchant-session-keys',
            json: { vendorName },
            idempotent: false,
            toError: errorFromResponse,
          },
          call,
        )
        return read(PiMerchantSessionKeySchema, res, 'POST /merchant-session-keys')
      },
    },
    transactions: {
      async create(input, call) {
        const body = PiTransactionRequestSchema.safeParse(input)
        if (!body.success) {
          throw new InvalidArgumentError(
            `transactions.create(): ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          )
        }
        const res = await http.send(
          {
            method: 'POST',
            path: 'transactions',
            json: input, // validated above; sent as given so the field order is the caller's
            idempotent: false,
            vendorTxCode: body.data.vendorTxCode,
            // A decline is answered 403 with a transaction body: that is a result, not an error.
            accept: (response) =>
              response.status === 403 && safeTransaction(response) !== undefined,
            toError: errorFromResponse,
          },
          call,
        )
        return read(PiTransactionSchema, res, 'POST /transactions')
      },
      async get(transactionId, call) {
        const res = await http.send(
          {
            method: 'GET',
            path: `transactions/${id(transactionId)}`,
            idempotent: true,
            notFoundRetries,
            toError: errorFromResponse,
          },
          call,
        )
        return read(PiTransactionSchema, res, 'GET /transactions/{id}')
      },
    },
    instructions: {
      async create(transactionId, input, call) {
        const body = PiInstructionRequestSchema.safeParse(input)
        if (!body.success) {
          throw new InvalidArgumentError(
            `instructions.create(): ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          )
        }
        const res = await http.send(
          {
            method: 'POST',
            path: `transactions/${id(transactionId)}/instructions`,
            json: body.data,
            idempotent: false,
            toError: errorFromResponse,
          },
          call,
        )
        return read(PiInstructionSchema, res, 'POST /transactions/{id}/instructions')
      },
      async list(transactionId, call) {
        const res = await http.send(
          {
            method: 'GET',
            path: `transactions/${id(transactionId)}/instructions`,
            idempotent: true,
            toError: errorFromResponse,
          },
          call,
        )
        return read(
          z.looseObject({ instructions: z.array(PiInstructionSchema) }),
          res,
          'GET /transactions/{id}/instructions',
        ).instructions
      },
    },
    threeDSecure: {
      async complete(transactionId, input, call) {
        const body = PiThreeDSecureCompletionSchema.parse(input)
        const path =
          'paRes' in body
            ? `transactions/${id(transactionId)}/3d-secure`
            : `transactions/${id(transactionId)}/3d-secure-challenge`
        const res = await http.send(
          { method: 'POST', path, json: body, idempotent: false, toError: errorFromResponse },
          call,
        )
        return read(z.unknown(), res, `POST /${path}`)
      },
    },
  }
}

function safeTransaction(response: RawResponse): PiTransaction | undefined {
  try {
    const parsed = PiTransactionSchema.safeParse(
      JSON.parse(Buffer.from(response.body).toString('utf8')),
    )
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
