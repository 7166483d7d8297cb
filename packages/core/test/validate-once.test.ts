// parseCanonicalPayment validates once and hands out frozen payments that planPostings does not
// check again. These tests hold the hand-written check to the schema: same output for anything
// the schema accepts, same issues for anything it rejects, and a copy or a change is checked anew.
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import {
  CARD_SCHEMES,
  CanonicalPaymentSchema,
  PAYMENT_KINDS,
  PAYMENT_PROTOCOLS,
  PAYMENT_STATUSES,
  createReferenceParser,
  definePostingRules,
  parseCanonicalPayment,
  planPostings,
} from '../src/index.js'
import type { CanonicalPayment, Issue } from '../src/index.js'
import { aPayment } from './fixtures/payments.js'

/** What parseCanonicalPayment answered before the hand check: the schema, issues mapped. */
function throughSchema(input: unknown) {
  const parsed = CanonicalPaymentSchema.safeParse(input)
  if (parsed.success) return { ok: true as const, value: parsed.data }
  const issues: Issue[] = parsed.error.issues.map((zi) => ({
    code:
      zi.code === 'invalid_type' && /received undefined/.test(zi.message)
        ? 'missing_value'
        : 'invalid_type',
    path: zi.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: zi.message,
  }))
  return { ok: false as const, issues }
}

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant({}),
)

/**
 * Payment-shaped inputs. With `bad`, each value is now and then one the schema refuses (or junk),
 * and objects now and then carry a stray key; without, every input is valid.
 */
function paymentLike(bad: boolean) {
  const field = <T>(valid: fc.Arbitrary<T>, invalid: readonly unknown[] = []) =>
    bad
      ? fc.oneof(
          { arbitrary: valid, weight: 12 },
          {
            arbitrary: invalid.length > 0 ? fc.oneof(fc.constantFrom(...invalid), junk) : junk,
            weight: 1,
          },
        )
      : (valid as fc.Arbitrary<unknown>)
  const object = (fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []) => {
    const record = fc.record(fields, { requiredKeys: required })
    return bad
      ? fc.oneof(
          { arbitrary: record, weight: 12 },
          { arbitrary: record.map((o) => ({ ...o, stray: 'x' })), weight: 1 },
        )
      : record
  }
  const text = field(fc.string({ maxLength: 12 }))
  return object(
    {
      id: field(fc.string({ minLength: 1, maxLength: 50 }), ['']),
      source: field(
        object(
          {
            system: field(fc.constant('opayo'), ['sagepay']),
            protocol: field(fc.constantFrom(...PAYMENT_PROTOCOLS), ['direct']),
            transactionId: field(fc.string({ minLength: 1, maxLength: 40 }), ['']),
            vendorTxCode: field(fc.string({ minLength: 1, maxLength: 40 }), ['', 'x'.repeat(41)]),
            relatedTransactionId: text,
            verified: field(fc.boolean()),
          },
          ['system', 'protocol', 'transactionId', 'vendorTxCode', 'verified'],
        ),
      ),
      kind: field(fc.constantFrom(...PAYMENT_KINDS), ['chargeback']),
      status: field(fc.constantFrom(...PAYMENT_STATUSES), ['OK']),
      amount: field(
        object(
          {
            amount: field(fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constant(-0)), [
              -3,
              0.5,
              Number.NaN,
              Number.MAX_SAFE_INTEGER + 2,
            ]),
            currency: field(fc.constantFrom('GBP', 'EUR', 'JPY', 'BHD'), ['gbp', 'XYZ']),
          },
          ['amount', 'currency'],
        ),
      ),
      occurredAt: field(
        fc.oneof(
          fc
            .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString()),
          fc.constantFrom(
            '2026-11-02T10:15:00+00:00',
            '2026-11-02T10:15:00.123+01:00',
            '2024-02-29T00:00:00Z',
          ),
        ),
        ['2026-02-29T00:00:00Z', '2026-11-02 10:15:00', '2026-11-02T10:15:00'],
      ),
      invoiceReference: text,
      customer: field(
        fc.constantFrom(
          {},
          { firstName: 'Sam', lastName: 'Jones' },
          { billingAddress: { lines: ['407 St John Street'], countryCode: 'GB' } },
        ),
        [{ email: 3 }, { billingAddress: { lines: 'not a list' } }],
      ),
      card: field(
        object(
          {
            scheme: field(fc.constantFrom(...CARD_SCHEMES), ['discover']),
            last4: field(fc.stringMatching(/^\d{4}$/), ['123', '4929000000006']),
            expiry: field(fc.constantFrom('1228', '0130'), ['1328', '0028', '12']),
          },
          ['scheme'],
        ),
      ),
      risk: field(
        object({
          fraud: field(
            object(
              {
                provider: field(fc.constantFrom('red', 't3m'), ['other']),
                recommendation: field(fc.constantFrom('accept', 'deny'), ['maybe']),
                score: field(fc.integer(), [Number.NaN, Infinity]),
                code: text,
              },
              ['recommendation'],
            ),
          ),
          avsCv2: field(fc.constantFrom('all_match', 'no_match'), ['ALL MATCH']),
          address: field(fc.constantFrom('matched', 'not_checked'), ['MATCHED']),
          postalCode: field(fc.constantFrom('matched', 'not_provided')),
          securityCode: field(fc.constantFrom('not_matched'), ['nope']),
          threeDSecure: field(
            object(
              {
                status: field(fc.constantFrom('authenticated', 'attempted'), ['OK']),
                cavv: text,
                eci: text,
              },
              ['status'],
            ),
          ),
        }),
      ),
      gateway: field(
        object({
          txAuthNo: text,
          bankAuthCode: text,
          retrievalReference: text,
          declineCode: text,
          statusCode: text,
          statusDetail: text,
        }),
      ),
      extra: field(fc.dictionary(fc.string({ maxLength: 8 }), field(fc.string({ maxLength: 8 })))),
    },
    ['id', 'source', 'kind', 'status', 'amount', 'occurredAt'],
  )
}

