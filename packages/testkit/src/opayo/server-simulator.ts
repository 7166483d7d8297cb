// What a shopper and a shop's back office do at the fake Opayo over HTTP, so a tool in another
// process (the CLI's `trigger`) can drive it: pay on the Server payment page (the fake signs the
// notification and POSTs it to the registration's NotificationURL, loopback only), and refund or
// release through the Shared protocol's `refund.vsp` and `release.vsp`.
import { postServerNotification } from './server-notifications.js'
import { decodeFormBody, randomVpsTxId, serverAnswer } from './server-registrations.js'
import type { FakeServerRegistration } from './server-registrations.js'
import { completeServerTransaction } from './server-transactions.js'
import { seedTransaction } from './state.js'
import type { OpayoState } from './state.js'
import type { FakeServerNotificationStatus } from './types.js'

const OUTCOMES: readonly FakeServerNotificationStatus[] = ['OK', 'NOTAUTHED', 'REJECTED']

/** True for a URL on a loopback address: the only place the fake posts notifications to. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
  } catch {
    return false
  }
}

const refuse = (status: 'INVALID' | 'MALFORMED' | 'ERROR', statusDetail: string) =>
  serverAnswer([
    ['VPSProtocol', '4.00'],
    ['Status', status],
    ['StatusDetail', statusDetail],
  ])

async function formOf(request: Request): Promise<Record<string, string>> {
  return decodeFormBody(
    new Uint8Array(await request.arrayBuffer()),
    request.headers.get('content-type'),
  )
}

const byVpsTxId = (state: OpayoState, vpsTxId: string): FakeServerRegistration | undefined =>
  [...state.serverRegistrations.values()].find(
    (r) => r.vpsTxId.toUpperCase() === vpsTxId.toUpperCase(),
  )

/**
 * `POST /Simulator/VSPServerPaymentPage.asp?TransactionID={VPSTxId}` with `Status=OK` (or
 * `NOTAUTHED`, `REJECTED`): the shopper pays. The fake signs the notification, POSTs it to the
 * registration's NotificationURL (loopback only) and answers with the reply it got, as is
 * (`Status=...`, `RedirectURL=...`), its HTTP status in `x-notification-status`.
 * @example const answer = await payOnPaymentPage(opayoState, request, new URL(request.url))
 */
export async function payOnPaymentPage(
  state: OpayoState,
  request: Request,
  url: URL,
): Promise<Response> {
  const registration = byVpsTxId(state, url.searchParams.get('TransactionID') ?? '')
  if (!registration) return refuse('INVALID', '4021 : The TransactionID is not known.')
  const status = (await formOf(request))['Status'] ?? 'OK'
  const outcome = OUTCOMES.find((o) => o === status)
  if (!outcome) return refuse('INVALID', `Status must be one of ${OUTCOMES.join(', ')}.`)
  if (!isLoopbackUrl(registration.notificationUrl))
    return refuse(
      'INVALID',
      `The fake posts notifications to loopback addresses only, not ${registration.notificationUrl}.`,
    )
  const { fields } = completeServerTransaction(state, registration.vendorTxCode, {
    status: outcome,
  })
  try {
    const reply = await postServerNotification(registration.notificationUrl, fields)
    return new Response(Buffer.from(reply.body, 'latin1'), {
      status: 200,
      headers: {
        'content-type': 'text/plain; charset=ISO-8859-1',
        'x-notification-status': String(reply.httpStatus),
      },
    })
  } catch (error) {
    return refuse(
      'ERROR',
      `The notification could not be delivered to ${registration.notificationUrl}: ${(error as Error).message}`,
    )
  }
}

