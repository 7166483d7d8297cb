import { describe, expect, it } from 'vitest'
import {
  PostingRulesError,
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  findPostingMarker,
  londonDate,
  planPostings,
  postingMarker,
} from '../src/index.js'
import type { CanonicalPayment, PostingIntent } from '../src/index.js'
import { aPayment } from './fixtures/payments.js'

const rules = definePostingRules({ bankAccountId: 3, paymentMethodId: 7 })
const references = createReferenceParser(['INV-{invoice}-{*}'])
const TX = 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2'

describe('definePostingRules()', () => {
  it('fills the documented defaults', () => {
    expect(rules).toEqual({
      bankAccountId: 3,
      mode: 'direct',
      paymentMethodId: 7,
      refunds: 'negative-payment',
      unmatchedReference: { action: 'dead-letter' },
      voids: 'dead-letter',
      upsertCustomers: false,
      overpayments: 'dead-letter',
    })
  })

  it('lists every problem in a typed error', () => {
    expect(() =>
      definePostingRules({
        bankAccountId: 0,
        paymentMethodId: 1.5,
        unmatchedReference: { action: 'suspense-journal' } as never,
      }),
    ).toThrow(PostingRulesError)
  })
})

describe('clearing mode', () => {
  const clearing = definePostingRules({
    bankAccountId: 3,
    paymentMethodId: 7,
    mode: 'clearing',
    clearingBankAccountId: 9,
  })

  it('posts payments and refunds to the clearing account, not the bank', () => {
    expect(planPostings(aPayment(), clearing, { references })).toMatchObject([
      { kind: 'invoice-payment', bankAccountId: 9 },
    ])
    const refund = aPayment({ kind: 'refund', amount: { amount: 2000, currency: 'GBP' } })
    expect(planPostings(refund, clearing, { references })).toMatchObject([
      { kind: 'invoice-refund', bankAccountId: 9 },
    ])
    expect(planPostings(aPayment(), rules, { references })).toMatchObject([{ bankAccountId: 3 }])
  })

  it('refuses clearing mode without a clearing account, or with the bank account as clearing', () => {
    expect(() =>
      definePostingRules({ bankAccountId: 3, paymentMethodId: 7, mode: 'clearing' }),
    ).toThrow(/clearingBankAccountId/)
    expect(() =>
      definePostingRules({
        bankAccountId: 3,
        paymentMethodId: 7,
        mode: 'clearing',
        clearingBankAccountId: 3,
      }),
    ).toThrow(PostingRulesError)
  })
})

