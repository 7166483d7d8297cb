// After a batch was posted: a deposit corrected, or its payout difference explained. Never
// refused, never rewritten: each is an event of its own (`batch:{id}:deposit`,
// `batch:{id}:chargeback`, `...:reserve`, `...:charges`), posted once as a journal through the
// same write-once ledger as every entry: the corrected deposit between the bank and the clearing
// account, an explanation between its nominal and the clearing account (or the bank account, for
// money debited on its own, as gross settle collects a chargeback).
import { format, money, settlementMarker } from '@opayo-kashflow/core'
import type { JournalIntent, Money, SettlementAccounts } from '@opayo-kashflow/core'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { executeIntent } from './ledger.js'
import { debitLineOrWait } from './bank-lines.js'
import { settlementFailed } from './settlement-failure.js'
import type { SettledBatchRecord } from './settlement-types.js'

/** What took part of a batch's payout before it reached the bank. */
export type PayoutDifferenceKind = 'chargeback' | 'reserve' | 'charges'

/** The stored payload of a deposit adjustment or of a payout difference explained. */
export interface DepositAdjustment {
  readonly settlementAdjustment:
    | {
        readonly batchId: string
        readonly kind?: 'deposit'
        /** The deposit the batch was posted with, home currency. */
        readonly before: Money
        /** The corrected deposit. */
        readonly after: Money
        /** The day of the corrected deposit, YYYY-MM-DD: the journal's date. */
        readonly date: string
      }
    | {
        readonly batchId: string
        readonly kind: PayoutDifferenceKind
        /** What the acquirer kept (positive) or paid back (negative), home currency. */
        readonly amount: Money
        /** Where it is booked: the chargebacks, reserve or charges nominal. */
        readonly nominalCode: number
        /** YYYY-MM-DD: the journal's date. */
        readonly date: string
        /**
         * Where the money went from: `clearing` (kept from the payout, net credit) or `bank` (a
         * debit of its own, as gross settle collects it). Absent in events stored before it
         * existed: `clearing`.
         */
        readonly from?: 'clearing' | 'bank'
      }
}

/**
 * Stores an adjustment as its own event, once (the fingerprint tells a repeat from a change).
 * @example
 * async function queue(ctx: Parameters<typeof queueAdjustment>[0], payload: DepositAdjustment) {
 *   return queueAdjustment(ctx, 'batch:1234:chargeback', payload, '3000 GBP 7903 2026-11-04')
 * }
 */
export async function queueAdjustment(
  ctx: Pick<EngineContext, 'store' | 'now' | 'emit'>,
  id: string,
  payload: DepositAdjustment,
  fingerprint: string,
): Promise<'received' | 'duplicate' | 'conflict'> {
  const result = await ctx.store.ingest({ id, payment: payload, fingerprint, now: ctx.now() })
  ctx.emit({ type: result.outcome, id })
  return result.outcome
}

/** The adjustment in a stored payload, or undefined. */
export function depositAdjustmentOf(
  payload: unknown,
): DepositAdjustment['settlementAdjustment'] | undefined {
  const inner = (payload as Partial<DepositAdjustment> | null | undefined)?.settlementAdjustment
  return inner && typeof inner.batchId === 'string' ? inner : undefined
}

/**
 * Queues the adjustment of a posted batch's deposit, once: the event `{batch event id}:deposit`.
 * A second, different correction of the same batch is a conflict (a person adjusts by hand).
 * Returns the store's outcome.
 * @example
 * async function correct(ctx: Parameters<typeof queueDepositAdjustment>[0], posted: EventRecord) {
 *   const outcome = await queueDepositAdjustment(ctx, posted, money(11334, 'GBP'), '2026-11-04')
 *   console.log(outcome) // 'received', then 'duplicate' for the same correction
 * }
 */
export async function queueDepositAdjustment(
  ctx: Pick<EngineContext, 'store' | 'now' | 'emit'>,
  posted: EventRecord,
  after: Money,
  date: string,
): Promise<'received' | 'duplicate' | 'conflict' | 'unchanged'> {
  const record = posted.detail as SettledBatchRecord
  const before = record.totals.received
  if (before.amount === after.amount && before.currency === after.currency) return 'unchanged'
  return queueAdjustment(
    ctx,
    `${posted.id}:deposit`,
    { settlementAdjustment: { batchId: record.batchId, before, after, date } },
    `${after.amount} ${after.currency} ${date}`,
  )
}

