import { describe, expect, it } from 'vitest'
import {
  InvalidArgumentError,
  SettlementConfigError,
  defineFeeRules,
  defineSettlementAccounts,
  feeFor,
  findPostingMarker,
  findSettlementMarker,
  isOpayoKashflowError,
  money,
  normaliseBatchId,
  parseFeeStatement,
  planSettlement,
  settlementMarker,
} from '../src/index.js'
import type {
  FeeStatementRow,
  JournalIntent,
  JournalLine,
  SettlementBatchInput,
  SettlementOpayoTotals,
  SettlementPlan,
  SettlementPostPlan,
} from '../src/index.js'
import { aPayment } from './fixtures/payments.js'

// VPSTxIds in the shape Opayo sends them (the first is the vector in thephpleague/omnipay-sagepay
// tests/Message/ServerNotifyRequestTest.php); the others are made up in the same shape.
const TX1 = '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}'
const TX2 = '{1E5D1C5E-2E0B-4C55-9D0A-1A6F2B3C4D5E}'
const TX3 = '{7C3A9B10-6F1E-4D2A-8B7C-9E0D1F2A3B4C}'

const accounts = defineSettlementAccounts({
  homeCurrency: 'GBP',
  clearing: { bankAccountId: 7, nominalCode: 1210 },
  bank: { bankAccountId: 1, nominalCode: 1200 },
  feesNominalCode: 7901,
  fxNominalCode: 7906,
})

const gbpRules = defineFeeRules({
  currency: 'GBP',
  rules: [
    { schemes: ['visa_debit', 'mastercard_debit'], percent: '0.3', fixed: 2, minimum: 5 },
    { percent: '1.5', fixed: 20 },
  ],
})

/** The worked example of docs/accounting.md: two payments and a refund, in GBP. */
function gbpBatch(overrides: Partial<SettlementBatchInput> = {}): SettlementBatchInput {
  return {
    batchId: '1234',
    date: '2026-11-02',
    currency: 'GBP',
    gross: { amount: 14550, currency: 'GBP' },
    transactions: [
      {
        transactionId: TX1,
        vendorTxCode: 'INV-1042-1',
        kind: 'payment',
        amount: { amount: 12000, currency: 'GBP' },
        scheme: 'visa',
        posted: { amount: { amount: 12000, currency: 'GBP' } },
      },
      {
        transactionId: TX2,
        vendorTxCode: 'INV-1043-1',
        kind: 'payment',
        amount: { amount: 4550, currency: 'GBP' },
        scheme: 'visa_debit',
        posted: { amount: { amount: 4550, currency: 'GBP' } },
      },
      {
        transactionId: TX3,
        vendorTxCode: 'INV-1040-2',
        kind: 'refund',
        amount: { amount: 2000, currency: 'GBP' },
        scheme: 'mastercard',
        posted: { amount: { amount: 2000, currency: 'GBP' } },
      },
    ],
    // The deposit observed at the bank: the worked example's net (gross less the rules' fees).
    received: { amount: 14334, currency: 'GBP' },
    ...overrides,
  }
}

function posted(plan: SettlementPlan): SettlementPostPlan {
  if (plan.kind !== 'post') throw new Error(`expected a post plan, got ${JSON.stringify(plan)}`)
  return plan
}

const gbp = (amount: number) => money(amount, 'GBP')
const dr = (nominalCode: number, amount: number, comment: string): JournalLine => ({
  nominalCode,
  debit: gbp(amount),
  comment,
})
const cr = (nominalCode: number, amount: number, comment: string): JournalLine => ({
  nominalCode,
  credit: gbp(amount),
  comment,
})

function balance(journal: { readonly lines: readonly JournalLine[] } | undefined): number {
  return (journal?.lines ?? []).reduce(
    (sum, l) => sum + (l.debit?.amount ?? 0) - (l.credit?.amount ?? 0),
    0,
  )
}