describe('planPostings()', () => {
  it('posts a succeeded payment to the invoice named in the vendorTxCode', () => {
    const intents = planPostings(aPayment(), rules, { references })
    expect(intents).toEqual<PostingIntent[]>([
      {
        kind: 'invoice-payment',
        paymentId: `opayo:${TX}:payment`,
        marker: `OPAYO:${TX}:payment`,
        invoiceNumber: 1042 as never,
        amount: { amount: 12000, currency: 'GBP' } as never,
        date: '2026-11-02',
        bankAccountId: 3,
        paymentMethodId: 7,
        reference: 'INV-1042-1',
        invoiceFields: [],
      },
    ])
  })

  it('posts a capture (release) like a payment', () => {
    const [intent] = planPostings(aPayment({ kind: 'capture' }), rules, { references })
    expect(intent).toMatchObject({ kind: 'invoice-payment', marker: `OPAYO:${TX}:capture` })
  })

  it('books on the Europe/London calendar date, not the UTC one', () => {
    const [intent] = planPostings(aPayment({ occurredAt: '2026-07-01T23:30:00Z' }), rules, {
      references,
    })
    expect(intent).toMatchObject({ date: '2026-07-02' })
    expect(londonDate('2026-01-01T23:30:00Z')).toBe('2026-01-01')
  })

  it('records a refund as a negative payment', () => {
    const refund = aPayment({
      id: `opayo:043D6711-E722-ACC6-2C2E-B03E00BF7603:refund`,
      kind: 'refund',
      source: {
        system: 'opayo',
        protocol: 'pi',
        transactionId: '043D6711-E722-ACC6-2C2E-B03E00BF7603',
        vendorTxCode: 'INV-1042-R1',
        relatedTransactionId: TX,
        verified: true,
      },
      amount: { amount: 2000, currency: 'GBP' },
    })
    expect(planPostings(refund, rules, { references })).toMatchObject([
      {
        kind: 'invoice-refund',
        mode: 'negative-payment',
        invoiceNumber: 1042,
        amount: { amount: 2000 },
        relatedTransactionId: TX,
        marker: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:refund',
      },
    ])
  })

  it('refuses an unknown refunds mode, naming the key and both modes', () => {
    const refuse = () =>
      definePostingRules({
        bankAccountId: 3,
        paymentMethodId: 7,
        // @ts-expect-error not a mode the rules accept
        refunds: 'store-credit',
      })
    expect(refuse).toThrow(PostingRulesError)
    expect(refuse).toThrow(
      /\[refunds\] must be "negative-payment" .* or "credit-note" .*got "store-credit"/,
    )
  })

  it('plans a credit-note refund with the mode and the credit note marker, same account and amount', () => {
    const creditRules = definePostingRules({
      bankAccountId: 3,
      paymentMethodId: 7,
      mode: 'clearing',
      clearingBankAccountId: 9,
      refunds: 'credit-note',
    })
    const refund = aPayment({
      id: `opayo:043D6711-E722-ACC6-2C2E-B03E00BF7603:refund`,
      kind: 'refund',
      source: {
        system: 'opayo',
        protocol: 'pi',
        transactionId: '043D6711-E722-ACC6-2C2E-B03E00BF7603',
        vendorTxCode: 'INV-1042-R1',
        relatedTransactionId: TX,
        verified: true,
      },
      amount: { amount: 2000, currency: 'GBP' },
    })
    const [intent] = planPostings(refund, creditRules, { references })
    expect(intent).toMatchObject({
      kind: 'invoice-refund',
      mode: 'credit-note',
      invoiceNumber: 1042,
      amount: { amount: 2000, currency: 'GBP' },
      bankAccountId: 9,
      marker: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:refund',
      creditNoteMarker: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote',
    })
    // The negative-payment mode carries no credit note marker.
    expect(planPostings(refund, rules, { references })[0]).not.toHaveProperty('creditNoteMarker')
    expect(
      findPostingMarker(`${(intent as { creditNoteMarker: string }).creditNoteMarker}`),
    ).toEqual({
      marker: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote',
      transactionId: '043D6711-E722-ACC6-2C2E-B03E00BF7603',
      purpose: 'creditnote',
    })
  })

  it.each([
    ['declined', 'not_succeeded'],
    ['failed', 'not_succeeded'],
    ['cancelled', 'not_succeeded'],
    ['pending', 'not_succeeded'],
    ['requires_action', 'not_succeeded'],
  ] as const)('skips a %s payment with reason %s', (status, reason) => {
    expect(planPostings(aPayment({ status }), rules, { references })).toMatchObject([
      { kind: 'skip', reason },
    ])
  })

  it('skips authorisations and cancels: no money moved', () => {
    for (const kind of ['authorisation', 'cancel'] as const) {
      expect(planPostings(aPayment({ kind }), rules, { references })).toMatchObject([
        { kind: 'skip', reason: 'no_money_movement' },
      ])
    }
  })

  it('skips a zero amount', () => {
    expect(
      planPostings(aPayment({ amount: { amount: 0, currency: 'GBP' } }), rules, { references }),
    ).toMatchObject([{ kind: 'skip', reason: 'zero_amount' }])
  })

  it('sends voids to a person by default, or skips them when told to', () => {
    expect(planPostings(aPayment({ kind: 'void' }), rules, { references })).toMatchObject([
      {
        kind: 'dead-letter',
        reason: 'void_needs_review',
        issues: [{ code: 'manual_review_required' }],
      },
    ])
    const skipVoids = definePostingRules({ bankAccountId: 3, paymentMethodId: 7, voids: 'skip' })
    expect(planPostings(aPayment({ kind: 'void' }), skipVoids, { references })).toMatchObject([
      { kind: 'skip', reason: 'void_skipped' },
    ])
  })

  it('dead-letters a reference that matches no invoice, with the issue', () => {
    const payment = aPayment({
      source: { ...aPayment().source, vendorTxCode: 'demotransaction-100092813' },
    })
    expect(planPostings(payment, rules, { references })).toMatchObject([
      {
        kind: 'dead-letter',
        reason: 'unmatched_reference',
        issues: [{ code: 'reference_not_matched' }],
      },
    ])
  })

  it('posts an unmatched payment to suspense with a balanced journal when configured', () => {
    const suspense = definePostingRules({
      bankAccountId: 3,
      paymentMethodId: 7,
      unmatchedReference: {
        action: 'suspense-journal',
        suspenseNominalCode: 9999,
        bankNominalCode: 1200,
      },
    })
    const payment = aPayment({ source: { ...aPayment().source, vendorTxCode: 'mystery-1' } })
    expect(planPostings(payment, suspense, { references, homeCurrency: 'GBP' })).toMatchObject([
      {
        kind: 'journal',
        marker: `OPAYO:${TX}:payment`,
        reference: 'mystery-1',
        lines: [
          { nominalCode: 1200, debit: { amount: 12000, currency: 'GBP' } },
          { nominalCode: 9999, credit: { amount: 12000, currency: 'GBP' } },
        ],
      },
    ])
  })

  describe('the suspense journal is in the home currency, never an assumed GBP', () => {
    const unmatchedReference = {
      action: 'suspense-journal',
      suspenseNominalCode: 9999,
      bankNominalCode: 1200,
    } as const
    const suspense = definePostingRules({
      bankAccountId: 3,
      paymentMethodId: 7,
      unmatchedReference,
    })
    const euros = aPayment({
      amount: { amount: 5000, currency: 'EUR' },
      source: { ...aPayment().source, vendorTxCode: 'mystery-2' },
    })

    it("is in the context's home currency (KashFlow's setting, passed in) when the rules name none", () => {
      expect(suspense.homeCurrency).toBeUndefined()
      expect(planPostings(euros, suspense, { references, homeCurrency: 'EUR' })).toMatchObject([
        {
          kind: 'journal',
          lines: [
            { nominalCode: 1200, debit: { amount: 5000, currency: 'EUR' } },
            { nominalCode: 9999, credit: { amount: 5000, currency: 'EUR' } },
          ],
        },
      ])
    })

    it("is in the rules' home currency when configured", () => {
      const configured = definePostingRules({
        bankAccountId: 3,
        paymentMethodId: 7,
        homeCurrency: 'EUR',
        unmatchedReference,
      })
      expect(planPostings(euros, configured, { references })).toMatchObject([
        {
          kind: 'journal',
          lines: [{ debit: { currency: 'EUR' } }, { credit: { currency: 'EUR' } }],
        },
      ])
    })

    it('is dead-lettered, not journalled in GBP, when no home currency is given', () => {
      expect(planPostings(euros, suspense, { references })).toMatchObject([
        {
          kind: 'dead-letter',
          reason: 'unexpected',
          issues: [{ code: 'missing_value', path: ['homeCurrency'] }],
        },
      ])
    })
  })

  it('dead-letters invalid Opayo data at once, with the issues', () => {
    const broken = { ...aPayment(), source: { ...aPayment().source, vendorTxCode: '' } }
    expect(planPostings(broken, rules, { references })).toMatchObject([
      {
        kind: 'dead-letter',
        reason: 'invalid_payment',
        issues: [{ path: ['source', 'vendorTxCode'] }],
      },
    ])
  })

  it('never throws, even on garbage', () => {
    for (const garbage of [null, undefined, 42, 'x', {}, { id: 'p1' }]) {
      const intents = planPostings(garbage as unknown as CanonicalPayment, rules, { references })
      expect(intents).toHaveLength(1)
      expect(intents[0]?.kind).toBe('dead-letter')
    }
  })

  it('converts to the invoice currency with the given rate and records the conversion', () => {
    const payment = aPayment({ amount: { amount: 10000, currency: 'EUR' } })
    const rate = {
      from: 'EUR' as const,
      to: 'GBP' as const,
      value: '0.85',
      source: 'static',
      at: '2026-11-02',
    }
    expect(
      planPostings(payment, rules, { references, invoiceCurrency: 'GBP', rate }),
    ).toMatchObject([
      {
        kind: 'invoice-payment',
        amount: { amount: 8500, currency: 'GBP' },
        conversion: { original: { amount: 10000, currency: 'EUR' }, rate },
      },
    ])
  })

  it('dead-letters a foreign-currency payment when no rate is supplied', () => {
    const payment = aPayment({ amount: { amount: 10000, currency: 'EUR' } })
    expect(planPostings(payment, rules, { references, invoiceCurrency: 'GBP' })).toMatchObject([
      { kind: 'dead-letter', reason: 'missing_exchange_rate' },
    ])
  })

  it('adds a customer upsert and custom fields when the rules ask', () => {
    const upsert = definePostingRules({
      bankAccountId: 3,
      paymentMethodId: 7,
      upsertCustomers: true,
    })
    const customFields = defineCustomFieldMappings([
      customFieldPresets.fraudScore(),
      customFieldPresets.opayoTransactionId({ target: 'customer', name: 'Last Opayo tx' }),
    ])
    const intents = planPostings(aPayment(), upsert, { references, customFields })
    expect(intents).toMatchObject([
      {
        kind: 'customer-upsert',
        marker: `OPAYO:${TX}:customer`,
        customer: { email: 'sam@example.co.uk' },
        customerFields: [{ name: 'Last Opayo tx', value: TX }],
      },
      { kind: 'invoice-payment', invoiceFields: [{ name: 'Fraud score', value: '37' }] },
    ])
  })

  it('dead-letters a payment whose custom fields fail', () => {
    const customFields = defineCustomFieldMappings([
      { target: 'invoice', kind: 'text', name: 'Tx', from: 'source.transactionId', maxLength: 5 },
    ])
    expect(planPostings(aPayment(), rules, { references, customFields })).toMatchObject([
      { kind: 'dead-letter', reason: 'custom_field_error' },
    ])
  })

  it('gives the same intents for the same input (deterministic markers)', () => {
    expect(planPostings(aPayment(), rules, { references })).toEqual(
      planPostings(aPayment(), rules, { references }),
    )
  })
})

describe('posting markers', () => {
  it('are derived from the Opayo transaction and found again in a note', () => {
    const marker = postingMarker(`{${TX.toLowerCase()}}`, 'refund')
    expect(marker).toBe(`OPAYO:${TX}:refund`)
    expect(findPostingMarker(`${marker}\nFraud score: 37`)).toEqual({
      marker,
      transactionId: TX,
      purpose: 'refund',
    })
    expect(findPostingMarker('Paid by card')).toBeUndefined()
  })
})
