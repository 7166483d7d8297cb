// The journal step of planSettlement: the fee journal and the exchange difference journal, each
// against the clearing account, each balanced in integer minor units.
import type { JournalIntent, JournalLine } from '../posting/intent.js'
import { format } from '../money/money.js'
import { amountText } from './settlement-amounts.js'
import type { MoneyOf } from './settlement-amounts.js'
import { depositDate } from './settlement-context.js'
import type { SettlementContext } from './settlement-context.js'
import type { SettlementFigures } from './settlement-figures.js'
import { settlementMarker } from './settlement-marker.js'
import type { SettlementTotals } from './settlement-plan-types.js'

/**
 * One journal line in the home currency: a debit when `units` is positive, a credit when
 * negative, none when zero.
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
 * const line = journalLine(ctx, moneyOf, 7901, 170n, 'Opayo card fees, batch 1001')
 * // { nominalCode: 7901, debit: { amount: 170, currency: 'GBP' }, comment: 'Opayo card ...' }
 */
export function journalLine(
  ctx: SettlementContext,
  money: MoneyOf,
  nominalCode: number,
  units: bigint,
  comment: string,
): JournalLine | undefined {
  if (units === 0n) return undefined
  const side = money(units < 0n ? -units : units, ctx.home, [])
  return units > 0n ? { nominalCode, debit: side, comment } : { nominalCode, credit: side, comment }
}

/**
 * The lines that are there (a zero amount makes no line).
 * @example
 * const lines = present([{ nominalCode: 7901, debit: money(170, 'GBP') }, undefined]) // one line
 */
export function present(lines: readonly (JournalLine | undefined)[]): JournalLine[] {
  return lines.filter((l): l is JournalLine => l !== undefined)
}

/**
 * The fee journal's day: the deposit's day, unless `monthEnd` is `split` and the deposit reached
 * the bank in a later month than the batch: then the batch's own day, in the month of its sales.
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-10-31', currency: 'GBP',
 *   gross: money(10000, 'GBP'), received: money(9830, 'GBP'), receivedOn: '2026-11-03',
 *   transactions: [{ transactionId: 'T1', kind: 'payment', amount: money(10000, 'GBP'),
 *   posted: { amount: money(10000, 'GBP') } }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0, payout: 'net',
 *   maxRateDeviation: 5, monthEnd: 'split' } as const
 * feeJournalDate(ctx) // '2026-10-31': October's fees stay in October
 */
export function feeJournalDate(ctx: SettlementContext): string {
  const { date } = ctx.batch
  const deposited = depositDate(ctx)
  return ctx.monthEnd === 'split' && deposited.slice(0, 7) > date.slice(0, 7) ? date : deposited
}

function journal(
  ctx: SettlementContext,
  purpose: 'fees' | 'fx',
  comment: string,
  lines: readonly JournalLine[],
): JournalIntent {
  const entryMarker = settlementMarker(ctx.batchId, purpose)
  return {
    kind: 'journal',
    paymentId: ctx.eventId,
    marker: entryMarker,
    date: purpose === 'fees' ? feeJournalDate(ctx) : depositDate(ctx),
    reference: entryMarker,
    comment,
    lines,
  }
}

/**
 * The fee journal: the fees nominal debited with the planned fees (plus a named "fee difference"
 * line when the acquirer deducted a little more or less), clearing credited; absent when zero.
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
 * const gbp = (units: number) => money(units, 'GBP')
 * const totals: SettlementTotals = { gross: gbp(10000), fees: gbp(170), net: gbp(9830),
 *   postedHome: gbp(10000), received: gbp(9830), feesHome: gbp(170), feeDifference: gbp(0), payoutDifference: gbp(0),
 *   fxDifference: gbp(0), clearingRemainder: gbp(0) }
 * const fees = feeJournal(ctx, moneyOf, figures, totals) // Dr 7901 £1.70, Cr 1210 £1.70
 */
