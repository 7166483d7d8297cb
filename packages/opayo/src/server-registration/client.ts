import { InvalidArgumentError, Secret } from '@opayo-kashflow/core'
import { scrubVendorText } from '@opayo-kashflow/http-core'
import { OpayoAmbiguousResultError } from '../errors/http-errors.js'
import { httpFor } from '../internal/http.js'
import { httpError } from '../internal/http-error.js'
import type { CallOptions, OpayoTransportOptions, RawResponse } from '../internal/http.js'
import { issuesFromZod } from '../internal/zod-issues.js'
import { OpayoServerRegistrationInputError } from './input-error.js'
import {
  OpayoServerRegistrationError,
  SERVER_REGISTRATION_FAILURE_STATUSES,
} from './registration-error.js'
import type { ServerRegistrationFailureStatus } from './registration-error.js'
import {
  OPAYO_SERVER_URLS,
  SERVER_REGISTRATION_OK_STATUSES,
  ServerRegistrationInputSchema,
} from './schema.js'
import type {
  ServerRegistration,
  ServerRegistrationInput,
  ServerRegistrationRequest,
} from './schema.js'
import { latin1FormFetch, parseServerResponse, serverRegistrationFields } from './wire.js'

/**
 * Options of {@link createOpayoServerClient}: the vendor, the environment and the transport options
 * every Opayo client shares (`fetch`, `timeout`, `hooks`; `retry` does not apply, a registration
 * is never retried).
 * @example const options: OpayoServerClientOptions = { vendorName: 'myshop', environment: 'live', timeout: 20_000 }
 */
export interface OpayoServerClientOptions extends OpayoTransportOptions {
  /** Your Opayo vendor name (sent as `Vendor`). */
  readonly vendorName: string
  /**
   * `'sandbox'`, `'live'` (the Elavon hosts), or the registration endpoint itself as a `URL` (a
   * fake, or a legacy host). @default 'sandbox'
   */
  readonly environment?: 'sandbox' | 'live' | URL
}

/**
 * The Opayo Server integration client.
 * @example const server: OpayoServerClient = createOpayoServerClient({ vendorName: 'myshop' })
 */
export interface OpayoServerClient {
  /**
   * Registers a Server transaction (POST `vspserver-register.vsp`, protocol 4.00). Store the
   * result, SecurityKey included, before redirecting the shopper to `nextUrl`. Never retried
   * (the per-call `retry` is ignored): on a timeout, a network failure after sending, a 5xx or an
   * answer it cannot read, it throws OpayoAmbiguousResultError, because the registration may
   * have landed.
   * @throws {OpayoServerRegistrationInputError} before sending, naming the offending field.
   * @throws {OpayoServerRegistrationError} when Opayo answers MALFORMED, INVALID, ERROR or REJECTED.
   * @throws {OpayoAmbiguousResultError} when the outcome is unknown.
   */
  register(input: ServerRegistrationInput, options?: CallOptions): Promise<ServerRegistration>
}

/**
 * Creates the Server integration client: the registration POST
 * (`application/x-www-form-urlencoded` in ISO-8859-1) and its CRLF `Name=Value` answer
 * (thephpleague/omnipay-sagepay `src/Message/ServerAuthorizeRequest.php`,
 * `ServerAuthorizeResponse.php`), over the same Http core as the Pi and Reporting clients.
 * @throws {InvalidArgumentError} without a vendorName.
 * @example
 * const server = createOpayoServerClient({ vendorName: 'myshop', environment: 'live' })
 * const registration = await server.register({
 *   vendorTxCode: 'INV-1042-1',
 *   amount: money(12000, 'GBP'),
 *   description: 'Invoice 1042',
 *   notificationUrl: 'https://shop.example/opayo/notify',
 *   billing: {
 *     firstnames: 'Sam',
 *     surname: 'Jones',
 *     address: { lines: ['1 High St'], city: 'Bath', postalCode: 'BA1 1AA', country: 'GB' },
 *   },
 * })
 * // store registration (securityKey.reveal()) against INV-1042-1, then redirect to registration.nextUrl
 */
