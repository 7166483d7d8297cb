import { randomBytes } from 'node:crypto'
import { serverNotificationSignature } from '@opayo-kashflow/opayo'
import type { ServerNotificationSecrets } from '@opayo-kashflow/opayo'
import { randomVpsTxId } from './server-registrations.js'

/** Server notification fields by wire name, as Opayo posts them. */
export type ServerNotificationFields = Record<string, string>

/**
 * A VendorTxCode for invoice 1042 with a fresh random suffix (`INV-1042-` and 8 upper-case hex
 * digits): a second order never reuses the first one's code.
 * @example const vendorTxCode = uniqueVendorTxCode() // e.g. 'INV-1042-9F3A01BC'
 */
export function uniqueVendorTxCode(prefix = 'INV-1042-'): string {
  return `${prefix}${randomBytes(4).toString('hex').toUpperCase()}`
}

/**
 * A realistic, unsigned Server notification (protocol 4.00, a successful Visa payment), with
 * your overrides. Pass it to {@link signServerNotification}. Each call makes a fresh `VPSTxId`
 * and `VendorTxCode` (`INV-1042-` and a random suffix, see {@link uniqueVendorTxCode}) unless
 * you pass them: pass both when a test needs fixed ids (a registration stored under a known
 * VendorTxCode, a repeat of the same notification).
 * @example buildServerNotification({ VendorTxCode: 'INV-1042-1', Status: 'NOTAUTHED' })
 */
export function buildServerNotification(
  overrides: Partial<ServerNotificationFields> = {},
): ServerNotificationFields {
  const base: ServerNotificationFields = {
    VPSProtocol: '4.00',
    TxType: 'PAYMENT',
    VendorTxCode: uniqueVendorTxCode(),
    VPSTxId: randomVpsTxId(),
    Status: 'OK',
    StatusDetail: '0000 : The Authorisation was Successful.',
    TxAuthNo: '4255',
    AVSCV2: 'ALL MATCH',
    AddressResult: 'MATCHED',
    PostCodeResult: 'MATCHED',
    CV2Result: 'MATCHED',
    GiftAid: '0',
    '3DSecureStatus': 'OK',
    CAVV: 'AAABARR5kwAAAAAAAAAAAAAAAAA=',
    CardType: 'VISA',
    Last4Digits: '0006',
    DeclineCode: '00',
    ExpiryDate: '1228',
    FraudResponse: 'ACCEPT',
    BankAuthCode: '999777',
    ACSTransID: '2c6f3a5d-0000-4000-8000-000000000001',
    DSTransID: '9a1b7c2d-0000-4000-8000-000000000002',
  }
  const merged: ServerNotificationFields = { ...base }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[name]
    else merged[name] = value
  }
  return merged
}

/**
 * Adds the VPSSignature Opayo would compute for these fields, vendor name and SecurityKey
 * (thephpleague/omnipay-sagepay src/Traits/ServerNotifyTrait.php::buildSignature(), as
 * @opayo-kashflow/opayo verifies it).
 * @example signServerNotification(buildServerNotification(), { vendorName: 'myshop', securityKey: 'JEUPDN1N7E' })
 */
export function signServerNotification(
  fields: ServerNotificationFields,
  secrets: ServerNotificationSecrets,
): ServerNotificationFields {
  const { VPSSignature: _ignored, ...unsigned } = fields
  const signed = {
    ...unsigned,
    VPSTxId: unsigned['VPSTxId'] ?? '',
    VendorTxCode: unsigned['VendorTxCode'] ?? '',
    Status: unsigned['Status'] ?? '',
  }
  return { ...unsigned, VPSSignature: serverNotificationSignature(signed, secrets) }
}

/** Opayo's reply to a notification, parsed. */
export interface ParsedNotificationReply {
  readonly httpStatus: number
  readonly status: string | undefined
  readonly redirectUrl: string | undefined
  readonly statusDetail: string | undefined
  /** The body exactly as received. */
  readonly body: string
}

/** Parses a notification reply body (CRLF `Name=Value` lines, split on the first `=`). */
export function parseNotificationReply(body: string, httpStatus = 200): ParsedNotificationReply {
  const fields = new Map<string, string>()
  for (const line of body.split('\r\n')) {
    const at = line.indexOf('=')
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1))
  }
  return {
    httpStatus,
    status: fields.get('Status'),
    redirectUrl: fields.get('RedirectURL'),
    statusDetail: fields.get('StatusDetail'),
    body,
  }
}

/**
 * POSTs fields to a NotificationURL exactly as Opayo does (`application/x-www-form-urlencoded`,
 * server to server) and parses the reply.
 * @example
 * const signed = signServerNotification(buildServerNotification({ VendorTxCode: 'INV-1042-1' }), { vendorName: 'myshop', securityKey: 'JEUPDN1N7E' })
 * const reply = await postServerNotification('http://127.0.0.1:3000/opayo/notify', signed)
 */
export async function postServerNotification(
  url: string | URL,
  fields: ServerNotificationFields,
  options: { readonly fetch?: typeof fetch } = {},
): Promise<ParsedNotificationReply> {
  const response = await (options.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
  return parseNotificationReply(await response.text(), response.status)
}
