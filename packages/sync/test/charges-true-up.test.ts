// The true-up of per-batch fee estimates against the acquirer's monthly statement: the batches
// book fees from rules (an estimate); a deposit that shows more taken than the estimate leaves the
// difference on clearing; the statement's `true-up` lines post only what the month's batches did
// not book, off clearing, so clearing ends at zero when the statement explains it.
import { defineChargeRules, defineFeeRules } from '@opayo-kashflow/core'
import type { ChargeStatementInput } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { chargeEventId, settlementEventId } from '../src/index.js'
import type { PostedChargesRecord, SettlementOptions } from '../src/index.js'
import { trialBalance } from '../../../test/support/trial-balance.js'
import { harness, payment } from './helpers.js'
import {
  BANK,
  CLEARING,
  batchOf,
  clearingAccounts,
  clearingRules,
  clearingSeed,
} from './support/clearing.js'

const settlement: SettlementOptions = {
  accounts: clearingAccounts,
  fees: {
    source: 'rules',
    rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }),
  },
  deposits: { source: 'kashflow' },
  charges: defineChargeRules({ msc: { nominalCode: 7901, vat: 'exempt', from: 'true-up' } }),
}

const statement = (period: string, pence: number): ChargeStatementInput => ({
  statementId: `ELV-${period}`,
  currency: 'GBP',
  lines: [
    {
      lineNo: 1,
      date: '2026-12-02',
      period,
      feeType: 'msc',
      net: { amount: pence, currency: 'GBP' },
      vat: { amount: 0, currency: 'GBP' },
    },
  ],
})

function trueUpHarness() {
  const h = harness({ seed: clearingSeed, engine: { rules: clearingRules, settlement } })
  /** The acquirer pays a batch in (the bank feed's line), £. */
  const deposit = (date: string, pounds: number) =>
    h.fake.addBankTransaction(BANK, { date, paidIn: pounds, comment: 'ELAVON MERCH SVCS' })
  /** Runs the next tries until the event is in `state` (at most 20 rounds). */
  const retryUntil = async (id: string, state: string) => {
    for (let i = 0; i < 20 && (await h.store.get(id))?.state !== state; i += 1) await h.nextRound()
  }
  return { ...h, deposit, retryUntil }
}

describe('the true-up against the monthly statement', () => {
  it('posts what the batches did not book, off clearing; the trial balance ends with clearing at zero', async () => {
    const h = trueUpHarness()
    const first = payment(1042)
    const december = payment(1043)
    await h.engine.ingest(first)
    await h.engine.ingest(december)
    await h.engine.drain()
    // The engine starts listing batches in November (the clock's month): November cannot be told.
    h.deposit('2026-11-05', 9.65)
    await h.engine.ingestSettlementBatch(batchOf('B-11', [first]))
    // December's batch: the rules estimate 35p, but the acquirer kept 60p (£9.40 arrived). The
    // batch waits for its deposit first, so the statement must wait for the batch.
    await h.engine.ingestSettlementBatch({ ...batchOf('B-12', [december]), date: '2026-12-03' })
    await h.engine.ingestChargeStatement(statement('2026-12', 60))
    await h.engine.drain()
    const statementId = chargeEventId('ELV-2026-12')
    expect((await h.store.get(statementId))?.lastError?.message).toContain(
      'batch(es) of 2026-12 are not settled yet (batch:B-12)',
    )
    // £9.40 is 25p short of any deposit the batch could expect: a person states it.
    h.deposit('2026-12-05', 9.4)
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-12', [december]),
      date: '2026-12-03',
      received: { amount: 940, currency: 'GBP' },
      receivedOn: '2026-12-05',
    })
    await h.nextRound()
    expect(await h.store.get(settlementEventId('B-12'))).toMatchObject({
      state: 'posted',
      detail: { totals: { clearingRemainder: { amount: 25 } } },
    })
    // Every December batch is posted, but a December batch could still come: no January one yet.
    await h.nextRound()
    expect(await h.store.get(statementId)).toMatchObject({
      state: 'waiting',
      lastError: {
        message: expect.stringContaining('No settlement batch of 2027-01 is known yet') as unknown,
      },
    })
    // January's first batch is listed (its transaction is the November one: it is dead-lettered,
    // posting nothing); December is complete now.
    await h.engine.ingestSettlementBatch({ ...batchOf('B-01', [first]), date: '2027-01-04' })
    await h.retryUntil(statementId, 'posted')
    const posted = await h.store.get(statementId)
    expect(posted?.state).toBe('posted')
    expect((posted?.detail as PostedChargesRecord).trueUp).toEqual({
      period: '2026-12',
      stated: { amount: 60, currency: 'GBP' },
      booked: { amount: 35, currency: 'GBP' },
      batches: 1,
      marker: 'OPAYO-CHARGE:ELV-2026-12:1',
    })
    // The line the fake received: 25p paid out of clearing to 7901.
    const lines = h.fake.bankTransactions.get(CLEARING) ?? []
    expect(lines.map((l) => [l['Comment']?.toString().split(' ')[0], l['PaidOut']])).toContainEqual(
      ['OPAYO-CHARGE:ELV-2026-12:1', 0.25],
    )
    const balances = trialBalance(h.fake)
    expect(balances.get(1210) ?? 0).toBe(0)
    expect(balances.get(1200)).toBe(965 + 940)
    expect(balances.get(7901)).toBe(35 + 35 + 25)

    // November's statement: the month the list started in, so a batch may be missing from it.
    await h.engine.ingestChargeStatement(statement('2026-11', 40))
    await h.nextRound()
    expect(await h.store.get(chargeEventId('ELV-2026-11'))).toMatchObject({
      state: 'dead',
      reason: 'true_up_cannot_tell',
    })
  })

  it('posts nothing when the batches booked what the statement states; a discarded batch booked nothing', async () => {
    const h = trueUpHarness()
    const first = payment(1042)
    const second = payment(1043)
    await h.engine.ingest(first)
    await h.engine.ingest(second)
    await h.engine.drain()
    h.deposit('2026-11-05', 9.65)
    await h.engine.ingestSettlementBatch(batchOf('B-21', [first]))
    h.deposit('2026-12-05', 9.65)
    await h.engine.ingestSettlementBatch({ ...batchOf('B-22', [second]), date: '2026-12-03' })
    // A December batch a person closed without posting (its transaction another batch settled).
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-23', [first]),
      date: '2026-12-04',
      received: { amount: 965, currency: 'GBP' },
      receivedOn: '2026-12-04',
    })
    await h.engine.ingestSettlementBatch({ ...batchOf('B-01', [first]), date: '2027-01-04' })
    await h.nextRound()
    expect(await h.store.get(settlementEventId('B-23'))).toMatchObject({ state: 'dead' })
    await h.engine.deadLetters.discard(settlementEventId('B-23'), 'settled by B-21')
    await h.engine.ingestChargeStatement(statement('2026-12', 35))
    await h.nextRound()
    const posted = await h.store.get(chargeEventId('ELV-2026-12'))
    expect(posted?.state).toBe('posted')
    expect((posted?.detail as PostedChargesRecord).trueUp).toEqual({
      period: '2026-12',
      stated: { amount: 35, currency: 'GBP' },
      booked: { amount: 35, currency: 'GBP' },
      batches: 1,
    })
    expect((posted?.detail as PostedChargesRecord).lines).toEqual([])
    expect(trialBalance(h.fake).get(1210) ?? 0).toBe(0)
  })
})
