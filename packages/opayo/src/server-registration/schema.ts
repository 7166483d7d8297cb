import {
  MoneySchema,
  VENDOR_TX_CODE_PATTERN,
  fitAddressLines,
  standardiseAddress,
  toLatin1,
} from '@opayo-kashflow/core'
import type { Money, Secret } from '@opayo-kashflow/core'
import { z } from 'zod'
import { isLatin1 } from '../internal/latin1.js'

/**
 * Opayo's Server registration endpoints: the service host plus `vspserver-register.vsp`
 * (thephpleague/omnipay-sagepay `src/Message/AbstractRequest.php` `getEndpoint()`, with
 * `SERVICE_SERVER_REGISTER` from `src/ConstantsInterface.php`).
 * @example createOpayoServerClient({ vendorName: 'myshop', environment: 'live' }) // posts to OPAYO_SERVER_URLS.live
 */
export const OPAYO_SERVER_URLS = {
  live: 'https://live.opayo.eu.elavon.com/gateway/service/vspserver-register.vsp',
  sandbox: 'https://sandbox.opayo.eu.elavon.com/gateway/service/vspserver-register.vsp',
} as const

/**
 * The TxTypes a Server registration can ask for (omnipay `ConstantsInterface` TXTYPE_*).
 * @example SERVER_REGISTRATION_TX_TYPES.includes('PAYMENT') // true
 */
export const SERVER_REGISTRATION_TX_TYPES = ['PAYMENT', 'DEFERRED', 'AUTHENTICATE'] as const
/**
 * `PAYMENT` (money moves), `DEFERRED` (held until released) or `AUTHENTICATE` (card checked only).
 * @example const txType: ServerRegistrationTxType = 'DEFERRED'
 */
export type ServerRegistrationTxType = (typeof SERVER_REGISTRATION_TX_TYPES)[number]

/**
 * Opayo's field limits for a Server registration, in ISO-8859-1 characters (one byte each), from
 * academe/SagePay `src/Academe/SagePay/Metadata/Transaction.php` (source `server-registration`).
 * @example 'Invoice 1042: widgets'.slice(0, SERVER_REGISTRATION_LIMITS.description)
 */
export const SERVER_REGISTRATION_LIMITS = {
  vendorTxCode: 40,
  description: 100,
  notificationUrl: 255,
  surname: 20,
  firstnames: 20,
  /** Per address line; Opayo has Address1 and Address2. */
  addressLine: 100,
  addressLines: 2,
  city: 40,
  postCode: 10,
  phone: 20,
  customerEmail: 255,
  basket: 7500,
  basketXml: 20000,
} as const

const L = SERVER_REGISTRATION_LIMITS

const NOT_LATIN1 =
  'has characters outside ISO-8859-1, which Opayo cannot take; transliterate it first (toLatin1 in @opayo-kashflow/core)'

/** Text Opayo takes as it is: ISO-8859-1, within a length. */
const latin1Text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(isLatin1, { message: `Text ${NOT_LATIN1}.` })

/** A name: whitespace tidied, transliterated to ISO-8859-1 (as addresses are), then limited. */
const nameText = (max: number) =>
  z
    .string()
    .transform((value) => toLatin1(value.replace(/\s+/gu, ' ').trim()).text)
    .pipe(z.string().min(1, 'Required by Opayo.').max(max))

const httpUrl = z
  .string()
  .max(L.notificationUrl)
  .refine(
    (value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol)
      } catch {
        return false
      }
    },
    { message: 'Must be a fully qualified http(s) URL.' },
  )

/** The postal address of a billing or delivery contact, as core's `AddressInput` takes it. */
const AddressSchema = z.object({
  /** Street lines; Opayo has two of 100 characters (re-wrapped without losing a character). */
  lines: z.array(z.string()).min(1),
  city: z.string(),
  /** US state code (two letters): required for, and sent only with, a US address. */
  region: z.string().optional(),
  postalCode: z.string(),
  /** Alpha-2, alpha-3 or an English name. */
  country: z.string(),
})

