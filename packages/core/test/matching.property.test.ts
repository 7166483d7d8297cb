import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CanonicalPaymentSchema,
  MATCH_REASON_WEIGHTS,
  decideMatch,
  rankInvoiceCandidates,
  suggestInvoiceNumbers,
} from '../src/index.js'
import type {
  CanonicalPayment,
  InvoiceCandidate,
  InvoiceCandidateInput,
  RateRecord,
} from '../src/index.js'

// Small pools, so that generated invoices often share the payment's email, name, postcode,
// amount and dates: the interesting cases are near-misses and ties, not strangers.
const EMAILS = ['jane@example.com', 'JANE@example.com ', 'john@example.com', 'sales@acme.test']
const NAMES = ['Jane Smith', 'Smith, Jane', 'John Smith', 'Acme Ltd', 'Acme Limited']
const POSTCODES = ['SW1A 1AA', 'sw1a1aa', 'M1 1AE', 'EH1 1YZ']
const DATES = ['2026-09-01', '2026-10-20', '2026-11-01', '2026-11-02', '2026-12-15']
const RATE: RateRecord = { from: 'GBP', to: 'EUR', value: '1.165', source: 'ecb', at: '2026-11-02' }
const PAYMENT_AMOUNT = 1000
const CONVERTED_AMOUNT = 1165 // 1000 pence at 1.165

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

const paymentArb: fc.Arbitrary<CanonicalPayment> = fc
  .record({
    email: maybe(fc.constantFrom(...EMAILS)),
    firstName: maybe(fc.constantFrom('Jane', 'John')),
    company: maybe(fc.constantFrom('Acme Ltd', 'Widgets plc')),
    postcode: maybe(fc.constantFrom(...POSTCODES)),
    reference: fc.constantFrom('INV-1402-1', 'ORDER-77', 'inv1O42', 'INV-2001-3', '0000123'),
    occurredAt: fc.constantFrom('2026-11-02T10:15:00Z', '2026-07-01T23:30:00Z'),
  })
  .map(({ email, firstName, company, postcode, reference, occurredAt }) =>
    CanonicalPaymentSchema.parse({
      id: 'opayo:TX:payment',
      source: {
        system: 'opayo',
        protocol: 'server',
        transactionId: 'TX',
        vendorTxCode: reference,
        verified: true,
      },
      kind: 'payment',
      status: 'succeeded',
      amount: { amount: PAYMENT_AMOUNT, currency: 'GBP' },
      occurredAt,
      customer: {
        ...(email === undefined ? {} : { email }),
        ...(firstName === undefined ? {} : { firstName, lastName: 'Smith' }),
        ...(company === undefined ? {} : { company }),
        ...(postcode === undefined ? {} : { billingAddress: { lines: [], postalCode: postcode } }),
      },
    }),
  )

const invoiceFields = fc.record({
  customerName: maybe(fc.constantFrom(...NAMES)),
  customerEmail: maybe(fc.constantFrom(...EMAILS)),
  postcode: maybe(fc.constantFrom(...POSTCODES)),
  currency: fc.constantFrom('GBP', 'GBP', 'EUR', 'USD'),
  amountDue: fc.constantFrom(PAYMENT_AMOUNT, CONVERTED_AMOUNT, 999, 2500, 0),
  issueDate: maybe(fc.constantFrom(...DATES)),
  dueDate: maybe(fc.constantFrom(...DATES)),
})

/** Open invoices with unique numbers (some near 1042 and 2001, to exercise the reference reason). */
const invoicesArb: fc.Arbitrary<InvoiceCandidateInput[]> = fc
  .uniqueArray(
    fc.oneof(fc.constantFrom(1042, 1024, 1043, 2001, 123), fc.integer({ min: 1, max: 5000 })),
    {
      maxLength: 12,
    },
  )
  .chain((numbers) =>
    fc.tuple(
      ...numbers.map((n) => invoiceFields.map((f) => withoutUndefined({ number: n, ...f }))),
    ),
  )

