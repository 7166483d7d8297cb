// The totals step of planSettlement: gross, fees and net in the batch currency; what reached the
// bank, the fees, the fee difference and the exchange difference in the home currency.
import { issue } from '../result/issue.js'
import { feesInHome } from './fx-conversion.js'
import { amountText } from './settlement-amounts.js'
import { deadLetter, wait } from './settlement-context.js'
import type { SettlementContext, Step, Stop } from './settlement-context.js'

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
  /** Fee actually deducted minus planned fees (within `maxFeeDifference`), home currency. */
  readonly feeDifference: bigint
  /** Expected minus observed deposit beyond `maxFeeDifference`, left on clearing, home currency. */
  readonly payoutDifference: bigint
  /** What the payments minus refunds put on the clearing account, home currency. */
  readonly totalPosted: bigint
  /** Realised exchange difference (positive a loss), home currency. */
  readonly fx: bigint
  /** What is left on clearing after the entries: the payout difference. */
  readonly remainder: bigint
}

/**
 * The batch's figures from its gross, each transaction's fee and each posting in the home
 * currency. Waits while the deposit (`received`) is not observed; dead-letters when the fees
 * cannot be valued in the home currency or a foreign batch's deposit implies a rate more than
 * `maxRateDeviation` percent from the booked rates. In the home currency, a deposit that differs
 * from the expected one (net of fees, or gross) by at most `maxFeeDifference` is a fee difference;
 * beyond it the difference stays on clearing as the payout difference.
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
 * const figures = settlementFigures(ctx, 10000n, [170n], [10000n])
 * if ('next' in figures) console.log(figures.next.net) // 9830n
 */
export function settlementFigures(
  ctx: SettlementContext,
  gross: bigint,
  fees: readonly bigint[],
  postedHome: readonly bigint[],
): Step<SettlementFigures> {
  const { batch, batchId, home, tolerance, payout } = ctx
  const currency = batch.currency
  const fee = fees.reduce((a, b) => a + b, 0n)
  const net = gross - fee
  const totalPosted = postedHome.reduce((a, b) => a + b, 0n)

  if (batch.received === undefined) {
    const expected =
      currency === home
        ? ` (${amountText(net, home)} expected, ${payout === 'gross' ? 'gross' : 'net of fees'})`
        : ''
    return wait(
      ctx,
      'amount_received_unknown',
      `Batch ${batchId} of ${batch.date} (${currency}): the deposit that reached the bank has not been observed yet${expected}.`,
    )
  }
  const received = BigInt(batch.received.amount)

  const valued = feesInHome(ctx, { fee, net, received })
  if ('stop' in valued) return valued
  const feesHome = valued.next

  let feeDifference = 0n
  let payoutDifference = 0n
  if (currency === home) {
    // Less arrived (positive) or more: a fee difference when small, else left on clearing.
    const difference = net - received
    const magnitude = difference < 0n ? -difference : difference
    if (payout === 'net' && magnitude <= BigInt(tolerance)) feeDifference = difference
    else payoutDifference = difference
  } else {
    const implausible = implausibleDeposit(ctx, totalPosted - feesHome, received)
    if (implausible) return implausible
  }

  const fx = totalPosted - received - feesHome - feeDifference - payoutDifference
  const remainder = totalPosted - received - feesHome - feeDifference - fx
  return {
    next: {
      gross,
      fee,
      net,
      received,
      feesHome,
      feeDifference,
      payoutDifference,
      totalPosted,
      fx,
      remainder,
    },
  }
}

/**
 * A foreign batch's deposit set against what its postings, less fees, are worth at the booked
 * rates: a dead letter when they differ by more than `maxRateDeviation` percent (the deposit is
 * then far more likely a typo or another payout than an exchange difference).
 */
function implausibleDeposit(
  ctx: SettlementContext,
  expectedHome: bigint,
  received: bigint,
): Stop | undefined {
  const { batchId, home, maxRateDeviation } = ctx
  if (expectedHome <= 0n) return undefined
  const gap = expectedHome > received ? expectedHome - received : received - expectedHome
  // gap / expected > deviation / 100, in integers: basis points of a percent.
  if (gap * 10_000n <= expectedHome * BigInt(Math.round(maxRateDeviation * 100))) return undefined
  return deadLetter(ctx, [
    issue(
      'implausible_amount_received',
      ['received'],
      `Batch ${batchId}: ${amountText(received, home)} reached the bank, but its transactions less fees are worth ${amountText(expectedHome, home)} at the rates they were booked at, more than ${maxRateDeviation}% apart (maxRateDeviation): check the amount received.`,
    ),
  ])
}
