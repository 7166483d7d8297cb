// The Server registration endpoint of the fake Opayo: the wire format (ISO-8859-1 form in, CRLF
// `Name=Value` lines out) and the checks Opayo makes, with Opayo's own error texts.
import { randomInt, randomUUID } from 'node:crypto'
import { isCurrencyCode, parseAmount } from '@opayo-kashflow/core'

/**
 * A Server registration as the fake keeps it (`fake.serverRegistrations`, by VendorTxCode).
 * @example fakeOpayo.serverRegistrations.get('INV-1042-1')?.securityKey // e.g. 'Q7D2K9ZP4M'
 */
export interface FakeServerRegistration {
  readonly vendorTxCode: string
  /** `{GUID}`, with braces, as Opayo sends it. */
  readonly vpsTxId: string
  /** 10 random upper-case letters and digits. */
  readonly securityKey: string
  readonly txType: 'PAYMENT' | 'DEFERRED' | 'AUTHENTICATE'
  /** Minor units. */
  readonly amount: number
  readonly currency: string
  readonly description: string
  readonly notificationUrl: string
  /** Every field as posted, decoded. */
  readonly fields: Readonly<Record<string, string>>
  readonly createdAt: Date
}

/**
 * One checked failure: the Status and the `NNNN : text` StatusDetail Opayo answers with.
 * @example const refusal: ServerRegistrationRefusal = { status: 'INVALID', statusDetail: '3082 : The Description value is too long.' }
 */
export interface ServerRegistrationRefusal {
  readonly status: 'MALFORMED' | 'INVALID'
  readonly statusDetail: string
}

// Texts from academe/SagePay src/Academe/SagePay/Metadata/error-codes.tsv (commit 302193e). Where
// that table gives no Type, a missing field is MALFORMED and anything else INVALID, the pattern of
// the rows that do give one.
const missing = (code: string, text: string): ServerRegistrationRefusal => ({
  status: 'MALFORMED',
  statusDetail: `${code} : ${text}`,
})
const invalid = (code: string, text: string): ServerRegistrationRefusal => ({
  status: 'INVALID',
  statusDetail: `${code} : ${text}`,
})

/** A required text field: its refusal when missing, and when longer than `max`. */
interface FieldRule {
  readonly name: string
  readonly max: number
  readonly required?: ServerRegistrationRefusal
  readonly tooLong: ServerRegistrationRefusal
}

