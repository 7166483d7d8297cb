// A deposit corrected after its batch was posted: never refused, never rewritten. The difference
// between the deposit the batch was settled with and the corrected one is an event of its own
// (`batch:{id}:deposit`), posted once as a journal between the bank and the clearing account
// (`OPAYO-BATCH:{id}:deposit`), through the same write-once ledger as every entry.
import { format, money, settlementMarker } from '@opayo-kashflow/core'
import type { JournalIntent, Money, SettlementAccounts } from '@opayo-kashflow/core'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { executeIntent } from './ledger.js'
import { settlementFailed } from './settlement-failure.js'
import type { SettledBatchRecord } from './settlement-types.js'

/** The stored payload of a deposit adjustment. */
export interface DepositAdjustment {
  readonly settlementAdjustment: {
    readonly batchId: string
    /** The deposit the batch was posted with, home currency. */
    readonly before: Money
    /** The corrected deposit. */
    readonly after: Money
    /** The day of the corrected deposit, YYYY-MM-DD: the journal's date. */
    readonly date: string
  }
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
  const id = `${posted.id}:deposit`
  const payload: DepositAdjustment = {
    settlementAdjustment: { batchId: record.batchId, before, after, date },
  }
  const result = await ctx.store.ingest({
    id,
    payment: payload,
    fingerprint: `${after.amount} ${after.currency} ${date}`,
    now: ctx.now(),
  })
  ctx.emit({ type: result.outcome, id })
  return result.outcome
}

/**
 * Posts a queued deposit adjustment: more arrived (Dr bank, Cr clearing) or less (the reverse),
 * by the difference, dated on the corrected deposit's day; then the event is posted.
 * @example
 * async function run(ctx: Parameters<typeof processDepositAdjustment>[0], event: EventRecord, accounts: SettlementAccounts) {
 *   const adjustment = depositAdjustmentOf(event.payment)
 *   if (adjustment) await processDepositAdjustment(ctx, event, adjustment, accounts)
 * }
 */
export async function processDepositAdjustment(
  ctx: EngineContext,
  event: EventRecord,
  adjustment: DepositAdjustment['settlementAdjustment'],
  accounts: SettlementAccounts,
): Promise<void> {
  const { batchId, before, after, date } = adjustment
  const delta = after.amount - before.amount
  const size = money(Math.abs(delta), after.currency)
  const marker = settlementMarker(batchId, 'deposit')
  const comment = `Opayo batch ${batchId}: deposit corrected from ${format(before)} to ${format(after)}`
  const [debit, credit] =
    delta > 0
      ? [accounts.bank.nominalCode, accounts.clearing.nominalCode]
      : [accounts.clearing.nominalCode, accounts.bank.nominalCode]
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
      detail: { batchId, markers: [written], before, after },
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
    await processDepositAdjustment(ctx, event, adjustment, settlement.accounts)
  } catch (error) {
    await settlementFailed(ctx, event, error)
  }
}
