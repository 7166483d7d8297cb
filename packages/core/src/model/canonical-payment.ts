import { z } from 'zod'
import { MoneySchema } from '../money/money.js'
import { CanonicalCustomerSchema } from './canonical-customer.js'

/** How the payment reached us. */
export const PAYMENT_PROTOCOLS = ['server', 'form', 'pi', 'reporting'] as const
export type PaymentProtocol = (typeof PAYMENT_PROTOCOLS)[number]

/**
 * What the event does to money, by Opayo transaction type (Elavon's Opayo documentation,
 * developer-eu.elavon.com/docs/opayo, transaction types and deferred payments):
 * - `payment`: money taken now (PAYMENT, REPEAT, Pi Payment/Repeat).
 * - `refund`: money returned to the card.
 * - `authorisation`: a hold or card check, no money moves (DEFERRED, AUTHENTICATE).
 * - `capture`: money taken against an earlier authorisation (RELEASE, AUTHORISE).
 * - `void`: a same-day payment removed from the batch before settlement.
 * - `cancel`: an authorisation closed without taking money (ABORT, CANCEL).
 */
export const PAYMENT_KINDS = [
  'payment',
  'refund',
  'authorisation',
  'capture',
  'void',
  'cancel',
] as const
export type PaymentKind = (typeof PAYMENT_KINDS)[number]

/**
 * The outcome, from Opayo's Server/Form `Status` and Pi `status` (thephpleague/omnipay-sagepay
 * src/Traits/ServerNotifyTrait.php; academe/opayo-pi AbstractTransaction.php): `succeeded` (OK),
 * `declined` (NOTAUTHED, REJECTED),
 * `failed` (ERROR, MALFORMED, INVALID), `pending` (PENDING), `cancelled` (ABORT by the shopper),
 * `requires_action` (3-D Secure still to complete).
 */
export const PAYMENT_STATUSES = [
  'succeeded',
  'declined',
  'failed',
  'pending',
  'cancelled',
  'requires_action',
] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

/** Card brands, normalised from Opayo's Server/Form codes (VISA, MC, ...) and Pi names. */
export const CARD_SCHEMES = [
  'visa',
  'visa_debit',
  'visa_electron',
  'mastercard',
  'mastercard_debit',
  'maestro',
  'amex',
  'diners',
  'jcb',
  'laser',
  'paypal',
  'other',
] as const
export type CardScheme = (typeof CARD_SCHEMES)[number]

/** Result of one AVS/CV2 field check. */
export const CHECK_RESULTS = ['matched', 'not_matched', 'not_provided', 'not_checked'] as const
export type CheckResult = (typeof CHECK_RESULTS)[number]

/** The overall AVS/CV2 summary (Server `AVSCV2`, Pi `avsCvcCheck.status`). */
export const AVS_CV2_SUMMARIES = [
  'all_match',
  'security_code_only',
  'address_only',
  'no_match',
  'not_checked',
] as const
export type AvsCv2Summary = (typeof AVS_CV2_SUMMARIES)[number]

/** 3-D Secure outcome on one vocabulary (Server `3DSecureStatus`, Pi `3DSecure.status`). */
export const THREE_D_SECURE_STATUSES = [
  'authenticated',
  'attempted',
  'not_authenticated',
  'not_checked',
  'not_enrolled',
  'incomplete',
  'error',
] as const
export type ThreeDSecureStatus = (typeof THREE_D_SECURE_STATUSES)[number]

/** Fraud screening recommendation: ReD ACCEPT/CHALLENGE/DENY, T3M OK/HOLD/REJECT. */
export const FRAUD_RECOMMENDATIONS = ['accept', 'challenge', 'deny', 'not_checked'] as const
export type FraudRecommendation = (typeof FRAUD_RECOMMENDATIONS)[number]

export const RiskSchema = z.object({
  fraud: z
    .object({
      /** `red` (ReD), `t3m` (The 3rd Man / FSG). */
      provider: z.enum(['red', 't3m']).optional(),
      recommendation: z.enum(FRAUD_RECOMMENDATIONS),
      /** T3M score (higher is riskier); ReD gives none. */
      score: z.number().optional(),
      /** Provider's code, e.g. ReD `0100`. */
      code: z.string().optional(),
    })
    .optional(),
  avsCv2: z.enum(AVS_CV2_SUMMARIES).optional(),
  address: z.enum(CHECK_RESULTS).optional(),
  postalCode: z.enum(CHECK_RESULTS).optional(),
  securityCode: z.enum(CHECK_RESULTS).optional(),
  threeDSecure: z
    .object({
      status: z.enum(THREE_D_SECURE_STATUSES),
      cavv: z.string().optional(),
      eci: z.string().optional(),
    })
    .optional(),
})
export type Risk = z.output<typeof RiskSchema>

