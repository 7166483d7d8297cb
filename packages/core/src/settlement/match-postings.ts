// The matching step of planSettlement: each settled transaction against what the ledger posted
// to the clearing account for it, valued in the home currency.
import { format } from '../money/money.js'
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import { toHome } from './fx-conversion.js'
import { signOf } from './settlement-amounts.js'
import { deadLetter } from './settlement-context.js'
import type { SettlementContext, Step } from './settlement-context.js'

/**
 * What each transaction put on the clearing account, signed (a refund is negative), in the home
 * currency; a dead letter when a posting in the batch currency differs from what Opayo settled,
 * or a foreign posting has no usable rate. Every transaction is posted (checkBatch waited).
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
 * const matched = postedInHome(ctx)
 * if ('next' in matched) console.log(matched.next) // [10000n]: a refund would be negative
 */
export function postedInHome(ctx: SettlementContext): Step<bigint[]> {
  const { batch, home, ids } = ctx
  const currency = batch.currency
  const issues: Issue[] = []
  const postedHome: bigint[] = []
  batch.transactions.forEach((t, index) => {
    const posted = t.posted!
    const path = ['transactions', index, 'posted']
    if (posted.amount.currency === currency && posted.amount.amount !== t.amount.amount) {
      issues.push(
        issue(
          'invalid_amount',
          [...path, 'amount'],
          `Transaction ${ids[index] ?? ''} was posted as ${format(posted.amount)} but Opayo settled ${format(t.amount)}.`,
        ),
      )
      return
    }
    const converted = toHome(posted.amount, home, posted.rate, path)
    if (!converted.ok) issues.push(...converted.issues)
    else postedHome.push(signOf(t.kind) * converted.value)
  })
  if (issues.length > 0) return deadLetter(ctx, issues)
  return { next: postedHome }
}