function withoutUndefined(invoice: Record<string, unknown>): InvoiceCandidateInput {
  return Object.fromEntries(
    Object.entries(invoice).filter(([, v]) => v !== undefined),
  ) as unknown as InvoiceCandidateInput
}

const optionsArb = fc.record({
  rates: fc.constantFrom([] as RateRecord[], [RATE]),
  windowDays: fc.integer({ min: 0, max: 60 }),
})

/** Amount due equals the payment, same currency, and the email matches the payment's. */
function isExactMatch(payment: CanonicalPayment, invoice: InvoiceCandidateInput): boolean {
  const norm = (e: string | undefined) => e?.trim().toLowerCase()
  const email = norm(payment.customer?.email)
  return (
    invoice.currency === payment.amount.currency &&
    invoice.amountDue === payment.amount.amount &&
    email !== undefined &&
    norm(invoice.customerEmail) === email
  )
}

describe('rankInvoiceCandidates properties', () => {
  it('is deterministic: the same input, in any order of invoices, gives the same ranking', () => {
    fc.assert(
      fc.property(
        paymentArb,
        invoicesArb.chain((invoices) =>
          fc.tuple(
            fc.constant(invoices),
            fc.shuffledSubarray(invoices, { minLength: invoices.length }),
          ),
        ),
        optionsArb,
        (payment, [invoices, shuffled], options) => {
          const first = rankInvoiceCandidates(payment, invoices, options)
          expect(rankInvoiceCandidates(payment, invoices, options)).toEqual(first)
          expect(rankInvoiceCandidates(payment, shuffled, options)).toEqual(first)
        },
      ),
    )
  })

  it('scores each candidate between 0 and 100, as the sum of its reasons, best first', () => {
    fc.assert(
      fc.property(paymentArb, invoicesArb, optionsArb, (payment, invoices, options) => {
        const { candidates, excluded } = rankInvoiceCandidates(payment, invoices, options)
        expect(candidates.length + excluded.length).toBe(invoices.length)
        for (const c of candidates) {
          expect(c.score).toBeGreaterThanOrEqual(0)
          expect(c.score).toBeLessThanOrEqual(100)
          expect(c.score).toBe(c.reasons.reduce((sum, r) => sum + r.weight, 0))
          for (const r of c.reasons) expect(r.weight).toBe(MATCH_REASON_WEIGHTS[r.code])
          expect(new Set(c.reasons.map((r) => r.code)).size).toBe(c.reasons.length)
        }
        for (let i = 1; i < candidates.length; i += 1) {
          const [a, b] = [candidates[i - 1]!, candidates[i]!]
          expect(
            a.score > b.score || (a.score === b.score && a.invoiceNumber < b.invoiceNumber),
          ).toBe(true)
        }
        // Only nothing due, or a currency without a rate, excludes an invoice.
        for (const e of excluded) {
          const inv = invoices.find((i) => i.number === e.invoiceNumber)!
          if (e.code === 'nothing_due') {
            expect(inv.amountDue).toBeLessThanOrEqual(0)
            continue
          }
          expect(e.code).toBe('currency_mismatch')
          expect(inv.currency).not.toBe('GBP')
          expect(options.rates.length === 0 || inv.currency === 'USD').toBe(true)
        }
      }),
    )
  })

  it('ranks a unique exact match (amount due equals payment, email matches, same currency) first', () => {
    fc.assert(
      fc.property(
        paymentArb.filter((p) => p.customer?.email !== undefined),
        invoicesArb,
        invoiceFields,
        fc.integer({ min: 1, max: 9000 }),
        optionsArb,
        (payment, others, fields, number, options) => {
          const rivals = others.filter((i) => !isExactMatch(payment, i) && i.number !== number)
          const exact = withoutUndefined({
            ...fields,
            number,
            currency: 'GBP',
            amountDue: PAYMENT_AMOUNT,
            customerEmail: payment.customer?.email,
          })
          const ranking = rankInvoiceCandidates(payment, [...rivals, exact], options)
          expect(ranking.candidates[0]?.invoiceNumber).toBe(number)
          expect(ranking.candidates[1]?.score ?? 0).toBeLessThan(ranking.candidates[0]!.score)
        },
      ),
    )
  })
  it('ranks a bare exact match above the strongest rival that lacks the amount, the email or the currency', () => {
    const payment = CanonicalPaymentSchema.parse({
      id: 'opayo:TX:payment',
      source: {
        system: 'opayo',
        protocol: 'server',
        transactionId: 'TX',
        vendorTxCode: 'INV-1402-1',
        verified: true,
      },
      kind: 'payment',
      status: 'succeeded',
      amount: { amount: PAYMENT_AMOUNT, currency: 'GBP' },
      occurredAt: '2026-11-02T10:15:00Z',
      customer: {
        firstName: 'Jane',
        lastName: 'Smith',
        email: 'jane@example.com',
        billingAddress: { lines: [], postalCode: 'SW1A 1AA' },
      },
    })
    // Everything but the three: name, postcode, reference (1042 resembles 1402), date.
    const rest = { customerName: 'Smith, Jane', postcode: 'sw1a1aa', issueDate: '2026-11-01' }
    const rivals: Record<string, InvoiceCandidateInput> = {
      'no email': { number: 1042, ...rest, currency: 'GBP', amountDue: PAYMENT_AMOUNT },
      'other currency': {
        number: 1042,
        ...rest,
        customerEmail: 'jane@example.com',
        currency: 'EUR',
        amountDue: CONVERTED_AMOUNT,
      },
      'no amount': {
        number: 1042,
        ...rest,
        customerEmail: 'jane@example.com',
        currency: 'GBP',
        amountDue: 999,
      },
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(rivals)),
        fc.integer({ min: 1, max: 9000 }).filter((n) => n !== 1042 && n !== 1402),
        fc.boolean(),
        (which, number, exactFirst) => {
          const exact: InvoiceCandidateInput = {
            number,
            currency: 'GBP',
            amountDue: PAYMENT_AMOUNT,
            customerEmail: 'JANE@example.com',
          }
          const rival = rivals[which]!
          const ranking = rankInvoiceCandidates(
            payment,
            exactFirst ? [exact, rival] : [rival, exact],
            {
              rates: [RATE],
            },
          )
          expect(ranking.candidates.map((c) => c.invoiceNumber)).toEqual([number, 1042])
        },
      ),
    )
  })
})

