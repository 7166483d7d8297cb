import { definePostingRules, money } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { trialBalance } from '../../../test/support/trial-balance.js'
import { SyncConfigError, settlementEventId } from '../src/index.js'
import type { SettlementOptions } from '../src/index.js'
import { harness, payment } from './helpers.js'
import {
  CLEARING,
  batchOf as opayoBatch,
  clearingAccounts,
  clearingRules,
  clearingSeed,
} from './support/clearing.js'

const settlement: SettlementOptions = { accounts: clearingAccounts, fees: { source: 'none' } }
const rules = clearingRules
const clearingHarness = () => harness({ seed: clearingSeed, engine: { rules, settlement } })

/** Paid gross (no fees): the deposit observed is the gross. */
const batchOf = (batchId: string, payments: readonly CanonicalPayment[]) => {
  const batch = opayoBatch(batchId, payments)
  return { ...batch, received: batch.gross }
}

describe('a transaction in two batches', () => {
  it('is settled by the first batch only; the second is dead-lettered and posts nothing', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.ingestSettlementBatch(batchOf('B-1', [a]))
    await h.settle()
    await h.engine.ingestSettlementBatch(batchOf('B-2', [a, b]))
    await h.settle()
    expect(await h.store.get(settlementEventId('B-1'))).toMatchObject({ state: 'posted' })
    expect(await h.store.get(settlementEventId('B-2'))).toMatchObject({
      state: 'dead',
      reason: 'transaction_already_settled',
      detail: { settledElsewhere: [{ transactionId: a.source.transactionId, batchId: 'B-1' }] },
    })
    // From what KashFlow received: £10 + £10 onto clearing, £10 transferred off by B-1 only.
    const balances = trialBalance(h.fake)
    expect(balances.get(1210)).toBe(1000)
    expect(balances.get(1200)).toBe(1000)
  })

  it('lets the same batch claim its transactions again (a retried batch posts)', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    await h.engine.ingest(a)
    await h.engine.ingestSettlementBatch(batchOf('B-1', [a]))
    await h.settle()
    await h.engine.ingestSettlementBatch(batchOf('B-1', [a]))
    await h.settle()
    expect(await h.store.get(settlementEventId('B-1'))).toMatchObject({ state: 'posted' })
    expect(trialBalance(h.fake).get(1210)).toBe(0)
  })
})

describe('a batch that changes after it was posted', () => {
  it('is surfaced as a dead letter of its own, once, and the posted batch stays as it was', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.ingestSettlementBatch(batchOf('B-9', [a]))
    await h.settle()
    const changed = batchOf('B-9', [a, b])
    expect(await h.engine.ingestSettlementBatch(changed)).toMatchObject({ outcome: 'conflict' })
    expect(await h.engine.ingestSettlementBatch(changed)).toMatchObject({ outcome: 'conflict' })
    const dead = (await h.store.list({ states: ['dead'] })).filter((e) =>
      e.id.startsWith(`${settlementEventId('B-9')}:changed:`),
    )
    expect(dead).toHaveLength(1)
    expect(dead[0]).toMatchObject({
      reason: 'settlement_batch_changed',
      detail: {
        state: 'posted',
        posted: { totals: { gross: { amount: 1000 } } },
        reported: { settlementBatch: { gross: { amount: 2000 } } },
      },
    })
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'dead-lettered', reason: 'settlement_batch_changed' }),
    )
    expect(await h.store.get(settlementEventId('B-9'))).toMatchObject({ state: 'posted' })
  })

  it('is not a change when only the amount received is new', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    await h.engine.ingest(a)
    await h.engine.ingestSettlementBatch(batchOf('B-10', [a]))
    await h.settle()
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-10', [a]),
      received: { amount: 990, currency: 'GBP' },
    })
    expect(await h.store.list({ states: ['dead'] })).toEqual([])
  })
})

describe('a deposit corrected after its batch was posted', () => {
  it('is posted once as an adjustment between bank and clearing, never refused', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.ingestSettlementBatch(batchOf('B-20', [a, b]))
    await h.settle()
    expect(trialBalance(h.fake).get(1200)).toBe(2000)
    // The bank statement shows £19.70: a 30p chargeback fee was withheld.
    const corrected = {
      ...batchOf('B-20', [a, b]),
      received: { amount: 1970, currency: 'GBP' as const },
      receivedOn: '2026-11-06',
    }
    const id = `${settlementEventId('B-20')}:deposit`
    expect(await h.engine.ingestSettlementBatch(corrected)).toEqual({ outcome: 'received', id })
    expect(await h.engine.ingestSettlementBatch(corrected)).toEqual({ outcome: 'duplicate', id })
    await h.settle()
    expect(await h.store.get(id)).toMatchObject({ state: 'posted' })
    const journal = [...h.fake.journals.values()].find(
      (j) => j['JournalName'] === 'OPAYO-BATCH:B-20:deposit',
    )
    expect(journal?.['LineItems']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ NominalCode: 1210, Debit: 0.3 }),
        expect.objectContaining({ NominalCode: 1200, Credit: 0.3 }),
      ]),
    )
    // From what KashFlow received: the bank holds what arrived; clearing holds the 30p to explain.
    const balances = trialBalance(h.fake)
    expect(balances.get(1200)).toBe(1970)
    expect(balances.get(1210)).toBe(30)
    // A second, different correction is not guessed at: a conflict for a person.
    expect(
      await h.engine.ingestSettlementBatch({
        ...corrected,
        received: { amount: 1950, currency: 'GBP' },
      }),
    ).toMatchObject({ outcome: 'conflict' })
  })
})

