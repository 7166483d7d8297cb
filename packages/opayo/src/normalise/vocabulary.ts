import type {
  AvsCv2Summary,
  CardScheme,
  CheckResult,
  FraudRecommendation,
  PaymentKind,
  PaymentStatus,
  ThreeDSecureStatus,
} from '@opayo-kashflow/core'

// Opayo's vocabularies (Server/Form upper case, Pi PascalCase, Reporting) onto core's
// (values from thephpleague/omnipay-sagepay src/ConstantsInterface.php, academe/opayo-pi's models
// and ebizmarts SagePaySuite). Keys are compared upper-cased with spaces and underscores removed.
const key = (value: string) => value.toUpperCase().replace(/[\s_-]+/g, '')

// A value already in a table's form (what Opayo usually sends: `VISA`, `MATCHED`) is its own key
// (key() leaves a table key unchanged), so it is found without building the normalised string;
// the few other spellings seen (`ALL MATCH`) are remembered, up to a bound, as a notification's
// values are the sender's.
const REMEMBERED = 64
const lookup = <T>(table: Readonly<Record<string, T>>) => {
  const seen = new Map<string, T | undefined>()
  return (value: string | undefined): T | undefined => {
    if (value === undefined || value === '') return undefined
    if (Object.hasOwn(table, value)) return table[value]
    if (seen.has(value)) return seen.get(value)
    const found = table[key(value)]
    if (seen.size < REMEMBERED) seen.set(value, found)
    return found
  }
}

const cardSchemeCode = lookup<CardScheme>({
  VISA: 'visa',
  DELTA: 'visa_debit',
  VISADEBIT: 'visa_debit',
  UKE: 'visa_electron',
  VISAELECTRON: 'visa_electron',
  MC: 'mastercard',
  MASTERCARD: 'mastercard',
  MCDEBIT: 'mastercard_debit',
  DEBITMASTERCARD: 'mastercard_debit',
  MAESTRO: 'maestro',
  AMEX: 'amex',
  AMERICANEXPRESS: 'amex',
  DC: 'diners',
  DINERS: 'diners',
  DINERSCLUB: 'diners',
  JCB: 'jcb',
  LASER: 'laser',
  PAYPAL: 'paypal',
})

/** Server/Form `CardType` codes (academe/SagePay metadata) and Pi `cardType` display names. */
export const cardScheme = (value: string | undefined): CardScheme | undefined =>
  value === undefined || value === '' ? undefined : (cardSchemeCode(value) ?? 'other')

/** AVS/CV2 overall: `ALL MATCH` / `AllMatched` ... */
export const avsCv2Summary = lookup<AvsCv2Summary>({
  ALLMATCH: 'all_match',
  ALLMATCHED: 'all_match',
  SECURITYCODEMATCHONLY: 'security_code_only',
  ADDRESSMATCHONLY: 'address_only',
  NODATAMATCHES: 'no_match',
  NOMATCHES: 'no_match',
  DATANOTCHECKED: 'not_checked',
  NOTCHECKED: 'not_checked',
})

/** AVS/CV2 per field: `MATCHED` / `Matched` ... */
export const checkResult = lookup<CheckResult>({
  MATCHED: 'matched',
  NOTMATCHED: 'not_matched',
  NOTPROVIDED: 'not_provided',
  NOTCHECKED: 'not_checked',
})

/** Server `3DSecureStatus` and Pi `3DSecure.status`. */
export const threeDSecureStatus = lookup<ThreeDSecureStatus>({
  OK: 'authenticated',
  AUTHENTICATED: 'authenticated',
  ATTEMPTONLY: 'attempted',
  NOTAUTHED: 'not_authenticated',
  NOTAUTHENTICATED: 'not_authenticated',
  NOAUTH: 'not_authenticated',
  NOTCHECKED: 'not_checked',
  NOTAVAILABLE: 'not_enrolled',
  CARDNOTENROLLED: 'not_enrolled',
  ISSUERNOTENROLLED: 'not_enrolled',
  CANTAUTH: 'error',
  INCOMPLETE: 'incomplete',
  ERROR: 'error',
  MALFORMED: 'error',
  INVALID: 'error',
  MALFORMEDORINVALID: 'error',
})

/** ReD `ACCEPT/CHALLENGE/DENY/NOTCHECKED` and T3M `OK/HOLD/REJECT/NORESULT`. */
export const fraudRecommendation = lookup<FraudRecommendation>({
  ACCEPT: 'accept',
  OK: 'accept',
  CHALLENGE: 'challenge',
  HOLD: 'challenge',
  DENY: 'deny',
  REJECT: 'deny',
  NOTCHECKED: 'not_checked',
  NORESULT: 'not_checked',
})

/** Server/Form `TxType` and Pi `transactionType` to the canonical kind. */
export const paymentKind = lookup<PaymentKind>({
  PAYMENT: 'payment',
  REPEAT: 'payment',
  REFUND: 'refund',
  DEFERRED: 'authorisation',
  AUTHENTICATE: 'authorisation',
  REPEATDEFERRED: 'authorisation',
  RELEASE: 'capture',
  AUTHORISE: 'capture',
  VOID: 'void',
  ABORT: 'cancel',
  CANCEL: 'cancel',
})

/** Server/Form `Status` and Pi `status`. */
export const paymentStatus = lookup<PaymentStatus>({
  OK: 'succeeded',
  AUTHENTICATED: 'succeeded',
  REGISTERED: 'succeeded',
  NOTAUTHED: 'declined',
  REJECTED: 'declined',
  ABORT: 'cancelled',
  PENDING: 'pending',
  '3DAUTH': 'requires_action',
  ERROR: 'failed',
  MALFORMED: 'failed',
  INVALID: 'failed',
})

/**
 * Reporting `txstateid` (values as in ebizmarts SagePaySuite Model/Api/Pi.php) to a status, and
 * for states that describe what happened to the transaction afterwards (voided, aborted,
 * cancelled) the kind that event has.
 */
export function reportingState(
  txStateId: number,
): { status: PaymentStatus; kind?: PaymentKind } | undefined {
  switch (txStateId) {
    case 16:
      return { status: 'succeeded' }
    case 14:
    case 15:
    case 21:
      return { status: 'succeeded', kind: 'authorisation' }
    case 18:
      return { status: 'succeeded', kind: 'void' }
    case 19:
    case 22:
      return { status: 'succeeded', kind: 'cancel' }
    case 10:
    case 12:
      return { status: 'declined' }
    case 8:
    case 11:
    case 26:
    case 27:
    case 32:
      return { status: 'cancelled' }
    case 1:
    case 9:
    case 13:
    case 17:
    case 20:
    case 23:
    case 30:
      return { status: 'failed' }
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 28:
      return { status: 'pending' }
    default:
      return undefined
  }
}

/** The 4-digit code at the start of a `StatusDetail` such as `0000 : The Authorisation was Successful.` */
export function statusCodeOf(statusDetail: string | undefined): string | undefined {
  const match = /^(\d{4})\s*:/.exec(statusDetail ?? '')
  return match?.[1]
}
