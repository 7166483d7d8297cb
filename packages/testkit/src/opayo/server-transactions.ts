// The fake Opayo's Server protocol around the registration checks (server-registrations.ts):
// the registration endpoint, the payment page its NextURL points at, and the signed notification
// that completes a registered transaction.
import { buildServerNotification, signServerNotification } from './server-notifications.js'
import {
  DUPLICATE_VENDOR_TX_CODE,
  checkServerRegistration,
  decodeFormBody,
  randomSecurityKey,
  randomVpsTxId,
  serverAnswer,
} from './server-registrations.js'
import type { FakeServerRegistration } from './server-registrations.js'
import { seedTransaction } from './state.js'
import type { OpayoState } from './state.js'
import type {
  CompleteServerTransactionOptions,
  FakeServerNotification,
  FakeServerNotificationStatus,
} from './types.js'

// StatusDetail texts: academe/SagePay src/Academe/SagePay/Metadata/error-codes.tsv.
const NOTIFICATION_DETAIL: Partial<Record<FakeServerNotificationStatus, string>> = {
  OK: '0000 : The Authorisation was Successful.',
  NOTAUTHED: '2000 : The Authorisation was Declined by the bank.',
  REJECTED: '2001 : The Authorisation was Rejected by the vendor rule-base.',
  AUTHENTICATED: '2010 : The Authentication was Successful.',
}

/**
 * `POST vspserver-register.vsp`: the registration checked, a reused VendorTxCode refused (4042),
 * then kept with a new VPSTxId and SecurityKey and answered with the NextURL.
 * @example const answer = await registerServerTransaction(opayoState, request)
 */
export async function registerServerTransaction(
  state: OpayoState,
  request: Request,
): Promise<Response> {
  if (request.method !== 'POST') return new Response('Method not allowed', { status: 405 })
  const fields = decodeFormBody(
    new Uint8Array(await request.arrayBuffer()),
    request.headers.get('content-type'),
  )
  const refuse = (refusal: { status: string; statusDetail: string }) =>
    serverAnswer([
      ['VPSProtocol', '4.00'],
      ['Status', refusal.status],
      ['StatusDetail', refusal.statusDetail],
    ])
  const checked = checkServerRegistration(fields, state.options.vendorName)
  if ('status' in checked) return refuse(checked)
  const code = checked.vendorTxCode
  if (
    state.serverRegistrations.has(code) ||
    [...state.transactions.values()].some((t) => t.vendorTxCode === code)
  ) {
    // Opayo's error 4042. Whether Opayo answers an identical re-registration "OK REPEATED"
    // instead is not published; the fake always refuses.
    return refuse(DUPLICATE_VENDOR_TX_CODE)
  }
  const registration: FakeServerRegistration = {
    ...checked,
    vpsTxId: randomVpsTxId(),
    securityKey: randomSecurityKey(),
    createdAt: state.options.now(),
  }
  state.serverRegistrations.set(code, registration)
  // serveFetch requests carry the port in Host, not in the URL.
  const url = new URL(request.url)
  const origin = `${url.protocol}//${request.headers.get('host') ?? url.host}`
  return serverAnswer([
    ['VPSProtocol', '4.00'],
    ['Status', 'OK'],
    ['StatusDetail', 'Server transaction registered successfully.'],
    ['VPSTxId', registration.vpsTxId],
    ['SecurityKey', registration.securityKey],
    [
      'NextURL',
      `${origin}/Simulator/VSPServerPaymentPage.asp?TransactionID=${registration.vpsTxId}`,
    ],
  ])
}

/**
 * `GET /Simulator/VSPServerPaymentPage.asp`: the NextURL's page, which says how to complete the
 * transaction.
 * @example const answer = paymentPage(new URL('http://127.0.0.1/Simulator/VSPServerPaymentPage.asp?TransactionID=x'))
 */
export function paymentPage(url: URL): Response {
  return new Response(
    `Fake Opayo payment page for ${url.searchParams.get('TransactionID') ?? '?'}: complete it with fake.completeServerTransaction(vendorTxCode).`,
    { status: 200, headers: { 'content-type': 'text/plain' } },
  )
}

/**
 * The signed notification Opayo would POST for a registered Server transaction, as
 * `fake.completeServerTransaction` describes; an OK, NOTAUTHED or REJECTED outcome also becomes
 * a transaction Reporting can read.
 * @example const { notificationUrl, body } = completeServerTransaction(opayoState, 'INV-1042-1')
 */
export function completeServerTransaction(
  state: OpayoState,
  vendorTxCode: string,
  options: CompleteServerTransactionOptions = {},
): FakeServerNotification {
  const registration = state.serverRegistrations.get(vendorTxCode)
  if (registration === undefined)
    throw new Error(`FakeOpayo: no Server registration for VendorTxCode ${vendorTxCode}.`)
  const status = options.status ?? (registration.txType === 'AUTHENTICATE' ? 'AUTHENTICATED' : 'OK')
  const authorised = status === 'OK'
  const fields = signServerNotification(
    buildServerNotification({
      VPSProtocol: '4.00',
      TxType: registration.txType,
      VendorTxCode: registration.vendorTxCode,
      VPSTxId: registration.vpsTxId,
      Status: status,
      StatusDetail: NOTIFICATION_DETAIL[status],
      // TxAuthNo and the bank's code only come with an authorisation.
      ...(authorised ? {} : { TxAuthNo: undefined, BankAuthCode: undefined }),
      ...(status === 'NOTAUTHED' ? { DeclineCode: '05' } : {}),
      ...options.fields,
    }),
    { vendorName: state.options.vendorName, securityKey: registration.securityKey },
  )
  const id = registration.vpsTxId.replace(/[{}]/g, '')
  const outcome = authorised
    ? 'Ok'
    : status === 'NOTAUTHED'
      ? 'NotAuthed'
      : status === 'REJECTED'
        ? 'Rejected'
        : undefined
  if (outcome !== undefined && !state.transactions.has(id)) {
    seedTransaction(state, {
      transactionId: id,
      vendorTxCode: registration.vendorTxCode,
      transactionType:
        registration.txType === 'PAYMENT'
          ? 'Payment'
          : registration.txType === 'DEFERRED'
            ? 'Deferred'
            : 'Authenticate',
      status: outcome,
      statusCode: authorised ? '0000' : status === 'NOTAUTHED' ? '2000' : '2001',
      statusDetail: (NOTIFICATION_DETAIL[status] ?? '').replace(/^\d{4} : /, ''),
      amount: registration.amount,
      currency: registration.currency,
    })
  }
  return {
    notificationUrl: registration.notificationUrl,
    fields,
    body: new URLSearchParams(fields).toString(),
  }
}
