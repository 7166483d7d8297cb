import type { z } from 'zod'
import { isCurrencyCode } from '../money/currency.js'
import { issue } from '../result/issue.js'
import type { Issue, IssueCode } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { CanonicalCustomerSchema } from './canonical-customer.js'
import {
  AVS_CV2_SUMMARIES,
  CARD_SCHEMES,
  CHECK_RESULTS,
  CanonicalPaymentSchema,
  FRAUD_RECOMMENDATIONS,
  PAYMENT_KINDS,
  PAYMENT_PROTOCOLS,
  PAYMENT_STATUSES,
  THREE_D_SECURE_STATUSES,
} from './canonical-payment.js'
import type { CanonicalPayment } from './canonical-payment.js'

/** Maps zod's issues onto core's closed {@link IssueCode} union. */
export function issuesFromZod(error: z.ZodError): Issue[] {
  return error.issues.map((zi) => {
    const missing = zi.code === 'invalid_type' && /received undefined/.test(zi.message)
    const code: IssueCode = missing ? 'missing_value' : 'invalid_type'
    return issue(
      code,
      zi.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      zi.message,
    )
  })
}

// Payments that came out of parseCanonicalPayment: deep-frozen copies, so what was validated is
// what is read later. They carry a private mark only this module can set or see: nothing outside
// core can forge it, reflection does not show it, and a copy (`{ ...payment }`, structuredClone,
// JSON) does not carry it, so planPostings validates such a copy itself. A private field is
// stamped on the plain object through the base-constructor return (the object's prototype and
// keys are unchanged); a WeakSet would do the same at several times the cost per payment.
class Stamp {
  constructor(target: object) {
    return target
  }
}
class ValidatedMark extends Stamp {
  readonly #validated = true
  static add(payment: object): void {
    new ValidatedMark(payment)
  }
  static has(value: object): boolean {
    return #validated in value
  }
}

/**
 * @internal True for a payment {@link parseCanonicalPayment} returned (frozen, so unchanged
 * since). planPostings skips re-validating these.
 */
export function isValidatedCanonicalPayment(value: unknown): value is CanonicalPayment {
  return typeof value === 'object' && value !== null && ValidatedMark.has(value)
}

/**
 * Validates unknown data as a {@link CanonicalPayment} (for payments read back from a store or
 * built by hand), returning issues instead of throwing. The payment returned is a deep-frozen
 * copy (the input is never frozen or kept): mutating it throws a TypeError, so a payment that
 * was validated once stays valid and `planPostings` does not validate it again.
 * @example
 * const row = { payment: '{"id":"opayo:..."}' } // a stored row
 * const result = parseCanonicalPayment(JSON.parse(row.payment))
 * if (result.ok) planPostings(result.value, rules, { references })
 */
export function parseCanonicalPayment(input: unknown): Result<CanonicalPayment> {
  if (isValidatedCanonicalPayment(input)) return ok(input)
  // The common case, a well-formed payment with no stray keys, is checked and copied by hand;
  // anything else (or anything the hand check is unsure of) goes through the schema, which gives
  // the same output and is the one source of issues.
  const fast = copyIfPlainlyValid(input)
  if (fast !== undefined) return ok(seal(fast, true))
  const parsed = CanonicalPaymentSchema.safeParse(input)
  return parsed.success ? ok(seal(parsed.data, false)) : err(issuesFromZod(parsed.error))
}

/**
 * Marks the payment, then freezes it (marked first: a frozen object may not take a new field);
 * what is inside is frozen too, unless the hand check already froze it.
 */
function seal(payment: CanonicalPayment, insideFrozen: boolean): CanonicalPayment {
  ValidatedMark.add(payment)
  return insideFrozen ? Object.freeze(payment) : deepFreeze(payment)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
    Object.freeze(value)
  }
  return value
}

// ---- the hand check: returns a frozen copy equal to the schema's output, or undefined ----
//
// It must never accept what CanonicalPaymentSchema rejects nor produce a different value; it may
// return undefined for anything valid but unusual (stray or undefined-valued keys, a prototype
// other than Object's), which the schema then handles. core's property tests hold it to that.
// Written out field by field, with no table of closures: it runs once per payment.

