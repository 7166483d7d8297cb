import { describe, expect, it } from 'vitest'
import {
  CanonicalPaymentSchema,
  InvalidArgumentError,
  MATCH_REASON_WEIGHTS,
  MatchingPolicyError,
  MatchingPolicySchema,
  candidateQuery,
  decideMatch,
  defineMatchingPolicy,
  isOpayoKashflowError,
  rankInvoiceCandidates,
  suggestInvoiceNumbers,
} from '../src/index.js'
import type {
  CanonicalCustomer,
  CanonicalPayment,
  InvoiceCandidate,
  InvoiceCandidateInput,
  MatchReasonCode,
  RateRecord,
} from '../src/index.js'

/** A succeeded £10.00 payment on 2 November 2026 whose vendorTxCode matched no pattern. */
function payment(
  overrides: {
    customer?: CanonicalCustomer
    amount?: number
    currency?: string
    occurredAt?: string
    vendorTxCode?: string
    invoiceReference?: string
  } = {},
): CanonicalPayment {
  return CanonicalPaymentSchema.parse({
    id: 'opayo:0000-TX:payment',
    source: {
      system: 'opayo',
      protocol: 'server',
      transactionId: '0000-TX',
      vendorTxCode: overrides.vendorTxCode ?? 'ORDER-77-1',
      verified: true,
    },
    kind: 'payment',
    status: 'succeeded',
    amount: { amount: overrides.amount ?? 1000, currency: overrides.currency ?? 'GBP' },
    occurredAt: overrides.occurredAt ?? '2026-11-02T10:15:00Z',
    ...(overrides.invoiceReference === undefined
      ? {}
      : { invoiceReference: overrides.invoiceReference }),
    ...(overrides.customer === undefined ? {} : { customer: overrides.customer }),
  })
}

const invoice = (number: number, fields: Partial<InvoiceCandidateInput> = {}) =>
  ({ number, currency: 'GBP', amountDue: 9999, ...fields }) satisfies InvoiceCandidateInput

const only = (p: CanonicalPayment, inv: InvoiceCandidateInput, options = {}): InvoiceCandidate => {
  const [candidate] = rankInvoiceCandidates(p, [inv], options).candidates
  if (candidate === undefined) throw new Error('no candidate')
  return candidate
}
const codes = (c: InvoiceCandidate): MatchReasonCode[] => c.reasons.map((r) => r.code)

describe('MATCH_REASON_WEIGHTS', () => {
  it('adds up to 100 over the reasons one same-currency candidate can have', () => {
    const { amount_due_equals_converted_payment: converted, ...same } = MATCH_REASON_WEIGHTS
    expect(Object.values(same).reduce((a, b) => a + b, 0)).toBe(100)
    expect(converted).toBeLessThan(MATCH_REASON_WEIGHTS.amount_due_equals_payment)
  })

  it('lets an exact match (amount, email, currency) outweigh any candidate without it', () => {
    const w = MATCH_REASON_WEIGHTS
    const exact = w.amount_due_equals_payment + w.customer_email_matches + w.currency_matches
    const rest =
      w.customer_name_matches +
      w.postcode_matches +
      w.reference_resembles_invoice +
      w.within_date_window
    expect(exact).toBe(77)
    // Best without the same-currency amount: converted amount, email and everything else.
    expect(w.amount_due_equals_converted_payment + w.customer_email_matches + rest).toBe(73)
    // Best without the email, and best without any amount (why minScore > 60 needs the amount).
    expect(w.amount_due_equals_payment + w.currency_matches + rest).toBe(65)
    expect(w.customer_email_matches + w.currency_matches + rest).toBe(60)
  })
})