describe('feeFor', () => {
  it('charges percent plus the fixed part: 1.5% + 20p of £100.00 is £1.70', () => {
    expect(feeFor({ kind: 'payment', amount: gbp(10000) }, gbpRules)).toEqual({
      ok: true,
      value: gbp(170),
    })
  })

  it('prices a CanonicalPayment by its card scheme, and the scheme rule wins over the fallback', () => {
    const debit = aPayment({
      card: { scheme: 'visa_debit' },
      amount: { amount: 4550, currency: 'GBP' },
    })
    // 0.3% of 4550p = 13.65p -> 14p, + 2p
    expect(feeFor(debit, gbpRules)).toEqual({ ok: true, value: gbp(16) })
    expect(feeFor(aPayment(), gbpRules)).toEqual({ ok: true, value: gbp(200) })
  })

  it('never charges less than the minimum', () => {
    // 0.3% of 100p = 0.3p -> 0p, + 2p = 2p, below the 5p minimum
    expect(
      feeFor({ kind: 'payment', amount: gbp(100), card: { scheme: 'visa_debit' } }, gbpRules),
    ).toEqual({
      ok: true,
      value: gbp(5),
    })
  })

  it('rounds the percentage per transaction half-up by default, half-even when asked', () => {
    const halfUp = defineFeeRules({ currency: 'GBP', rules: [{ percent: '0.5' }] })
    const halfEven = defineFeeRules({
      currency: 'GBP',
      rules: [{ percent: '0.5' }],
      rounding: 'half-even',
    })
    // 0.5% of 500p = 2.5p exactly
    expect(feeFor({ kind: 'payment', amount: gbp(500) }, halfUp)).toEqual({
      ok: true,
      value: gbp(3),
    })
    expect(feeFor({ kind: 'payment', amount: gbp(500) }, halfEven)).toEqual({
      ok: true,
      value: gbp(2),
    })
  })

  it('keeps a six-decimal percentage exact (no float): 1.234567% of £1,000,000.00', () => {
    const rules = defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.234567' }] })
    // 100_000_000p * 1.234567 / 100 = 1_234_567p exactly
    expect(feeFor({ kind: 'payment', amount: gbp(100_000_000) }, rules)).toEqual({
      ok: true,
      value: gbp(1_234_567),
    })
  })

  it('charges nothing for refunds unless the rules say refunds are charged', () => {
    const refund = { kind: 'refund' as const, amount: gbp(10000) }
    expect(feeFor(refund, gbpRules)).toEqual({ ok: true, value: gbp(0) })
    const charged = defineFeeRules({ ...gbpRules, refunds: 'charged' })
    expect(feeFor(refund, charged)).toEqual({ ok: true, value: gbp(170) })
  })

  it('charges nothing when no money moved: authorisations, voids and declined payments', () => {
    expect(feeFor({ kind: 'authorisation', amount: gbp(10000) }, gbpRules)).toEqual({
      ok: true,
      value: gbp(0),
    })
    expect(feeFor({ kind: 'void', amount: gbp(10000) }, gbpRules)).toEqual({
      ok: true,
      value: gbp(0),
    })
    expect(feeFor(aPayment({ status: 'declined' }), gbpRules)).toEqual({ ok: true, value: gbp(0) })
  })

  it('reports a currency the rules do not price, and a scheme no rule covers', () => {
    const mismatch = feeFor({ kind: 'payment', amount: money(100, 'EUR') }, gbpRules)
    expect(mismatch.ok ? [] : mismatch.issues.map((i) => i.code)).toEqual(['currency_mismatch'])
    const noFallback = defineFeeRules({
      currency: 'GBP',
      rules: [{ schemes: ['visa'], percent: '1' }],
    })
    const amex = feeFor({ kind: 'payment', amount: gbp(100), card: { scheme: 'amex' } }, noFallback)
    expect(amex).toMatchObject({
      ok: false,
      issues: [{ code: 'missing_value', path: ['card', 'scheme'] }],
    })
    expect(feeFor({ kind: 'payment', amount: gbp(100) }, noFallback).ok).toBe(false)
  })
})

describe('defineFeeRules', () => {
  it('fills the defaults', () => {
    expect(defineFeeRules({ currency: 'GBP', rules: [{}] })).toEqual({
      currency: 'GBP',
      rules: [{ percent: '0', fixed: 0, minimum: 0 }],
      refunds: 'free',
      rounding: 'half-up',
    })
  })

  it('throws one SettlementConfigError listing every problem', () => {
    let caught: unknown
    try {
      defineFeeRules({
        currency: 'GBP',
        rules: [
          { schemes: ['visa'], percent: '1,5' },
          { schemes: ['visa', 'amex'], fixed: 2.5 },
          {},
          { percent: '101' },
        ],
      })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(SettlementConfigError)
    expect(isOpayoKashflowError(caught)).toBe(true)
    const error = caught as SettlementConfigError
    expect(error.code).toBe('settlement_config_invalid')
    expect(error.what).toBe('fee rules')
    expect(error.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'rules.0.percent',
      'rules.1.fixed',
      'rules.3.percent',
    ])
  })

  it('rejects a scheme priced twice and two fallback rules', () => {
    expect(() =>
      defineFeeRules({
        currency: 'GBP',
        rules: [{ schemes: ['visa'] }, { schemes: ['amex', 'visa'] }, {}, {}],
      }),
    ).toThrow(
      /scheme "visa" is priced by rules 0 and 1[\s\S]*rules 2 and 3 are both fallback rules/,
    )
  })
})

