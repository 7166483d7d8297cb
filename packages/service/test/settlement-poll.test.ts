// The settlement poller against the testkit's FakeOpayo, which serves getBatchList as the public
// clients read it (`completed` a London date-time, `transactiongroups` per currency): each batch
// is dated by `completed` in London and checked against Opayo's own totals by the engine; a list
// row it cannot read is reported, never guessed.
import {
  createReferenceParser,
  defineFeeRules,
  definePostingRules,
  defineSettlementAccounts,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoReportingClient, toCanonicalPayment } from '@opayo-kashflow/opayo'
import { createSyncEngine, memoryStore, settlementEventId } from '@opayo-kashflow/sync'
import type { SettlementBatchEventInput, SyncEngine } from '@opayo-kashflow/sync'
import { FakeKashflow, FakeOpayo } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { pollSettlementBatches, readSettlementBatch } from '../src/service/settlement-poll.js'
import { CREDENTIALS } from './helpers.js'

const BANK = { bankAccountId: 55166, nominalCode: 1200 }
const CLEARING = { bankAccountId: 55170, nominalCode: 1210 }

function setup() {
  const opayo = new FakeOpayo({ now: () => new Date('2026-07-14T10:00:00Z') })
  const reporting = createOpayoReportingClient({
    vendor: 'sandbox',
    user: 'reporter',
    password: 'secret',
    environment: new URL('https://reporting.fake.test/access/access.htm'),
    fetch: opayo.fetch,
  })
  const kashflowFake = new FakeKashflow({
    invoices: [
      { number: 1042, gross: 120 },
      { number: 1043, gross: 45.5 },
    ],
    bankAccounts: [
      { Id: BANK.bankAccountId, AccountName: 'Current Account', Code: BANK.nominalCode },
      { Id: CLEARING.bankAccountId, AccountName: 'Opayo clearing', Code: CLEARING.nominalCode },
    ],
    nominals: [
      { Code: 1200, Name: 'Current Account' },
      { Code: 1210, Name: 'Opayo clearing' },
      { Code: 4000, Name: 'Sales' },
      { Code: 7901, Name: 'Bank charges' },
      { Code: 7906, Name: 'Exchange differences' },
    ],
  })
  const store = memoryStore()
  const engine = createSyncEngine({
    store,
    kashflow: createKashflowClient({
      ...CREDENTIALS,
      fetch: kashflowFake.fetch,
      retry: { limit: 0 },
    }),
    rules: definePostingRules({
      bankAccountId: BANK.bankAccountId,
      paymentMethodId: 409844,
      mode: 'clearing',
      clearingBankAccountId: CLEARING.bankAccountId,
    }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    settlement: {
      accounts: defineSettlementAccounts({
        clearing: CLEARING,
        bank: BANK,
        feesNominalCode: 7901,
        fxNominalCode: 7906,
      }),
      fees: {
        source: 'rules',
        rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }),
      },
      deposits: { source: 'kashflow' },
    },
  })
  const range = { from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-07-31T00:00:00Z') }
  /** Posts what Opayo took to the clearing account (as the Reporting poll does). */
  const postPayments = async () => {
    for await (const row of reporting.transactions.list(range)) {
      const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
      if (payment.ok) await engine.ingest(payment.value)
    }
    await engine.drain()
  }
  const poll = () => pollSettlementBatches({ reporting, engine, ...range })
  return { opayo, reporting, kashflowFake, store, engine, postPayments, poll }
}

/** An engine that only records what it is asked to ingest. */
function recordingEngine() {
  const ingested: SettlementBatchEventInput[] = []
  const engine = {
    ingestSettlementBatch: (batch: SettlementBatchEventInput) => {
      ingested.push(batch)
      return Promise.resolve({ outcome: 'received' as const, id: settlementEventId(batch.batchId) })
    },
  } as unknown as SyncEngine
  return { engine, ingested }
}