describe('rankInvoiceCandidates: each reason', () => {
  it('"amount due equals payment" when the amount due is the payment, to the penny', () => {
    const c = only(payment(), invoice(1042, { amountDue: 1000 }))
    expect(c.reasons[0]).toEqual({
      code: 'amount_due_equals_payment',
      weight: 40,
      message: 'amount due equals payment (£10.00)',
      amountDue: { amount: 1000, currency: 'GBP' },
    })
    expect(codes(only(payment(), invoice(1042, { amountDue: 1001 })))).not.toContain(
      'amount_due_equals_payment',
    )
  })

  it('"customer email matches" ignoring case and surrounding spaces', () => {
    const p = payment({ customer: { email: ' Jane.Smith@Example.COM ' } })
    const c = only(p, invoice(1042, { customerEmail: 'jane.smith@example.com' }))
    expect(c.reasons).toContainEqual({
      code: 'customer_email_matches',
      weight: 35,
      message: 'customer email matches (jane.smith@example.com)',
      email: 'jane.smith@example.com',
    })
    expect(codes(only(p, invoice(1042, { customerEmail: 'jane@example.com' })))).not.toContain(
      'customer_email_matches',
    )
    // No email on either side is not a match.
    expect(codes(only(payment(), invoice(1042)))).not.toContain('customer_email_matches')
  })

  it('"customer name matches" whatever the word order, case, accents, punctuation or title', () => {
    const p = payment({ customer: { firstName: 'Zoë', lastName: "O'Brien-Smith" } })
    for (const name of ['OBrien Smith, Zoe', 'Mrs Zoe O’Brien-Smith', ' zoe  obrien smith ']) {
      const c = only(p, invoice(1042, { customerName: name }))
      expect(c.reasons).toContainEqual({
        code: 'customer_name_matches',
        weight: 10,
        message: `customer name matches (${name.trim()})`,
        name: name.trim(),
      })
    }
    expect(codes(only(p, invoice(1042, { customerName: 'Zoe Smith' })))).not.toContain(
      'customer_name_matches',
    )
  })

  it('"customer name matches" on the company, Limited read as Ltd', () => {
    const p = payment({
      customer: { firstName: 'Jane', lastName: 'Smith', company: 'Acme Widgets Limited' },
    })
    expect(codes(only(p, invoice(7, { customerName: 'ACME WIDGETS LTD.' })))).toContain(
      'customer_name_matches',
    )
  })

  it('"postcode matches" on the billing or the delivery address, ignoring case and spaces', () => {
    const p = payment({
      customer: {
        billingAddress: { lines: [], postalCode: 'sw1a1aa' },
        deliveryAddress: { lines: [], postalCode: 'M1 1AE' },
      },
    })
    expect(only(p, invoice(1, { postcode: 'SW1A 1AA' })).reasons).toContainEqual({
      code: 'postcode_matches',
      weight: 5,
      message: 'postcode matches (SW1A 1AA, billing address)',
      postcode: 'SW1A 1AA',
      address: 'billing',
    })
    expect(only(p, invoice(2, { postcode: 'm11ae' })).reasons).toContainEqual(
      expect.objectContaining({
        code: 'postcode_matches',
        postcode: 'M1 1AE',
        address: 'delivery',
      }),
    )
    expect(codes(only(p, invoice(3, { postcode: 'SW1A 2AA' })))).not.toContain('postcode_matches')
  })

  it('"within N days" from the issue date to the due date, N days either side, London dates', () => {
    // 2026-11-02T10:15Z is 2 November in London.
    const window = (issueDate?: string, dueDate?: string) =>
      only(
        payment(),
        invoice(9, { ...(issueDate ? { issueDate } : {}), ...(dueDate ? { dueDate } : {}) }),
        {
          windowDays: 10,
        },
      ).reasons.find((r) => r.code === 'within_date_window')
    expect(window('2026-10-20', '2026-11-19')).toEqual({
      code: 'within_date_window',
      weight: 3,
      message: 'within 10 days (paid 2026-11-02; issued 2026-10-20, due 2026-11-19)',
      days: 0,
      windowDays: 10,
    })
    expect(window('2026-11-12')).toMatchObject({ days: 10 }) // 10 days before the issue date
    expect(window('2026-11-13')).toBeUndefined()
    expect(window(undefined, '2026-10-23')).toMatchObject({ days: 10 }) // 10 days after the due date
    expect(window('2026-10-01', '2026-10-22')).toBeUndefined()
    expect(window()).toBeUndefined()
    // 23:30 UTC on 1 July is 2 July in London (BST).
    const late = rankInvoiceCandidates(
      payment({ occurredAt: '2026-07-01T23:30:00Z' }),
      [invoice(9, { issueDate: '2026-07-02' })],
      { windowDays: 0 },
    )
    expect(codes(late.candidates[0]!)).toContain('within_date_window')
  })

  it('"currency matches" for an invoice in the payment currency', () => {
    expect(only(payment(), invoice(1)).reasons).toEqual([
      { code: 'currency_matches', weight: 2, message: 'currency matches (GBP)', currency: 'GBP' },
    ])
  })

  it('"reference resembles invoice N" for a reference that failed the patterns', () => {
    const c = only(payment({ vendorTxCode: 'INV-1402-2' }), invoice(1042))
    expect(c.reasons).toContainEqual({
      code: 'reference_resembles_invoice',
      weight: 5,
      message:
        'reference resembles invoice 1042 (two adjacent digits swapped: 1402 in "INV-1402-2")',
      reference: 'INV-1402-2',
      resemblance: 'adjacent_digits_swapped',
    })
    // invoiceReference wins over the vendorTxCode, options.reference over both.
    const p = payment({ vendorTxCode: 'X-1042', invoiceReference: 'nothing' })
    expect(codes(only(p, invoice(1042)))).not.toContain('reference_resembles_invoice')
    expect(codes(only(p, invoice(1042), { reference: 'INV#01042' }))).toContain(
      'reference_resembles_invoice',
    )
  })

  it('excludes an invoice in another currency when no rate is given, and says so', () => {
    const ranking = rankInvoiceCandidates(payment(), [
      invoice(5, { currency: 'EUR', amountDue: 1165 }),
      invoice(4),
    ])
    expect(ranking.candidates.map((c) => c.invoiceNumber)).toEqual([4])
    expect(ranking.excluded).toEqual([
      {
        invoiceNumber: 5,
        code: 'currency_mismatch',
        message:
          'invoice 5 is in EUR and the payment in GBP; with no GBP/EUR rate in options.rates it is not compared',
      },
    ])
  })

  it('compares an invoice in another currency at a given rate, in either direction, for fewer points', () => {
    const rate: RateRecord = {
      from: 'GBP',
      to: 'EUR',
      value: '1.165',
      source: 'ecb',
      at: '2026-11-02',
    }
    const c = only(payment(), invoice(5, { currency: 'EUR', amountDue: 1165 }), { rates: [rate] })
    expect(c.reasons).toEqual([
      {
        code: 'amount_due_equals_converted_payment',
        weight: 15,
        message: 'amount due equals payment converted (€11.65 = £10.00 at 1.165, ecb 2026-11-02)',
        amountDue: { amount: 1165, currency: 'EUR' },
        rate,
      },
    ])
    expect(c.score).toBe(15)
    const reverse: RateRecord = {
      from: 'EUR',
      to: 'GBP',
      value: '0.8',
      source: 'ecb',
      at: '2026-11-02',
    }
    const r = only(payment(), invoice(5, { currency: 'EUR', amountDue: 1250 }), {
      rates: [reverse],
    })
    expect(codes(r)).toEqual(['amount_due_equals_converted_payment'])
  })
})

