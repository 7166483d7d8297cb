import {
  canonicalPaymentId,
  err,
  issue,
  normaliseTransactionId,
  ok,
  parseAmount,
  parseCanonicalPayment,
  standardiseAddress,
} from '@opayo-kashflow/core'
import type {
  CanonicalCustomer,
  CanonicalPayment,
  CanonicalPaymentInput,
  CurrencyCode,
  Money,
  Secret,
  PaymentKind,
  PaymentProtocol,
  PaymentStatus,
  Result,
  Risk,
} from '@opayo-kashflow/core'
import type { FormReturn } from '../form/form-return.js'
import type { PiTransaction } from '../pi/schemas.js'
import { parseReportingDate } from '../reporting/dates.js'
import type { ReportingFraudDetail, ReportingTransaction } from '../reporting/schemas.js'
import type { ServerNotification } from '../server-notification/schema.js'
import {
  avsCv2Summary,
  cardScheme,
  checkResult,
  fraudRecommendation,
  paymentKind,
  paymentStatus,
  reportingState,
  statusCodeOf,
  threeDSecureStatus,
} from './vocabulary.js'

/**
 * What you stored when you registered a Server (or Form) transaction. A Server notification
 * carries no amount, currency or customer, and its `TxType` and `Surcharge` are not among the
 * fields VPSSignature covers (thephpleague/omnipay-sagepay `src/Traits/ServerNotifyTrait.php`
 * `buildSignature()`), so what the payment *is* (kind, amount, currency) comes from
 * here and only from here. A `ServerRegistration` from `createOpayoServerClient().register()` is a
 * Registration as it stands.
 *
 * A surcharge Opayo reports in a notification is not posted: `Surcharge` is unsigned, so it only
 * lands in `extra` (informational); reconciliation against the Reporting API shows the amount
 * Opayo actually took.
 */
export interface Registration {
  /** The SecurityKey from the registration response (Server only). */
  readonly securityKey?: string | Secret
  /** The amount registered, in minor units. Never changed by a notification's Surcharge. */
  readonly amount: Money
  /**
   * The TxType you registered: `PAYMENT`, `DEFERRED`, `AUTHENTICATE`, ... The canonical kind is
   * derived from this, never from the notification's unsigned `TxType`.
   * @default 'PAYMENT'
   */
  readonly txType?: string
  readonly customer?: CanonicalCustomer
  /** Where the invoice number is read from, if not the VendorTxCode. */
  readonly invoiceReference?: string
  /** For REFUND/REPEAT/AUTHORISE/RELEASE registrations: the original transaction. */
  readonly relatedTransactionId?: string
  /**
   * Opayo's VPSTxId from the registration response. When set, a notification for any other
   * VPSTxId is answered INVALID.
   */
  readonly vpsTxId?: string
}

/** Every Opayo source `toCanonicalPayment` accepts, discriminated on `protocol`. */
export type OpayoPaymentSource =
  | {
      readonly protocol: 'server'
      readonly notification: ServerNotification
      readonly registration: Registration
      /** When you received it (ISO 8601). */
      readonly receivedAt: string
      /**
       * True only once `verifyServerNotification` has passed with the registration's SecurityKey
       * (the handler does this). Otherwise the payment is unverified, and the sync engine treats it
       * as a hint to confirm with Opayo. @default false
       */
      readonly verified?: boolean
    }
  | {
      readonly protocol: 'form'
      readonly formReturn: FormReturn
      /** Form returns carry no currency: the one you registered. @default 'GBP' */
      readonly currency?: CurrencyCode
      readonly txType?: string
      readonly customer?: CanonicalCustomer
      readonly receivedAt: string
    }
  | {
      readonly protocol: 'pi'
      readonly transaction: PiTransaction
      /** Pi responses do not echo the vendorTxCode: the one you sent. */
      readonly vendorTxCode: string
      /** For responses without `amount`/`currency` (refunds): what you requested. */
      readonly requested?: { readonly amount: Money }
      readonly relatedTransactionId?: string
      readonly customer?: CanonicalCustomer
      readonly receivedAt: string
    }
  | {
      readonly protocol: 'reporting'
      readonly transaction: ReportingTransaction
      readonly fraud?: ReportingFraudDetail
    }

