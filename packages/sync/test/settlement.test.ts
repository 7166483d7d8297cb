import { defineFeeRules, definePostingRules, format, money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import type { FakeKashflow } from '@opayo-kashflow/testkit'
import { settlementEventId } from '../src/index.js'
import type { SettlementOptions, SyncEngineOptions } from '../src/index.js'
import { trialBalance } from '../../../test/support/trial-balance.js'
import { harness, payment } from './helpers.js'
import {
  CLEARING,
  batchOf,
  clearingAccounts,
  clearingRules,
  clearingSeed,
} from './support/clearing.js'

const settlement: SettlementOptions = {
  accounts: clearingAccounts,
  // 1.5 % + 20p: a £10.00 payment costs 15p + 20p = 35p.
  fees: {
    source: 'rules',
    rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }),
  },
  // Each batch's deposit is read from the bank account's lines in the fake KashFlow.
  deposits: { source: 'kashflow' },
}

/** The acquirer's deposit as the bank feed brings it into the bank account (£, 2 days later). */
const deposit = (h: { fake: FakeKashflow }, pounds: number, date = '2026-11-05') =>
  h.fake.addBankTransaction(55166, { date, paidIn: pounds, comment: 'ELAVON MERCH SVCS' })
function clearingHarness(engine: Partial<SyncEngineOptions> = {}) {
  return harness({ seed: clearingSeed, engine: { rules: clearingRules, settlement, ...engine } })
}