type Plain = Record<string, unknown>

const setOf = (values: readonly string[]): ReadonlySet<unknown> => new Set<unknown>(values)
const PROTOCOLS = setOf(PAYMENT_PROTOCOLS)
const KINDS = setOf(PAYMENT_KINDS)
const STATUSES = setOf(PAYMENT_STATUSES)
const SCHEMES = setOf(CARD_SCHEMES)
const CHECKS = setOf(CHECK_RESULTS)
const AVS_CV2 = setOf(AVS_CV2_SUMMARIES)
const THREE_DS = setOf(THREE_D_SECURE_STATUSES)
const RECOMMENDATIONS = setOf(FRAUD_RECOMMENDATIONS)
const PROVIDERS = setOf(['red', 't3m'])
const LAST4 = /^\d{4}$/
const EXPIRY = /^(0[1-9]|1[0-2])\d{2}$/
// The schema's own ISO 8601 pattern (zod keeps it on the format check), so the two cannot drift;
// if a zod upgrade moves it, every payment goes through the schema instead.
const OCCURRED_AT: unknown = (
  CanonicalPaymentSchema.shape.occurredAt._zod.def as { readonly pattern?: unknown }
).pattern

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype

/** How many keys for-in sees: equal to the fields we copied only if nothing stray was there. */
function keyCount(value: Plain): number {
  let count = 0
  for (const _ in value) count += 1
  return count
}

/** Copies optional string fields that are present; false when one is not a string. */
function optionalStrings(from: Plain, to: Plain, keys: readonly string[]): boolean {
  for (const key of keys) {
    const v = from[key]
    if (v === undefined) continue
    if (typeof v !== 'string') return false
    to[key] = v
  }
  return true
}

function copySource(v: unknown): Plain | undefined {
  if (!isPlain(v)) return undefined
  const { system, protocol, transactionId, vendorTxCode, verified } = v
  if (system !== 'opayo' || !PROTOCOLS.has(protocol)) return undefined
  if (typeof transactionId !== 'string' || transactionId.length < 1) return undefined
  if (typeof vendorTxCode !== 'string' || vendorTxCode.length < 1 || vendorTxCode.length > 40)
    return undefined
  const out: Plain = { system, protocol, transactionId, vendorTxCode }
  if (!optionalStrings(v, out, ['relatedTransactionId'])) return undefined
  if (typeof verified !== 'boolean') return undefined
  out['verified'] = verified
  return keyCount(v) === 5 + (out['relatedTransactionId'] === undefined ? 0 : 1)
    ? Object.freeze(out)
    : undefined
}

function copyAmount(v: unknown): Plain | undefined {
  if (!isPlain(v)) return undefined
  const { amount, currency } = v
  if (!Number.isSafeInteger(amount) || (amount as number) < 0 || !isCurrencyCode(currency))
    return undefined
  return keyCount(v) === 2 ? Object.freeze({ amount, currency }) : undefined
}

function copyCard(v: unknown): Plain | undefined {
  if (!isPlain(v) || !SCHEMES.has(v['scheme'])) return undefined
  const out: Plain = { scheme: v['scheme'] }
  const { last4, expiry } = v
  if (last4 !== undefined) {
    if (typeof last4 !== 'string' || !LAST4.test(last4)) return undefined
    out['last4'] = last4
  }
  if (expiry !== undefined) {
    if (typeof expiry !== 'string' || !EXPIRY.test(expiry)) return undefined
    out['expiry'] = expiry
  }
  return keyCount(v) === keyCount(out) ? Object.freeze(out) : undefined
}