/**
 * A billing or delivery contact as Opayo wants it: surname, first names, address line 1, city,
 * postcode and country are required (academe/SagePay metadata; omnipay
 * `AbstractRequest::getAddressData()`). The address goes through core's `standardiseAddress`
 * with the `opayo` target (ISO-8859-1, UK postcodes formatted, country to alpha-2) and
 * `fitAddressLines`.
 * @example
 * ServerRegistrationContactSchema.parse({
 *   firstnames: 'Sam',
 *   surname: 'Jones',
 *   address: { lines: ['1 High St'], city: 'Bath', postalCode: 'ba11aa', country: 'UK' },
 * }) // { firstnames: 'Sam', surname: 'Jones', address1: '1 High St', city: 'Bath', postCode: 'BA1 1AA', country: 'GB' }
 */
export const ServerRegistrationContactSchema = z
  .object({
    firstnames: nameText(L.firstnames),
    surname: nameText(L.surname),
    address: AddressSchema,
    phone: z
      .string()
      .max(L.phone)
      .regex(/^[0-9A-Za-z+\-() ]*$/, 'Digits, letters, spaces and + - ( ) only.')
      .optional(),
  })
  .transform((contact, ctx) => {
    const standard = standardiseAddress(contact.address, { target: 'opayo' })
    if (!standard.ok) {
      for (const issue of standard.issues)
        ctx.addIssue({ code: 'custom', path: ['address', ...issue.path], message: issue.message })
      return z.NEVER
    }
    const fitted = fitAddressLines(standard.value.address, {
      maxLines: L.addressLines,
      maxLength: L.addressLine,
    })
    if (!fitted.ok) {
      for (const issue of fitted.issues)
        ctx.addIssue({ code: 'custom', path: ['address', ...issue.path], message: issue.message })
      return z.NEVER
    }
    const address = fitted.value
    const need = (field: string, value: string | undefined, max: number): string | undefined => {
      if (value === undefined || value === '') {
        ctx.addIssue({ code: 'custom', path: ['address', field], message: 'Required by Opayo.' })
        return undefined
      }
      if (value.length > max) {
        ctx.addIssue({
          code: 'custom',
          path: ['address', field],
          message: `Opayo takes at most ${max} characters (this has ${value.length}).`,
        })
        return undefined
      }
      return value
    }
    const address1 = need('lines', address.lines[0], L.addressLine)
    const city = need('city', address.city, L.city)
    const postCode = need('postalCode', address.postalCode, L.postCode)
    const country = address.countryCode
    let state: string | undefined
    if (country === 'US' && address.region === undefined) {
      // Opayo error 3147 "The BillingState field is required." (academe/SagePay error-codes.tsv).
      ctx.addIssue({
        code: 'custom',
        path: ['address', 'region'],
        message: 'Required by Opayo for a US address (the two-letter state code).',
      })
    }
    if (country === 'US' && address.region !== undefined) {
      state = address.region.toUpperCase()
      if (!/^[A-Z]{2}$/.test(state)) {
        ctx.addIssue({
          code: 'custom',
          path: ['address', 'region'],
          message: 'For a US address Opayo takes the two-letter state code.',
        })
      }
    }
    if (address1 === undefined || city === undefined || postCode === undefined) return z.NEVER
    if (country === undefined) return z.NEVER // standardiseAddress reported it
    return {
      firstnames: contact.firstnames,
      surname: contact.surname,
      address1,
      ...(address.lines[1] === undefined ? {} : { address2: address.lines[1] }),
      city,
      postCode,
      country,
      ...(state === undefined ? {} : { state }),
      ...(contact.phone ? { phone: contact.phone } : {}),
    }
  })
/**
 * A billing or delivery contact as `register()` takes it.
 * @example const billing: ServerRegistrationContact = { firstnames: 'Sam', surname: 'Jones', address: { lines: ['1 High St'], city: 'Bath', postalCode: 'BA1 1AA', country: 'GB' } }
 */
export type ServerRegistrationContact = z.input<typeof ServerRegistrationContactSchema>

/**
 * What `register()` takes. Field names are ours; the wire names are Opayo's (`VendorTxCode`,
 * `Amount`, `BillingSurname`, ...; omnipay `DirectAuthorizeRequest::getBaseAuthorizeData()` and
 * `ServerAuthorizeRequest::getData()`).
 * @example
 * const checked = ServerRegistrationInputSchema.safeParse(await request.json())
 * if (!checked.success) return checked.error.issues
 */
