import * as nodeCrypto from 'node:crypto'
import { OpayoSignatureError } from '../errors/opayo-error.js'
import { isLatin1 } from '../internal/latin1.js'
import type { ServerNotification } from './schema.js'

/** What verifying a notification needs besides the notification. */
export interface ServerNotificationSecrets {
  /** Your Opayo vendor name. Hashed lower-cased, as Opayo does. */
  readonly vendorName: string
  /** The 10-character SecurityKey Opayo returned when you registered this transaction. */
  readonly securityKey: string
}

/** The fields that take part in VPSSignature (any others are ignored). */
export type SignedFields = {
  readonly [K in Exclude<keyof ServerNotification, 'extra'>]?: string | undefined
} & {
  readonly VPSTxId: string
  readonly VendorTxCode: string
  readonly Status: string
}

// thephpleague/omnipay-sagepay src/Traits/ServerNotifyTrait.php::buildSignature() (4.00 fields from
// its PR #198): protocols 3.00 and 4.00 share one order; absent fields hash as "".
const ORDER_AFTER_VENDOR = [
  'AVSCV2',
  'SECURITY_KEY',
  'AddressResult',
  'PostCodeResult',
  'CV2Result',
  'GiftAid',
  '3DSecureStatus',
  'CAVV',
  'AddressStatus',
  'PayerStatus',
  'CardType',
  'Last4Digits',
  'DeclineCode',
  'ExpiryDate',
  'FraudResponse',
  'BankAuthCode',
  'ACSTransID',
  'DSTransID',
  'SchemeTraceID',
] as const

const { createHash, timingSafeEqual } = nodeCrypto
type OneShotHash = (algorithm: string, data: Buffer, outputEncoding: 'buffer') => Buffer
// Node 20.12+ hashes in one call, without a Hash object (a third less time per notification);
// older Node 20 builds one.
const oneShotHash = (nodeCrypto as { readonly hash?: OneShotHash }).hash

/** MD5 of the text taken as Latin-1 bytes, as Opayo hashes it. */
const md5Digest = (text: string): Buffer =>
  oneShotHash === undefined
    ? createHash('md5').update(text, 'latin1').digest()
    : oneShotHash('md5', Buffer.from(text, 'latin1'), 'buffer')

const md5 = (text: string): string => md5Digest(text).toString('hex').toUpperCase()

const isToken = (fields: SignedFields): boolean =>
  fields.TxType === 'TOKEN' && fields.Status === 'OK'

/**
 * The string Opayo hashes into VPSSignature (exposed for diagnosis and for signing test
 * notifications). Contains the SecurityKey: never log it.
 */
export function serverNotificationSignatureString(
  fields: SignedFields,
  secrets: ServerNotificationSecrets,
): string {
  const vendor = secrets.vendorName.toLowerCase()
  if (isToken(fields)) {
    // TOKEN registration, as omnipay-sagepay's ServerNotifyTrait and academe/SagePay Server.php
    // build it (no public test vector): braces stripped.
    return [
      fields.VPSTxId.replace(/[{}]/g, ''),
      fields.VendorTxCode,
      fields.Status,
      vendor,
      fields.Token ?? '',
      secrets.securityKey,
    ].join('')
  }
  // Concatenated in a loop: this runs for every notification.
  let text = `${fields.VPSTxId ?? ''}${fields.VendorTxCode ?? ''}${fields.Status ?? ''}${fields.TxAuthNo ?? ''}${vendor}`
  for (const name of ORDER_AFTER_VENDOR)
    text += name === 'SECURITY_KEY' ? secrets.securityKey : (fields[name] ?? '')
  return text
}

/**
 * VPSSignature for the given fields: upper-case hex MD5 of the signature string.
 * @example
 * const fields = {
 *   VPSTxId: '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}',
 *   VendorTxCode: 'INV-1042-1',
 *   Status: 'OK',
 *   TxAuthNo: '4255',
 * }
 * serverNotificationSignature(fields, { vendorName: 'myshop', securityKey: 'JEUPDN1N7E' })
 * // '062195B5148161B711110CEFFCFB7877'
 */
export function serverNotificationSignature(
  fields: SignedFields,
  secrets: ServerNotificationSecrets,
): string {
  return md5(serverNotificationSignatureString(fields, secrets))
}

const HEX_32 = /^[0-9A-Fa-f]{32}$/

function sameHex(a: string, b: string): boolean {
  // The usual case, two 32-digit hex strings (an MD5): compared as their 16 bytes, which is the
  // same as comparing them upper-cased.
  if (HEX_32.test(a) && HEX_32.test(b))
    return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))
  const left = Buffer.from(a.toUpperCase(), 'latin1')
  const right = Buffer.from(b.toUpperCase(), 'latin1')
  // Compare equal-length buffers in constant time; a length mismatch compares against itself.
  if (left.length !== right.length) {
    timingSafeEqual(left, left)
    return false
  }
  return timingSafeEqual(left, right)
}