describe('defineSettlementAccounts', () => {
  it('rejects a clearing account that is the bank account', () => {
    expect(() =>
      defineSettlementAccounts({
        clearing: { bankAccountId: 1, nominalCode: 1200 },
        bank: { bankAccountId: 1, nominalCode: 1200 },
        feesNominalCode: 7901,
        fxNominalCode: 7906,
      }),
    ).toThrow(SettlementConfigError)
  })

  it('assumes no home currency: planSettlement refuses accounts without one', () => {
    const { homeCurrency: _gbp, ...rest } = accounts
    const unset = defineSettlementAccounts(rest)
    expect(unset.homeCurrency).toBeUndefined()
    const plan = () => planSettlement(gbpBatch(), { accounts: unset, fees: { source: 'none' } })
    expect(plan).toThrow(InvalidArgumentError)
    expect(plan).toThrow(/accounts\.homeCurrency is not set/)
    // Given EUR, the GBP postings are foreign: they need the rate KashFlow booked them at.
    const euro = planSettlement(gbpBatch({ received: money(16700, 'EUR') }), {
      accounts: { ...unset, homeCurrency: 'EUR' },
      fees: { source: 'none' },
    })
    expect(euro.kind).toBe('dead-letter')
    expect(euro.kind === 'dead-letter' && euro.issues[0]).toMatchObject({
      code: 'missing_exchange_rate',
      message: expect.stringMatching(/GBP\/EUR/),
    })
  })
})

describe('settlement markers', () => {
  it('are OPAYO-BATCH:{batchId}:{purpose}, with the batch id normalised', () => {
    expect(settlementMarker(' 1234ab ', 'transfer')).toBe('OPAYO-BATCH:1234AB:transfer')
    expect(normaliseBatchId('77')).toBe('77')
  })

  it('are found by findSettlementMarker and never by findPostingMarker', () => {
    const text = `${settlementMarker('1234', 'fees')} Opayo fees, batch 1234`
    expect(findSettlementMarker(text)).toEqual({
      marker: 'OPAYO-BATCH:1234:fees',
      batchId: '1234',
      purpose: 'fees',
    })
    expect(findPostingMarker(text)).toBeUndefined()
    expect(findSettlementMarker('OPAYO:F955C22E:payment')).toBeUndefined()
  })

  it('refuse a batch id that would not stay one word', () => {
    expect(() => settlementMarker('12 34', 'fx')).toThrow(InvalidArgumentError)
    expect(() => settlementMarker('12:34', 'fx')).toThrow(InvalidArgumentError)
  })
})