describe("a posted batch's payout difference, explained", () => {
  it('books a chargeback kept from the deposit to its nominal, once, and clearing comes back to zero', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    // £20.00 of payments; the acquirer kept a £5.00 chargeback: £15.00 arrived.
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-30', [a, b]),
      received: { amount: 1500, currency: 'GBP' as const },
    })
    await h.settle()
    expect(await h.store.get(settlementEventId('B-30'))).toMatchObject({
      state: 'posted',
      detail: { totals: { payoutDifference: { amount: 500 } } },
    })
    expect(trialBalance(h.fake).get(1210)).toBe(500)
    const chargeback = {
      batchId: 'B-30',
      kind: 'chargeback' as const,
      amount: money(500, 'GBP'),
      nominalCode: 7903,
      date: '2026-11-05',
    }
    const id = `${settlementEventId('B-30')}:chargeback`
    expect(await h.engine.explainPayoutDifference(chargeback)).toEqual({ outcome: 'received', id })
    expect(await h.engine.explainPayoutDifference(chargeback)).toEqual({ outcome: 'duplicate', id })
    await h.settle()
    const balances = trialBalance(h.fake)
    expect(balances.get(1210)).toBe(0)
    expect(balances.get(7903)).toBe(500)
    expect(balances.get(1200)).toBe(1500)
    expect(
      await h.engine.explainPayoutDifference({ ...chargeback, amount: money(400, 'GBP') }),
    ).toMatchObject({ outcome: 'conflict' })
  })

  it('is refused for a batch not posted yet', async () => {
    const h = clearingHarness()
    await expect(
      h.engine.explainPayoutDifference({
        batchId: 'B-404',
        kind: 'reserve',
        amount: money(100, 'GBP'),
        nominalCode: 1215,
        date: '2026-11-05',
      }),
    ).rejects.toThrow(/batch B-404 is not in the store/)
  })
})

describe('gross settle, end to end', () => {
  it('settles from the deposit the bank feed brought in; a chargeback kept from it is explained; the books balance', async () => {
    const h = harness({
      seed: clearingSeed,
      engine: {
        rules,
        settlement: { ...settlement, payout: 'gross', deposits: { source: 'kashflow' } },
      },
    })
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.drain()
    // Batch B-40 is £20.00 gross; the acquirer paid £20.00 less a £5.00 chargeback it kept.
    h.fake.addBankTransaction(55166, { date: '2026-11-04', paidIn: 15, comment: 'ELAVON' })
    await h.engine.ingestSettlementBatch(opayoBatch('B-40', [a, b]))
    await h.engine.drain()
    // £15.00 is not the £20.00 expected: no deposit matched, nothing posted yet.
    expect(await h.store.get(settlementEventId('B-40'))).toMatchObject({ state: 'waiting' })
    // A person reads the statement: £15.00 arrived on 2026-11-04 (its line is claimed).
    await h.engine.ingestSettlementBatch({
      ...opayoBatch('B-40', [a, b]),
      received: money(1500, 'GBP'),
      receivedOn: '2026-11-04',
    })
    await h.settle()
    expect(await h.store.get(settlementEventId('B-40'))).toMatchObject({
      state: 'posted',
      detail: { depositId: expect.any(String) as unknown, totals: { fees: { amount: 0 } } },
    })
    await h.engine.explainPayoutDifference({
      batchId: 'B-40',
      kind: 'chargeback',
      amount: money(500, 'GBP'),
      nominalCode: 7903,
      date: '2026-11-04',
    })
    await h.settle()
    // From what KashFlow received, against what the bank received: £15.00.
    const balances = trialBalance(h.fake)
    expect(balances.get(1200)).toBe(1500)
    expect(balances.get(1210)).toBe(0)
    expect(balances.get(7903)).toBe(500)
    expect(balances.get(7901)).toBeUndefined()
  })
})

describe('suspense journals in clearing mode', () => {
  it('are refused at start-up unless they debit the clearing nominal', () => {
    const suspense = (bankNominalCode: number) =>
      definePostingRules({
        bankAccountId: 55166,
        paymentMethodId: 409844,
        mode: 'clearing',
        clearingBankAccountId: CLEARING,
        unmatchedReference: {
          action: 'suspense-journal',
          suspenseNominalCode: 9999,
          bankNominalCode,
        },
      })
    expect(() =>
      harness({ seed: clearingSeed, engine: { rules: suspense(1200), settlement } }),
    ).toThrow(SyncConfigError)
    expect(() =>
      harness({ seed: clearingSeed, engine: { rules: suspense(1200), settlement } }),
    ).toThrow(/bankNominalCode to the clearing account's nominal code 1210/)
    expect(() =>
      harness({ seed: clearingSeed, engine: { rules: suspense(1210), settlement } }),
    ).not.toThrow()
  })
})