/** The registration a Shared-protocol request names, checked against its SecurityKey. */
function relatedRegistration(
  state: OpayoState,
  fields: Record<string, string>,
  names: { readonly vpsTxId: string; readonly securityKey: string },
): FakeServerRegistration | Response {
  if ((fields['Vendor'] ?? '').toLowerCase() !== state.options.vendorName.toLowerCase())
    return refuse('INVALID', '4000 : The VendorName is invalid or the account is not active.')
  const registration = byVpsTxId(state, fields[names.vpsTxId] ?? '')
  if (!registration || registration.securityKey !== fields[names.securityKey])
    return refuse('INVALID', '4028 : The RelatedVPSTxId cannot be found.')
  return registration
}

/**
 * `POST /gateway/service/refund.vsp` (Shared protocol): refunds `Amount` of a paid Server
 * transaction named by `RelatedVPSTxId` and `RelatedSecurityKey`, as a new transaction with its own
 * `VendorTxCode`, which Reporting then lists with its related transaction.
 * @example const answer = await refundServerTransaction(opayoState, request)
 */
export async function refundServerTransaction(
  state: OpayoState,
  request: Request,
): Promise<Response> {
  const fields = await formOf(request)
  const registration = relatedRegistration(state, fields, {
    vpsTxId: 'RelatedVPSTxId',
    securityKey: 'RelatedSecurityKey',
  })
  if (registration instanceof Response) return registration
  const original = state.transactions.get(registration.vpsTxId.replace(/[{}]/g, ''))
  if (!original || original.status !== 'Ok')
    return refuse('INVALID', '4044 : This Authorisation has been declined, you cannot refund it.')
  const amount = Math.round(Number(fields['Amount'] ?? '') * 100)
  if (!Number.isInteger(amount) || amount <= 0 || original.refunded + amount > original.amount)
    return refuse(
      'INVALID',
      '4035 : This Refund would exceed the amount of the original transaction.',
    )
  const vendorTxCode = fields['VendorTxCode'] ?? ''
  if (
    vendorTxCode === '' ||
    [...state.transactions.values()].some((t) => t.vendorTxCode === vendorTxCode)
  )
    return refuse(
      'INVALID',
      '4042 : The VendorTxCode has been used before for another transaction.',
    )
  const vpsTxId = randomVpsTxId()
  seedTransaction(state, {
    transactionId: vpsTxId.replace(/[{}]/g, ''),
    transactionType: 'Refund',
    vendorTxCode,
    amount,
    currency: original.currency,
    relatedTransactionId: original.transactionId,
  })
  original.refunded += amount
  return serverAnswer([
    ['VPSProtocol', '4.00'],
    ['Status', 'OK'],
    ['StatusDetail', '0000 : The Authorisation was Successful.'],
    ['VPSTxId', vpsTxId],
    ['TxAuthNo', '4256'],
  ])
}

/**
 * `POST /gateway/service/release.vsp` (Shared protocol): releases a DEFERRED Server transaction
 * named by `VPSTxId` and `SecurityKey`, once; Reporting then shows it authorised (the capture).
 * @example const answer = await releaseServerTransaction(opayoState, request)
 */
export async function releaseServerTransaction(
  state: OpayoState,
  request: Request,
): Promise<Response> {
  const fields = await formOf(request)
  const registration = relatedRegistration(state, fields, {
    vpsTxId: 'VPSTxId',
    securityKey: 'SecurityKey',
  })
  if (registration instanceof Response) return registration
  const deferred = state.transactions.get(registration.vpsTxId.replace(/[{}]/g, ''))
  if (!deferred || deferred.transactionType !== 'Deferred' || deferred.status !== 'Ok')
    return refuse(
      'INVALID',
      '4041 : The Transaction type does not support the requested operation.',
    )
  if (deferred.instruction)
    return refuse('INVALID', '4040 : This transaction has already been released.')
  deferred.instruction = { type: 'release', date: state.options.now(), amount: deferred.amount }
  return serverAnswer([
    ['VPSProtocol', '4.00'],
    ['Status', 'OK'],
    ['StatusDetail', '2004 : The Release was Successful.'],
  ])
}
