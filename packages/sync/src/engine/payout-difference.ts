// A posted batch's payout difference explained by a person (a chargeback, a reserve, charges): an
// event of its own per kind, `batch:{id}:{kind}`, posted by settlement-adjustment.ts as a journal
// off the clearing account, or off the bank for money debited on its own (gross settle).
import { InvalidArgumentError } from '@opayo-kashflow/core'
import type { Money } from '@opayo-kashflow/core'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { queueAdjustment } from './settlement-adjustment.js'
import type { PayoutDifferenceKind } from './settlement-adjustment.js'
import type { IngestResult } from './sync-engine.js'
import { settlementEventId } from './settlement-types.js'
import type { SettledBatchRecord } from './settlement-types.js'

/**
 * Queues the explanation of part of a posted batch's payout difference, once per kind: the event
 * `{batch event id}:{kind}`. The same explanation again is a duplicate; a different one for the
 * same kind is a conflict (a person adjusts by hand).
 * @example
 * async function chargeback(ctx: Parameters<typeof queuePayoutDifference>[0], posted: EventRecord) {
 *   const outcome = await queuePayoutDifference(ctx, posted, { kind: 'chargeback', amount: money(3000, 'GBP'), nominalCode: 7903, date: '2026-11-04' })
 *   console.log(outcome) // 'received'
 * }
 */
export async function queuePayoutDifference(
  ctx: Pick<EngineContext, 'store' | 'now' | 'emit'>,
  posted: EventRecord,
  input: {
    readonly kind: PayoutDifferenceKind
    readonly amount: Money
    readonly nominalCode: number
    readonly date: string
    readonly from?: 'clearing' | 'bank'
  },
): Promise<'received' | 'duplicate' | 'conflict'> {
  const { batchId } = posted.detail as SettledBatchRecord
  const from = input.from ?? 'clearing'
  return queueAdjustment(
    ctx,
    `${posted.id}:${input.kind}`,
    { settlementAdjustment: { batchId, ...input, from } },
    `${input.amount.amount} ${input.amount.currency} ${input.nominalCode} ${input.date}${from === 'bank' ? ' bank' : ''}`,
  )
}

/** What a person states to explain part of a posted batch's payout difference. */
export interface PayoutDifferenceInput {
  readonly batchId: string
  readonly kind: PayoutDifferenceKind
  /** What the acquirer kept from the payout (positive) or paid back (negative), home currency. */
  readonly amount: Money
  /** The nominal it is booked to (chargebacks, a reserve held by the acquirer, charges). */
  readonly nominalCode: number
  /** YYYY-MM-DD. */
  readonly date: string
  /**
   * Where the money went from: `clearing` (kept from the payout: net credit) or `bank` (debited
   * on its own, as gross settle collects a chargeback: Dr the nominal, Cr the bank; with
   * `settlement.deposits` the bank's line of it is found and claimed first). @default 'clearing'
   */
  readonly from?: 'clearing' | 'bank'
}

/**
 * The engine's `explainPayoutDifference` over its context: for a posted batch only (before
 * posting, the payout difference is not known yet).
 * @example
 * function explainer(ctx: Parameters<typeof createPayoutExplainer>[0]) {
 *   return createPayoutExplainer(ctx)
 * }
 */
export function createPayoutExplainer(
  ctx: Pick<EngineContext, 'store' | 'now' | 'emit'>,
): (input: PayoutDifferenceInput) => Promise<IngestResult> {
  return async (input) => {
    const { batchId, kind, amount, nominalCode, date } = input
    const from = input.from ?? 'clearing'
    if (from !== 'bank' && from !== 'clearing')
      throw new InvalidArgumentError(
        `explainPayoutDifference(): from must be "bank" or "clearing", got ${JSON.stringify(from)}.`,
      )
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !Number.isSafeInteger(nominalCode) || nominalCode <= 0)
      throw new InvalidArgumentError(
        `explainPayoutDifference(): date must be YYYY-MM-DD and nominalCode a positive whole number, got ${JSON.stringify(date)} and ${String(nominalCode)}.`,
      )
    const id = settlementEventId(batchId)
    const posted = await ctx.store.get(id)
    if (posted?.state !== 'posted')
      throw new InvalidArgumentError(
        `explainPayoutDifference(): batch ${batchId} is ${posted?.state ?? 'not in the store'}; its payout difference is known once it is posted.`,
      )
    const outcome = await queuePayoutDifference(ctx, posted, {
      kind,
      amount,
      nominalCode,
      date,
      from,
    })
    return { outcome, id: `${id}:${kind}` }
  }
}