/**
 * One canonical payment from any Opayo source: the transaction id
 * without braces, upper case; kind from TxType/transactionType; status from Status, status plus
 * statusCode (a Pi `Ok` with 2005/2006 is a void/abort) or txstateid; risk data onto one
 * vocabulary; amounts in minor units. `source.verified` is true for Server notifications you say you verified (`verified: true`)
 * and API reads, false for Form returns (browser-borne).
 *
 * For a Server notification only signed fields and your registration decide meaning: the kind
 * comes from `registration.txType` (default `PAYMENT`) and the amount and currency from
 * `registration.amount`. The notification's `TxType`, `Surcharge`, `StatusDetail`, `VPSProtocol`
 * and unknown fields are not covered by VPSSignature: they change nothing but the informational
 * `gateway.statusDetail`/`statusCode` and `extra`. A surcharge is therefore not posted;
 * reconcile with the Reporting API to see it.
 *
 * The payment is validated once, here, and returned deep-frozen (see `parseCanonicalPayment`):
 * `planPostings` does not validate it again. The registration's objects are copied, never frozen.
 * @example
 * const registrations = new Map<string, ServerRegistration>() // your database
 * const parsed = parseServerNotification(await request.text())
 * const registration = parsed.ok ? registrations.get(parsed.value.VendorTxCode) : undefined
 * if (parsed.ok && registration !== undefined) {
 *   const notification = parsed.value
 *   const securityKey = registration.securityKey.reveal()
 *   verifyServerNotification(notification, { vendorName: 'myshop', securityKey })
 *   const payment = toCanonicalPayment({
 *     protocol: 'server',
 *     notification,
 *     registration,
 *     receivedAt: new Date().toISOString(),
 *     verified: true,
 *   })
 * }
 */
export function toCanonicalPayment(source: OpayoPaymentSource): Result<CanonicalPayment> {
  switch (source.protocol) {
    case 'server':
      return fromServer(
        source.notification,
        source.registration,
        source.receivedAt,
        source.verified === true,
      )
    case 'form':
      return fromForm(source)
    case 'pi':
      return fromPi(source)
    case 'reporting':
      return fromReporting(source.transaction, source.fraud)
  }
}

type Fields = Pick<
  ServerNotification,
  | 'AVSCV2'
  | 'AddressResult'
  | 'PostCodeResult'
  | 'CV2Result'
  | '3DSecureStatus'
  | 'CAVV'
  | 'FraudResponse'
  | 'CardType'
  | 'Last4Digits'
  | 'ExpiryDate'
  | 'TxAuthNo'
  | 'BankAuthCode'
  | 'DeclineCode'
  | 'StatusDetail'
>

// The Server and Form groups are built field by field with `put` (no intermediate object to
// compact): they run for every notification.
function serverRisk(f: Fields): Risk {
  const risk: Risk & Record<string, unknown> = {}
  const recommendation = fraudRecommendation(f.FraudResponse)
  if (recommendation) risk['fraud'] = { provider: 'red', recommendation }
  put(risk, 'avsCv2', avsCv2Summary(f.AVSCV2))
  put(risk, 'address', checkResult(f.AddressResult))
  put(risk, 'postalCode', checkResult(f.PostCodeResult))
  put(risk, 'securityCode', checkResult(f.CV2Result))
  const tds = threeDSecureStatus(f['3DSecureStatus'])
  if (tds) risk['threeDSecure'] = put({ status: tds }, 'cavv', f.CAVV)
  return risk
}

function serverCard(f: Fields) {
  const scheme = cardScheme(f.CardType)
  if (!scheme) return undefined
  return put(put({ scheme }, 'last4', f.Last4Digits), 'expiry', f.ExpiryDate)
}

