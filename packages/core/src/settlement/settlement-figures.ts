// The totals step of planSettlement: gross, fees and net in the batch currency; what reached the
// bank, the fees, the fee difference and the exchange difference in the home currency.
import { issue } from '../result/issue.js'
import { feesInHome } from './fx-conversion.js'
import { amountText } from './settlement-amounts.js'
import { deadLetter, wait } from './settlement-context.js'
import type { SettlementContext, Step } from './settlement-context.js'

/** A batch's figures in minor units, before they become the `SettlementTotals` Money. */
export interface SettlementFigures {
  /** Opayo's total, batch currency. */
  readonly gross: bigint
  /** The planned fees, batch currency. */
  readonly fee: bigint
  /** gross - fee, batch currency. */
  readonly net: bigint
  /** What moves from clearing to the bank (signed), home currency. */
  readonly received: bigint
  /** The planned fees, home currency. */
  readonly feesHome: bigint
  /** Fee actually deducted minus planned fees, home currency. */
  readonly feeDifference: bigint
  /** What the payments minus refunds put on the clearing account, home currency. */
  readonly totalPosted: bigint
  /** Realised exchange difference (positive a loss), home currency. */
  readonly fx: bigint
  /** What is left on clearing after all three entries: zero. */
  readonly remainder: bigint
}

/**
 * The batch's figures from its gross, each transaction's fee and each posting in the home
 * currency. Waits while a foreign batch's `received` is unknown; dead-letters when the fees
 * cannot be valued in the home currency or the acquirer's deduction differs from the planned
 * fees by more than `maxFeeDifference`.
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [{ transactionId: 'T1', kind: 'payment',
 *   amount: money(10000, 'GBP'), posted: { amount: money(10000, 'GBP') } }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * // What openBatch makes of them for every step:
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0 } as const
 * const figures = settlementFigures(ctx, 10000n, [170n], [10000n])
 * if ('next' in figures) console.log(figures.next.net) // 9830n
 */
export function settlementFigures(
  ctx: SettlementContext,
  gross: bigint,
  fees: readonly bigint[],
  postedHome: readonly bigint[],
): Step<SettlementFigures> {
  const { batch, batchId, home, tolerance } = ctx
  const currency = batch.currency
  const fee = fees.reduce((a, b) => a + b, 0n)
  const net = gross - fee

  let received: bigint
  if (batch.received !== undefined) received = BigInt(batch.received.amount)
  else if (currency === home) received = net
  else {
    return wait(
      ctx,
      'amount_received_unknown',
      `Batch ${batchId} is in ${currency}; the ${home} amount that reached the bank is not known yet.`,
    )
  }

  const valued = feesInHome(ctx, { fee, net, received })
  if ('stop' in valued) return valued
  const feesHome = valued.next

  let feeDifference = 0n
  if (currency === home && batch.received !== undefined) {
    feeDifference = gross - received - fee
    const magnitude = feeDifference < 0n ? -feeDifference : feeDifference
    if (magnitude > BigInt(tolerance)) {
      return deadLetter(ctx, [
        issue(
          'invalid_amount',
          ['received'],
          `Batch ${batchId}: ${amountText(received, home)} reached the bank, but gross ${amountText(gross, home)} less planned fees ${amountText(fee, home)} is ${amountText(net, home)}; the difference ${amountText(feeDifference, home)} exceeds maxFeeDifference (${tolerance}).`,
        ),
      ])
    }
  }

  const totalPosted = postedHome.reduce((a, b) => a + b, 0n)
  const fx = totalPosted - received - feesHome - feeDifference
  const remainder = totalPosted - received - feesHome - feeDifference - fx
  return {
    next: { gross, fee, net, received, feesHome, feeDifference, totalPosted, fx, remainder },
  }
}