export function createOpayoServerClient(options: OpayoServerClientOptions): OpayoServerClient {
  if (!options.vendorName) {
    throw new InvalidArgumentError('createOpayoServerClient(): vendorName is required.')
  }
  const environment = options.environment ?? 'sandbox'
  const url =
    environment === 'live' || environment === 'sandbox'
      ? OPAYO_SERVER_URLS[environment]
      : environment.href
  const { origin, pathname, search } = new URL(url)
  const path = `${pathname.replace(/^\//, '')}${search}`
  const operation = `POST /${path}`
  const http = httpFor(
    origin,
    { accept: 'text/plain' },
    { ...options, fetch: latin1FormFetch(options.fetch) },
  )

  return {
    async register(input, call) {
      const parsed = ServerRegistrationInputSchema.safeParse(input)
      if (!parsed.success) {
        throw new OpayoServerRegistrationInputError(issuesFromZod(parsed.error))
      }
      const request = parsed.data
      const response = await http.send(
        {
          method: 'POST',
          path,
          form: new URLSearchParams(serverRegistrationFields(request, options.vendorName)),
          idempotent: false,
          vendorTxCode: request.vendorTxCode,
          toError: (response, operation) =>
            httpError(response, operation, '; nothing was registered'),
        },
        call,
      )
      return readRegistration(response, request, operation)
    },
  }
}

const isOk = (status: string): status is ServerRegistration['status'] =>
  (SERVER_REGISTRATION_OK_STATUSES as readonly string[]).includes(status)
const isFailure = (status: string): status is ServerRegistrationFailureStatus =>
  (SERVER_REGISTRATION_FAILURE_STATUSES as readonly string[]).includes(status)

function readRegistration(
  response: RawResponse,
  request: ServerRegistrationRequest,
  operation: string,
): ServerRegistration {
  // Opayo answers in ISO-8859-1.
  const fields = parseServerResponse(Buffer.from(response.body).toString('latin1'))
  const status = fields.get('Status') ?? ''
  const statusDetail = fields.get('StatusDetail') ?? ''
  const vendorTxCode = request.vendorTxCode
  if (isFailure(status)) {
    throw new OpayoServerRegistrationError({
      registrationStatus: status,
      // Opayo's words, capped and scrubbed: never an echoed header or key.
      statusDetail: scrubVendorText(statusDetail),
      vendorTxCode,
      status: response.status,
      operation,
    })
  }
  const vpsTxId = fields.get('VPSTxId')
  const securityKey = fields.get('SecurityKey')
  const nextUrl = fields.get('NextURL')
  if (!isOk(status) || !vpsTxId || !securityKey || !nextUrl) {
    // Opayo answered, but not in a way that says whether the transaction is registered (or it is,
    // without what is needed to use it). Neither the body nor a key goes into the error.
    const missing = isOk(status)
      ? `Status ${status} without ${[
          ['VPSTxId', vpsTxId],
          ['SecurityKey', securityKey],
          ['NextURL', nextUrl],
        ]
          .filter(([, value]) => !value)
          .map(([name]) => name)
          .join(', ')}`
      : status === ''
        ? 'no Status'
        : `an unknown Status "${scrubVendorText(status, 20)}"`
    throw new OpayoAmbiguousResultError(
      `${operation} was answered with ${missing}; Opayo may or may not have registered the transaction. Look up VendorTxCode ${vendorTxCode} with the Reporting API, and register again only with a new VendorTxCode.`,
      { operation, status: response.status, vendorTxCode },
    )
  }
  fields.delete('SecurityKey')
  return {
    status,
    statusDetail,
    vpsTxId,
    securityKey: new Secret(securityKey),
    nextUrl,
    vendorTxCode,
    txType: request.txType,
    amount: request.amount,
    fields: Object.fromEntries(fields),
  }
}