describe('parseFeeStatement', () => {
  it('reads rows by header name, in any order and case, quoted fields included', () => {
    const text =
      '\uFEFFCurrency,Fee Amount,VPSTxId,Vendor Tx Code,Note\r\n' +
      `GBP,0.35,${TX1},INV-1042-1,"card fee, visa"\r\n` +
      '\r\n' +
      'gbp,"1,204.50",,INV-1043-1,"multi\nline ""note"""\r\n' +
      'GBP,0,,,\r\n'.replace('GBP,0,,,', 'GBP,0.02,,INV-1040-2,')
    expect(parseFeeStatement(text)).toEqual({
      ok: true,
      value: [
        {
          line: 2,
          transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
          vendorTxCode: 'INV-1042-1',
          fee: gbp(35),
        },
        { line: 4, vendorTxCode: 'INV-1043-1', fee: gbp(120450) },
        { line: 6, vendorTxCode: 'INV-1040-2', fee: gbp(2) },
      ],
    })
  })

  it('reads batch-level rows', () => {
    expect(parseFeeStatement('batch_id,fee,currency\n1234,2.50,GBP')).toEqual({
      ok: true,
      value: [{ line: 2, batchId: '1234', fee: gbp(250) }],
    })
  })

  it('lists every bad row with its line number, and returns no rows', () => {
    const text = [
      'transaction_id,fee,currency',
      `${TX1},0.35,GBP`,
      `${TX2},0.3.5,GBP`,
      `${TX3},0.35,XXX`,
      ',0.35,GBP',
      `${TX1},-0.35,GBP`,
      `${TX1},0.351,GBP`,
      `${TX1},,GBP`,
    ].join('\n')
    const parsed = parseFeeStatement(text)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.issues.map((i) => [i.line, i.code, i.path[1]])).toEqual([
      [3, 'invalid_amount', 'fee'],
      [4, 'unknown_currency', 'currency'],
      [5, 'missing_value', 'id'],
      [6, 'invalid_amount', 'fee'],
      [7, 'too_many_decimals', 'fee'],
      [8, 'missing_value', 'fee'],
    ])
    expect(parsed.issues[0]?.message).toMatch(/^Line 3: /)
  })

  it('reports missing columns, an empty file and an unclosed quote', () => {
    const header = parseFeeStatement('reference,amount\nx,1')
    expect(header.ok ? [] : header.issues.map((i) => i.path[1])).toEqual(['fee', 'currency', 'id'])
    expect(parseFeeStatement('')).toMatchObject({
      ok: false,
      issues: [{ line: 1, code: 'missing_value' }],
    })
    expect(parseFeeStatement('batch_id,fee,currency\n"1234,2.50,GBP\n')).toMatchObject({
      ok: false,
      issues: [{ line: 2, code: 'invalid_type' }],
    })
  })
})

