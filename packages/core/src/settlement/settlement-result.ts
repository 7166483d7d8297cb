// The result step of planSettlement: the figures as Money, each transaction's line (its fee and
// its share of the exchange difference), and the post plan.
import type { JournalIntent } from '../posting/intent.js'
import { spread } from './settlement-amounts.js'
import type { MoneyOf } from './settlement-amounts.js'
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
 * @example const totals = settlementTotals(ctx, moneyOf, figures)
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
    fxDifference: money(figures.fx, home, ['fxDifference']),
    clearingRemainder: money(figures.remainder, home, ['clearingRemainder']),
  }
}

/**
 * One line per transaction: what it settled, its fee, what it posted, and its share of the
 * exchange difference (spread by posted amount with allocate, so no minor unit is lost).
 * @example const lines = transactionLines(ctx, moneyOf, fees, postedHome, totals)
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
 * @example const plan = postPlan(ctx, { transfer, feeJournal, fxJournal, totals, transactions })
 */
export function postPlan(ctx: SettlementContext, entries: SettlementEntries): SettlementPostPlan {
  const { transfer, feeJournal, fxJournal, totals, transactions } = entries
  return {
    kind: 'post',
    batchId: ctx.batchId,
    marker: ctx.marker,
    date: ctx.batch.date,
    ...(transfer === undefined ? {} : { transfer }),
    ...(feeJournal === undefined ? {} : { feeJournal }),
    ...(fxJournal === undefined ? {} : { fxJournal }),
    totals,
    transactions,
  }
}
