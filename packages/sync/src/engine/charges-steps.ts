// The two steps that decide what a charge statement writes, before anything is written: the
// true-up (what the month's batches booked in fees, from the batch-fees list, then core's
// planChargeTrueUp for the one bank line of the difference; it waits while a batch of the month
// is not settled, and stops for a person when the list cannot tell), and, with deposits read from
// the bank, the bank's own debit line the statement's bank lines are dated on. Never a guess.
import { money, planChargeTrueUp } from '@opayo-kashflow/core'
import type { ChargeTrueUp, CurrencyCode, Money, PlannedCharge } from '@opayo-kashflow/core'
import type { EventRecord } from '../store/store.js'
import { bookedFees } from './batch-fees-index.js'
import type { EngineContext } from './context.js'
import { debitLineOrWait } from './bank-lines.js'

/** What a posted statement records of its true-up. */
export interface TrueUpRecord {
  readonly period: string
  /** What the statement's true-up lines state. */
  readonly stated: Money
  /** What the month's batches booked, and how many batches. */
  readonly booked: Money
  readonly batches: number
  /** The bank line's marker, or undefined when the two agreed (nothing posted). */
  readonly marker?: string
}

/**
 * The true-up line to write (undefined when the month's batches booked exactly what the
 * statement states) and what to record; or `'stopped'` when the statement waits for a batch of
 * the month, or is dead-lettered `true_up_cannot_tell` (both already recorded on the event).
 * @example
 * async function step(ctx: Parameters<typeof trueUpStep>[0], event: EventRecord, trueUp: ChargeTrueUp) {
 *   const found = await trueUpStep(ctx, event, 'ELV-2026-10', 'GBP', trueUp)
 *   if (found !== 'stopped') console.log(found.line?.amount, found.record.booked)
 * }
 */
export async function trueUpStep(
  ctx: EngineContext,
  event: EventRecord,
  statementId: string,
  currency: CurrencyCode,
  trueUp: ChargeTrueUp,
): Promise<{ readonly line?: PlannedCharge; readonly record: TrueUpRecord } | 'stopped'> {
  const booked = await bookedFees(ctx, trueUp.period, currency)
  if (booked.kind === 'wait') {
    await ctx.settleFailure(
      event,
      { kind: 'settlement-wait', message: booked.message },
      { lastError: undefined, detail: { reason: 'true_up_waiting', message: booked.message } },
    )
    return 'stopped'
  }
  if (booked.kind === 'cannot-tell') {
    await ctx.deadLetter(event, 'true_up_cannot_tell', {
      detail: { statementId, period: trueUp.period, message: booked.message },
      outcome: booked.message,
    })
    return 'stopped'
  }
  const line = planChargeTrueUp(statementId, trueUp, booked.fees)
  const record: TrueUpRecord = {
    period: trueUp.period,
    stated: trueUp.stated,
    booked: booked.fees,
    batches: booked.batches,
    ...(line ? { marker: line.marker } : {}),
  }
  return line ? { line, record } : { record }
}

/**
 * Under `payout: 'gross'` with `settlement.deposits`, the bank line that shows what the statement takes from the bank
 * (its `from: 'bank'` lines, net of credits): one line of that amount, money out (in, for a net
 * credit), from the statement's first bank-line day to `windowDays` after, claimed for the
 * statement so no other statement or batch takes it. Several or none: the statement waits, its
 * message saying what it looked for (`'wait'`, already recorded). Undefined when deposits are not
 * read from the bank, or the statement takes nothing from it.
 * @example
 * async function debit(ctx: Parameters<typeof bankDebitOf>[0], event: EventRecord, lines: readonly PlannedCharge[]) {
 *   const found = await bankDebitOf(ctx, event, lines)
 *   if (found && found !== 'wait') console.log(found.id, found.date)
 * }
 */
export async function bankDebitOf(
  ctx: EngineContext,
  event: EventRecord,
  lines: readonly PlannedCharge[],
): Promise<{ readonly id: string; readonly date: string } | 'wait' | undefined> {
  const settlement = ctx.options.settlement
  const bankLines = lines.filter((line) => line.from === 'bank')
  const [first] = bankLines
  // Gross settle only: there the acquirer collects the month's charges by a direct debit of its
  // own. Under net payout a bank-paid charge (a gateway invoice paid by card, say) may show no
  // single debit, so it posts as the statement states it.
  if (!settlement?.deposits || settlement.payout !== 'gross' || !first) return undefined
  const net = bankLines.reduce(
    (total, line) => total + (line.direction === 'paidOut' ? 1 : -1) * line.amount.amount,
    0,
  )
  if (net === 0) return undefined
  const from = bankLines.map((line) => line.date).sort()[0] ?? first.date
  return debitLineOrWait(
    ctx,
    event,
    settlement.deposits,
    settlement.accounts.bank.bankAccountId,
    money(net, first.amount.currency),
    from,
  )
}