describe('planSettlement in the home currency', () => {
  const fees = { source: 'rules' as const, rules: gbpRules }

  it('waits for the deposit, saying what is expected, and never posts the expected figure', () => {
    const plan = planSettlement(gbpBatch({ received: undefined }), { accounts, fees })
    expect(plan).toMatchObject({ kind: 'wait', reason: 'amount_received_unknown' })
    expect(plan.kind === 'wait' && plan.message).toContain('£143.34 expected, net of fees')
  })

  it('plans the transfer of the deposit and the fee journal of the worked example', () => {
    const plan = posted(planSettlement(gbpBatch(), { accounts, fees }))
    expect(plan.marker).toBe('OPAYO-BATCH:1234:settlement')
    // visa £120.00: 1.5% + 20p = £2.00; visa_debit £45.50: 0.3% + 2p = 16p; refund: free
    expect(plan.totals).toMatchObject({
      gross: gbp(14550),
      fees: gbp(216),
      net: gbp(14334),
      postedHome: gbp(14550),
      received: gbp(14334),
      feesHome: gbp(216),
      feeDifference: gbp(0),
      fxDifference: gbp(0),
      clearingRemainder: gbp(0),
    })
    expect(plan.transfer).toEqual({
      kind: 'bank-transfer',
      paymentId: 'opayo-batch:1234',
      marker: 'OPAYO-BATCH:1234:transfer',
      date: '2026-11-02',
      reference: 'OPAYO-BATCH:1234:transfer',
      comment: 'Opayo batch 1234 of 2026-11-02: deposit of £143.34, from clearing to bank',
      amount: gbp(14334),
      fromBankAccountId: 7,
      toBankAccountId: 1,
      lines: [
        dr(1200, 14334, 'Opayo batch 1234 of 2026-11-02'),
        cr(1210, 14334, 'Opayo batch 1234 of 2026-11-02'),
      ],
    })
    expect(plan.feeJournal).toEqual<JournalIntent>({
      kind: 'journal',
      paymentId: 'opayo-batch:1234',
      marker: 'OPAYO-BATCH:1234:fees',
      date: '2026-11-02',
      reference: 'OPAYO-BATCH:1234:fees',
      comment: 'Opayo fees, batch 1234 of 2026-11-02: £2.16',
      lines: [
        dr(7901, 216, 'Opayo card fees (estimated from fee rules), batch 1234 (3 transactions)'),
        cr(1210, 216, 'Opayo clearing, batch 1234 fees'),
      ],
    })
    expect(plan.fxJournal).toBeUndefined()
    expect(
      plan.transactions.map((t) => [t.transactionId, t.fee.amount, t.postedHome.amount]),
    ).toEqual([
      ['F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2', 200, 12000],
      ['1E5D1C5E-2E0B-4C55-9D0A-1A6F2B3C4D5E', 16, 4550],
      ['7C3A9B10-6F1E-4D2A-8B7C-9E0D1F2A3B4C', 0, -2000],
    ])
  })

  it('waits while a transaction is not posted, listing it', () => {
    const batch = gbpBatch()
    const [first, second, third] = batch.transactions
    const plan = planSettlement(
      { ...batch, transactions: [first!, { ...second!, posted: undefined }, third!] },
      { accounts, fees },
    )
    expect(plan).toMatchObject({
      kind: 'wait',
      reason: 'transactions_not_posted',
      unposted: ['1E5D1C5E-2E0B-4C55-9D0A-1A6F2B3C4D5E'],
    })
  })

  it('dead-letters a gross that is not payments minus refunds, instead of posting it', () => {
    const plan = planSettlement(gbpBatch({ gross: { amount: 14551, currency: 'GBP' } }), {
      accounts,
      fees,
    })
    expect(plan).toMatchObject({
      kind: 'dead-letter',
      issues: [{ code: 'invalid_amount', path: ['gross'] }],
    })
  })

  it('posts a small fee difference as a named line when what arrived differs from the plan', () => {
    const plan = posted(
      planSettlement(gbpBatch({ received: gbp(14331) }), { accounts, fees, maxFeeDifference: 5 }),
    )
    expect(plan.totals.feeDifference).toEqual(gbp(3))
    expect(plan.transfer?.amount).toEqual(gbp(14331))
    expect(plan.feeJournal?.lines).toEqual([
      dr(7901, 216, 'Opayo card fees (estimated from fee rules), batch 1234 (3 transactions)'),
      dr(7901, 3, 'Fee difference, batch 1234: acquirer deducted £2.19, planned £2.16'),
      cr(1210, 219, 'Opayo clearing, batch 1234 fees'),
    ])
    expect(plan.fxJournal).toBeUndefined()
    expect(plan.totals.clearingRemainder).toEqual(gbp(0))
  })

  it('leaves a difference beyond maxFeeDifference on clearing as the payout difference', () => {
    // The acquirer withheld a £30.00 chargeback from the deposit: £113.34 arrived, not £143.34.
    const plan = posted(
      planSettlement(gbpBatch({ received: gbp(11334) }), { accounts, fees, maxFeeDifference: 5 }),
    )
    expect(plan.transfer?.amount).toEqual(gbp(11334))
    expect(plan.totals).toMatchObject({
      fees: gbp(216),
      feeDifference: gbp(0),
      payoutDifference: gbp(3000),
      clearingRemainder: gbp(3000),
      fxDifference: gbp(0),
    })
    // Nothing of it is booked as a bank charge or to the bank.
    expect(plan.feeJournal?.lines).toEqual([
      dr(7901, 216, 'Opayo card fees (estimated from fee rules), batch 1234 (3 transactions)'),
      cr(1210, 216, 'Opayo clearing, batch 1234 fees'),
    ])
    expect(plan.fxJournal).toBeUndefined()
  })

  it('pays a gross-settled batch out gross: no fee journal, the deposit is the gross', () => {
    const plan = posted(
      planSettlement(gbpBatch({ received: gbp(14550) }), {
        accounts,
        fees: { source: 'none' },
        payout: 'gross',
      }),
    )
    expect(plan.feeJournal).toBeUndefined()
    expect(plan.transfer?.amount).toEqual(gbp(14550))
    expect(plan.totals.clearingRemainder).toEqual(gbp(0))
    expect(() => planSettlement(gbpBatch(), { accounts, fees, payout: 'gross' })).toThrow(
      /payout 'gross'.*fees: \{ source: 'none' \}/,
    )
  })

  it('dates every entry on the day the deposit reached the bank', () => {
    const plan = posted(planSettlement(gbpBatch({ receivedOn: '2026-11-05' }), { accounts, fees }))
    expect([plan.date, plan.transfer?.date, plan.feeJournal?.date]).toEqual([
      '2026-11-05',
      '2026-11-05',
      '2026-11-05',
    ])
    expect(plan.transfer?.comment).toBe(
      'Opayo batch 1234 of 2026-11-02: deposit of £143.34 on 2026-11-05, from clearing to bank',
    )
  })

  it('moves money from bank to clearing when refunds exceed payments', () => {
    const plan = posted(
      planSettlement(
        {
          batchId: '99',
          date: '2026-11-03',
          currency: 'GBP',
          gross: gbp(-2000),
          received: gbp(-2000),
          transactions: [
            {
              transactionId: TX3,
              kind: 'refund',
              amount: gbp(2000),
              posted: { amount: gbp(2000) },
            },
          ],
        },
        { accounts, fees },
      ),
    )
    expect(plan.transfer).toMatchObject({
      amount: gbp(2000),
      fromBankAccountId: 1,
      toBankAccountId: 7,
      lines: [
        { nominalCode: 1200, credit: gbp(2000) },
        { nominalCode: 1210, debit: gbp(2000) },
      ],
    })
    expect(plan.feeJournal).toBeUndefined()
  })

  it('books the difference of a foreign invoice posted at its rate as a realised exchange difference', () => {
    // A £100.00 card payment on a EUR invoice: posted as €116.50 at KashFlow's 1.1650, which
    // KashFlow books as €116.50 / 1.1500 = £101.30 at the invoice's own (older) rate.
    const plan = posted(
      planSettlement(
        {
          batchId: '55',
          date: '2026-11-04',
          currency: 'GBP',
          gross: gbp(10000),
          received: gbp(10000),
          transactions: [
            {
              transactionId: TX1,
              kind: 'payment',
              amount: gbp(10000),
              posted: {
                amount: money(11650, 'EUR'),
                rate: {
                  from: 'GBP',
                  to: 'EUR',
                  value: '1.15',
                  source: 'kashflow',
                  at: '2026-10-01',
                },
              },
            },
          ],
        },
        { accounts, fees: { source: 'none' } },
      ),
    )
    expect(plan.totals.postedHome).toEqual(gbp(10130))
    expect(plan.totals.fxDifference).toEqual(gbp(130))
    expect(plan.fxJournal).toMatchObject({
      marker: 'OPAYO-BATCH:55:fx',
      lines: [
        dr(7906, 130, 'Realised exchange loss, batch 55'),
        cr(1210, 130, 'Opayo clearing, batch 55 exchange difference'),
      ],
    })
  })

  it('dead-letters a posting in the batch currency that differs from what Opayo settled', () => {
    const batch = gbpBatch()
    const [first, ...rest] = batch.transactions
    const plan = planSettlement(
      { ...batch, transactions: [{ ...first!, posted: { amount: gbp(11999) } }, ...rest] },
      { accounts, fees },
    )
    expect(plan).toMatchObject({
      kind: 'dead-letter',
      issues: [{ code: 'invalid_amount', path: ['transactions', 0, 'posted', 'amount'] }],
    })
  })

  it('dead-letters a foreign posting with no rate', () => {
    const batch = gbpBatch()
    const [first, ...rest] = batch.transactions
    const plan = planSettlement(
      { ...batch, transactions: [{ ...first!, posted: { amount: money(13980, 'EUR') } }, ...rest] },
      { accounts, fees },
    )
    expect(plan).toMatchObject({ kind: 'dead-letter', issues: [{ code: 'missing_exchange_rate' }] })
  })

  it('dead-letters malformed input, with no marker when the batch id itself is bad', () => {
    const plan = planSettlement({ ...gbpBatch(), batchId: 'no spaces allowed' }, { accounts, fees })
    expect(plan.kind).toBe('dead-letter')
    expect(plan).not.toHaveProperty('marker')
    expect(planSettlement(gbpBatch({ transactions: [] }), { accounts, fees })).toMatchObject({
      kind: 'dead-letter',
      marker: 'OPAYO-BATCH:1234:settlement',
    })
  })

  it('refuses a negative maxFeeDifference', () => {
    expect(() => planSettlement(gbpBatch(), { accounts, fees, maxFeeDifference: -1 })).toThrow(
      InvalidArgumentError,
    )
  })
})