// Limits: academe/SagePay src/Academe/SagePay/Metadata/Transaction.php (server-registration).
const CONTACT_RULES: readonly FieldRule[] = [
  {
    name: 'BillingSurname',
    max: 20,
    required: missing('3107', 'The BillingSurname field is required.'),
    tooLong: invalid('3108', 'The BillingSurname value is too long.'),
  },
  {
    name: 'BillingFirstnames',
    max: 20,
    required: missing('3109', 'The BillingFirstnames field is required.'),
    tooLong: invalid('3110', 'The BillingFirstnames value is Too long.'),
  },
  {
    name: 'BillingAddress1',
    max: 100,
    required: missing('3111', 'The BillingAddress1 field is required.'),
    tooLong: invalid('3112', 'The BillingAddress1 value is Too long.'),
  },
  {
    name: 'BillingAddress2',
    max: 100,
    tooLong: invalid('3113', 'The BillingAddress2 value is Too long.'),
  },
  {
    name: 'BillingCity',
    max: 40,
    required: missing('3114', 'The BillingCity field is required.'),
    tooLong: invalid('3115', 'The BillingCity value is Too long.'),
  },
  {
    name: 'BillingPostCode',
    max: 10,
    required: missing('3090', 'The BillingPostCode is required.'),
    tooLong: invalid('3016', 'The BillingPostCode value is too long.'),
  },
  {
    name: 'BillingCountry',
    max: 2,
    required: missing('3117', 'The BillingCountry field is required.'),
    tooLong: invalid('3145', 'The BillingCountry value is too long.'),
  },
  {
    name: 'DeliverySurname',
    max: 20,
    required: missing('3118', 'The DeliverySurname field is required.'),
    tooLong: invalid('3119', 'The DeliverySurname value is Too long.'),
  },
  {
    name: 'DeliveryFirstnames',
    max: 20,
    required: missing('3120', 'The DeliveryFirstnames field is required.'),
    tooLong: invalid('3121', 'The DeliveryFirstnames value is Too long.'),
  },
  {
    name: 'DeliveryAddress1',
    max: 100,
    required: missing('3122', 'The DeliveryAddress1 field is required.'),
    tooLong: invalid('3123', 'The DeliveryAddress1 value is too long.'),
  },
  {
    name: 'DeliveryAddress2',
    max: 100,
    tooLong: invalid('3124', 'The DeliveryAddress2 value is too long.'),
  },
  {
    name: 'DeliveryCity',
    max: 40,
    // The public table has no "DeliveryCity is required" row; 3144 is its general one.
    required: missing('3144', 'The Delivery information is required.'),
    tooLong: invalid('3126', 'The DeliveryCity value is too long.'),
  },
  {
    name: 'DeliveryPostCode',
    max: 10,
    required: missing('3094', 'The DeliveryPostcode is required.'),
    tooLong: invalid('3025', 'The DeliveryPostCode is too long.'),
  },
  {
    name: 'DeliveryCountry',
    max: 2,
    required: missing('3128', 'The DeliveryCountry field is required.'),
    tooLong: invalid('3129', 'The DeliveryCountry value is too long.'),
  },
  {
    name: 'BillingPhone',
    max: 20,
    tooLong: invalid('3131', 'The BillingPhone value is too long.'),
  },
  {
    name: 'DeliveryPhone',
    max: 20,
    tooLong: invalid('3133', 'The DeliveryPhone value is too long.'),
  },
]

/** The answer to a duplicate VendorTxCode (error 4042 of the public table). */
export const DUPLICATE_VENDOR_TX_CODE = invalid(
  '4042',
  'The VendorTxCode has been used before for another transaction.  All VendorTxCodes must be unique.',
)

/** What a registration POST asks for, once checked. */
export type CheckedRegistration = Pick<
  FakeServerRegistration,
  'vendorTxCode' | 'txType' | 'amount' | 'currency' | 'description' | 'notificationUrl' | 'fields'
>