function copyRisk(v: unknown): Plain | undefined {
  if (!isPlain(v)) return undefined
  const out: Plain = {}
  const { fraud, threeDSecure } = v
  if (fraud !== undefined) {
    if (!isPlain(fraud)) return undefined
    const f: Plain = {}
    if (fraud['provider'] !== undefined) {
      if (!PROVIDERS.has(fraud['provider'])) return undefined
      f['provider'] = fraud['provider']
    }
    if (!RECOMMENDATIONS.has(fraud['recommendation'])) return undefined
    f['recommendation'] = fraud['recommendation']
    const score = fraud['score']
    if (score !== undefined) {
      if (typeof score !== 'number' || !Number.isFinite(score)) return undefined
      f['score'] = score
    }
    if (!optionalStrings(fraud, f, ['code'])) return undefined
    if (keyCount(fraud) !== keyCount(f)) return undefined
    out['fraud'] = Object.freeze(f)
  }
  for (const [key, allowed] of [
    ['avsCv2', AVS_CV2],
    ['address', CHECKS],
    ['postalCode', CHECKS],
    ['securityCode', CHECKS],
  ] as const) {
    const value = v[key]
    if (value === undefined) continue
    if (!allowed.has(value)) return undefined
    out[key] = value
  }
  if (threeDSecure !== undefined) {
    if (!isPlain(threeDSecure) || !THREE_DS.has(threeDSecure['status'])) return undefined
    const t: Plain = { status: threeDSecure['status'] }
    if (!optionalStrings(threeDSecure, t, ['cavv', 'eci'])) return undefined
    if (keyCount(threeDSecure) !== keyCount(t)) return undefined
    out['threeDSecure'] = Object.freeze(t)
  }
  return keyCount(v) === keyCount(out) ? Object.freeze(out) : undefined
}

const GATEWAY_KEYS = [
  'txAuthNo',
  'bankAuthCode',
  'retrievalReference',
  'declineCode',
  'statusCode',
  'statusDetail',
] as const

function copyGateway(v: unknown): Plain | undefined {
  if (!isPlain(v)) return undefined
  const out: Plain = {}
  if (!optionalStrings(v, out, GATEWAY_KEYS)) return undefined
  return keyCount(v) === keyCount(out) ? Object.freeze(out) : undefined
}

/** The schema's `extra`, a string-to-string record: own enumerable string keys, as zod reads them. */
function copyExtra(v: unknown): Plain | undefined {
  if (!isPlain(v) || Object.getOwnPropertySymbols(v).length > 0) return undefined
  const out: Plain = {}
  for (const key of Object.keys(v)) {
    const value = v[key]
    if (typeof value !== 'string' || key === '__proto__') return undefined
    out[key] = value
  }
  return Object.freeze(out)
}

function copyCustomer(v: unknown): unknown {
  const parsed = CanonicalCustomerSchema.safeParse(v)
  return parsed.success ? deepFreeze(parsed.data) : undefined
}

/** Each optional object field, in the schema's order, with its copier. */
const OPTIONAL_OBJECTS = [
  ['customer', copyCustomer],
  ['card', copyCard],
  ['risk', copyRisk],
  ['gateway', copyGateway],
  ['extra', copyExtra],
] as const

function copyIfPlainlyValid(input: unknown): CanonicalPayment | undefined {
  if (!isPlain(input) || !(OCCURRED_AT instanceof RegExp)) return undefined
  const { id, kind, status, occurredAt, invoiceReference } = input
  if (typeof id !== 'string' || id.length < 1) return undefined
  const source = copySource(input['source'])
  if (source === undefined || !KINDS.has(kind) || !STATUSES.has(status)) return undefined
  const amount = copyAmount(input['amount'])
  if (amount === undefined) return undefined
  if (typeof occurredAt !== 'string' || !OCCURRED_AT.test(occurredAt)) return undefined
  const out: Plain = { id, source, kind, status, amount, occurredAt }
  if (invoiceReference !== undefined) {
    if (typeof invoiceReference !== 'string') return undefined
    out['invoiceReference'] = invoiceReference
  }
  for (const [key, copy] of OPTIONAL_OBJECTS) {
    const value = input[key]
    if (value === undefined) continue
    const copied = copy(value)
    if (copied === undefined) return undefined
    out[key] = copied
  }
  // Not frozen yet: seal marks it first. Everything inside is frozen already.
  return keyCount(input) === keyCount(out) ? (out as CanonicalPayment) : undefined
}
