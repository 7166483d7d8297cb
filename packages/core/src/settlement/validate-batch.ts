// The validation step of planSettlement: Opayo's own totals, every transaction posted, one
// currency, no transaction twice, and gross = payments - refunds.
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import { checkOpayoTotals } from './opayo-totals.js'
import { amountText, signOf } from './settlement-amounts.js'
import { deadLetter, wait } from './settlement-context.js'
import type { SettlementContext, Step } from './settlement-context.js'

/**
 * Checks the batch against Opayo's totals (dead-letter), then that every transaction is posted
 * (wait, listing the others), then that it agrees with itself (dead-letter): its gross in minor
 * units when all is well.
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
 * const checked = checkBatch(ctx)
 * if ('next' in checked) console.log(checked.next) // 10000n
 */
export function checkBatch(ctx: SettlementContext): Step<bigint> {
  const { batch, batchId, home, ids } = ctx
  // Opayo's own totals first: a batch that contradicts them never becomes right by waiting.
  const against = checkOpayoTotals(batch, batchId)
  if (against.length > 0) return deadLetter(ctx, against)

  const unposted = ids.filter((_, index) => batch.transactions[index]?.posted === undefined)
  if (unposted.length > 0) {
    return wait(
      ctx,
      'transactions_not_posted',
      `Batch ${batchId}: ${unposted.length} of ${batch.transactions.length} transactions are not posted yet (${unposted.join(', ')}).`,
      unposted,
    )
  }

  const currency = batch.currency
  const issues: Issue[] = []
  if (batch.gross.currency !== currency) {
    issues.push(
      issue(
        'currency_mismatch',
        ['gross', 'currency'],
        `gross is in ${batch.gross.currency}, the batch in ${currency}.`,
      ),
    )
  }
  if (batch.received !== undefined && batch.received.currency !== home) {
    issues.push(
      issue(
        'currency_mismatch',
        ['received', 'currency'],
        `received is in ${batch.received.currency}; it must be in the home currency ${home}.`,
      ),
    )
  }
  const seen = new Set<string>()
  let sum = 0n
  batch.transactions.forEach((t, index) => {
    const id = ids[index] ?? ''
    if (seen.has(id)) {
      issues.push(
        issue(
          'invalid_type',
          ['transactions', index, 'transactionId'],
          `Transaction ${id} appears twice.`,
        ),
      )
    }
    seen.add(id)
    if (t.amount.currency !== currency) {
      issues.push(
        issue(
          'currency_mismatch',
          ['transactions', index, 'amount', 'currency'],
          `Transaction ${id} is in ${t.amount.currency}, the batch in ${currency}.`,
        ),
      )
    }
    sum += signOf(t.kind) * BigInt(t.amount.amount)
  })
  if (issues.length > 0) return deadLetter(ctx, issues)
  const gross = BigInt(batch.gross.amount)
  if (sum !== gross) {
    return deadLetter(ctx, [
      issue(
        'invalid_amount',
        ['gross'],
        `Batch ${batchId}: Opayo's gross ${amountText(gross, currency)} is not its payments minus refunds (${amountText(sum, currency)}).`,
      ),
    ])
  }
  return { next: gross }
}