describe("planSettlement against Opayo's own totals (getBatchList transactiongroups)", () => {
  const fees = { source: 'rules', rules: gbpRules } as const
  // The worked example's batch as Opayo's batch list totals it: £165.50 in 2 payments, £20.00 in 1 refund.
  const totals = (overrides: Partial<SettlementOpayoTotals> = {}): SettlementOpayoTotals => ({
    currency: 'GBP',
    payments: gbp(16550),
    refunds: gbp(2000),
    paymentCount: 2,
    refundCount: 1,
    ...overrides,
  })

  it('posts a batch whose transactions add up to its totals, as without them', () => {
    const plan = posted(planSettlement(gbpBatch({ opayoTotals: [totals()] }), { accounts, fees }))
    expect(plan.totals.gross).toEqual(gbp(14550))
    expect(posted(planSettlement(gbpBatch(), { accounts, fees })).totals).toEqual(plan.totals)
  })

  it('dead-letters detail rows that do not add up to paymentvalue, with both figures, even while a transaction is unposted', () => {
    const batch = gbpBatch({ opayoTotals: [totals({ payments: gbp(17000) })] })
    const [first, second, third] = batch.transactions
    const plan = planSettlement(
      { ...batch, transactions: [first!, { ...second!, posted: undefined }, third!] },
      { accounts, fees },
    )
    expect(plan).toMatchObject({
      kind: 'dead-letter',
      batchId: '1234',
      issues: [{ code: 'settlement_totals_mismatch', path: ['opayoTotals', 0] }],
    })
    const message = plan.kind === 'dead-letter' ? (plan.issues[0]?.message ?? '') : ''
    expect(message).toContain('payments £170.00 in 2')
    expect(message).toContain('payments £165.50 in 2')
  })

  it.each([
    ['refundvalue', { refunds: gbp(2500) }, 'refunds £25.00'],
    ['paymentnumber', { paymentCount: 3 }, 'payments £165.50 in 3'],
    ['refundnumber', { refundCount: 0 }, 'refunds £20.00 in 0'],
    [
      'currency',
      { currency: 'EUR', payments: money(16550, 'EUR'), refunds: money(2000, 'EUR') },
      'in EUR',
    ],
  ] as const)('dead-letters a different %s', (_name, overrides, said) => {
    const plan = planSettlement(gbpBatch({ opayoTotals: [totals(overrides)] }), { accounts, fees })
    expect(plan).toMatchObject({
      kind: 'dead-letter',
      issues: [{ code: 'settlement_totals_mismatch' }],
    })
    expect(plan.kind === 'dead-letter' && plan.issues[0]?.message).toContain(said)
  })

  it('checks counts only where Opayo sent them', () => {
    const plan = planSettlement(
      gbpBatch({ opayoTotals: [{ currency: 'GBP', payments: gbp(16550), refunds: gbp(2000) }] }),
      { accounts, fees },
    )
    expect(plan.kind).toBe('post')
  })

  it('dead-letters a batch with two currencies, never settling one of them', () => {
    const plan = planSettlement(
      gbpBatch({
        opayoTotals: [
          totals(),
          { currency: 'EUR', payments: money(11650, 'EUR'), refunds: money(0, 'EUR') },
        ],
      }),
      { accounts, fees },
    )
    expect(plan).toMatchObject({
      kind: 'dead-letter',
      issues: [
        {
          code: 'settlement_multi_currency',
          message: expect.stringContaining('2 currencies (GBP, EUR)') as string,
        },
      ],
    })
  })

  it('dead-letters two totals for the one currency (cannot tell which)', () => {
    const plan = planSettlement(gbpBatch({ opayoTotals: [totals(), totals()] }), {
      accounts,
      fees,
    })
    expect(plan).toMatchObject({
      kind: 'dead-letter',
      issues: [{ code: 'settlement_totals_mismatch' }],
    })
  })
})