describe('decideMatch properties', () => {
  const minScore = fc.integer({ min: 1, max: 100 })

  it('posts exactly when one candidate clears minScore, and never when two do', () => {
    fc.assert(
      fc.property(
        paymentArb,
        invoicesArb,
        optionsArb,
        minScore,
        (payment, invoices, options, min) => {
          const { candidates } = rankInvoiceCandidates(payment, invoices, options)
          const decision = decideMatch(candidates, {
            autoPost: { minScore: min, requireUnique: true },
          })
          const cleared = candidates.filter((c) => c.score >= min)
          if (cleared.length === 1) {
            expect(decision).toMatchObject({
              action: 'post',
              invoiceNumber: cleared[0]!.invoiceNumber,
            })
          } else {
            expect(decision.action).toBe('review')
            if (cleared.length >= 2) expect(decision).toMatchObject({ reason: 'not_unique' })
          }
        },
      ),
    )
  })

  it('never posts two candidates above the bar, whatever their scores and order', () => {
    const candidate = fc.record({
      invoiceNumber: fc.integer({ min: 1, max: 99 }),
      score: fc.integer({ min: 0, max: 100 }),
    })
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 8 }), minScore, (raw, min) => {
        const candidates = raw.map(
          (c) =>
            ({
              ...c,
              reasons: [],
              invoice: { number: c.invoiceNumber, currency: 'GBP', amountDue: 1 },
            }) as unknown as InvoiceCandidate,
        )
        const decision = decideMatch(candidates, {
          autoPost: { minScore: min, requireUnique: true },
        })
        if (candidates.filter((c) => c.score >= min).length >= 2) {
          expect(decision.action).toBe('review')
        }
        // The default policy never posts.
        expect(decideMatch(candidates, {}).action).toBe('review')
      }),
    )
  })

  it('never posts without the amount when minScore is above 60', () => {
    fc.assert(
      fc.property(
        paymentArb,
        invoicesArb,
        optionsArb,
        fc.integer({ min: 61, max: 100 }),
        (payment, invoices, options, min) => {
          const decision = decideMatch(
            rankInvoiceCandidates(payment, invoices, options).candidates,
            {
              autoPost: { minScore: min, requireUnique: true },
            },
          )
          if (decision.action === 'post') {
            expect(decision.candidate.reasons.map((r) => r.code)).toContainEqual(
              expect.stringMatching(/^amount_due_equals_/),
            )
          }
        },
      ),
    )
  })
})

