// `settlement planning`: planSettlement on one Opayo batch of 1,000 transactions (payments and
// refunds across card schemes, fees from rules), against a hand-written version of the arithmetic
// alone (per-transaction fee, sums, net; no validation, no journals, no allocation), on the same
// batch in the same run. Also parseFeeStatement on a 1,000-row statement against a plain split.
//
// Run alone: node --conditions=@opayo-kashflow/source --import tsx bench/settlement.ts
import { pathToFileURL } from 'node:url'
import {
  CARD_SCHEMES,
  defineFeeRules,
  defineSettlementAccounts,
  money,
  parseFeeStatement,
  planSettlement,
} from '@opayo-kashflow/core'
import type { SettlementBatchInput } from '@opayo-kashflow/core'
import { opsPerSecond, runSections } from './lib/figure.js'
import type { BenchSection, Figure } from './lib/figure.js'

const SIZE = 1_000
const accounts = defineSettlementAccounts({
  homeCurrency: 'GBP',
  clearing: { bankAccountId: 7, nominalCode: 1210 },
  bank: { bankAccountId: 1, nominalCode: 1200 },
  feesNominalCode: 7901,
  fxNominalCode: 7906,
})
const rules = defineFeeRules({
  currency: 'GBP',
  rules: [
    { schemes: ['visa_debit', 'mastercard_debit'], percent: '0.3', fixed: 2, minimum: 5 },
    { percent: '1.5', fixed: 20 },
  ],
})

const transactions = Array.from({ length: SIZE }, (_, i) => {
  const amount = money(500 + ((i * 7919) % 250_000), 'GBP')
  return {
    transactionId: `{F955C22E-F67B-4DA3-8EA3-${(i + 1).toString(16).toUpperCase().padStart(12, '0')}}`,
    kind: i % 10 === 9 ? ('refund' as const) : ('payment' as const),
    amount,
    scheme: CARD_SCHEMES[i % CARD_SCHEMES.length]!,
    posted: { amount },
  }
})
const gross = transactions.reduce(
  (sum, t) => sum + (t.kind === 'refund' ? 0 - t.amount.amount : t.amount.amount),
  0,
)
const batch: SettlementBatchInput = {
  batchId: '1234',
  date: '2026-11-02',
  currency: 'GBP',
  gross: money(gross, 'GBP'),
  transactions,
}

/** The arithmetic alone: the fee of each transaction (half-up, in integers), the sums, the net. */
function handWritten(): number {
  let total = 0
  let fees = 0
  for (const t of batch.transactions) {
    const debit = t.scheme === 'visa_debit' || t.scheme === 'mastercard_debit'
    const units = t.amount.amount
    total += t.kind === 'refund' ? -units : units
    if (t.kind === 'refund') continue
    // percent in thousandths of a per cent: 0.3 % = 300 / 100_000, 1.5 % = 1500 / 100_000
    const variable = Math.floor((units * (debit ? 300 : 1500) + 50_000) / 100_000)
    fees += Math.max(debit ? 5 : 0, variable + (debit ? 2 : 20))
  }
  return total - fees
}

const statement = [
  'transaction_id,vendor_tx_code,fee,currency',
  ...transactions.map(
    (t, i) => `${t.transactionId},INV-${1000 + i}-1,0.${String(i % 100).padStart(2, '0')},GBP`,
  ),
].join('\n')

function plainSplit(): number {
  let rows = 0
  for (const line of statement.split('\n').slice(1)) {
    const [, , fee] = line.split(',')
    if (fee !== undefined && Number(fee) >= 0) rows += 1
  }
  return rows
}

export const section: BenchSection = {
  title: 'settlement planning',
  run() {
    const plan = planSettlement(batch, { accounts, fees: { source: 'rules', rules } })
    if (plan.kind !== 'post' || plan.totals.net.amount !== handWritten())
      throw new Error('planSettlement and the hand-written arithmetic disagree')
    const parsed = parseFeeStatement(statement)
    if (!parsed.ok || parsed.value.length !== plainSplit())
      throw new Error('parseFeeStatement and the plain split disagree')
    // Interleaved rounds, best of each, so a burst from another process lands on both sides.
    let project = 0
    let baseline = 0
    let parse = 0
    let split = 0
    for (let round = 0; round < 3; round += 1) {
      baseline = Math.max(baseline, opsPerSecond(handWritten, 300))
      project = Math.max(
        project,
        opsPerSecond(
          () => planSettlement(batch, { accounts, fees: { source: 'rules', rules } }),
          600,
        ),
      )
      split = Math.max(split, opsPerSecond(plainSplit, 300))
      parse = Math.max(
        parse,
        opsPerSecond(() => parseFeeStatement(statement), 600),
      )
    }
    const txPerSecond = project * SIZE
    const figures: Figure[] = [
      {
        name: `planSettlement (${SIZE}-transaction batch, rules fees)`,
        value: txPerSecond,
        unit: 'transactions/s',
        baseline: {
          name: 'hand-written fee and sum arithmetic only',
          value: baseline * SIZE,
          unit: 'transactions/s',
        },
        ratio: project / baseline,
        goal: '>= 20,000 transactions/s (a 1,000-transaction batch in <= 50 ms)',
        met: txPerSecond >= 20_000,
        note: 'One thread, best of 3 interleaved rounds. The project side also validates the batch with zod, builds every journal and allocates the FX difference; the ratio is informational.',
      },
      {
        name: `parseFeeStatement (${SIZE} rows)`,
        value: parse * SIZE,
        unit: 'rows/s',
        baseline: {
          name: 'String.split, no quoting or checks',
          value: split * SIZE,
          unit: 'rows/s',
        },
        ratio: parse / split,
        goal: '>= 50,000 rows/s (a month of statements in well under a second)',
        met: parse * SIZE >= 50_000,
      },
    ]
    return Promise.resolve(figures)
  },
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSections([section])