describe('pollSettlementBatches on the public getBatchList shape', () => {
  it('a batch list in the public shape (completed date-time, transactiongroups) is read, dated by completed in London', async () => {
    const { opayo, reporting } = setup()
    opayo.seed({
      vendorTxCode: 'INV-1042-1',
      amount: 12000,
      createdAt: new Date('2026-07-14T10:00:00Z'),
    })
    opayo.seed({
      vendorTxCode: 'INV-1043-1',
      amount: 4550,
      createdAt: new Date('2026-07-14T11:00:00Z'),
    })
    // Completed 00:20 London on 15 July: 23:20 UTC on the 14th.
    opayo.closeBatches({ date: '2026-07-15', time: '00:20:31.123' })
    const { engine, ingested } = recordingEngine()
    const result = await pollSettlementBatches({
      reporting,
      engine,
      from: new Date('2026-07-14T00:00:00Z'),
      to: new Date('2026-07-14T23:59:59Z'),
    })
    expect(result).toEqual({ seen: 1, received: 1, duplicates: 0, invalid: [] })
    expect(ingested).toMatchObject([
      {
        batchId: '1001',
        date: '2026-07-15',
        currency: 'GBP',
        gross: { amount: 16550, currency: 'GBP' },
        opayoTotals: [
          {
            currency: 'GBP',
            payments: { amount: 16550 },
            refunds: { amount: 0 },
            paymentCount: 2,
            refundCount: 0,
          },
        ],
      },
    ])
    expect(ingested[0]?.transactions).toHaveLength(2)
  })

  it.each([
    ['thin', 2],
    ['full', 0],
  ] as const)(
    'reads %s getBatchDetail rows, asking getTransactionDetail %i times for the two rows',
    async (rows, detailCalls) => {
      const opayo = new FakeOpayo({
        now: () => new Date('2026-07-14T10:00:00Z'),
        batchDetailRows: rows,
      })
      const commands: string[] = []
      const reporting = createOpayoReportingClient({
        vendor: 'sandbox',
        user: 'reporter',
        password: 'secret',
        environment: new URL('https://reporting.fake.test/access/access.htm'),
        fetch: async (input, init) => {
          const request = new Request(input, init)
          const xml = new URLSearchParams(await request.clone().text()).get('XML') ?? ''
          commands.push(/<command>(\w+)<\/command>/.exec(xml)?.[1] ?? '')
          return opayo.fetch(request)
        },
      })
      opayo.seed({ vendorTxCode: 'INV-1042-1', amount: 12000 })
      opayo.seed({ vendorTxCode: 'INV-1043-1', amount: 4550 })
      opayo.closeBatches({ date: '2026-07-15' })
      const { engine, ingested } = recordingEngine()
      const result = await pollSettlementBatches({
        reporting,
        engine,
        from: new Date('2026-07-14T00:00:00Z'),
        to: new Date('2026-07-15T23:59:59Z'),
      })
      expect(result).toMatchObject({ received: 1, invalid: [] })
      expect(ingested[0]?.transactions.map((t) => [t.vendorTxCode, t.amount.amount])).toEqual([
        ['INV-1042-1', 12000],
        ['INV-1043-1', 4550],
      ])
      expect(commands.filter((c) => c === 'getTransactionDetail')).toHaveLength(detailCalls)
    },
  )

  it("refuses a thin row whose VendorTxCode disagrees with Opayo's detail, and a row naming no transaction", async () => {
    const h = setup()
    const tx = h.opayo.seed({ vendorTxCode: 'INV-1042-1', amount: 12000 })
    h.opayo.closeBatches({ date: '2026-07-15' })
    const [listed] = await h.reporting.batches.list({
      from: new Date('2026-07-14T00:00:00Z'),
      to: new Date('2026-07-15T23:59:59Z'),
    })
    const withRows = (rows: Record<string, unknown>[]) => ({
      transactions: h.reporting.transactions,
      batches: {
        ...h.reporting.batches,
        async *get() {
          await Promise.resolve()
          yield* rows
        },
      },
    })
    await expect(
      readSettlementBatch(
        withRows([{ vpstxid: tx.transactionId, vendortxcode: 'INV-9999-1' }]),
        listed!,
      ),
    ).resolves.toEqual({
      reason: `a row names ${tx.transactionId} with VendorTxCode INV-9999-1, but Opayo's detail of that transaction has INV-1042-1`,
    })
    await expect(
      readSettlementBatch(withRows([{ vendortxcode: 'INV-1042-1' }]), listed!),
    ).resolves.toMatchObject({ reason: expect.stringContaining('no vpstxid') as string })
  })

  it('settles a batch whose rows add up to its totals', async () => {
    const h = setup()
    h.opayo.seed({
      vendorTxCode: 'INV-1042-1',
      amount: 12000,
      createdAt: new Date('2026-07-14T10:00:00Z'),
    })
    await h.postPayments()
    h.opayo.closeBatches({ date: '2026-07-15' })
    // The acquirer pays £120.00 less 1.5% + 20p = £118.00 two days later.
    h.kashflowFake.addBankTransaction(BANK.bankAccountId, { date: '2026-07-17', paidIn: 118 })
    expect(await h.poll()).toMatchObject({ received: 1, invalid: [] })
    await h.engine.drain()
    expect(await h.store.get('batch:1001')).toMatchObject({
      state: 'posted',
      detail: { date: '2026-07-17', totals: { received: { amount: 11800 } } },
    })
  })

  it("detail rows that do not add up to the group's paymentvalue/refundvalue: dead letter with both figures, nothing posted", async () => {
    const h = setup()
    h.opayo.seed({
      vendorTxCode: 'INV-1042-1',
      amount: 12000,
      createdAt: new Date('2026-07-14T10:00:00Z'),
    })
    h.opayo.seed({
      vendorTxCode: 'INV-1043-1',
      amount: 4550,
      createdAt: new Date('2026-07-14T11:00:00Z'),
    })
    await h.postPayments()
    const journals = h.kashflowFake.journals.size
    h.opayo.closeBatches({ date: '2026-07-15' })
    // Opayo's list says £170.50 in 2 payments and a £5.00 refund; the detail rows are £165.50 in 2.
    h.opayo.overrideBatchListRow('1001', {
      transactionGroups: [
        { currency: 'GBP', paymentnumber: '2', paymentvalue: '170.50', refundvalue: '5.00' },
      ],
    })
    expect(await h.poll()).toMatchObject({ received: 1, invalid: [] })
    await h.engine.drain()
    const event = await h.store.get('batch:1001')
    expect(event).toMatchObject({ state: 'dead', reason: 'settlement_totals_mismatch' })
    const said = JSON.stringify(event?.detail)
    expect(said).toContain('payments £170.50 in 2, refunds £5.00')
    expect(said).toContain('payments £165.50 in 2, refunds £0.00 in 0')
    expect(h.kashflowFake.journals.size).toBe(journals)
  })

  it('two currencies in one batch: dead letter, nothing posted', async () => {
    const h = setup()
    h.opayo.seed({
      vendorTxCode: 'INV-1042-1',
      amount: 12000,
      createdAt: new Date('2026-07-14T10:00:00Z'),
    })
    h.opayo.seed({
      vendorTxCode: 'INV-1043-1',
      amount: 11650,
      currency: 'EUR',
      createdAt: new Date('2026-07-14T11:00:00Z'),
    })
    h.opayo.closeBatches({ date: '2026-07-15', mixCurrencies: true })
    expect(await h.poll()).toMatchObject({ received: 1, invalid: [] })
    await h.engine.drain()
    expect(await h.store.get('batch:1001')).toMatchObject({
      state: 'dead',
      reason: 'settlement_multi_currency',
    })
    expect(h.kashflowFake.journals.size).toBe(0)
  })

  it('a list row without a completed date-time or transactiongroups is reported as cannot-tell, never ingested', async () => {
    const h = setup()
    h.opayo.seed({
      vendorTxCode: 'INV-1042-1',
      amount: 12000,
      createdAt: new Date('2026-07-14T10:00:00Z'),
    })
    h.opayo.closeBatches({ date: '2026-07-15' })
    // The shape this project once guessed: `completed` YES and a `batchdate`.
    h.opayo.overrideBatchListRow('1001', {
      completed: 'YES',
      transactionGroups: null,
      extra: { batchdate: '15/07/2026' },
    })
    const result = await h.poll()
    expect(result).toMatchObject({ seen: 1, received: 0, duplicates: 0 })
    expect(result.invalid).toEqual([
      {
        batchId: '1001',
        reason: expect.stringMatching(/cannot tell when it settled.*transactiongroups/s) as string,
      },
    ])
    expect(await h.store.get('batch:1001')).toBeUndefined()
  })
})
