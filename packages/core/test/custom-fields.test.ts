import { describe, expect, it } from 'vitest'
import {
  CustomFieldMappingError,
  applyCustomFieldMappings,
  customFieldPresets,
  defineCustomFieldMappings,
  isOpayoKashflowError,
} from '../src/index.js'
import type { CustomFieldMapping } from '../src/index.js'
import { aPayment } from './fixtures/payments.js'

describe('defineCustomFieldMappings()', () => {
  it('accepts a valid set', () => {
    const mappings = defineCustomFieldMappings([
      { target: 'invoice', kind: 'text', name: 'Fraud score', from: 'risk.fraud.score' },
      { target: 'customer', kind: 'checkbox', name: 'Card customer', from: () => true },
      { target: 'invoice', kind: 'text', name: 'Raw field', from: 'extra.GiftAid' },
    ])
    expect(mappings).toHaveLength(3)
    expect(Object.isFrozen(mappings)).toBe(true)
  })

  it('lists every problem at once in a typed error', () => {
    const bad = [
      { target: 'invoice', kind: 'text', name: 'Score', from: 'risk.fraud.score' },
      { target: 'invoice', kind: 'text', name: 'score', from: 'risk.fraud.code' },
      { target: 'invoice', kind: 'text', name: 'Nope', from: 'risk.fraud.colour' },
      { target: 'invoice', kind: 'checkbox', name: 'Flag', from: () => true, maxLength: 3 },
      { target: 'supplier', kind: 'text', name: ' ', from: 'id' },
    ] as unknown as CustomFieldMapping[]
    let caught: unknown
    try {
      defineCustomFieldMappings(bad)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(CustomFieldMappingError)
    expect(isOpayoKashflowError(caught)).toBe(true)
    const error = caught as CustomFieldMappingError
    expect(error.code).toBe('custom_field_mapping_invalid')
    expect(error.issues.map((i) => [i.code, ...i.path])).toEqual([
      ['duplicate_custom_field', 1, 'name'],
      ['unknown_source_path', 2, 'from'],
      ['invalid_custom_field_mapping', 3, 'maxLength'],
      ['invalid_custom_field_mapping', 4, 'target'],
      ['invalid_custom_field_mapping', 4, 'name'],
    ])
  })
})

describe('applyCustomFieldMappings()', () => {
  const payment = aPayment({ extra: { GiftAid: '0' } })

  it('writes text and checkbox fields to their targets', () => {
    const mappings = defineCustomFieldMappings([
      { target: 'invoice', kind: 'text', name: 'Fraud score', from: 'risk.fraud.score' },
      { target: 'invoice', kind: 'text', name: 'Gift aid', from: 'extra.GiftAid' },
      {
        target: 'customer',
        kind: 'checkbox',
        name: 'High risk',
        from: 'risk.fraud.score',
        transform: (score) => (score as number) > 50,
      },
    ])
    expect(applyCustomFieldMappings(mappings, payment)).toEqual({
      ok: true,
      value: {
        invoice: [
          { kind: 'text', name: 'Fraud score', value: '37' },
          { kind: 'text', name: 'Gift aid', value: '0' },
        ],
        customer: [{ kind: 'checkbox', name: 'High risk', value: false }],
      },
    })
  })

  it('skips a field whose source is absent or whose condition is false', () => {
    const mappings = defineCustomFieldMappings([
      { target: 'invoice', kind: 'text', name: 'CAVV', from: 'risk.threeDSecure.cavv' },
      {
        target: 'invoice',
        kind: 'text',
        name: 'Refund of',
        from: 'id',
        when: (p) => p.kind === 'refund',
      },
    ])
    expect(applyCustomFieldMappings(mappings, payment)).toEqual({
      ok: true,
      value: { invoice: [], customer: [] },
    })
  })

  it('reports values that do not fit their kind or length, and callbacks that throw', () => {
    const mappings = defineCustomFieldMappings([
      { target: 'invoice', kind: 'checkbox', name: 'Flag', from: 'risk.fraud.score' },
      {
        target: 'invoice',
        kind: 'text',
        name: 'Short',
        from: 'source.transactionId',
        maxLength: 10,
      },
      { target: 'invoice', kind: 'text', name: 'Card', from: 'card' },
      {
        target: 'invoice',
        kind: 'text',
        name: 'Boom',
        from: () => {
          throw new Error('kaboom')
        },
      },
    ])
    const result = applyCustomFieldMappings(mappings, payment)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues.map((i) => [i.code, ...i.path])).toEqual([
      ['invalid_custom_field_value', 0, 'Flag'],
      ['invalid_custom_field_value', 1, 'Short'],
      ['invalid_custom_field_value', 2, 'Card'],
      ['invalid_custom_field_value', 3, 'Boom'],
    ])
    expect(result.issues[3]?.message).toContain('kaboom')
  })
})

describe('customFieldPresets', () => {
  it('map the usual Opayo facts', () => {
    const mappings = defineCustomFieldMappings([
      customFieldPresets.fraudScore(),
      customFieldPresets.fraudRecommendation(),
      customFieldPresets.avsCv2(),
      customFieldPresets.threeDSecure(),
      customFieldPresets.opayoTransactionId({ name: 'Opayo ref', target: 'customer' }),
      customFieldPresets.bankAuthCode(),
    ])
    expect(applyCustomFieldMappings(mappings, aPayment())).toEqual({
      ok: true,
      value: {
        invoice: [
          { kind: 'text', name: 'Fraud score', value: '37' },
          { kind: 'text', name: 'Fraud check', value: 'Accept' },
          {
            kind: 'text',
            name: 'AVS/CV2',
            value: 'security_code_only (address not_matched, postcode not_matched, CV2 matched)',
          },
          { kind: 'text', name: '3-D Secure', value: 'authenticated' },
          { kind: 'text', name: 'Bank auth code', value: '999777' },
        ],
        customer: [
          { kind: 'text', name: 'Opayo ref', value: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2' },
        ],
      },
    })
  })
})