/**
 * Checks a notification's VPSSignature (MD5 over the fields in Opayo's order, vendor name
 * lower-cased, SecurityKey from your registration; protocols 3.00 and 4.00, and the TOKEN
 * variant), in constant time and case-insensitively.
 * @throws {OpayoSignatureError} when it does not match; the message diagnoses the usual causes
 * and never prints the key.
 * @example
 * const registrations = new Map<string, ServerRegistration>() // your database
 * const parsed = parseServerNotification(await request.text())
 * const registration = parsed.ok ? registrations.get(parsed.value.VendorTxCode) : undefined
 * if (parsed.ok && registration !== undefined) {
 *   const securityKey = registration.securityKey.reveal()
 *   verifyServerNotification(parsed.value, { vendorName: 'myshop', securityKey })
 * }
 */
export function verifyServerNotification(
  notification: ServerNotification,
  secrets: ServerNotificationSecrets,
): void {
  // MD5 is taken over Latin-1, which keeps only the low byte of a wider character: such a
  // character would let two different values share one signature, so it never verifies.
  // The pre-image holds every signed field: when it is all Latin-1, so are they, and only the
  // other fields need looking at (one scan instead of one per field).
  const preImage = serverNotificationSignatureString(notification, secrets)
  const signed = isToken(notification) ? SIGNED_TOKEN : SIGNED
  if (!everyStringLatin1(notification, isLatin1(preImage) ? signed : NONE))
    throw new OpayoSignatureError(
      `VPSSignature not checked for VendorTxCode "${notification.VendorTxCode}": a field holds a character that is not ISO-8859-1, which Opayo never sends.`,
    )
  const digest = md5Digest(preImage)
  const given: unknown = notification.VPSSignature
  // The usual case, 32 hex digits, is compared as 16 bytes with the digest (the same as comparing
  // the hex upper-cased); anything else as text, which then never matches.
  const matches =
    typeof given === 'string' && HEX_32.test(given)
      ? timingSafeEqual(digest, Buffer.from(given, 'hex'))
      : sameHex(digest.toString('hex').toUpperCase(), notification.VPSSignature)
  if (matches) return
  throw new OpayoSignatureError(diagnose(notification, secrets))
}

// The fields each formula hashes (see serverNotificationSignatureString).
const SIGNED: ReadonlySet<string> = new Set([
  'VPSTxId',
  'VendorTxCode',
  'Status',
  'TxAuthNo',
  ...ORDER_AFTER_VENDOR.filter((name) => name !== 'SECURITY_KEY'),
])
const SIGNED_TOKEN: ReadonlySet<string> = new Set(['VPSTxId', 'VendorTxCode', 'Status', 'Token'])
const NONE: ReadonlySet<string> = new Set()

/** True when every string field, except those in `known` (already seen to be), is ISO-8859-1. */
function everyStringLatin1(notification: ServerNotification, known: ReadonlySet<string>): boolean {
  for (const name of Object.keys(notification)) {
    if (known.has(name)) continue
    const value: unknown = notification[name as keyof ServerNotification]
    if (typeof value === 'string' && !isLatin1(value)) return false
  }
  return true
}

function diagnose(notification: ServerNotification, secrets: ServerNotificationSecrets): string {
  const matches = (fields: SignedFields, alt: ServerNotificationSecrets) =>
    sameHex(serverNotificationSignature(fields, alt), notification.VPSSignature)
  const head = `VPSSignature mismatch for VendorTxCode "${notification.VendorTxCode}" (VPSTxId ${notification.VPSTxId}, Status ${notification.Status}).`
  if (secrets.vendorName !== '' && matches(notification, { ...secrets, vendorName: '' })) {
    return `${head} It matches with an empty vendor name: check the vendorName you configured.`
  }
  const reEncoded = Object.fromEntries(
    Object.entries(notification).map(([k, v]) => [
      k,
      typeof v === 'string' ? v.replace(/ /g, '+') : v,
    ]),
  ) as unknown as SignedFields
  if (matches(reEncoded, secrets)) {
    return `${head} It matches when spaces are read as "+": the body was decoded differently from how Opayo sent it (hash the fields exactly as URL-decoded once from the raw body).`
  }
  const v3Only = { ...notification, ACSTransID: '', DSTransID: '', SchemeTraceID: '' }
  if (notification.VPSProtocol !== '4.00' && matches(v3Only, secrets)) {
    return `${head} It matches without the protocol 4.00 fields: the notification was re-posted without them.`
  }
  const keyShape = /^[A-Z0-9]{10}$/.test(secrets.securityKey)
    ? 'has the usual 10-character shape'
    : `is ${secrets.securityKey.length} characters, not the usual 10 upper-case letters and digits`
  return (
    `${head} Usual causes: the SecurityKey stored for this VendorTxCode is not the one Opayo returned at registration ` +
    `(the key you passed ${keyShape}; a reused VendorTxCode or a duplicate order row gives the wrong one); the vendor ` +
    `name differs from the account's (it is hashed lower-case); or the body was altered or re-encoded before parsing.`
  )
}
