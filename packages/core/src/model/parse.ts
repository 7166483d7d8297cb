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
// what is read later. Module-private: nothing outside core can add to it, and a payment an
// integrator builds or copies by hand is not in it, so planPostings validates that one itself.
const validated = new WeakSet<object>()

/**
 * @internal True for a payment {@link parseCanonicalPayment} returned (frozen, so unchanged
 * since). planPostings skips re-validating these.
 */
export function isValidatedCanonicalPayment(value: unknown): value is CanonicalPayment {
  return typeof value === 'object' && value !== null && validated.has(value)
}

/**
 * Validates unknown data as a {@link CanonicalPayment} (for payments read back from a store or
 * built by hand), returning issues instead of throwing. The payment returned is a deep-frozen
 * copy (the input is never frozen or kept): mutating it throws a TypeError, so a payment that
 * was validated once stays valid and `planPostings` does not validate it again.
 * @example
 * const result = parseCanonicalPayment(JSON.parse(row.payment))
 * if (result.ok) planPostings(result.value, rules, { references })
 */
export function parseCanonicalPayment(input: unknown): Result<CanonicalPayment> {
  if (isValidatedCanonicalPayment(input)) return ok(input)
  // The common case, a well-formed payment with no stray keys, is checked and copied by hand;
  // anything else (or anything the hand check is unsure of) goes through the schema, which gives
  // the same output and is the one source of issues.
  const fast = copyIfPlainlyValid(input)
  if (fast !== undefined) return ok(seal(fast))
  const parsed = CanonicalPaymentSchema.safeParse(input)
  return parsed.success ? ok(seal(deepFreeze(parsed.data))) : err(issuesFromZod(parsed.error))
}

function seal(payment: CanonicalPayment): CanonicalPayment {
  validated.add(payment)
  return payment
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
// return undefined for anything valid but unusual (unknown or undefined-valued keys, a prototype
// other than Object's), which the schema then handles. core's property tests hold it to that.

type Plain = Record<string, unknown>
/** Returns the value to store (a copy for objects), or undefined when the value fails. */
type Copier = (v: unknown) => unknown
type Field = readonly [key: string, copier: Copier, required: boolean]

const when =
  (check: (v: unknown) => boolean): Copier =>
  (v) =>
    check(v) ? v : undefined
const oneOf = (values: readonly string[]): Copier => {
  const set = new Set(values)
  return when((v) => typeof v === 'string' && set.has(v))
}
const isString = (v: unknown): v is string => typeof v === 'string'
const text = when(isString)
const nonEmpty = when((v) => isString(v) && v.length >= 1)
const matching = (pattern: RegExp): Copier => when((v) => isString(v) && pattern.test(v))

// The schema's own ISO 8601 pattern (zod keeps it on the format check), so the two cannot drift;
// if a zod upgrade moves it, every payment goes through the schema instead.
const OCCURRED_AT: unknown = (
  CanonicalPaymentSchema.shape.occurredAt._zod.def as { readonly pattern?: unknown }
).pattern

/** An object with Object's prototype, no symbol keys, and own keys only from `allowed`, none undefined. */
function plain(value: unknown, allowed: ReadonlySet<string> | undefined): value is Plain {
  if (typeof value !== 'object' || value === null) return false
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  for (const key in value) {
    if (key === '__proto__' || (value as Plain)[key] === undefined) return false
    if (allowed !== undefined && !allowed.has(key)) return false
  }
  return Object.getOwnPropertySymbols(value).length === 0
}

/** An object of these fields, copied in the schema's key order and frozen. */
function object(fields: readonly Field[]): Copier {
  const allowed = new Set(fields.map(([key]) => key))
  return (value) => {
    if (!plain(value, allowed)) return undefined
    const out: Plain = {}
    for (const [key, copier, required] of fields) {
      const v = value[key]
      if (v === undefined) {
        if (required) return undefined
        continue
      }
      const copied = copier(v)
      if (copied === undefined) return undefined
      out[key] = copied
    }
    return Object.freeze(out)
  }
}

/** A string-to-string record (the schema's `extra`), copied and frozen. */
const stringRecord: Copier = (value) => {
  if (!plain(value, undefined)) return undefined
  const out: Plain = {}
  for (const key in value) {
    const v = value[key]
    if (typeof v !== 'string') return undefined
    out[key] = v
  }
  return Object.freeze(out)
}

const customer: Copier = (value) => {
  const parsed = CanonicalCustomerSchema.safeParse(value)
  return parsed.success ? deepFreeze(parsed.data) : undefined
}

const copyIfPlainlyValid = object([
  ['id', nonEmpty, true],
  [
    'source',
    object([
      ['system', when((v) => v === 'opayo'), true],
      ['protocol', oneOf(PAYMENT_PROTOCOLS), true],
      ['transactionId', nonEmpty, true],
      ['vendorTxCode', when((v) => isString(v) && v.length >= 1 && v.length <= 40), true],
      ['relatedTransactionId', text, false],
      ['verified', when((v) => typeof v === 'boolean'), true],
    ]),
    true,
  ],
  ['kind', oneOf(PAYMENT_KINDS), true],
  ['status', oneOf(PAYMENT_STATUSES), true],
  [
    'amount',
    object([
      ['amount', when((v) => Number.isSafeInteger(v) && (v as number) >= 0), true],
      ['currency', when(isCurrencyCode), true],
    ]),
    true,
  ],
  ['occurredAt', OCCURRED_AT instanceof RegExp ? matching(OCCURRED_AT) : () => undefined, true],
  ['invoiceReference', text, false],
  ['customer', customer, false],
  [
    'card',
    object([
      ['scheme', oneOf(CARD_SCHEMES), true],
      ['last4', matching(/^\d{4}$/), false],
      ['expiry', matching(/^(0[1-9]|1[0-2])\d{2}$/), false],
    ]),
    false,
  ],
  [
    'risk',
    object([
      [
        'fraud',
        object([
          ['provider', oneOf(['red', 't3m']), false],
          ['recommendation', oneOf(FRAUD_RECOMMENDATIONS), true],
          ['score', when((v) => typeof v === 'number' && Number.isFinite(v)), false],
          ['code', text, false],
        ]),
        false,
      ],
      ['avsCv2', oneOf(AVS_CV2_SUMMARIES), false],
      ['address', oneOf(CHECK_RESULTS), false],
      ['postalCode', oneOf(CHECK_RESULTS), false],
      ['securityCode', oneOf(CHECK_RESULTS), false],
      [
        'threeDSecure',
        object([
          ['status', oneOf(THREE_D_SECURE_STATUSES), true],
          ['cavv', text, false],
          ['eci', text, false],
        ]),
        false,
      ],
    ]),
    false,
  ],
  [
    'gateway',
    object(
      [
        'txAuthNo',
        'bankAuthCode',
        'retrievalReference',
        'declineCode',
        'statusCode',
        'statusDetail',
      ].map((key): Field => [key, text, false]),
    ),
    false,
  ],
  ['extra', stringRecord, false],
]) as (input: unknown) => CanonicalPayment | undefined