function serverGateway(f: Fields) {
  const gateway: Record<string, string> = {}
  put(gateway, 'txAuthNo', f.TxAuthNo)
  put(gateway, 'bankAuthCode', f.BankAuthCode)
  put(gateway, 'declineCode', f.DeclineCode)
  put(gateway, 'statusCode', statusCodeOf(f.StatusDetail))
  put(gateway, 'statusDetail', f.StatusDetail)
  return gateway
}

/** Sets `key` unless the value is undefined or empty (what compact drops); returns the object. */
function put<T extends Record<string, unknown>>(
  into: T,
  key: string,
  value: string | undefined,
): T {
  if (value !== undefined && value !== '') (into as Record<string, unknown>)[key] = value
  return into
}

function kindOf(txType: string | undefined, path: string[]): Result<PaymentKind> {
  const kind = paymentKind(txType ?? 'PAYMENT')
  return kind
    ? ok(kind)
    : err([issue('invalid_type', path, `TxType "${txType}" is not a payment transaction type.`)])
}

function fromServer(
  n: ServerNotification,
  registration: Registration,
  receivedAt: string,
  verified: boolean,
): Result<CanonicalPayment> {
  // TxType is not signed: a replayed notification with TxType=REFUND added must not become a
  // refund. What was registered decides.
  const kind = kindOf(registration.txType, ['registration', 'txType'])
  if (!kind.ok) return kind
  // Surcharge is not signed either (omnipay ServerNotifyTrait::buildSignature() has no
  // Surcharge): kept in `extra`, never added.
  const extra: Record<string, string> = { ...n.extra }
  put(extra, 'GiftAid', n.GiftAid)
  put(extra, 'VPSProtocol', n.VPSProtocol)
  put(extra, 'Surcharge', n.Surcharge)
  put(extra, 'ACSTransID', n.ACSTransID)
  put(extra, 'DSTransID', n.DSTransID)
  put(extra, 'SchemeTraceID', n.SchemeTraceID)
  put(extra, 'Token', n.Token)
  return build({
    protocol: 'server',
    transactionId: n.VPSTxId,
    vendorTxCode: n.VendorTxCode,
    relatedTransactionId: registration.relatedTransactionId,
    verified,
    kind: kind.value,
    status: paymentStatus(n.Status) ?? 'failed',
    amount: registration.amount,
    occurredAt: receivedAt,
    invoiceReference: registration.invoiceReference,
    customer: registration.customer,
    card: serverCard(n),
    risk: serverRisk(n),
    gateway: serverGateway(n),
    extra,
  })
}

function fromForm(
  source: Extract<OpayoPaymentSource, { protocol: 'form' }>,
): Result<CanonicalPayment> {
  const f = source.formReturn
  const kind = kindOf(f.TxType ?? source.txType, ['TxType'])
  if (!kind.ok) return kind
  const amount = parseAmount(f.Amount, source.currency ?? 'GBP', ['Amount'])
  if (!amount.ok) return amount
  return build({
    protocol: 'form',
    transactionId: f.VPSTxId,
    vendorTxCode: f.VendorTxCode,
    verified: false,
    kind: kind.value,
    status: paymentStatus(f.Status) ?? 'failed',
    amount: amount.value,
    occurredAt: source.receivedAt,
    customer: source.customer,
    card: serverCard(f),
    risk: serverRisk(f),
    gateway: serverGateway(f),
    extra: { ...f.extra, ...compact({ GiftAid: f.GiftAid, Surcharge: f.Surcharge }) },
  })
}