export const ServerRegistrationInputSchema = z
  .object({
    /** Yours, unique per attempt: 1-40 of `A-Z a-z 0-9 - . _ { }`. */
    vendorTxCode: z
      .string()
      .regex(VENDOR_TX_CODE_PATTERN, '1-40 characters of A-Z a-z 0-9 - . _ { } (Opayo).'),
    /** Minor units and currency (core `Money`); sent as the exact decimal. */
    amount: MoneySchema.refine((m) => m.amount > 0, {
      message: 'Must be more than zero.',
      path: ['amount'],
    }),
    /** @default 'PAYMENT' */
    txType: z.enum(SERVER_REGISTRATION_TX_TYPES).default('PAYMENT'),
    /** Shown to the shopper on Opayo's pages. */
    description: latin1Text(L.description),
    /** Where Opayo POSTs the notification (your `createServerNotificationHandler`). */
    notificationUrl: httpUrl,
    billing: ServerRegistrationContactSchema,
    /** @default the billing contact (Opayo requires delivery details) */
    delivery: ServerRegistrationContactSchema.optional(),
    customerEmail: z
      .string()
      .max(L.customerEmail)
      .regex(/^[^\s@]+@[^\s@]+$/, 'Must be an email address.')
      .refine(isLatin1, { message: `The address ${NOT_LATIN1}.` })
      .optional(),
    /** The colon-separated basket, sent as is. Not with `basketXml`. */
    basket: latin1Text(L.basket).optional(),
    /** Basket XML, sent as is. Not with `basket`. */
    basketXml: latin1Text(L.basketXml).optional(),
    /** `NORMAL` (full page) or `LOW` (for an iframe). @default Opayo's: NORMAL */
    profile: z.enum(['NORMAL', 'LOW']).optional(),
    /**
     * 0 apply the account's rules, 1 force, 2 none, 3 force without rules (omnipay
     * APPLY_3DSECURE_*). @default Opayo's: 0
     */
    apply3DSecure: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
    /**
     * 0 account's rules, 1 force checks, 2 no checks, 3 checks without rules (omnipay
     * APPLY_AVSCV2_*). @default Opayo's: 0
     */
    applyAvsCv2: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
    /** Offer Gift Aid on the payment page. @default false (omnipay sends AllowGiftAid=0) */
    allowGiftAid: z.boolean().optional(),
  })
  .refine((input) => input.basket === undefined || input.basketXml === undefined, {
    message: 'Send either basket or basketXml, not both.',
    path: ['basketXml'],
  })
/**
 * What `register()` takes (see {@link ServerRegistrationInputSchema}).
 * @example
 * const input: ServerRegistrationInput = {
 *   vendorTxCode: 'INV-1042-1',
 *   amount: money(12000, 'GBP'),
 *   description: 'Invoice 1042',
 *   notificationUrl: 'https://shop.example/opayo/notify',
 *   billing: {
 *     firstnames: 'Sam',
 *     surname: 'Jones',
 *     address: { lines: ['1 High St'], city: 'Bath', postalCode: 'BA1 1AA', country: 'GB' },
 *   },
 * }
 */
export type ServerRegistrationInput = z.input<typeof ServerRegistrationInputSchema>
/**
 * The input once validated and standardised: what goes on the wire.
 * @example
 * const toWire = (input: ServerRegistrationInput): ServerRegistrationRequest =>
 *   ServerRegistrationInputSchema.parse(input) // txType defaulted, contacts standardised
 */
export type ServerRegistrationRequest = z.output<typeof ServerRegistrationInputSchema>

/**
 * A SecurityKey as Opayo issues it: exactly 10 letters and digits, e.g. `IK776BWNHN`
 * (thephpleague/omnipay-sagepay `tests/Mock/ServerPurchaseSuccess.txt`) and `JEUPDN1N7E`
 * (`tests/Message/ServerNotifyRequestTest.php`). Anything else was not issued by Opayo.
 * @example SECURITY_KEY_PATTERN.test('IK776BWNHN') // true
 */
export const SECURITY_KEY_PATTERN = /^[A-Za-z0-9]{10}$/

/**
 * A VendorTxCode as compared for near-duplicates: two codes that fold alike differ only by letter
 * case. Opayo's case rules are not published, so the service never relies on case: a code that
 * folds like a stored one but is not the same is refused, never kept as a second registration.
 * @example foldVendorTxCode('inv-1042-1') === foldVendorTxCode('INV-1042-1') // true
 */
export function foldVendorTxCode(code: string): string {
  return code.toLowerCase()
}