describe('settlement batches (clearing mode)', () => {
  it('waits while a transaction is not posted, then posts transfer and fees once; the clearing account ends at zero', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    const id = settlementEventId('B-100')
    expect(await h.engine.ingestSettlementBatch(batchOf('B-100', [a, b]))).toEqual({
      outcome: 'received',
      id,
    })
    expect(await h.engine.ingestSettlementBatch(batchOf('B-100', [a, b]))).toEqual({
      outcome: 'duplicate',
      id,
    })
    await h.engine.ingest(a)
    await h.engine.drain()
    // a is posted to the clearing account; b is not in KashFlow yet: the batch waits, posts nothing.
    expect(h.linesWith(a.id.replace(/^opayo:/, 'OPAYO:'))).toMatchObject([{ AccountId: CLEARING }])
    expect(await h.store.get(id)).toMatchObject({
      state: 'waiting',
      lastError: { name: 'SettlementWaiting' },
    })
    expect(h.fake.journals.size).toBe(0)
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'retry-scheduled', id, cause: 'settlement-wait' }),
    )

    await h.engine.ingest(b)
    await h.engine.drain()
    h.advance(16 * 60_000) // the batch's next try
    await h.engine.drain()
    // Every transaction is posted, but the deposit has not reached the bank: still waiting.
    expect(await h.store.get(id)).toMatchObject({
      state: 'waiting',
      lastError: { message: expect.stringContaining('No deposit of £19.30') as unknown },
    })
    expect(h.fake.journals.size).toBe(0)
    deposit(h, 19.3)
    await h.settle()
    expect(await h.store.get(id)).toMatchObject({ state: 'posted' })
    // The fake keeps journals in the live shape: the marker in JournalName, lines as LineItems.
    const journals = [...h.fake.journals.values()] as {
      JournalName: string
      LineItems: { NominalCode: number; Debit: number; Credit: number }[]
    }[]
    expect(journals.map((j) => j.JournalName).sort()).toEqual([
      'OPAYO-BATCH:B-100:fees',
      'OPAYO-BATCH:B-100:transfer',
    ])
    const transfer = journals.find((j) => j.JournalName === 'OPAYO-BATCH:B-100:transfer')
    expect(transfer?.LineItems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ NominalCode: 1200, Debit: 19.3, Credit: 0 }),
        expect.objectContaining({ NominalCode: 1210, Debit: 0, Credit: 19.3 }),
      ]),
    )
    const posted = await h.store.get(id)
    expect(posted?.detail).toMatchObject({
      batchId: 'B-100',
      totals: {
        gross: { amount: 2000 },
        fees: { amount: 70 },
        clearingRemainder: { amount: 0, currency: 'GBP' },
      },
    })
  })

  it('posts each journal exactly once across a crash after the write and a replay', async () => {
    let crash = true
    const h = clearingHarness({
      leaseMs: 60_000,
      afterWrite: (_id, marker) => {
        if (crash && marker.endsWith(':transfer')) {
          crash = false
          throw new Error('simulated crash after the transfer was written')
        }
      },
    })
    const a = payment(1042)
    deposit(h, 9.65)
    await h.engine.ingest(a)
    await h.engine.ingestSettlementBatch(batchOf('B-200', [a]))
    await h.settle()
    const id = settlementEventId('B-200')
    expect(await h.store.get(id)).toMatchObject({ state: 'posted' })
    const references = () => [...h.fake.journals.values()].map((j) => j['JournalName']).sort()
    expect(references()).toEqual(['OPAYO-BATCH:B-200:fees', 'OPAYO-BATCH:B-200:transfer'])

    // The poller seeing the batch again is a duplicate: nothing is queued, nothing posts.
    expect(await h.engine.ingestSettlementBatch(batchOf('B-200', [a]))).toMatchObject({
      outcome: 'duplicate',
    })
    await h.settle()
    expect(references()).toEqual(['OPAYO-BATCH:B-200:fees', 'OPAYO-BATCH:B-200:transfer'])
  })

  it('dead-letters when the wait runs out, and a replay after the payment posts settles it once', async () => {
    const h = clearingHarness({ retry: { settlementDelaysMs: [] } })
    const a = payment(1042)
    deposit(h, 9.65)
    await h.engine.ingestSettlementBatch(batchOf('B-300', [a]))
    await h.settle()
    const id = settlementEventId('B-300')
    expect(await h.store.get(id)).toMatchObject({ state: 'dead', reason: 'settlement_incomplete' })
    await h.engine.ingest(a)
    await h.settle()
    expect(await h.engine.deadLetters.replay([id])).toMatchObject({ replayed: [id] })
    await h.settle()
    expect(await h.store.get(id)).toMatchObject({ state: 'posted' })
    expect(h.fake.journals.size).toBe(2)
  })

  it('with statement fees, waits until the statement is imported, then posts its fees', async () => {
    const h = clearingHarness({ settlement: { ...settlement, fees: { source: 'statement' } } })
    const a = payment(1042)
    await h.engine.ingest(a)
    await h.engine.drain()
    await h.engine.ingestSettlementBatch(batchOf('B-600', [a]))
    await h.engine.drain()
    const id = settlementEventId('B-600')
    expect(await h.store.get(id)).toMatchObject({
      state: 'waiting',
      lastError: { message: expect.stringMatching(/fee/i) },
    })
    expect(h.fake.journals.size).toBe(0)
    await h.store.importFeeStatement({
      digest: 'statement-1',
      rows: [{ line: 2, batchId: 'B-600', fee: { amount: 42, currency: 'GBP' } }],
      now: h.clock.now(),
    })
    deposit(h, 9.58)
    await h.settle()
    expect(await h.store.get(id)).toMatchObject({
      state: 'posted',
      detail: { totals: { fees: { amount: 42 }, clearingRemainder: { amount: 0 } } },
    })
  })

  it('values a foreign-currency batch at the invoice rate and books the realised loss (EUR batch 77 of docs/accounting.md)', async () => {
    const h = harness({
      seed: {
        ...clearingSeed,
        invoices: [{ number: 1077, gross: 500, currency: 'EUR', exchangeRate: 1.165 }],
      },
      engine: {
        rules: clearingRules,
        settlement: {
          ...settlement,
          // The acquirer's EUR tariff: 1.5 % + 20c.
          fees: {
            source: 'rules',
            rules: defineFeeRules({ currency: 'EUR', rules: [{ percent: '1.5', fixed: 20 }] }),
          },
        },
      },
    })
    const eur = payment(1077, { amount: { amount: 11650, currency: 'EUR' } })
    await h.engine.ingest(eur)
    await h.engine.drain()
    const batch = {
      ...batchOf('77', [eur]),
      currency: 'EUR' as const,
      gross: { amount: 11650, currency: 'EUR' as const },
    }
    await h.engine.ingestSettlementBatch(batch)
    await h.engine.drain()
    const id = settlementEventId('77')
    // Until the bank statement says how much GBP arrived, it waits.
    expect(await h.store.get(id)).toMatchObject({
      state: 'waiting',
      lastError: { message: expect.stringMatching(/received|arrived|bank/i) },
    })
    // The same batch with the amount received replaces the waiting one (nothing was written).
    expect(
      await h.engine.ingestSettlementBatch({
        ...batch,
        received: { amount: 9780, currency: 'GBP' },
      }),
    ).toEqual({ outcome: 'received', id })
    await h.settle()
    expect(await h.store.get(id)).toMatchObject({
      state: 'posted',
      detail: {
        totals: {
          postedHome: { amount: 10000, currency: 'GBP' },
          received: { amount: 9780 },
          feesHome: { amount: 166 },
          fxDifference: { amount: 54 },
          clearingRemainder: { amount: 0 },
        },
      },
    })
    const fx = [...h.fake.journals.values()].find(
      (j) => j['JournalName'] === 'OPAYO-BATCH:77:fx',
    ) as { LineItems: { NominalCode: number; Debit: number; Credit: number }[] } | undefined
    expect(fx?.LineItems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ NominalCode: 7906, Debit: 0.54, Credit: 0 }),
        expect.objectContaining({ NominalCode: 1210, Debit: 0, Credit: 0.54 }),
      ]),
    )
  })

  it('dead-letters a batch whose payments went to the bank account, not the clearing account', async () => {
    const h = clearingHarness({
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    })
    const a = payment(1042)
    await h.engine.ingest(a)
    await h.engine.ingestSettlementBatch(batchOf('B-400', [a]))
    await h.settle()
    expect(await h.store.get(settlementEventId('B-400'))).toMatchObject({
      state: 'dead',
      reason: 'posted_outside_clearing',
    })
    expect(h.fake.journals.size).toBe(0)
  })

  it("detail rows that do not add up to the group's paymentvalue/refundvalue: dead letter with both figures, nothing posted", async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.settle()
    const journalsBefore = h.fake.journals.size
    // Opayo's batch list says £10.00 more than the two detail rows add up to.
    const rows = a.amount.amount + b.amount.amount
    const opayo = rows + 1000
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-600', [a, b]),
      gross: { amount: opayo, currency: 'GBP' },
      opayoTotals: [
        {
          currency: 'GBP',
          payments: { amount: opayo, currency: 'GBP' },
          refunds: { amount: 0, currency: 'GBP' },
          paymentCount: 2,
        },
      ],
    })
    await h.settle()
    const event = await h.store.get(settlementEventId('B-600'))
    expect(event).toMatchObject({ state: 'dead', reason: 'settlement_totals_mismatch' })
    const said = JSON.stringify(event?.detail)
    expect(said).toContain(`payments ${format(money(opayo, 'GBP'))} in 2`)
    expect(said).toContain(`payments ${format(money(rows, 'GBP'))} in 2`)
    expect(h.fake.journals.size).toBe(journalsBefore)
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'dead-lettered', reason: 'settlement_totals_mismatch' }),
    )
  })

  it('two currencies in one batch: dead letter, nothing posted', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    await h.engine.ingest(a)
    await h.settle()
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-601', [a]),
      opayoTotals: [
        { currency: 'GBP', payments: a.amount, refunds: { amount: 0, currency: 'GBP' } },
        {
          currency: 'EUR',
          payments: { amount: 11650, currency: 'EUR' },
          refunds: { amount: 0, currency: 'EUR' },
        },
      ],
    })
    await h.settle()
    expect(await h.store.get(settlementEventId('B-601'))).toMatchObject({
      state: 'dead',
      reason: 'settlement_multi_currency',
    })
    expect(h.fake.journals.size).toBe(0)
  })

  it("posts a batch whose rows add up to Opayo's totals", async () => {
    const h = clearingHarness()
    const a = payment(1042)
    deposit(h, 9.65)
    await h.engine.ingest(a)
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-602', [a]),
      opayoTotals: [
        {
          currency: 'GBP',
          payments: a.amount,
          refunds: { amount: 0, currency: 'GBP' },
          paymentCount: 1,
          refundCount: 0,
        },
      ],
    })
    await h.settle()
    expect(await h.store.get(settlementEventId('B-602'))).toMatchObject({ state: 'posted' })
  })

  it('waits, listing the candidates, when two deposits could be the batch; a deposit serves one batch only', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.drain()
    deposit(h, 9.65, '2026-11-04')
    deposit(h, 9.65, '2026-11-05')
    await h.engine.ingestSettlementBatch(batchOf('B-700', [a]))
    await h.engine.drain()
    const waiting = await h.store.get(settlementEventId('B-700'))
    expect(waiting).toMatchObject({ state: 'waiting' })
    expect(waiting?.lastError?.message).toMatch(
      /2 deposits could be batch B-700's.*£9\.65 on 2026-11-04.*£9\.65 on 2026-11-05/,
    )
    expect(h.fake.journals.size).toBe(0)
    // A person sets B-700's deposit (amount and day): the line that shows it is claimed for it,
    // so batch B-701 (same amount, same days) finds only the other line, and takes it.
    await h.engine.ingestSettlementBatch({
      ...batchOf('B-700', [a]),
      received: { amount: 965, currency: 'GBP' },
      receivedOn: '2026-11-04',
    })
    await h.settle()
    expect(await h.store.get(settlementEventId('B-700'))).toMatchObject({ state: 'posted' })
    await h.engine.ingestSettlementBatch(batchOf('B-701', [b]))
    await h.settle()
    expect(await h.store.get(settlementEventId('B-701'))).toMatchObject({
      state: 'posted',
      detail: { depositId: expect.any(String) as unknown },
    })
  })

  it('gives one deposit to one batch: a second batch of the same amount waits for its own', async () => {
    const h = clearingHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.drain()
    deposit(h, 9.65, '2026-11-04')
    await h.engine.ingestSettlementBatch(batchOf('B-710', [a]))
    await h.settle()
    await h.engine.ingestSettlementBatch(batchOf('B-711', [b]))
    await h.engine.drain()
    expect(await h.store.get(settlementEventId('B-710'))).toMatchObject({ state: 'posted' })
    expect(await h.store.get(settlementEventId('B-711'))).toMatchObject({ state: 'waiting' })
    deposit(h, 9.65, '2026-11-06')
    await h.settle()
    expect(await h.store.get(settlementEventId('B-711'))).toMatchObject({ state: 'posted' })
    // From what the fake KashFlow received: the clearing account is back at zero.
    expect(trialBalance(h.fake).get(1210)).toBe(0)
  })

  it('dead-letters a batch when settlement is not configured, and refuses an invalid batch', async () => {
    const h = harness({ seed: clearingSeed })
    await h.engine.ingestSettlementBatch(batchOf('B-500', [payment(1042)]))
    await h.settle()
    expect(await h.store.get(settlementEventId('B-500'))).toMatchObject({
      state: 'dead',
      reason: 'settlement_not_configured',
    })
    await expect(
      h.engine.ingestSettlementBatch({ ...batchOf('B-501', [payment(1042)]), transactions: [] }),
    ).rejects.toThrow(/at least one transaction/)
  })
})