/** The card used. Never a full card number: the schema rejects anything but four digits. */
export const CardSchema = z.object({
  scheme: z.enum(CARD_SCHEMES),
  last4: z
    .string()
    .regex(/^\d{4}$/, 'last4 must be exactly four digits (never a full card number)')
    .optional(),
  /** MMYY as Opayo sends it. */
  expiry: z
    .string()
    .regex(/^(0[1-9]|1[0-2])\d{2}$/, 'expiry must be MMYY')
    .optional(),
})
export type Card = z.output<typeof CardSchema>

/** Opayo's references for the transaction, for custom fields and for support calls. */
export const GatewayReferencesSchema = z.object({
  /** Server/Form `TxAuthNo` (Opayo's VPSAuthCode). */
  txAuthNo: z.string().optional(),
  /** The bank's authorisation code (Server/Form `BankAuthCode`, Pi `bankAuthorisationCode`). */
  bankAuthCode: z.string().optional(),
  /** Pi `retrievalReference`. */
  retrievalReference: z.string().optional(),
  /** The bank's decline code (`00` = approved). */
  declineCode: z.string().optional(),
  /** Opayo's 4-digit status code (`0000`, `2000`, `2005`, ...). */
  statusCode: z.string().optional(),
  statusDetail: z.string().optional(),
})
export type GatewayReferences = z.output<typeof GatewayReferencesSchema>

export const PaymentSourceSchema = z.object({
  system: z.literal('opayo'),
  protocol: z.enum(PAYMENT_PROTOCOLS),
  /** Opayo's id: VPSTxId / Pi transactionId, without braces, upper case. */
  transactionId: z.string().min(1),
  /** The merchant's VendorTxCode (1-40 characters). */
  vendorTxCode: z.string().min(1).max(40),
  /** The transaction this one refers to (a refund's original payment, a release's deferred). */
  relatedTransactionId: z.string().optional(),
  /** True only for signed Server notifications and API reads; false for browser-borne data. */
  verified: z.boolean(),
})
export type PaymentSource = z.output<typeof PaymentSourceSchema>

/** One Opayo money event, whatever protocol it came through. */
export const CanonicalPaymentSchema = z.object({
  /** Stable id: `opayo:{transactionId}:{kind}`. */
  id: z.string().min(1),
  source: PaymentSourceSchema,
  kind: z.enum(PAYMENT_KINDS),
  status: z.enum(PAYMENT_STATUSES),
  /** Positive amount in minor units; a refund's direction is its kind, not its sign. */
  amount: MoneySchema.refine((m) => m.amount >= 0, 'amount must not be negative'),
  /** ISO 8601 date-time with offset. */
  occurredAt: z.iso.datetime({ offset: true }),
  /** The raw text the invoice number is parsed from (normally the vendorTxCode). */
  invoiceReference: z.string().optional(),
  customer: CanonicalCustomerSchema.optional(),
  card: CardSchema.optional(),
  risk: RiskSchema.optional(),
  gateway: GatewayReferencesSchema.optional(),
  /** Source fields with no canonical home, kept verbatim. */
  extra: z.record(z.string(), z.string()).optional(),
})
export type CanonicalPayment = z.output<typeof CanonicalPaymentSchema>

/** The input type of {@link CanonicalPaymentSchema} (before branding). */
export type CanonicalPaymentInput = z.input<typeof CanonicalPaymentSchema>

/**
 * The canonical id of an Opayo transaction event.
 * @example canonicalPaymentId('{f955c22e-...}', 'payment') // 'opayo:F955C22E-...:payment'
 */
export function canonicalPaymentId(transactionId: string, kind: PaymentKind): string {
  return `opayo:${normaliseTransactionId(transactionId)}:${kind}`
}

/**
 * Opayo ids without braces, upper case: Server and Form send `VPSTxId` as `{GUID}`, Pi and
 * Reporting send the bare GUID (as ebizmarts SagePaySuite Helper/Data.php::removeCurlyBraces does).
 */
export function normaliseTransactionId(transactionId: string): string {
  return transactionId.replace(/[{}]/g, '').trim().toUpperCase()
}