/** Checks a registration the way Opayo does, first failure first. */
export function checkServerRegistration(
  fields: Readonly<Record<string, string>>,
  vendorName: string,
): CheckedRegistration | ServerRegistrationRefusal {
  const get = (name: string) => (fields[name] ?? '').trim()
  const protocol = get('VPSProtocol')
  if (protocol === '') return missing('3096', 'The VPSProtocol value is required.')
  if (protocol !== '3.00' && protocol !== '4.00')
    return invalid('3095', 'The VPSProtocol value is invalid.')
  const txType = get('TxType')
  if (txType === '') return missing('3039', 'The TxType or PaymentType is missing.')
  if (txType !== 'PAYMENT' && txType !== 'DEFERRED' && txType !== 'AUTHENTICATE')
    return invalid('3014', 'The TxType or PaymentType is invalid.')
  const vendor = get('Vendor')
  if (vendor === '') return missing('3034', 'The Vendor or VendorName value is required.')
  if (vendor.toLowerCase() !== vendorName.toLowerCase())
    return invalid('4000', 'The VendorName is invalid or the account is not active.')
  const vendorTxCode = get('VendorTxCode')
  if (vendorTxCode === '') return missing('3009', 'The VendorTxCode is missing.')
  if (vendorTxCode.length > 40) return invalid('3080', 'The VendorTxCode value is too long.')
  if (!/^[A-Za-z0-9\-._{}]+$/.test(vendorTxCode))
    return invalid('3035', 'The VendorTxCode format is invalid.')
  const amountText = get('Amount')
  if (amountText === '') return missing('3031', 'The Amount value is required.')
  const currency = get('Currency')
  if (currency === '') return missing('3045', 'The Currency field is missing.')
  if (!isCurrencyCode(currency)) return invalid('3003', 'The Currency is invalid.')
  const amount = parseAmount(amountText, currency)
  if (!amount.ok) return invalid('3032', 'The Amount format is invalid.')
  if (amount.value.amount <= 0)
    return invalid('3005', 'The Amount is outside the mininum and maximum limits.')
  const description = get('Description')
  if (description === '') return missing('3013', 'The Description is missing.')
  if (description.length > 100) return invalid('3082', 'The Description value is too long.')
  const notificationUrl = get('NotificationURL')
  if (notificationUrl === '') return missing('3076', 'The NotificationURL is required.')
  if (notificationUrl.length > 255) return invalid('3037', 'The NotificationURL is too long.')
  if (!/^https?:\/\/[^\s]+$/i.test(notificationUrl))
    return invalid('3011', 'The NotificationURL format is invalid.')
  for (const rule of CONTACT_RULES) {
    const value = get(rule.name)
    if (value === '' && rule.required) return rule.required
    if (value.length > rule.max) return rule.tooLong
  }
  for (const [prefix, required, badFormat] of [
    [
      'Billing',
      missing('3147', 'The BillingState field is required.'),
      invalid('3138', 'The BillingState format is invalid.'),
    ],
    [
      'Delivery',
      missing('3148', 'The DeliveryState field is required.'),
      invalid('3139', 'The DeliveryState format is invalid.'),
    ],
  ] as const) {
    const state = get(`${prefix}State`)
    if (get(`${prefix}Country`) === 'US' && state === '') return required
    if (state !== '' && !/^[A-Z]{2}$/.test(state)) return badFormat
  }
  for (const [name, refusal] of [
    ['BillingCountry', invalid('3141', 'The BillingCountry value is invalid.')],
    ['DeliveryCountry', invalid('3140', 'The DeliveryCountry value is invalid.')],
  ] as const) {
    if (!/^[A-Z]{2}$/.test(get(name))) return refusal
  }
  return {
    vendorTxCode,
    txType,
    amount: amount.value.amount,
    currency,
    description,
    notificationUrl,
    fields,
  }
}

/**
 * Decodes an `application/x-www-form-urlencoded` body. Opayo reads ISO-8859-1 (omnipay README:
 * "the gateway strictly accepts ISO8859-1 only"), so bytes are Latin-1 unless the content type
 * says UTF-8. A field given twice keeps its first value.
 */
export function decodeFormBody(
  body: Uint8Array,
  contentType: string | null,
): Record<string, string> {
  const utf8 = /charset\s*=\s*"?utf-?8/i.test(contentType ?? '')
  const text = Buffer.from(body).toString('latin1')
  const decode = (part: string) => {
    const bytes = part
      .replace(/\+/g, ' ')
      .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    return utf8 ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes
  }
  const fields: Record<string, string> = {}
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const at = pair.indexOf('=')
    const name = decode(at < 0 ? pair : pair.slice(0, at))
    if (!(name in fields)) fields[name] = at < 0 ? '' : decode(pair.slice(at + 1))
  }
  return fields
}

/** Opayo's answer: `Name=Value` lines joined with CRLF, ISO-8859-1, HTTP 200. */
export function serverAnswer(fields: readonly (readonly [string, string])[]): Response {
  const text = fields.map(([name, value]) => `${name}=${value}\r\n`).join('')
  return new Response(Buffer.from(text, 'latin1'), {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=ISO-8859-1' },
  })
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** A SecurityKey as Opayo's look: 10 upper-case letters and digits. */
export function randomSecurityKey(): string {
  let key = ''
  for (let i = 0; i < 10; i += 1) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)] ?? 'A'
  return key
}

/** A VPSTxId as Opayo sends it: an upper-case GUID in braces. */
export function randomVpsTxId(): string {
  return `{${randomUUID().toUpperCase()}}`
}