describe('planSettlement with statement fees', () => {
  const statement = (text: string): readonly FeeStatementRow[] => {
    const parsed = parseFeeStatement(text)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
    return parsed.value
  }

  it('adds transaction rows and spreads a batch-level fee over the transactions with allocate', () => {
    const rows = statement(
      [
        'batch_id,transaction_id,vendor_tx_code,fee,currency',
        `,${TX1.toLowerCase()},,0.35,GBP`,
        ',,INV-1043-1,0.10,GBP',
        '1234,,,0.10,GBP',
        '9999,,,5.00,GBP',
      ].join('\n'),
    )
    const plan = posted(
      planSettlement(gbpBatch({ received: gbp(14495) }), {
        accounts,
        fees: { source: 'statement', rows },
      }),
    )
    expect(plan.totals.fees).toEqual(gbp(55))
    expect(plan.totals.net).toEqual(gbp(14495))
    // 10p over 12000 : 4550 : 2000 -> 6.5p, 2.5p, 1.1p: 6 + 2 + 1 = 9, the last penny to the largest remainder
    expect(plan.transactions.map((t) => t.fee.amount)).toEqual([35 + 7, 10 + 2, 1])
    // Fees the acquirer stated are not an estimate: the fee line says nothing of fee rules.
    expect(plan.feeJournal?.lines[0]?.comment).toBe('Opayo card fees, batch 1234 (3 transactions)')
  })

  it('waits when no statement row covers the batch', () => {
    const rows = statement('batch_id,fee,currency\n9999,5.00,GBP')
    expect(
      planSettlement(gbpBatch(), { accounts, fees: { source: 'statement', rows } }),
    ).toMatchObject({
      kind: 'wait',
      reason: 'fees_not_imported',
      unposted: [],
    })
  })

  it('dead-letters a statement row in another currency than the batch', () => {
    const rows = statement('batch_id,fee,currency\n1234,5.00,EUR')
    expect(
      planSettlement(gbpBatch(), { accounts, fees: { source: 'statement', rows } }),
    ).toMatchObject({
      kind: 'dead-letter',
      issues: [{ code: 'currency_mismatch' }],
    })
  })
})