/**
 * What decides whether a stored registration verifies a notification and what it posts, checked
 * the same way wherever a registration enters the store (`registerServerTransaction`,
 * `recordFormTransaction`, `registrations import`):
 * - `vendorTxCode`: Opayo's rules, compared exactly: 1-40 of `A-Z a-z 0-9 - . _ { }` (Opayo's
 *   Direct/Server transaction registration reference; omnipay-sagepay
 *   `src/Message/ServerAuthorizeRequest.php` sends it as given). Nothing is trimmed: a code with a
 *   space is refused, not tidied into another code.
 * - `securityKey`: as Opayo issues it ({@link SECURITY_KEY_PATTERN}), or empty for a Form
 *   transaction (Form has none, so such a record never verifies a notification).
 * - `txType`: only what a Server or Form registration can ask for,
 *   {@link SERVER_REGISTRATION_TX_TYPES} (omnipay `ServerAuthorizeRequest` is PAYMENT, DEFERRED
 *   or AUTHENTICATE); never REFUND, TOKEN, VOID, ...
 *
 * Messages name the rule, never the value (a SecurityKey is a secret; a value may be megabytes).
 * @example
 * const checked = RegistrationTrustSchema.safeParse({ vendorTxCode: 'INV-1042-1', securityKey: 'IK776BWNHN', txType: 'PAYMENT' })
 */
export const RegistrationTrustSchema = z.object({
  // One check each (the length first, so a huge value costs nothing), one message each.
  vendorTxCode: z
    .string()
    .refine((code) => code.length <= L.vendorTxCode && VENDOR_TX_CODE_PATTERN.test(code), {
      message: '1-40 characters of A-Z a-z 0-9 - . _ { } (Opayo); nothing is trimmed.',
    }),
  securityKey: z
    .string()
    .refine((key) => key === '' || (key.length === 10 && SECURITY_KEY_PATTERN.test(key)), {
      message: 'Must be the 10 letters and digits Opayo issued, or empty for Form.',
    }),
  txType: z.enum(SERVER_REGISTRATION_TX_TYPES, {
    error: `Must be one of ${SERVER_REGISTRATION_TX_TYPES.join(', ')} (what a Server or Form registration can ask for).`,
  }),
})
/**
 * The checked trust fields of a registration (see {@link RegistrationTrustSchema}).
 * @example const trust: RegistrationTrust = RegistrationTrustSchema.parse({ vendorTxCode: 'INV-1042-1', securityKey: '', txType: 'PAYMENT' })
 */
export type RegistrationTrust = z.output<typeof RegistrationTrustSchema>

/**
 * Statuses of an accepted registration (omnipay `ServerAuthorizeResponse::isRedirect()`).
 * @example SERVER_REGISTRATION_OK_STATUSES.includes('OK REPEATED') // true: Opayo had it already
 */
export const SERVER_REGISTRATION_OK_STATUSES = ['OK', 'OK REPEATED'] as const

/**
 * A registered Server transaction. Store it (with `securityKey.reveal()`) against the
 * VendorTxCode before redirecting the shopper to `nextUrl`: the notification is verified with
 * the SecurityKey, and its kind and amount are taken from here. It is a `Registration` as it
 * stands, so `lookupRegistration` can return it.
 * @example
 * const server = createOpayoServerClient({ vendorName: 'myshop' })
 * async function checkout(input: ServerRegistrationInput) {
 *   const registration = await server.register(input)
 *   await store.saveRegistration({
 *     vendorTxCode: registration.vendorTxCode,
 *     securityKey: registration.securityKey.reveal(),
 *     amount: registration.amount.amount,
 *     currency: registration.amount.currency,
 *     txType: registration.txType,
 *     createdAt: Date.now(),
 *   })
 *   return Response.redirect(registration.nextUrl, 303)
 * }
 */
export interface ServerRegistration {
  /** `OK`, or `OK REPEATED` when Opayo had this registration already. */
  readonly status: (typeof SERVER_REGISTRATION_OK_STATUSES)[number]
  readonly statusDetail: string
  /** Opayo's transaction id as sent, `{GUID}` with braces. */
  readonly vpsTxId: string
  /** The 10-character key that signs this transaction's notification. Prints `<redacted>`. */
  readonly securityKey: Secret
  /** Where to send the shopper (Opayo's payment page). */
  readonly nextUrl: string
  readonly vendorTxCode: string
  readonly txType: ServerRegistrationTxType
  /** What was registered (the notification carries no amount). */
  readonly amount: Money
  /** Every field of Opayo's answer by wire name, except SecurityKey. */
  readonly fields: Readonly<Record<string, string>>
}