/** One change that breaks (or only unsettles) an otherwise valid payment: where, and to what. */
const ONE_CHANGE: readonly (readonly [path: readonly string[], value: unknown])[] = [
  [['id'], ''],
  [['id'], 7],
  [['source'], null],
  [['source', 'system'], 'sagepay'],
  [['source', 'protocol'], 'direct'],
  [['source', 'transactionId'], ''],
  [['source', 'vendorTxCode'], ''],
  [['source', 'vendorTxCode'], 'x'.repeat(41)],
  [['source', 'verified'], 'true'],
  [['source', 'relatedTransactionId'], 5],
  [['source', 'stray'], 'x'],
  [['source', 'relatedTransactionId'], undefined],
  [['kind'], 'chargeback'],
  [['status'], 'OK'],
  [['amount'], []],
  [['amount', 'amount'], -3],
  [['amount', 'amount'], 0.5],
  [['amount', 'amount'], Number.NaN],
  [['amount', 'amount'], Number.MAX_SAFE_INTEGER + 2],
  [['amount', 'amount'], '120'],
  [['amount', 'currency'], 'gbp'],
  [['amount', 'currency'], 'XYZ'],
  [['amount', 'stray'], 1],
  [['occurredAt'], '2026-02-29T00:00:00Z'],
  [['occurredAt'], '2026-11-02T10:15:00'],
  [['occurredAt'], '2026-11-02 10:15:00Z'],
  [['invoiceReference'], 1042],
  [['invoiceReference'], undefined],
  [['customer', 'email'], 3],
  [['customer', 'billingAddress'], { lines: 'one line' }],
  [['card', 'scheme'], 'discover'],
  [['card', 'last4'], '4929000000006'],
  [['card', 'expiry'], '1328'],
  [['card', 'stray'], true],
  [['risk', 'fraud', 'recommendation'], 'maybe'],
  [['risk', 'fraud', 'score'], Number.POSITIVE_INFINITY],
  [['risk', 'fraud', 'provider'], 'other'],
  [['risk', 'avsCv2'], 'ALL MATCH'],
  [['risk', 'address'], 'MATCHED'],
  [['risk', 'threeDSecure', 'status'], 'OK'],
  [['risk', 'threeDSecure', 'cavv'], 1],
  [['gateway', 'txAuthNo'], 4255],
  [['gateway', 'stray'], 'x'],
  [['extra', 'GiftAid'], 0],
  [['extra'], ['a']],
  [['stray'], 'x'],
  [['occurredAt'], undefined],
]

/** A valid payment with exactly one change, made on a copy (objects on the way are created). */
const oneChange = fc
  .tuple(paymentLike(false), fc.constantFrom(...ONE_CHANGE))
  .map(([payment, [path, value]]) => {
    const copy = structuredClone(payment) as Record<string, unknown>
    let at = copy
    for (const key of path.slice(0, -1)) {
      const next = at[key]
      at = (typeof next === 'object' && next !== null ? next : (at[key] = {})) as Record<
        string,
        unknown
      >
    }
    at[path[path.length - 1] ?? ''] = value
    return copy
  })

