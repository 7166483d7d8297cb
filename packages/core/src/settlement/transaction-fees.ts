// The fee step of planSettlement: each transaction's fee in the batch currency.
import { normaliseTransactionId } from '../model/canonical-payment.js'
import { fromBigInt } from '../money/money.js'
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import { feeFor } from './fee-rules.js'
import { spread } from './settlement-amounts.js'
import type { SettlementBatch } from './settlement-batch.js'
import { normaliseBatchId } from './settlement-marker.js'
import type { SettlementFees } from './settlement-plan-types.js'

/** Each transaction's fee, or why the batch waits for fees, or what is wrong with them. */
export type FeeOutcome =
  | { readonly kind: 'fees'; readonly values: readonly bigint[] }
  | { readonly kind: 'wait'; readonly message: string }
  | { readonly kind: 'issues'; readonly issues: readonly Issue[] }

/**
 * Each transaction's fee in the batch currency, batch-level fees spread with allocate: priced by
 * the rules, taken from statement rows (matched by transaction id, VendorTxCode or batch id), or
 * zero. Statement fees wait while no row covers the batch, or while rows cover only some of its
 * transactions and none is a fee for the whole batch; of several imports that cover a batch only
 * the latest counts (rows carry their import in `statement`).
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [{ transactionId: 'T1', kind: 'payment',
 *   amount: money(10000, 'GBP'), posted: { amount: money(10000, 'GBP') } }] })
 * const rules = defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] })
 * const fees = transactionFees(batch, ['T1'], { source: 'rules', rules })
 * if (fees.kind === 'fees') console.log(fees.values) // [170n]: 1.5% of £100 plus 20p
 */
export function transactionFees(
  batch: SettlementBatch,
  ids: readonly string[],
  fees: SettlementFees,
): FeeOutcome {
  const count = batch.transactions.length
  switch (fees.source) {
    case 'none':
      return { kind: 'fees', values: batch.transactions.map(() => 0n) }
    case 'rules': {
      const issues: Issue[] = []
      const values = batch.transactions.map((t, index) => {
        const priced = feeFor(
          {
            kind: t.kind,
            amount: t.amount,
            ...(t.scheme === undefined ? {} : { card: { scheme: t.scheme } }),
          },
          fees.rules,
        )
        if (priced.ok) return BigInt(priced.value.amount)
        issues.push(
          ...priced.issues.map((i) => ({ ...i, path: ['transactions', index, ...i.path] })),
        )
        return 0n
      })
      return issues.length > 0 ? { kind: 'issues', issues } : { kind: 'fees', values }
    }
    case 'statement': {
      const batchId = normaliseBatchId(batch.batchId)
      const byId = new Map<string, number>()
      const byCode = new Map<string, number>()
      batch.transactions.forEach((t, index) => {
        byId.set(ids[index] ?? '', index)
        if (t.vendorTxCode !== undefined) byCode.set(t.vendorTxCode.trim(), index)
      })
      // The rows about this batch: each with its transaction's index, or none for a batch fee.
      const about = fees.rows.flatMap((row) => {
        const index =
          row.transactionId !== undefined
            ? byId.get(normaliseTransactionId(row.transactionId))
            : row.vendorTxCode !== undefined
              ? byCode.get(row.vendorTxCode.trim())
              : undefined
        const forBatch =
          row.transactionId === undefined &&
          row.vendorTxCode === undefined &&
          row.batchId !== undefined &&
          row.batchId.trim().toUpperCase() === batchId
        return index !== undefined || forBatch ? [{ row, index }] : []
      })
      if (about.length === 0) {
        return {
          kind: 'wait',
          message: `No fee statement row covers batch ${batchId} or its transactions yet; import the acquirer statement.`,
        }
      }
      // Only the latest import that speaks of this batch counts: a re-import replaces, never adds.
      const latest = about[about.length - 1]?.row.statement
      const rows = about.filter(({ row }) => row.statement === latest)
      const covered = new Set(rows.map(({ index }) => index))
      if (!covered.has(undefined) && covered.size < count) {
        return {
          kind: 'wait',
          message: `The fee statement covers ${covered.size} of batch ${batchId}'s ${count} transactions and has no fee for the whole batch; import the statement that covers the rest.`,
        }
      }
      const values: bigint[] = Array.from({ length: count }, () => 0n)
      const issues: Issue[] = []
      let batchLevel = 0n
      for (const { row, index } of rows) {
        if (row.fee.currency !== batch.currency) {
          issues.push(
            issue(
              'currency_mismatch',
              ['fees', 'rows', row.line],
              `Fee statement line ${row.line} is in ${row.fee.currency}, batch ${batchId} in ${batch.currency}.`,
            ),
          )
          continue
        }
        if (index === undefined) batchLevel += BigInt(row.fee.amount)
        else values[index] = (values[index] ?? 0n) + BigInt(row.fee.amount)
      }
      if (issues.length > 0) return { kind: 'issues', issues }
      if (batchLevel !== 0n) {
        const total = fromBigInt(batchLevel, batch.currency, ['fees'], batchLevel.toString())
        if (!total.ok) return { kind: 'issues', issues: total.issues }
        const shares = spread(
          total.value,
          batch.transactions.map((t) => BigInt(t.amount.amount)),
        )
        shares.forEach((share, index) => {
          values[index] = (values[index] ?? 0n) + BigInt(share.amount)
        })
      }
      return { kind: 'fees', values }
    }
  }
}