describe('what is never a candidate (properties)', () => {
  // Amounts due as KashFlow data gives them: owed, paid (0), in credit, or not knowable.
  const dueArb = fc.oneof(
    fc.constantFrom(PAYMENT_AMOUNT, CONVERTED_AMOUNT, 0, 'unknown' as const),
    fc.integer({ min: -100_000, max: 100_000 }),
  )
  const mixedInvoicesArb: fc.Arbitrary<InvoiceCandidateInput[]> = invoicesArb.chain((invoices) =>
    fc.tuple(...invoices.map((i) => dueArb.map((amountDue) => ({ ...i, amountDue })))),
  )

  it('never ranks an invoice with nothing due, and decideMatch never posts to one', () => {
    fc.assert(
      fc.property(
        paymentArb,
        mixedInvoicesArb,
        optionsArb,
        fc.integer({ min: 1, max: 100 }),
        (payment, invoices, options, min) => {
          const { candidates, excluded } = rankInvoiceCandidates(payment, invoices, options)
          expect(candidates.length + excluded.length).toBe(invoices.length)
          for (const c of candidates) {
            const due = c.invoice.amountDue
            expect(due === 'unknown' || due > 0).toBe(true)
            if (due === 'unknown')
              expect(c.reasons.map((r) => r.code)).not.toContainEqual(
                expect.stringMatching(/^amount_due_/),
              )
          }
          for (const e of excluded.filter((x) => x.code === 'nothing_due')) {
            expect(
              invoices.find((i) => i.number === e.invoiceNumber)!.amountDue,
            ).toBeLessThanOrEqual(0)
          }
          const decision = decideMatch(candidates, {
            autoPost: { minScore: min, requireUnique: true },
          })
          if (decision.action === 'post') {
            expect(decision.candidate.invoice.amountDue).toBeGreaterThan(0)
            // No invoice whose amount due is unknown could have reached the bar with the amount.
            for (const c of candidates.filter((x) => x.invoice.amountDue === 'unknown'))
              expect(c.score + MATCH_REASON_WEIGHTS.amount_due_equals_payment).toBeLessThan(min)
          }
        },
      ),
    )
  })

  it('a payment of zero or less has no candidates, whatever the invoices', () => {
    fc.assert(
      fc.property(
        paymentArb,
        fc.integer({ min: -1_000_000, max: 0 }),
        mixedInvoicesArb,
        (payment, amount, invoices) => {
          const negative = { ...payment, amount: { ...payment.amount, amount } } as CanonicalPayment
          const { candidates, excluded } = rankInvoiceCandidates(negative, invoices)
          expect(candidates).toEqual([])
          expect(excluded.map((e) => e.code)).toEqual(invoices.map(() => 'payment_not_positive'))
        },
      ),
    )
  })
})

describe('suggestInvoiceNumbers properties', () => {
  it('reads only the digits of a number written between words, whatever the letters', () => {
    const word = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#-_/ '),
      maxLength: 8,
    })
    fc.assert(
      fc.property(word, fc.integer({ min: 100, max: 9_999_999 }), word, (before, number, after) => {
        const reference = `${before}${number}${after}`
        const found = suggestInvoiceNumbers(reference, [number])
        expect(found.map((s) => [s.invoiceNumber, s.resemblance, s.digits])).toEqual([
          [number, 'same_digits', String(number)],
        ])
      }),
    )
  })
})