/**
 * Posts a queued adjustment: a corrected deposit (more arrived: Dr bank, Cr clearing; less: the
 * reverse) or an explained difference (kept by the acquirer: Dr its nominal, Cr clearing; paid
 * back: the reverse), dated on its day; then the event is posted.
 * @example
 * async function run(ctx: Parameters<typeof postAdjustment>[0], event: EventRecord, accounts: SettlementAccounts) {
 *   const adjustment = depositAdjustmentOf(event.payment)
 *   if (adjustment) await postAdjustment(ctx, event, adjustment, accounts)
 * }
 */
export async function postAdjustment(
  ctx: EngineContext,
  event: EventRecord,
  adjustment: DepositAdjustment['settlementAdjustment'],
  accounts: SettlementAccounts,
): Promise<void> {
  const { batchId, date } = adjustment
  // The account the money left: clearing, or the bank for a debit of its own (gross settle).
  const clearing =
    'after' in adjustment || adjustment.from !== 'bank'
      ? accounts.clearing.nominalCode
      : accounts.bank.nominalCode
  const { delta, comment, other, currency } =
    'after' in adjustment
      ? {
          delta: adjustment.after.amount - adjustment.before.amount,
          comment: `Opayo batch ${batchId}: deposit corrected from ${format(adjustment.before)} to ${format(adjustment.after)}`,
          other: accounts.bank.nominalCode,
          currency: adjustment.after.currency,
        }
      : {
          delta: adjustment.amount.amount,
          comment: `Opayo batch ${batchId}: ${adjustment.kind} of ${format(adjustment.amount)} ${adjustment.from === 'bank' ? 'debited from the bank' : 'kept from the payout'}`,
          other: adjustment.nominalCode,
          currency: adjustment.amount.currency,
        }
  const size = money(Math.abs(delta), currency)
  const marker = settlementMarker(batchId, adjustment.kind ?? 'deposit')
  const [debit, credit] = delta > 0 ? [other, clearing] : [clearing, other]
  const intent: JournalIntent = {
    kind: 'journal',
    paymentId: event.id,
    marker,
    date,
    reference: marker,
    comment,
    lines: [
      { nominalCode: debit, debit: size, comment },
      { nominalCode: credit, credit: size, comment },
    ],
  }
  if (!(await ctx.move(event, 'posting', { keepClaim: true, outcome: 'posting' }))) return
  const written = await executeIntent(ctx, event, intent, undefined)
  if (
    await ctx.move(event, 'posted', {
      outcome: 'posted',
      detail: { ...adjustment, markers: [written] },
    })
  )
    ctx.emit({ type: 'posted', id: event.id, markers: [written] })
}

/**
 * Posts a deposit corrected after its batch was posted, or dead-letters it when clearing mode is
 * off; a step that throws is settled as every settlement step is.
 * @example
 * async function run(ctx: Parameters<typeof processAdjustment>[0], event: EventRecord) {
 *   const adjustment = depositAdjustmentOf(event.payment)
 *   if (adjustment) await processAdjustment(ctx, event, adjustment)
 * }
 */
export async function processAdjustment(
  ctx: EngineContext,
  event: EventRecord,
  adjustment: DepositAdjustment['settlementAdjustment'],
): Promise<void> {
  const settlement = ctx.options.settlement
  if (!settlement) {
    await ctx.deadLetter(event, 'settlement_not_configured', {
      detail: { batchId: adjustment.batchId },
      outcome: 'no settlement accounts are configured (clearing mode is off)',
    })
    return
  }
  try {
    const observed = await bankDebitOf(ctx, event, adjustment)
    if (observed === 'wait') return
    await postAdjustment(
      ctx,
      event,
      observed ? { ...adjustment, date: observed.date } : adjustment,
      settlement.accounts,
    )
  } catch (error) {
    await settlementFailed(ctx, event, error)
  }
}

/**
 * With `settlement.deposits`, the bank's own line for a difference debited from the bank (a
 * chargeback collected by a direct debit of its own): one line of that amount, money out (in, for
 * money paid back), from the stated day to `windowDays` after, claimed for this event. None or
 * several: the event waits (`'wait'`, recorded), saying what it looked for. Undefined when the
 * difference is not from the bank, or deposits are not read from it.
 */
async function bankDebitOf(
  ctx: EngineContext,
  event: EventRecord,
  adjustment: DepositAdjustment['settlementAdjustment'],
): Promise<{ readonly id: string; readonly date: string } | 'wait' | undefined> {
  const settlement = ctx.options.settlement
  if ('after' in adjustment || adjustment.from !== 'bank' || !settlement?.deposits) return undefined
  const { deposits, accounts } = settlement
  const bank = accounts.bank.bankAccountId
  return debitLineOrWait(ctx, event, deposits, bank, adjustment.amount, adjustment.date)
}
