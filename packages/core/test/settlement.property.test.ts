import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CARD_SCHEMES,
  defineFeeRules,
  feeFor,
  defineSettlementAccounts,
  money,
  normaliseTransactionId,
  planSettlement,
} from '../src/index.js'
import type {
  CurrencyCode,
  FeeStatementRow,
  JournalLine,
  Money,
  PlanSettlementOptions,
  RateRecord,
  SettlementBatchInput,
  SettlementPlan,
  SettlementPostPlan,
  SettlementTransactionLine,
} from '../src/index.js'

const accounts = defineSettlementAccounts({
  homeCurrency: 'GBP',
  clearing: { bankAccountId: 7, nominalCode: 1210 },
  bank: { bankAccountId: 1, nominalCode: 1200 },
  feesNominalCode: 7901,
  fxNominalCode: 7906,
})
const HOME: CurrencyCode = 'GBP'
const TOLERANCE = 50

/** A rate as a decimal string with four places, 0.5000 to 2.0000. */
const rateValue = fc
  .integer({ min: 5_000, max: 20_000 })
  .map((n) => `${Math.floor(n / 10_000)}.${String(n % 10_000).padStart(4, '0')}`)

const hex = fc.stringMatching(/^[0-9A-F]{8}$/)

interface Scenario {
  readonly batch: SettlementBatchInput
  readonly options: PlanSettlementOptions
}

/** A batch Opayo could report: gross is payments minus refunds, everything posted. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    currency: fc.constantFrom<CurrencyCode>('GBP', 'EUR'),
    batchId: fc.stringMatching(/^[0-9]{1,10}$/),
    transactions: fc.uniqueArray(
      fc.record({
        id: hex,
        kind: fc.constantFrom('payment' as const, 'refund' as const),
        amount: fc.integer({ min: 0, max: 100_000_000 }),
        scheme: fc.option(fc.constantFrom(...CARD_SCHEMES), { nil: undefined }),
        // How it was posted: in the batch currency, or on an invoice in the other currency.
        foreignInvoice: fc.boolean(),
        foreignAmount: fc.integer({ min: 0, max: 100_000_000 }),
        rate: rateValue,
      }),
      { minLength: 1, maxLength: 8, selector: (t) => t.id },
    ),
    fees: fc.oneof(
      fc.record({
        source: fc.constant('rules' as const),
        percent: fc.integer({ min: 0, max: 50_000 }).map((n) => (n / 10_000).toFixed(4)),
        fixed: fc.integer({ min: 0, max: 500 }),
        minimum: fc.integer({ min: 0, max: 500 }),
        refunds: fc.constantFrom('free' as const, 'charged' as const),
      }),
      fc.record({
        source: fc.constant('statement' as const),
        perTransaction: fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 8 }),
        batchLevel: fc.integer({ min: 0, max: 100_000 }),
      }),
      fc.record({ source: fc.constant('none' as const) }),
    ),
    /** Home batch: what arrived differs from the plan by at most TOLERANCE; foreign: a rate. */
    receivedShift: fc.option(fc.integer({ min: -TOLERANCE, max: TOLERANCE }), { nil: undefined }),
    payoutRate: fc.integer({ min: 5_000, max: 20_000 }),
  })
  .map((g): Scenario => {
    const currency = g.currency
    const other: CurrencyCode = currency === 'GBP' ? 'EUR' : 'GBP'
    const transactions = g.transactions.map((t) => {
      const amount = money(t.amount, currency)
      // A rate between the invoice currency and home (GBP -> EUR, KashFlow's direction).
      const rate: RateRecord = {
        from: 'GBP',
        to: 'EUR',
        value: t.rate,
        source: 'kashflow',
        at: '2026-11-01',
      }
      const invoiceCurrency = t.foreignInvoice ? other : currency
      const postedAmount = t.foreignInvoice ? money(t.foreignAmount, other) : amount
      return {
        transactionId: `{${t.id}-0000-4000-8000-000000000000}`,
        vendorTxCode: `INV-${t.id}`,
        kind: t.kind,
        amount,
        ...(t.scheme === undefined ? {} : { scheme: t.scheme }),
        posted: { amount: postedAmount, ...(invoiceCurrency === HOME ? {} : { rate }) },
      }
    })
    const gross = transactions.reduce(
      (sum, t) => sum + (t.kind === 'refund' ? 0 - t.amount.amount : t.amount.amount),
      0,
    )
    let fees: PlanSettlementOptions['fees']
    let planned = 0
    if (g.fees.source === 'rules') {
      fees = {
        source: 'rules',
        rules: defineFeeRules({
          currency,
          refunds: g.fees.refunds,
          rules: [{ percent: g.fees.percent, fixed: g.fees.fixed, minimum: g.fees.minimum }],
        }),
      }
    } else if (g.fees.source === 'statement') {
      const rows: FeeStatementRow[] = g.fees.perTransaction
        .slice(0, transactions.length)
        .map((fee, index) => ({
          line: index + 2,
          transactionId: normaliseTransactionId(transactions[index]?.transactionId ?? ''),
          fee: money(fee, currency),
        }))
      rows.push({
        line: rows.length + 2,
        batchId: g.batchId,
        fee: money(g.fees.batchLevel, currency),
      })
      fees = { source: 'statement', rows }
      planned = rows.reduce((sum, r) => sum + r.fee.amount, 0)
    } else fees = { source: 'none' }
    if (fees.source === 'rules') {
      const rules = fees.rules
      planned = transactions.reduce((sum, t) => {
        const priced = feeFor(
          { kind: t.kind, amount: t.amount, ...(t.scheme ? { card: { scheme: t.scheme } } : {}) },
          rules,
        )
        return sum + (priced.ok ? priced.value.amount : 0)
      }, 0)
    }
    let received: Money
    if (currency === HOME) {
      // The deposit observed: the expected net, or a few pence off it (a fee difference).
      received = money(gross - planned + (g.receivedShift ?? 0), HOME)
    } else {
      // The acquirer converts the net at its own rate; the exact figure is its business.
      received = money(Math.round((gross * 10_000) / g.payoutRate), HOME)
    }
    return {
      batch: {
        batchId: g.batchId,
        date: '2026-11-02',
        currency,
        gross: money(gross, currency),
        received,
        transactions,
      },
      // A wide rate bound: these properties are about balancing, not the bound.
      options: { accounts, fees, maxFeeDifference: TOLERANCE, maxRateDeviation: 99 },
    }
  })