function fromPi(source: Extract<OpayoPaymentSource, { protocol: 'pi' }>): Result<CanonicalPayment> {
  const t = source.transaction
  let kind = paymentKind(t.transactionType ?? 'Payment') ?? 'payment'
  let status = paymentStatus(t.status) ?? 'failed'
  // After an instruction Pi still says Ok: the statusCode tells (smiths0n/django-sagepaypi mocks).
  if (t.status === 'Ok' && t.statusCode === '2005') kind = 'void'
  if (t.status === 'Ok' && t.statusCode === '2006') kind = 'cancel'
  if (t.status === 'Authenticated' || t.status === 'Registered') kind = 'authorisation'
  if (t.status === '3DAuth') status = 'requires_action'
  let amount: Money | undefined = source.requested?.amount
  if (t.amount !== undefined) {
    const currency = t.currency ?? source.requested?.amount.currency
    if (currency === undefined) {
      return err([
        issue('missing_value', ['currency'], 'The Pi transaction has an amount but no currency.'),
      ])
    }
    amount = {
      amount: t.amount.totalAmount as Money['amount'],
      currency: currency as Money['currency'],
    }
  }
  if (amount === undefined) {
    return err([
      issue(
        'missing_value',
        ['amount'],
        'The Pi transaction has no amount; pass the requested amount.',
      ),
    ])
  }
  const card = t.paymentMethod?.card
  const scheme = cardScheme(card?.cardType)
  const tds = threeDSecureStatus(t['3DSecure']?.status)
  return build({
    protocol: 'pi',
    transactionId: t.transactionId,
    vendorTxCode: source.vendorTxCode,
    relatedTransactionId: source.relatedTransactionId,
    verified: true,
    kind,
    status,
    amount,
    occurredAt: source.receivedAt,
    customer: source.customer,
    card: scheme
      ? compact({ scheme, last4: card?.lastFourDigits, expiry: card?.expiryDate })
      : undefined,
    risk: compact({
      avsCv2: avsCv2Summary(t.avsCvcCheck?.status),
      address: checkResult(t.avsCvcCheck?.address),
      postalCode: checkResult(t.avsCvcCheck?.postalCode),
      securityCode: checkResult(t.avsCvcCheck?.securityCode),
      threeDSecure: tds ? { status: tds } : undefined,
    }),
    gateway: compact({
      bankAuthCode: t.bankAuthorisationCode,
      retrievalReference: t.retrievalReference,
      declineCode: t.bankResponseCode,
      statusCode: t.statusCode,
      statusDetail: t.statusDetail,
    }),
  })
}