describe('rankInvoiceCandidates: scores and order', () => {
  const p = payment({
    vendorTxCode: 'INV-1402-2',
    customer: {
      firstName: 'Jane',
      lastName: 'Smith',
      email: 'jane@example.com',
      billingAddress: { lines: ['1 High St'], postalCode: 'SW1A 1AA' },
    },
  })

  it('scores the sum of the weights, lists reasons heaviest first, and ranks by score', () => {
    const ranking = rankInvoiceCandidates(p, [
      invoice(1043, { amountDue: 1000 }),
      invoice(1042, {
        amountDue: 1000,
        customerEmail: 'JANE@example.com',
        customerName: 'Smith, Jane',
        postcode: 'sw1a 1aa',
        issueDate: '2026-10-20',
      }),
      invoice(2001, { customerEmail: 'jane@example.com' }),
    ])
    expect(ranking.candidates.map((c) => [c.invoiceNumber, c.score])).toEqual([
      [1042, 100],
      [1043, 42],
      [2001, 37],
    ])
    expect(codes(ranking.candidates[0]!)).toEqual([
      'amount_due_equals_payment',
      'customer_email_matches',
      'customer_name_matches',
      'postcode_matches',
      'reference_resembles_invoice',
      'within_date_window',
      'currency_matches',
    ])
  })

  it('breaks ties by invoice number, lowest first, and keeps `limit` candidates', () => {
    const invoices = [invoice(30), invoice(10), invoice(20)]
    expect(rankInvoiceCandidates(p, invoices).candidates.map((c) => c.invoiceNumber)).toEqual([
      10, 20, 30,
    ])
    expect(
      rankInvoiceCandidates(p, invoices, { limit: 2 }).candidates.map((c) => c.invoiceNumber),
    ).toEqual([10, 20])
  })

  it('returns the invoice as given on each candidate', () => {
    const given = invoice(1042, { customerName: 'Jane Smith' })
    expect(only(p, given).invoice).toBe(given)
  })

  it('answers with no candidates for no invoices', () => {
    expect(rankInvoiceCandidates(p, [])).toEqual({ candidates: [], excluded: [] })
  })
})

