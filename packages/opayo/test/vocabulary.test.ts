import { money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { parseServerNotification, toCanonicalPayment } from '../src/index.js'
import {
  avsCv2Summary,
  cardScheme,
  fraudRecommendation,
  paymentKind,
  reportingState,
  threeDSecureStatus,
} from '../src/normalise/vocabulary.js'
import { SERVER_SIGNATURE_VECTOR as V } from './fixtures/vectors.js'

describe('Opayo vocabularies onto the canonical one', () => {
  it('normalises card types from Server codes and Pi display names', () => {
    expect([
      cardScheme('VISA'),
      cardScheme('Visa'),
      cardScheme('MC'),
      cardScheme('MasterCard'),
      cardScheme('American Express'),
      cardScheme('DELTA'),
      cardScheme('UKE'),
      cardScheme('SOFORT'),
    ]).toEqual([
      'visa',
      'visa',
      'mastercard',
      'mastercard',
      'amex',
      'visa_debit',
      'visa_electron',
      'other',
    ])
  })

  it("reads AVS/CV2 with the space Opayo really sends (not omnipay's ALLMATCH constant)", () => {
    expect(avsCv2Summary('ALL MATCH')).toBe('all_match')
    expect(avsCv2Summary('AllMatched')).toBe('all_match')
    expect(avsCv2Summary('NO DATA MATCHES')).toBe('no_match')
  })

  it('maps 3-D Secure, fraud and transaction types', () => {
    expect(threeDSecureStatus('ATTEMPTONLY')).toBe('attempted')
    expect(threeDSecureStatus('CardNotEnrolled')).toBe('not_enrolled')
    expect([
      fraudRecommendation('DENY'),
      fraudRecommendation('REJECT'),
      fraudRecommendation('HOLD'),
      fraudRecommendation('NORESULT'),
    ]).toEqual(['deny', 'deny', 'challenge', 'not_checked'])
    expect([
      paymentKind('DEFERRED'),
      paymentKind('Authenticate'),
      paymentKind('RELEASE'),
      paymentKind('Authorise'),
      paymentKind('REPEAT'),
      paymentKind('TOKEN'),
    ]).toEqual(['authorisation', 'authorisation', 'capture', 'capture', 'payment', undefined])
  })

  it('maps Reporting txstateid values, including voided and aborted after the fact', () => {
    expect(reportingState(16)).toEqual({ status: 'succeeded' })
    expect(reportingState(18)).toEqual({ status: 'succeeded', kind: 'void' })
    expect(reportingState(19)).toEqual({ status: 'succeeded', kind: 'cancel' })
    expect(reportingState(14)).toEqual({ status: 'succeeded', kind: 'authorisation' })
    expect(reportingState(12)).toEqual({ status: 'declined' })
    expect(reportingState(29)).toBeUndefined()
  })
})

describe('a Server notification to the canonical model', () => {
  it('strips braces, keeps extras, and takes the amount and kind from the registration', () => {
    const parsed = parseServerNotification({
      ...V.fields,
      TxType: 'DEFERRED',
      VPSSignature: V.signature,
      Extra: 'kept',
    })
    if (!parsed.ok) throw new Error('vector did not parse')
    const payment = toCanonicalPayment({
      protocol: 'server',
      notification: parsed.value,
      registration: { securityKey: V.securityKey, amount: money(2500, 'EUR'), txType: 'DEFERRED' },
      receivedAt: '2026-11-02T10:15:00Z',
    })
    expect(payment).toMatchObject({
      ok: true,
      value: {
        id: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:authorisation',
        kind: 'authorisation',
        amount: { amount: 2500, currency: 'EUR' },
        card: { scheme: 'other', last4: '1234', expiry: '0722' },
        extra: { Extra: 'kept', GiftAid: 'g' },
      },
    })
  })

  it('refuses a TOKEN registration as a payment', () => {
    const parsed = parseServerNotification({
      ...V.fields,
      TxType: 'TOKEN',
      VPSSignature: V.signature,
    })
    if (!parsed.ok) throw new Error('vector did not parse')
    expect(
      toCanonicalPayment({
        protocol: 'server',
        notification: parsed.value,
        registration: { amount: money(1, 'GBP'), txType: 'TOKEN' },
        receivedAt: '2026-11-02T10:15:00Z',
      }),
    ).toMatchObject({ ok: false, issues: [{ path: ['registration', 'txType'] }] })
  })
})