describe('parseCanonicalPayment (validated once)', () => {
  it("gives exactly the schema's value, keys in its order, for any valid payment", () => {
    fc.assert(
      fc.property(paymentLike(false), (input) => {
        const expected = throughSchema(input)
        expect(expected.ok).toBe(true)
        const actual = parseCanonicalPayment(input)
        expect(actual).toEqual(expected)
        if (actual.ok) expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value))
      }),
      { numRuns: 1000 },
    )
  })

  it('answers exactly as the schema does for payments with bad values, stray keys or junk', () => {
    let invalid = 0
    fc.assert(
      fc.property(paymentLike(true), (input) => {
        const expected = throughSchema(input)
        expect(parseCanonicalPayment(input)).toEqual(expected)
        if (!expected.ok) invalid += 1
      }),
      { numRuns: 2000 },
    )
    // The property reached the schema's issues, not only valid payments.
    expect(invalid).toBeGreaterThan(500)
  })

  it('answers exactly as the schema does for a valid payment with any one change', () => {
    fc.assert(
      fc.property(oneChange, (input) => {
        const expected = throughSchema(input)
        const actual = parseCanonicalPayment(input)
        expect(actual).toEqual(expected)
        if (actual.ok && expected.ok)
          expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value))
      }),
      { numRuns: 2000 },
    )
  })

  it('checks a well-formed payment by hand, and hands anything unusual to the schema', () => {
    const spy = vi.spyOn(CanonicalPaymentSchema, 'safeParse')
    try {
      expect(parseCanonicalPayment(structuredClone(aPayment())).ok).toBe(true)
      expect(spy).not.toHaveBeenCalled()
      expect(parseCanonicalPayment({ ...structuredClone(aPayment()), stray: 1 }).ok).toBe(true)
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })

  it('returns a deep-frozen copy: the input is neither frozen nor shared', () => {
    const input = structuredClone(aPayment())
    const result = parseCanonicalPayment(input)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const payment = result.value
    expect(payment).toEqual(input)
    expect(payment).not.toBe(input)
    expect(payment.amount).not.toBe(input.amount)
    expect(Object.isFrozen(input)).toBe(false)
    expect(Object.isFrozen(input.amount)).toBe(false)
    for (const part of [payment, payment.source, payment.amount, payment.card, payment.risk]) {
      expect(Object.isFrozen(part)).toBe(true)
    }
    expect(Object.isFrozen(payment.customer?.billingAddress)).toBe(true)
    expect(() => {
      ;(payment.amount as { amount: number }).amount = -1
    }).toThrow(TypeError)
    expect(payment.amount.amount).toBe(12000)
  })

  it('gives the same payment back, uncopied, when handed one it returned', () => {
    const first = parseCanonicalPayment(structuredClone(aPayment()))
    if (!first.ok) throw new Error('fixture must be valid')
    const again = parseCanonicalPayment(first.value)
    expect(again.ok && again.value).toBe(first.value)
  })

  it('freezes what goes through the schema too (a payment with a stray key)', () => {
    const result = parseCanonicalPayment({ ...structuredClone(aPayment()), stray: 1 })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).not.toHaveProperty('stray')
    expect(Object.isFrozen(result.value)).toBe(true)
    expect(Object.isFrozen(result.value.source)).toBe(true)
  })
})

describe('planPostings on a validated payment', () => {
  const rules = definePostingRules({ bankAccountId: 1, paymentMethodId: 2, upsertCustomers: true })
  const references = createReferenceParser(['INV-{invoice}-{*}'])

  it('plans the same for a validated payment as for an unvalidated copy of it', () => {
    fc.assert(
      fc.property(paymentLike(true), (input) => {
        const parsed = parseCanonicalPayment(input)
        if (!parsed.ok) return
        const copy = structuredClone<CanonicalPayment>(parsed.value)
        expect(Object.isFrozen(copy)).toBe(false)
        expect(planPostings(parsed.value, rules, { references })).toEqual(
          planPostings(copy, rules, { references }),
        )
      }),
      { numRuns: 1000 },
    )
  })

  it('still validates a copy made from a validated payment and then changed', () => {
    const parsed = parseCanonicalPayment(structuredClone(aPayment()))
    if (!parsed.ok) throw new Error('fixture must be valid')
    const changed = {
      ...parsed.value,
      amount: { amount: -500, currency: 'GBP' },
    } as unknown as CanonicalPayment
    const [intent] = planPostings(changed, rules, { references })
    expect(intent).toMatchObject({ kind: 'dead-letter', reason: 'invalid_payment' })
    if (intent?.kind !== 'dead-letter') return
    expect(intent.issues.map((i) => i.path.join('.'))).toEqual(['amount'])
  })

  it('dead-letters a hand-built payment with the same issues the schema gives', () => {
    const bad = { ...structuredClone(aPayment()), occurredAt: '02/11/2026 10:15' }
    const expected = throughSchema(bad)
    const [intent] = planPostings(bad, rules, { references })
    expect(expected.ok).toBe(false)
    expect(intent).toEqual({
      kind: 'dead-letter',
      paymentId: bad.id,
      reason: 'invalid_payment',
      issues: expected.ok ? [] : expected.issues,
    })
  })
})