describe('rankInvoiceCandidates: bad input', () => {
  const bad =
    (invoices: readonly InvoiceCandidateInput[], options = {}) =>
    () =>
      rankInvoiceCandidates(payment(), invoices, options)

  it('throws InvalidArgumentError naming the invoice and the field', () => {
    expect(bad([invoice(1, { amountDue: Number.NaN })])).toThrow(/invoices\[0\].*amountDue/)
    expect(bad([invoice(1, { amountDue: 'lots' as 'unknown' })])).toThrow(/amountDue/)
    expect(bad([invoice(1, { amountDue: 10.5 })])).toThrow(InvalidArgumentError)
    expect(bad([invoice(0)])).toThrow(/invoices\[0\].*number/)
    expect(bad([invoice(1, { currency: 'XXY' as 'GBP' })])).toThrow(/currency/)
    expect(bad([invoice(1, { issueDate: '2026-13-01' })])).toThrow(/issueDate/)
  })

  it('throws for an invoice listed twice, a bad rate or a bad option', () => {
    expect(bad([invoice(7), invoice(7)])).toThrow(/invoice 7 is listed twice/)
    expect(bad([], { windowDays: -1 })).toThrow(/windowDays/)
    expect(bad([], { windowDays: 1.5 })).toThrow(/windowDays/)
    expect(bad([], { limit: 0 })).toThrow(/limit/)
    const rate = { from: 'GBP', to: 'EUR', value: 'abc', source: 'x', at: '2026-11-02' }
    expect(bad([], { rates: [rate] })).toThrow(/rates\[0\]/)
    try {
      bad([invoice(7), invoice(7)])()
    } catch (error) {
      expect(isOpayoKashflowError(error) && error.code).toBe('invalid_argument')
    }
  })
})