function journals(plan: SettlementPostPlan): { readonly lines: readonly JournalLine[] }[] {
  return [plan.transfer, plan.feeJournal, plan.fxJournal].filter(
    (j): j is NonNullable<typeof j> => j !== undefined,
  )
}

/**
 * A foreign batch whose net is zero or whose payout has the other sign cannot price its fees, and
 * one whose random payout rate lands far from its random booked rates is implausible: both are
 * dead letters by design; everything else posts.
 */
function expectPostOrUnpriceable(plan: SettlementPlan): plan is SettlementPostPlan {
  if (plan.kind === 'post') return true
  expect(plan.kind).toBe('dead-letter')
  expect(plan.kind === 'dead-letter' && plan.issues[0]?.code).toMatch(
    /^(missing_exchange_rate|implausible_amount_received)$/,
  )
  return false
}

describe('planSettlement properties', () => {
  it('every planned journal balances, line by line positive, in the home currency', () => {
    fc.assert(
      fc.property(scenario, ({ batch, options }) => {
        const plan = planSettlement(batch, options)
        if (!expectPostOrUnpriceable(plan)) return
        for (const journal of journals(plan)) {
          expect(journal.lines.length).toBeGreaterThanOrEqual(2)
          let debits = 0
          let credits = 0
          for (const line of journal.lines) {
            const side = line.debit ?? line.credit
            expect((line.debit === undefined) !== (line.credit === undefined)).toBe(true)
            expect(side?.amount).toBeGreaterThan(0)
            expect(Number.isSafeInteger(side?.amount)).toBe(true)
            expect(side?.currency).toBe(HOME)
            debits += line.debit?.amount ?? 0
            credits += line.credit?.amount ?? 0
          }
          expect(debits).toBe(credits)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('fees + net = gross, and the transactions add up to the totals', () => {
    fc.assert(
      fc.property(scenario, ({ batch, options }) => {
        const plan = planSettlement(batch, options)
        if (!expectPostOrUnpriceable(plan)) return
        const { totals } = plan
        expect(totals.fees.amount + totals.net.amount).toBe(totals.gross.amount)
        expect(totals.gross).toEqual(batch.gross)
        const sum = (pick: (t: SettlementTransactionLine) => number) =>
          plan.transactions.reduce((s, t) => s + pick(t), 0)
        expect(sum((t) => t.fee.amount)).toBe(totals.fees.amount)
        expect(sum((t) => t.postedHome.amount)).toBe(totals.postedHome.amount)
        expect(sum((t) => t.fxDifference.amount)).toBe(totals.fxDifference.amount)
      }),
      { numRuns: 300 },
    )
  })

  it('allocation never loses a minor unit: a batch-level fee is spread over its transactions exactly', () => {
    fc.assert(
      fc.property(scenario, ({ batch, options }) => {
        fc.pre(options.fees.source === 'statement')
        const plan = planSettlement(batch, options)
        if (!expectPostOrUnpriceable(plan)) return
        const rows = options.fees.source === 'statement' ? options.fees.rows : []
        const total = rows.reduce((s, r) => s + r.fee.amount, 0)
        expect(plan.transactions.reduce((s, t) => s + t.fee.amount, 0)).toBe(total)
      }),
      { numRuns: 200 },
    )
  })

  it('empties the clearing account: what the batch posted leaves by transfer, fees and FX', () => {
    fc.assert(
      fc.property(scenario, ({ batch, options }) => {
        const plan = planSettlement(batch, options)
        if (!expectPostOrUnpriceable(plan)) return
        const clearing = journals(plan)
          .flatMap((j) => j.lines)
          .filter((l) => l.nominalCode === accounts.clearing.nominalCode)
          .reduce((s, l) => s + (l.debit?.amount ?? 0) - (l.credit?.amount ?? 0), 0)
        expect(clearing).toBe(0 - plan.totals.postedHome.amount)
        expect(plan.totals.clearingRemainder.amount).toBe(0)
        const transfer = plan.transfer?.amount.amount ?? 0
        expect(Math.abs(plan.totals.received.amount)).toBe(transfer)
      }),
      { numRuns: 300 },
    )
  })

  it('is deterministic: the same batch gives a deep-equal plan and the same markers', () => {
    fc.assert(
      fc.property(scenario, ({ batch, options }) => {
        const first = planSettlement(batch, options)
        const second = planSettlement(structuredClone(batch), options)
        expect(second).toEqual(first)
        expect(second.kind === 'dead-letter' ? undefined : second.marker).toBe(
          first.kind === 'dead-letter' ? undefined : `OPAYO-BATCH:${batch.batchId}:settlement`,
        )
      }),
      { numRuns: 200 },
    )
  })

  it('a batch with an unposted transaction always waits, naming exactly those transactions', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        ({ batch, options }, unpostedMask) => {
          fc.pre(unpostedMask.slice(0, batch.transactions.length).some(Boolean))
          const transactions = batch.transactions.map((t, index) =>
            unpostedMask[index] ? { ...t, posted: undefined } : t,
          )
          const plan = planSettlement({ ...batch, transactions }, options)
          expect(plan.kind).toBe('wait')
          if (plan.kind !== 'wait') return
          expect(plan.reason).toBe('transactions_not_posted')
          expect(plan.unposted).toEqual(
            transactions
              .filter((t) => t.posted === undefined)
              .map((t) => normaliseTransactionId(t.transactionId)),
          )
        },
      ),
      { numRuns: 200 },
    )
  })
})