function fromReporting(
  t: ReportingTransaction,
  fraud: ReportingFraudDetail | undefined,
): Result<CanonicalPayment> {
  const state = reportingState(Number(t.txstateid))
  if (state === undefined) {
    return err([
      issue(
        'invalid_type',
        ['txstateid'],
        `txstateid ${t.txstateid} is not a payment state we know.`,
      ),
    ])
  }
  const typed = paymentKind(t.transactiontype ?? 'Payment')
  // A DEFERRED or AUTHENTICATE that reached "successfully authorised" (16) has been released or
  // authorised: the money moved, so the event is the capture.
  const kind = state.kind ?? (typed === 'authorisation' && t.txstateid === '16' ? 'capture' : typed)
  if (kind === undefined) {
    return err([
      issue(
        'invalid_type',
        ['transactiontype'],
        `Transaction type "${t.transactiontype}" is not a payment type.`,
      ),
    ])
  }
  if (t.amount === undefined || t.currency === undefined) {
    return err([
      issue(
        'missing_value',
        [t.amount === undefined ? 'amount' : 'currency'],
        'The Reporting transaction has no amount or currency; fetch it with getTransactionDetail.',
      ),
    ])
  }
  const amount = parseAmount(t.amount, t.currency, ['amount'])
  if (!amount.ok) return amount
  const occurredAt = parseReportingDate(t.completed) ?? parseReportingDate(t.started)
  if (occurredAt === undefined) {
    return err([
      issue(
        'missing_value',
        ['started'],
        'The Reporting transaction has no readable started/completed date.',
      ),
    ])
  }
  const scheme = cardScheme(t.paymentsystem)
  const recommendation = fraudRecommendation(
    fraud?.fraudscreenrecommendation ?? fraud?.t3maction ?? t.t3maction,
  )
  const t3m =
    (fraud?.fraudprovidername ?? '').toUpperCase() === 'FSG' ||
    (fraud?.t3maction ?? t.t3maction) !== undefined
  const score = fraud?.t3mscore ?? t.t3mscore
  const tds = threeDSecureStatus(t.threedresult)
  const address = standardiseAddress({
    lines: [t.billingaddress, t.billingaddress2],
    city: t.billingcity,
    region: t.billingstate,
    postalCode: t.billingpostcode,
    country: t.billingcountry,
  })
  const customer = compact({
    firstName: t.billingfirstnames,
    lastName: t.billingsurname,
    email: t.customeremail,
    phone: t.billingphone,
    billingAddress:
      address.ok && address.value.address.lines.length > 0 ? address.value.address : undefined,
  })
  return build({
    protocol: 'reporting',
    transactionId: t.vpstxid,
    vendorTxCode: t.vendortxcode,
    relatedTransactionId: t.relatedtransactionid,
    verified: true,
    kind,
    status: state.status,
    amount: amount.value,
    occurredAt,
    customer,
    card: scheme ? compact({ scheme, last4: t.last4digits, expiry: t.expirydate }) : undefined,
    risk: compact({
      fraud: recommendation
        ? compact({
            provider: t3m ? ('t3m' as const) : ('red' as const),
            recommendation,
            score: score !== undefined && /^-?\d+$/.test(score) ? Number(score) : undefined,
            code: fraud?.fraudcode,
          })
        : undefined,
      address: checkResult(t.addressresult),
      postalCode: checkResult(t.postcoderesult),
      securityCode: checkResult(t.cv2result),
      threeDSecure: tds ? compact({ status: tds, eci: t.eci }) : undefined,
    }),
    gateway: compact({
      txAuthNo: t.vpsauthcode,
      bankAuthCode: t.bankauthcode,
      declineCode: t.declinecode,
      statusDetail: t.status,
    }),
  })
}

interface Draft {
  protocol: PaymentProtocol
  transactionId: string
  vendorTxCode: string
  relatedTransactionId?: string | undefined
  verified: boolean
  kind: PaymentKind
  status: PaymentStatus
  amount: Money
  occurredAt: string
  invoiceReference?: string | undefined
  customer?: CanonicalCustomer | undefined
  card?: object | undefined
  risk?: object | undefined
  gateway?: object | undefined
  extra?: Record<string, string> | undefined
}

function build(d: Draft): Result<CanonicalPayment> {
  const transactionId = normaliseTransactionId(d.transactionId)
  const input = compact({
    id: canonicalPaymentId(transactionId, d.kind),
    source: compact({
      system: 'opayo' as const,
      protocol: d.protocol,
      transactionId,
      vendorTxCode: d.vendorTxCode,
      relatedTransactionId:
        d.relatedTransactionId && normaliseTransactionId(d.relatedTransactionId),
      verified: d.verified,
    }),
    kind: d.kind,
    status: d.status,
    amount: d.amount,
    occurredAt: d.occurredAt,
    invoiceReference: d.invoiceReference,
    customer: d.customer && Object.keys(d.customer).length > 0 ? d.customer : undefined,
    card: d.card,
    risk: nonEmpty(d.risk),
    gateway: nonEmpty(d.gateway),
    extra: nonEmpty(d.extra),
  }) as unknown as CanonicalPaymentInput
  // The one validation of what we built (the registration, receivedAt and the notification's
  // free-text fields are the caller's): the payment comes back frozen and known to core, so
  // planPostings does not check it again.
  return parseCanonicalPayment(input)
}

/** The object if it has a key of its own, else undefined. */
function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  if (value !== undefined) for (const key in value) if (Object.hasOwn(value, key)) return value
  return undefined
}

/** Drops undefined and empty-string properties (exactOptionalPropertyTypes: absent, not undefined). */
function compact<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {}
  for (const key in value) {
    const v = value[key]
    if (v !== undefined && v !== '') out[key] = v
  }
  return out as never
}