export function feeJournal(
  ctx: SettlementContext,
  money: MoneyOf,
  figures: SettlementFigures,
  totals: SettlementTotals,
): JournalIntent | undefined {
  const { accounts, batch, batchId, home } = ctx
  const { fee, feesHome, feeDifference } = figures
  const count = batch.transactions.length
  const lines = present([
    journalLine(
      ctx,
      money,
      accounts.feesNominalCode,
      feesHome,
      `Opayo card fees${ctx.feesEstimated ? ' (estimated from fee rules)' : ''}, batch ${batchId} (${count} transaction${count === 1 ? '' : 's'})`,
    ),
    journalLine(
      ctx,
      money,
      accounts.feesNominalCode,
      feeDifference,
      `Fee difference, batch ${batchId}: acquirer deducted ${amountText(fee + feeDifference, home)}, planned ${amountText(fee, home)}`,
    ),
    journalLine(
      ctx,
      money,
      accounts.clearing.nominalCode,
      -(feesHome + feeDifference),
      `Opayo clearing, batch ${batchId} fees`,
    ),
  ])
  if (lines.length === 0) return undefined
  const comment = `Opayo fees, batch ${batchId} of ${batch.date}: ${format(totals.fees)}`
  return journal(ctx, 'fees', comment, lines)
}

/**
 * The realised exchange gain or loss journal for what is left on clearing; absent when zero.
 * @example
 * const rate = { from: 'GBP', to: 'EUR', value: '1.1650', source: 'kashflow-invoice',
 *   at: '2026-11-02' } as const
 * const posted = { amount: money(10000, 'EUR'), rate } // €100.00 posted: £85.84 at KashFlow's rate
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'EUR',
 *   gross: money(10000, 'EUR'), received: money(8400, 'GBP'), transactions: [{ transactionId: 'T1',
 *   kind: 'payment', amount: money(10000, 'EUR'), posted }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * // What openBatch makes of them for every step:
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0, payout: 'net', maxRateDeviation: 5,
 *   monthEnd: 'deposit-date' } as const
 * const moneyOf = (units: bigint, code: CurrencyCode) => money(Number(units), code)
 * const figures = { gross: 10000n, fee: 170n, net: 9830n, received: 8400n, feesHome: 145n,
 *   feeDifference: 0n, payoutDifference: 0n, totalPosted: 8584n, fx: 39n, remainder: 0n }
 * const eur = (units: number) => money(units, 'EUR')
 * const gbp = (units: number) => money(units, 'GBP')
 * const totals: SettlementTotals = { gross: eur(10000), fees: eur(170), net: eur(9830),
 *   postedHome: gbp(8584), received: gbp(8400), feesHome: gbp(145), feeDifference: gbp(0), payoutDifference: gbp(0),
 *   fxDifference: gbp(39), clearingRemainder: gbp(0) }
 * const fx = fxJournal(ctx, moneyOf, figures, totals) // a 39p loss: Dr 7906 £0.39, Cr 1210 £0.39
 */
export function fxJournal(
  ctx: SettlementContext,
  money: MoneyOf,
  figures: SettlementFigures,
  totals: SettlementTotals,
): JournalIntent | undefined {
  const { accounts, batch, batchId } = ctx
  const { fx } = figures
  const lines = present([
    journalLine(
      ctx,
      money,
      accounts.fxNominalCode,
      fx,
      fx > 0n
        ? `Realised exchange loss, batch ${batchId}`
        : `Realised exchange gain, batch ${batchId}`,
    ),
    journalLine(
      ctx,
      money,
      accounts.clearing.nominalCode,
      -fx,
      `Opayo clearing, batch ${batchId} exchange difference`,
    ),
  ])
  if (lines.length === 0) return undefined
  const comment = `Opayo exchange difference, batch ${batchId} of ${batch.date}: ${format(totals.fxDifference)}`
  return journal(ctx, 'fx', comment, lines)
}
