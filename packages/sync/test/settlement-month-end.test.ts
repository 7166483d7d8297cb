// `settlement.monthEnd: 'split'` reaches the plan: an October batch paid out in November keeps
// its fee journal in October, as KashFlow received it.
import { defineFeeRules } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { trialBalance } from '../../../test/support/trial-balance.js'
import { settlementEventId } from '../src/index.js'
import type { SettlementOptions } from '../src/index.js'
import { harness, payment } from './helpers.js'
import { batchOf, clearingAccounts, clearingRules, clearingSeed } from './support/clearing.js'

const fees = {
  source: 'rules',
  rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }),
} as const

/** The journals the fake KashFlow holds, as date and reference. */
function journalDates(h: ReturnType<typeof harness>): Record<string, string> {
  return Object.fromEntries(
    [...h.fake.journals.values()].map((j) => [
      String(j['JournalName']),
      String(j['JournalDate']).slice(0, 10),
    ]),
  )
}

async function settleOctoberBatch(monthEnd: SettlementOptions['monthEnd']) {
  const settlement: SettlementOptions = {
    accounts: clearingAccounts,
    fees,
    ...(monthEnd ? { monthEnd } : {}),
  }
  const h = harness({ seed: clearingSeed, engine: { rules: clearingRules, settlement } })
  const paid = payment(1042) // £10.00: fee 15p + 20p = 35p, deposit £9.65
  await h.engine.ingest(paid)
  const batch = { ...batchOf('B-OCT', [paid]), date: '2026-10-31' }
  await h.engine.ingestSettlementBatch({
    ...batch,
    received: { amount: 965, currency: 'GBP' },
    receivedOn: '2026-11-03',
  })
  await h.settle()
  expect(await h.store.get(settlementEventId('B-OCT'))).toMatchObject({ state: 'posted' })
  expect(trialBalance(h.fake).get(1210) ?? 0).toBe(0)
  return journalDates(h)
}

describe('settlement across a month end', () => {
  it("'split' dates the fee journal in the batch's month and the transfer on the deposit's day", async () => {
    expect(await settleOctoberBatch('split')).toMatchObject({
      'OPAYO-BATCH:B-OCT:fees': '2026-10-31',
      'OPAYO-BATCH:B-OCT:transfer': '2026-11-03',
    })
  })

  it("the default dates both on the deposit's day", async () => {
    expect(await settleOctoberBatch(undefined)).toMatchObject({
      'OPAYO-BATCH:B-OCT:fees': '2026-11-03',
      'OPAYO-BATCH:B-OCT:transfer': '2026-11-03',
    })
  })
})