describe('planSettlement in a foreign currency', () => {
  const eurRules = defineFeeRules({ currency: 'EUR', rules: [{ percent: '1.5', fixed: 20 }] })
  const eurBatch = (received?: number): SettlementBatchInput => ({
    batchId: '77',
    date: '2026-11-05',
    currency: 'EUR',
    gross: money(11650, 'EUR'),
    ...(received === undefined ? {} : { received: gbp(received) }),
    transactions: [
      {
        transactionId: TX1,
        kind: 'payment',
        amount: money(11650, 'EUR'),
        scheme: 'visa',
        posted: {
          amount: money(11650, 'EUR'),
          rate: { from: 'GBP', to: 'EUR', value: '1.165', source: 'kashflow', at: '2026-11-01' },
        },
      },
    ],
  })

  it('waits until the home-currency amount that reached the bank is known', () => {
    expect(
      planSettlement(eurBatch(), { accounts, fees: { source: 'rules', rules: eurRules } }),
    ).toMatchObject({ kind: 'wait', reason: 'amount_received_unknown' })
  })

  it('dead-letters a deposit far from what the batch is worth (9.78 typed for 97.80), never an exchange loss', () => {
    const plan = planSettlement(eurBatch(978), {
      accounts,
      fees: { source: 'rules', rules: eurRules },
    })
    expect(plan).toMatchObject({
      kind: 'dead-letter',
      issues: [{ code: 'implausible_amount_received', path: ['received'] }],
    })
    expect(plan.kind === 'dead-letter' && plan.issues[0]?.message).toMatch(
      /£9\.78 reached the bank.*worth £99\.\d\d.*more than 5% apart/,
    )
    // A wider bound is a choice the caller makes.
    expect(
      planSettlement(eurBatch(978), {
        accounts,
        fees: { source: 'rules', rules: eurRules },
        maxRateDeviation: 95,
      }).kind,
    ).toBe('post')
  })

  it('values the fees at the payout rate and books the rest as a realised exchange difference', () => {
    const plan = posted(
      planSettlement(eurBatch(9780), { accounts, fees: { source: 'rules', rules: eurRules } }),
    )
    // fee: 1.5% of €116.50 = 174.75c -> 175c, + 20c = €1.95; net €114.55
    // fees in GBP at the payout's own rate: 195c * 9780p / 11455c = 166.49p -> 166p;
    // posted £100.00 (€116.50 / 1.165) - received £97.80 - fees £1.66 = £0.54 exchange loss
    expect(plan.totals).toMatchObject({
      fees: money(195, 'EUR'),
      net: money(11455, 'EUR'),
      postedHome: gbp(10000),
      received: gbp(9780),
      feesHome: gbp(166),
      fxDifference: gbp(54),
      clearingRemainder: gbp(0),
    })
    expect(plan.feeJournal?.lines).toEqual([
      dr(7901, 166, 'Opayo card fees (estimated from fee rules), batch 77 (1 transaction)'),
      cr(1210, 166, 'Opayo clearing, batch 77 fees'),
    ])
    expect(plan.fxJournal?.lines).toEqual([
      dr(7906, 54, 'Realised exchange loss, batch 77'),
      cr(1210, 54, 'Opayo clearing, batch 77 exchange difference'),
    ])
    expect(plan.transfer?.amount).toEqual(gbp(9780))
    expect(balance(plan.feeJournal)).toBe(0)
    expect(balance(plan.fxJournal)).toBe(0)
    expect(balance(plan.transfer)).toBe(0)
  })
})
