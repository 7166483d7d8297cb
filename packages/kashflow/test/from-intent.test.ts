import {
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  planPostings,
  CanonicalPaymentSchema,
} from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import {
  buildPaymentNote,
  customerFromIntent,
  journalFromIntent,
  paymentFromIntent,
} from '../src/index.js'

const payment = CanonicalPaymentSchema.parse({
  id: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
  source: {
    system: 'opayo',
    protocol: 'server',
    transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
    vendorTxCode: 'INV-1042-1',
    verified: true,
  },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 12000, currency: 'GBP' },
  occurredAt: '2026-11-02T10:15:00Z',
  customer: {
    firstName: 'Sam',
    lastName: 'Jones',
    email: 'sam@example.co.uk',
    billingAddress: {
      lines: ['407 St John Street'],
      city: 'London',
      postalCode: 'EC1V 4AB',
      countryCode: 'GB',
    },
  },
  risk: { fraud: { provider: 't3m', recommendation: 'accept', score: 37 } },
  gateway: { bankAuthCode: '999777' },
})
const references = createReferenceParser(['INV-{invoice}-{*}'])
const customFields = defineCustomFieldMappings([
  customFieldPresets.fraudScore(),
  customFieldPresets.bankAuthCode(),
  customFieldPresets.opayoTransactionId({ target: 'customer', name: 'Last Opayo tx' }),
  { target: 'customer', kind: 'checkbox', name: 'Card customer', from: () => true },
])

describe('from core intents to KashFlow inputs', () => {
  const rules = definePostingRules({
    bankAccountId: 55166,
    paymentMethodId: 409844,
    upsertCustomers: true,
  })
  const [upsert, pay] = planPostings(payment, rules, { references, customFields })

  it('writes the marker first, then invoice custom fields as Name: value lines, then the reference', () => {
    if (pay?.kind !== 'invoice-payment') throw new Error('expected a payment intent')
    expect(paymentFromIntent(pay)).toEqual({
      invoiceNumber: 1042,
      amount: { amount: 12000, currency: 'GBP' },
      date: '2026-11-02',
      methodId: 409844,
      bankAccountId: 55166,
      note: 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment\nFraud score: 37\nBank auth code: 999777\nReference: INV-1042-1',
      reference: 'INV-1042-1',
    })
  })

  it('builds a customer with custom fields by their Name', () => {
    if (upsert?.kind !== 'customer-upsert') throw new Error('expected an upsert intent')
    expect(customerFromIntent(upsert)).toEqual({
      name: 'Sam Jones',
      contact: { firstName: 'Sam', lastName: 'Jones', email: 'sam@example.co.uk' },
      address: {
        lines: ['407 St John Street'],
        city: 'London',
        postalCode: 'EC1V 4AB',
        countryCode: 'GB',
      },
      customText: { 'Last Opayo tx': 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2' },
      customCheckboxes: { 'Card customer': true },
    })
  })

  it('builds a suspense journal with the marker as its reference', () => {
    const suspense = definePostingRules({
      bankAccountId: 1,
      paymentMethodId: 1,
      unmatchedReference: {
        action: 'suspense-journal',
        suspenseNominalCode: 9999,
        bankNominalCode: 1200,
      },
    })
    const [journal] = planPostings(
      { ...payment, source: { ...payment.source, vendorTxCode: 'phone-7' } },
      suspense,
      { references, homeCurrency: 'GBP' },
    )
    if (journal?.kind !== 'journal') throw new Error('expected a journal intent')
    expect(journalFromIntent(journal)).toMatchObject({
      date: '2026-11-02',
      reference: 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
      lines: [
        { nominalCode: 1200, debit: { amount: 12000 } },
        { nominalCode: 9999, credit: { amount: 12000 } },
      ],
    })
  })

  it('keeps each note line on one line', () => {
    expect(
      buildPaymentNote('M', [
        { kind: 'text', name: 'A', value: 'x\ny' },
        { kind: 'checkbox', name: 'B', value: false },
      ]),
    ).toBe('M\nA: x y\nB: No')
  })
})
