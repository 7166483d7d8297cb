// The journal step of planSettlement: the fee journal and the exchange difference journal, each
// against the clearing account, each balanced in integer minor units.
import type { JournalIntent, JournalLine } from '../posting/intent.js'
import { format } from '../money/money.js'
import { amountText } from './settlement-amounts.js'
import type { MoneyOf } from './settlement-amounts.js'
import type { SettlementContext } from './settlement-context.js'
import type { SettlementFigures } from './settlement-figures.js'
import { settlementMarker } from './settlement-marker.js'
import type { SettlementTotals } from './settlement-plan-types.js'

/**
 * One journal line in the home currency: a debit when `units` is positive, a credit when
 * negative, none when zero.
 * @example const line = journalLine(ctx, moneyOf, 7901, 170n, 'Opayo card fees, batch 1001')
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
 * @example const lines = present([journalLine(ctx, moneyOf, 1200, 100n, 'x'), undefined])
 */
export function present(lines: readonly (JournalLine | undefined)[]): JournalLine[] {
  return lines.filter((l): l is JournalLine => l !== undefined)
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
    date: ctx.batch.date,
    reference: entryMarker,
    comment,
    lines,
  }
}

/**
 * The fee journal: the fees nominal debited with the planned fees (plus a named "fee difference"
 * line when the acquirer deducted a little more or less), clearing credited; absent when zero.
 * @example const fees = feeJournal(ctx, moneyOf, figures, totals)
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
      `Opayo card fees, batch ${batchId} (${count} transaction${count === 1 ? '' : 's'})`,
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
 * @example const fx = fxJournal(ctx, moneyOf, figures, totals)
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
