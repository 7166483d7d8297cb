// The batch's detail rows against Opayo's own getBatchList totals: checked first, because a batch
// that contradicts them never becomes right by waiting.
import type { Issue } from '../result/issue.js'
import { issue } from '../result/issue.js'
import { amountText } from './settlement-amounts.js'
import type { SettlementBatch } from './settlement-batch.js'

/**
 * The batch's transactions against Opayo's own totals (when it sent them): one currency only, and
 * for the batch currency the same payments and refunds (values, and counts where sent). No issue
 * when Opayo sent no totals.
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [{ transactionId: 'T1', kind: 'payment',
 *   amount: money(10000, 'GBP') }], // Opayo's own totals say £125.00:
 *   opayoTotals: [{ currency: 'GBP', payments: money(12500, 'GBP'), refunds: money(0, 'GBP') }] })
 * const against = checkOpayoTotals(batch, '1001')
 * if (against.length > 0) console.log(against[0]?.code) // 'settlement_totals_mismatch'
 */
export function checkOpayoTotals(batch: SettlementBatch, batchId: string): Issue[] {
  const groups = batch.opayoTotals
  if (groups === undefined) return []
  const currencies = [...new Set(groups.map((g) => g.currency))]
  if (currencies.length > 1) {
    return [
      issue(
        'settlement_multi_currency',
        ['opayoTotals'],
        `Batch ${batchId} holds ${currencies.length} currencies (${currencies.join(', ')}): Opayo's totals are per currency and a batch is settled as one payout in one currency; settle it by hand.`,
      ),
    ]
  }
  const currency = batch.currency
  const group = groups[0]
  if (groups.length > 1 || group === undefined || group.currency !== currency) {
    return [
      issue(
        'settlement_totals_mismatch',
        ['opayoTotals'],
        groups.length > 1
          ? `Batch ${batchId}: Opayo sent ${groups.length} totals for ${currency}; cannot tell which its detail rows must add up to.`
          : `Batch ${batchId}: Opayo's totals are in ${group?.currency ?? '(none)'}, the batch in ${currency}.`,
      ),
    ]
  }
  const rows = { payments: 0n, refunds: 0n, paymentCount: 0, refundCount: 0 }
  for (const t of batch.transactions) {
    if (t.amount.currency !== currency) continue
    if (t.kind === 'refund') {
      rows.refunds += BigInt(t.amount.amount)
      rows.refundCount += 1
    } else {
      rows.payments += BigInt(t.amount.amount)
      rows.paymentCount += 1
    }
  }
  const opayo = {
    payments: BigInt(group.payments.amount),
    refunds: BigInt(group.refunds.amount),
  }
  const differs =
    rows.payments !== opayo.payments ||
    rows.refunds !== opayo.refunds ||
    (group.paymentCount !== undefined && group.paymentCount !== rows.paymentCount) ||
    (group.refundCount !== undefined && group.refundCount !== rows.refundCount)
  if (!differs) return []
  const counted = (n: number | undefined) => (n === undefined ? '' : ` in ${n}`)
  return [
    issue(
      'settlement_totals_mismatch',
      ['opayoTotals', 0],
      `Batch ${batchId}: Opayo's ${currency} totals are payments ${amountText(opayo.payments, currency)}${counted(group.paymentCount)}, refunds ${amountText(opayo.refunds, currency)}${counted(group.refundCount)}; its detail rows add up to payments ${amountText(rows.payments, currency)} in ${rows.paymentCount}, refunds ${amountText(rows.refunds, currency)} in ${rows.refundCount}.`,
    ),
  ]
}