describe('rankInvoiceCandidates: what a bookkeeper would not post to', () => {
  it('never ranks an invoice with nothing due (paid or in credit), and says so', () => {
    const ranking = rankInvoiceCandidates(payment({ customer: { email: 'jane@example.com' } }), [
      invoice(1042, { amountDue: 0, customerEmail: 'jane@example.com' }),
      invoice(1043, { amountDue: -500, customerEmail: 'jane@example.com' }),
      invoice(1044, { amountDue: 1000 }),
    ])
    expect(ranking.candidates.map((c) => c.invoiceNumber)).toEqual([1044])
    expect(ranking.excluded).toEqual([
      {
        invoiceNumber: 1042,
        code: 'nothing_due',
        message: 'invoice 1042 has nothing due (£0.00): it is not a candidate',
      },
      {
        invoiceNumber: 1043,
        code: 'nothing_due',
        message: 'invoice 1043 has nothing due (-£5.00): it is not a candidate',
      },
    ])
  })

  it('decideMatch never posts to an invoice with nothing due, even a candidate built by hand', () => {
    const policy = { autoPost: { minScore: 30, requireUnique: true as const } }
    const paid = {
      invoiceNumber: 1042,
      score: 77,
      reasons: [],
      invoice: invoice(1042, { amountDue: 0 }),
    } as unknown as InvoiceCandidate
    expect(decideMatch([paid], policy)).toMatchObject({ action: 'review', reason: 'no_candidates' })
    const open = only(payment(), invoice(1043, { amountDue: 1000 }))
    expect(decideMatch([paid, open], policy)).toMatchObject({ action: 'post', invoiceNumber: 1043 })
  })

  it('a payment with no amount is an issue, not a TypeError', () => {
    const { amount: _amount, ...noAmount } = payment()
    const attempts: unknown[] = [
      noAmount,
      { ...payment(), amount: { amount: Number.NaN, currency: 'GBP' } },
      { ...payment(), amount: { amount: 10.5, currency: 'GBP' } },
      { ...payment(), amount: { amount: '10.00', currency: 'GBP' } },
      { ...payment(), amount: { amount: 1000, currency: 'POUNDS' } },
      { ...payment(), amount: null },
      { ...payment(), occurredAt: undefined },
      null,
      undefined,
    ]
    for (const p of attempts) {
      const call = () => rankInvoiceCandidates(p as CanonicalPayment, [invoice(1042)])
      expect(call).toThrow(InvalidArgumentError)
      expect(call).toThrow(/rankInvoiceCandidates\(\): payment .* cannot be matched/)
    }
    expect(() => rankInvoiceCandidates(noAmount as CanonicalPayment, [])).toThrow(/amount/)
    expect(() => rankInvoiceCandidates(payment(), undefined as never)).toThrow(InvalidArgumentError)
    expect(() => decideMatch(undefined as never, {})).toThrow(InvalidArgumentError)
  })

  it('matches a payment without a source or customer on what it has', () => {
    const { source: _source, ...bare } = payment()
    const ranking = rankInvoiceCandidates(bare as CanonicalPayment, [
      invoice(1042, { amountDue: 1000 }),
    ])
    expect(ranking.candidates.map((c) => c.score)).toEqual([42])
  })

  it('a negative or zero payment yields no candidates', () => {
    for (const amount of [-1000, 0]) {
      const p = { ...payment(), amount: { amount, currency: 'GBP' } } as CanonicalPayment
      const ranking = rankInvoiceCandidates(p, [
        invoice(1042, { amountDue: 1000 }),
        invoice(1043, { amountDue: 1000, currency: 'EUR' }),
      ])
      expect(ranking.candidates).toEqual([])
      expect(ranking.excluded.map((e) => [e.invoiceNumber, e.code])).toEqual([
        [1042, 'payment_not_positive'],
        [1043, 'payment_not_positive'],
      ])
      expect(
        decideMatch(ranking.candidates, { autoPost: { minScore: 1, requireUnique: true } }),
      ).toMatchObject({ action: 'review', reason: 'no_candidates' })
    }
  })

  it('ranks an invoice whose amount due is unknown without amount points, and never posts it', () => {
    const jane = payment({ customer: { email: 'jane@example.com' } })
    const ranking = rankInvoiceCandidates(jane, [
      invoice(1042, { amountDue: 'unknown', customerEmail: 'jane@example.com' }),
    ])
    expect(ranking.candidates.map((c) => [c.invoiceNumber, c.score])).toEqual([[1042, 37]])
    for (const minScore of [1, 37, 60]) {
      expect(
        decideMatch(ranking.candidates, { autoPost: { minScore, requireUnique: true } }),
      ).toMatchObject({ action: 'review', reason: 'amount_due_unknown' })
    }
  })

  it('leaves a known match to a person while an unknown amount due could also reach the bar', () => {
    const jane = payment({ customer: { email: 'jane@example.com' } })
    const policy = { autoPost: { minScore: 77, requireUnique: true as const } }
    const both = rankInvoiceCandidates(jane, [
      invoice(1042, { amountDue: 1000, customerEmail: 'jane@example.com' }),
      invoice(1050, { amountDue: 'unknown', customerEmail: 'jane@example.com' }),
    ])
    expect(decideMatch(both.candidates, policy)).toMatchObject({
      action: 'review',
      reason: 'amount_due_unknown',
      message:
        'what is owed on invoice 1050 could not be told, and with the amount it could reach minScore 77: a person chooses',
    })
    // An unknown amount due on a stranger's invoice (2 points) could never reach 77.
    const stranger = rankInvoiceCandidates(jane, [
      invoice(1042, { amountDue: 1000, customerEmail: 'jane@example.com' }),
      invoice(1050, { amountDue: 'unknown' }),
    ])
    expect(decideMatch(stranger.candidates, policy)).toMatchObject({
      action: 'post',
      invoiceNumber: 1042,
    })
  })
})

