// The result step of planSettlement: the figures as Money, each transaction's line (its fee and
// its share of the exchange difference), and the post plan.
import type { JournalIntent } from '../posting/intent.js'
import { spread } from './settlement-amounts.js'
import type { MoneyOf } from './settlement-amounts.js'
import { depositDate } from './settlement-context.js'
import type { SettlementContext } from './settlement-context.js'
import type { SettlementFigures } from './settlement-figures.js'
import type {
  SettlementPostPlan,
  SettlementTotals,
  SettlementTransactionLine,
  SettlementTransferIntent,
} from './settlement-plan-types.js'

/**
 * The batch's figures as Money: batch-currency ones in the batch currency, the rest in the home
 * currency.
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [{ transactionId: 'T1', kind: 'payment',
 *   amount: money(10000, 'GBP'), posted: { amount: money(10000, 'GBP') } }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * // What openBatch makes of them for every step:
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0, payout: 'net', maxRateDeviation: 5,
 *   monthEnd: 'deposit-date' } as const
 * const moneyOf = (units: bigint, code: CurrencyCode) => money(Number(units), code)
 * const figures = { gross: 10000n, fee: 170n, net: 9830n, received: 9830n, feesHome: 170n,
 *   feeDifference: 0n, payoutDifference: 0n, totalPosted: 10000n, fx: 0n, remainder: 0n }
 * const totals = settlementTotals(ctx, moneyOf, figures) // net: £98.30, received: £98.30, ...
 */
export function settlementTotals(
  ctx: SettlementContext,
  money: MoneyOf,
  figures: SettlementFigures,
): SettlementTotals {
  const currency = ctx.batch.currency
  const { home } = ctx
  return {
    gross: money(figures.gross, currency, ['gross']),
    fees: money(figures.fee, currency, ['fees']),
    net: money(figures.net, currency, ['net']),
    postedHome: money(figures.totalPosted, home, ['postedHome']),
    received: money(figures.received, home, ['received']),
    feesHome: money(figures.feesHome, home, ['feesHome']),
    feeDifference: money(figures.feeDifference, home, ['feeDifference']),
    payoutDifference: money(figures.payoutDifference, home, ['payoutDifference']),
    fxDifference: money(figures.fx, home, ['fxDifference']),
    clearingRemainder: money(figures.remainder, home, ['clearingRemainder']),
  }
}

/**
 * One line per transaction: what it settled, its fee, what it posted, and its share of the
 * exchange difference (spread by posted amount with allocate, so no minor unit is lost).
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [{ transactionId: 'T1', kind: 'payment',
 *   amount: money(10000, 'GBP'), posted: { amount: money(10000, 'GBP') } }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * // What openBatch makes of them for every step:
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0, payout: 'net', maxRateDeviation: 5,
 *   monthEnd: 'deposit-date' } as const
 * const moneyOf = (units: bigint, code: CurrencyCode) => money(Number(units), code)
 * const figures = { gross: 10000n, fee: 170n, net: 9830n, received: 9830n, feesHome: 170n,
 *   feeDifference: 0n, payoutDifference: 0n, totalPosted: 10000n, fx: 0n, remainder: 0n }
 * const totals = settlementTotals(ctx, moneyOf, figures)
 * const lines = transactionLines(ctx, moneyOf, [170n], [10000n], totals)
 * // [{ transactionId: 'T1', kind: 'payment', amount: £100.00, fee: £1.70, postedHome: £100.00,
 * //    fxDifference: £0.00 }]
 */
export function transactionLines(
  ctx: SettlementContext,
  money: MoneyOf,
  fees: readonly bigint[],
  postedHome: readonly bigint[],
  totals: SettlementTotals,
): SettlementTransactionLine[] {
  const { batch, home, ids } = ctx
  const fxShares = spread(
    totals.fxDifference,
    postedHome.map((p) => (p < 0n ? -p : p)),
  )
  return batch.transactions.map((t, index): SettlementTransactionLine => ({
    transactionId: ids[index] ?? '',
    kind: t.kind,
    amount: t.amount,
    fee: money(fees[index] ?? 0n, batch.currency, ['transactions', index, 'fee']),
    postedHome: money(postedHome[index] ?? 0n, home, ['transactions', index, 'postedHome']),
    fxDifference: fxShares[index] ?? money(0n, home, []),
  }))
}

/** What a post plan is made of; each entry absent when its amount is zero. */
export interface SettlementEntries {
  readonly transfer: SettlementTransferIntent | undefined
  readonly feeJournal: JournalIntent | undefined
  readonly fxJournal: JournalIntent | undefined
  readonly totals: SettlementTotals
  readonly transactions: readonly SettlementTransactionLine[]
}

/**
 * The post plan, leaving out the entries that are absent.
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [{ transactionId: 'T1', kind: 'payment',
 *   amount: money(10000, 'GBP'), posted: { amount: money(10000, 'GBP') } }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * // What openBatch makes of them for every step:
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0, payout: 'net', maxRateDeviation: 5,
 *   monthEnd: 'deposit-date' } as const
 * const moneyOf = (units: bigint, code: CurrencyCode) => money(Number(units), code)
 * const figures = { gross: 10000n, fee: 170n, net: 9830n, received: 9830n, feesHome: 170n,
 *   feeDifference: 0n, payoutDifference: 0n, totalPosted: 10000n, fx: 0n, remainder: 0n }
 * const totals = settlementTotals(ctx, moneyOf, figures)
 * const transactions = transactionLines(ctx, moneyOf, [170n], [10000n], totals)
 * const entries = { transfer: undefined, feeJournal: undefined, fxJournal: undefined }
 * const plan = postPlan(ctx, { ...entries, totals, transactions }) // no transfer or journal keys
 */
export function postPlan(ctx: SettlementContext, entries: SettlementEntries): SettlementPostPlan {
  const { transfer, feeJournal, fxJournal, totals, transactions } = entries
  return {
    kind: 'post',
    batchId: ctx.batchId,
    marker: ctx.marker,
    date: depositDate(ctx),
    ...(transfer === undefined ? {} : { transfer }),
    ...(feeJournal === undefined ? {} : { feeJournal }),
    ...(fxJournal === undefined ? {} : { fxJournal }),
    totals,
    transactions,
  }
}
