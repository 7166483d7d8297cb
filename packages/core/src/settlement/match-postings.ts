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
 * const matched = postedInHome(ctx)
 * if ('next' in matched) console.log(matched.next) // [10000n, -2500n]
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