describe('suggestInvoiceNumbers', () => {
  const numbers = [1042, 1043, 1024, 2001, 99]
  const suggest = (reference: string) =>
    suggestInvoiceNumbers(reference, numbers).map((s) => [s.invoiceNumber, s.resemblance])

  it('finds the number behind another prefix, leading zeros or a letter O typed for 0', () => {
    expect(suggest('INVOICE#001042')).toEqual([[1042, 'same_digits']])
    expect(suggest('inv_1O42')).toEqual([[1042, 'same_digits']])
    expect(suggest('1042-INV')).toEqual([[1042, 'same_digits']])
    expect(suggest('INV-2OO1-3')).toEqual([[2001, 'same_digits']]) // O between digits
  })

  it('reads only digit runs as numbers: letters next to digits are never digits', () => {
    for (const reference of [
      'STUDIO1042',
      'FOLIO1042',
      'POLO-1042',
      '1042A',
      '1042lo',
      'ORDER#1042',
      'INV-1042-1',
      'studio1042/O',
      'INV-0001042',
      '001042',
    ]) {
      expect(suggest(reference), reference).toEqual([[1042, 'same_digits']])
    }
    expect(suggestInvoiceNumbers('STUDIO1042', [1042])[0]?.digits).toBe('1042')
    // A lookalike letter at the edge of a run belongs to the word, so `l042` holds only 042.
    expect(suggest('INV-l042-3')).toEqual([])
  })

  it('refuses a reference that is not a string, or numbers that are not an array', () => {
    expect(() => suggestInvoiceNumbers(undefined as unknown as string, [1042])).toThrow(
      InvalidArgumentError,
    )
    expect(() => suggestInvoiceNumbers('INV-1042', 1042 as unknown as number[])).toThrow(
      /invoiceNumbers must be an array/,
    )
  })

  it('finds swapped, extra and missing digits, closest first, then by number', () => {
    expect(suggest('INV-1402-2')).toEqual([[1042, 'adjacent_digits_swapped']])
    // 10442 is 1042 with one 4 too many; 1043 and 1024 are two changes away.
    expect(suggest('INV-10442-1')).toEqual([[1042, 'one_extra_digit']])
    expect(suggest('INV-142-1')).toEqual([[1042, 'one_digit_missing']])
    expect(suggest('INV-1042-1')).toEqual([[1042, 'same_digits']])
    // 1204 is 1024 with 0 and 2 swapped, and 2001 is not near it.
    expect(suggest('ORD-1204')).toEqual([[1024, 'adjacent_digits_swapped']])
    expect(suggest('A-1042/B-1043')).toEqual([
      [1042, 'same_digits'],
      [1043, 'same_digits'],
    ])
  })

  it('does not suggest a neighbour for a different digit, nor read short digit groups', () => {
    expect(suggest('INV-1044-1')).toEqual([])
    expect(suggest('INV-99-1')).toEqual([])
    expect(suggest('no digits at all')).toEqual([])
  })

  it('says why in words and rejects invoice numbers that are not positive integers', () => {
    expect(suggestInvoiceNumbers('INV-1402-2', [1042])[0]?.message).toBe(
      'reference resembles invoice 1042 (two adjacent digits swapped: 1402 in "INV-1402-2")',
    )
    expect(() => suggestInvoiceNumbers('INV-1', [0])).toThrow(InvalidArgumentError)
    expect(() => suggestInvoiceNumbers('INV-1', [1.5])).toThrow(/not a KashFlow invoice number/)
  })
})

