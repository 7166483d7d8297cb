import { OpayoError } from '../errors/opayo-error.js'

/**
 * The Statuses with which Opayo refuses a Server registration.
 * @example if (error instanceof OpayoServerRegistrationError) console.log(SERVER_REGISTRATION_FAILURE_STATUSES.includes(error.registrationStatus)) // true
 */
export const SERVER_REGISTRATION_FAILURE_STATUSES = [
  'MALFORMED',
  'INVALID',
  'ERROR',
  'REJECTED',
] as const
/**
 * MALFORMED (missing or badly formed field), INVALID (a value Opayo refuses), ERROR (Opayo's
 * side) or REJECTED (your account's rules).
 * @example if (error instanceof OpayoServerRegistrationError && error.registrationStatus === 'ERROR') await reporting.transactions.get({ vendorTxCode: error.vendorTxCode })
 */
export type ServerRegistrationFailureStatus = (typeof SERVER_REGISTRATION_FAILURE_STATUSES)[number]

const NEXT: Record<ServerRegistrationFailureStatus, string> = {
  MALFORMED: 'A field is missing or badly formed: fix the request and register again.',
  INVALID: 'A field has a value Opayo does not accept: fix the request and register again.',
  ERROR:
    'Opayo failed on its side: look the VendorTxCode up with the Reporting API, then register again with a new VendorTxCode.',
  REJECTED: "Your account's rules refused the registration.",
}

/**
 * Opayo answered a Server registration with `Status` MALFORMED, INVALID, ERROR or REJECTED.
 * Nothing was registered. `registrationStatus` is that Status (`status` stays the HTTP status),
 * `statusCode` the 4-digit code before ` : ` in `statusDetail` (3082, 4042, ...), also in
 * `vendorErrors`. Never contains the SecurityKey.
 * @example
 * const server = createOpayoServerClient({ vendorName: 'myshop' })
 * async function register(input: ServerRegistrationInput) {
 *   try {
 *     return await server.register(input)
 *   } catch (error) {
 *     if (error instanceof OpayoServerRegistrationError && error.statusCode === '4042') {
 *       // the VendorTxCode was used before: register with a new one
 *       return server.register({ ...input, vendorTxCode: `${input.vendorTxCode}-2` })
 *     }
 *     throw error
 *   }
 * }
 */
export class OpayoServerRegistrationError extends OpayoError {
  override readonly name = 'OpayoServerRegistrationError' as const
  readonly registrationStatus: ServerRegistrationFailureStatus
  /** The 4-digit code of `statusDetail`, e.g. `3082`; undefined when Opayo sent none. */
  readonly statusCode: string | undefined
  readonly statusDetail: string
  readonly vendorTxCode: string

  constructor(details: {
    readonly registrationStatus: ServerRegistrationFailureStatus
    readonly statusDetail: string
    readonly vendorTxCode: string
    readonly status?: number
    readonly operation?: string
  }) {
    const statusCode = /^(\d{4})\s*:/.exec(details.statusDetail)?.[1]
    const hint =
      statusCode === '4042'
        ? 'The VendorTxCode was used before: use a new one for each attempt.'
        : NEXT[details.registrationStatus]
    super(
      'opayo_server_registration_failed',
      `Opayo refused the Server registration of VendorTxCode "${details.vendorTxCode}" (${details.registrationStatus}${details.statusDetail ? `: ${details.statusDetail}` : ''}). ${hint}`,
      {
        status: details.status,
        operation: details.operation,
        vendorErrors: [
          {
            ...(statusCode === undefined ? {} : { statusCode }),
            statusDetail: details.statusDetail,
          },
        ],
      },
    )
    this.registrationStatus = details.registrationStatus
    this.statusCode = statusCode
    this.statusDetail = details.statusDetail
    this.vendorTxCode = details.vendorTxCode
  }
}
