import { describe, expect, it } from 'vitest'
import {
  CanonicalPaymentSchema,
  canonicalPaymentId,
  normaliseTransactionId,
  parseCanonicalPayment,
} from '../src/index.js'
import { aPayment } from './fixtures/payments.js'

describe('CanonicalPayment', () => {
  it('accepts a complete payment', () => {
    const payment = aPayment()
    expect(parseCanonicalPayment(payment)).toEqual({ ok: true, value: payment })
  })

  it('never holds a full card number', () => {
    const result = CanonicalPaymentSchema.safeParse({
      ...aPayment(),
      card: { scheme: 'visa', last4: '4929000000006' },
    })
    expect(result.success).toBe(false)
  })

  it('rejects a missing vendorTxCode, a negative amount and an unknown kind with issues naming the field', () => {
    const { source, ...rest } = aPayment()
    const { vendorTxCode: _dropped, ...sourceWithout } = source
    const result = parseCanonicalPayment({
      ...rest,
      source: sourceWithout,
      kind: 'chargeback',
      amount: { amount: -5, currency: 'GBP' },
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    const paths = result.issues.map((i) => i.path.join('.'))
    expect(paths).toEqual(expect.arrayContaining(['source.vendorTxCode', 'kind', 'amount']))
    expect(result.issues.find((i) => i.path.join('.') === 'source.vendorTxCode')?.code).toBe(
      'missing_value',
    )
  })

  it('keeps occurredAt as an ISO date-time with offset', () => {
    expect(parseCanonicalPayment({ ...aPayment(), occurredAt: '02/11/2026 10:15:00' }).ok).toBe(
      false,
    )
  })
})

describe('ids', () => {
  it('strips braces and upper-cases Opayo ids (VPSTxId vs Pi transactionId)', () => {
    expect(normaliseTransactionId('{f955c22e-f67b-4da3-8ea3-6dac68fa59d2}')).toBe(
      'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
    )
    expect(canonicalPaymentId('{f955c22e-f67b-4da3-8ea3-6dac68fa59d2}', 'refund')).toBe(
      'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:refund',
    )
  })
})