describe('matching policy', () => {
  const candidate = (invoiceNumber: number, score: number): InvoiceCandidate =>
    ({
      invoiceNumber,
      score,
      reasons: [],
      invoice: invoice(invoiceNumber),
    }) as unknown as InvoiceCandidate
  const policy = { autoPost: { minScore: 80, requireUnique: true as const } }

  it('defaults to never auto-posting', () => {
    expect(defineMatchingPolicy()).toEqual({})
    const decision = decideMatch([candidate(1, 100)], {})
    expect(decision).toMatchObject({ action: 'review', reason: 'auto_post_disabled' })
  })

  it('posts only when exactly one candidate reaches minScore', () => {
    const decision = decideMatch([candidate(1, 100), candidate(2, 79)], policy)
    expect(decision).toEqual({
      action: 'post',
      invoiceNumber: 1,
      candidate: candidate(1, 100),
      message: 'invoice 1 is the only candidate to reach minScore 80 (score 100)',
    })
    expect(decideMatch([candidate(2, 79), candidate(1, 80)], policy)).toMatchObject({
      action: 'post',
      invoiceNumber: 1,
    })
  })

  it('leaves two candidates above the bar, none above it, or none at all to a person', () => {
    const both = [candidate(2, 85), candidate(1, 90)]
    expect(decideMatch(both, policy)).toEqual({
      action: 'review',
      candidates: both,
      reason: 'not_unique',
      message: '2 candidates reach minScore 80 (invoices 1, 2): a person chooses',
    })
    expect(decideMatch([candidate(1, 79)], policy)).toMatchObject({
      action: 'review',
      reason: 'below_min_score',
      message: 'no candidate reaches minScore 80 (best score 79)',
    })
    expect(decideMatch([], policy)).toMatchObject({ action: 'review', reason: 'no_candidates' })
  })

  it('rejects a policy that does not fit the schema, listing every problem', () => {
    const attempt = (input: unknown) => () => defineMatchingPolicy(input as never)
    expect(attempt({ autoPost: { minScore: 0, requireUnique: true } })).toThrow(MatchingPolicyError)
    expect(attempt({ autoPost: { minScore: 101, requireUnique: true } })).toThrow(/minScore/)
    expect(attempt({ autoPost: { minScore: 80, requireUnique: false } })).toThrow(/requireUnique/)
    expect(attempt({ autoPost: { minScore: 80 } })).toThrow(/requireUnique/)
    expect(attempt({ autopost: { minScore: 80, requireUnique: true } })).toThrow(/autopost/)
    try {
      attempt({ autoPost: { minScore: 'high', requireUnique: false } })()
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(MatchingPolicyError)
      expect((error as MatchingPolicyError).code).toBe('matching_policy_invalid')
      expect((error as MatchingPolicyError).issues.map((i) => i.path.join('.'))).toEqual([
        'autoPost.minScore',
        'autoPost.requireUnique',
      ])
    }
    expect(() => decideMatch([], { autoPost: { minScore: -1, requireUnique: true } })).toThrow(
      MatchingPolicyError,
    )
    expect(MatchingPolicySchema.safeParse({ autoPost: policy.autoPost }).success).toBe(true)
  })

  it('posts the mistyped-reference payment whose amount and email match, end to end', () => {
    const p = payment({ vendorTxCode: 'INV-1402-1', customer: { email: 'jane@example.com' } })
    const ranking = rankInvoiceCandidates(p, [
      invoice(1042, { amountDue: 1000, customerEmail: 'jane@example.com' }),
      invoice(1043, { amountDue: 1000 }),
    ])
    expect(decideMatch(ranking.candidates, policy)).toMatchObject({
      action: 'post',
      invoiceNumber: 1042,
    })
    // Two of Jane's invoices for the same amount: a person chooses, even though the reference
    // resembles one of them.
    const twin = rankInvoiceCandidates(p, [
      invoice(1042, { amountDue: 1000, customerEmail: 'jane@example.com' }),
      invoice(1050, { amountDue: 1000, customerEmail: 'jane@example.com' }),
    ])
    expect(twin.candidates.map((c) => c.score)).toEqual([82, 77])
    expect(decideMatch(twin.candidates, policy)).toMatchObject({
      action: 'post',
      invoiceNumber: 1042,
    })
    expect(
      decideMatch(twin.candidates, { autoPost: { minScore: 75, requireUnique: true } }),
    ).toMatchObject({ action: 'review', reason: 'not_unique' })
  })
})

describe('candidateQuery', () => {
  it('asks for the customer’s open invoices when the payment has an email', () => {
    expect(candidateQuery(payment({ customer: { email: ' Jane@Example.com' } }))).toEqual({
      by: 'customer_email',
      email: 'jane@example.com',
      message: 'the open invoices of customer jane@example.com',
    })
  })

  it('otherwise asks for invoices around the amount and the London date', () => {
    expect(candidateQuery(payment({ occurredAt: '2026-07-01T23:30:00Z' }))).toEqual({
      by: 'amount_and_dates',
      currency: 'GBP',
      amountDueFrom: 1000,
      amountDueTo: 1000,
      issuedFrom: '2026-04-03',
      issuedTo: '2026-08-01',
      message:
        'the open GBP invoices issued 2026-04-03 to 2026-08-01 with amount due 1000 to 1000 minor units',
    })
    expect(
      candidateQuery(payment({ customer: { email: 'not an email' }, amount: 50 }), {
        lookbackDays: 0,
        lookaheadDays: 0,
        amountTolerance: 100,
      }),
    ).toMatchObject({
      amountDueFrom: 0,
      amountDueTo: 150,
      issuedFrom: '2026-11-02',
      issuedTo: '2026-11-02',
    })
  })

  it('rejects negative or fractional options', () => {
    expect(() => candidateQuery(payment(), { lookbackDays: -1 })).toThrow(/lookbackDays/)
    expect(() => candidateQuery(payment(), { amountTolerance: 0.5 })).toThrow(/amountTolerance/)
  })
})
