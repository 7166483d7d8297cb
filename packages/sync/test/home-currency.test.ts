// Issue 21, part 3: one home currency for every posting path. Against a KashFlow whose home
// currency is EUR and rules that name none, suspense journals and clearing settlement use EUR
// (KashFlow's setting), as invoice payments do; each test fails if a path assumed GBP.
import {
  defineFeeRules,
  definePostingRules,
  defineSettlementAccounts,
  money,
} from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { createSyncEngine, memoryStore, settlementEventId } from '../src/index.js'
import type { SettlementOptions, SyncEngineOptions } from '../src/index.js'
import { harness, payment } from './helpers.js'

const CLEARING = 55170
const euros = (n: number) => ({ amount: n, currency: 'EUR' as const })

type FakeJournal = {
  readonly JournalName: string
  readonly LineItems: readonly { NominalCode: number; Debit: number; Credit: number }[]
}

describe("the home currency of every posting path is KashFlow's, unless configured", () => {
  it("posts a suspense journal in KashFlow's home currency (EUR), not GBP", async () => {
    const h = harness({
      seed: { homeCurrency: 'EUR' },
      engine: {
        rules: definePostingRules({
          bankAccountId: 55166,
          paymentMethodId: 409844,
          unmatchedReference: {
            action: 'suspense-journal',
            suspenseNominalCode: 9999,
            bankNominalCode: 1200,
          },
        }),
      },
    })
    const p = payment(1042, { amount: euros(11650) })
    const stray = { ...p, source: { ...p.source, vendorTxCode: 'phone-order-1' } }
    await h.engine.ingest(stray)
    await h.settle()
    expect(await h.store.get(stray.id)).toMatchObject({ state: 'posted' })
    // EUR 116.50 as it is: in GBP it would have been converted (at 1.165, to 100.00).
    const [journal] = [...h.fake.journals.values()] as FakeJournal[]
    expect(journal?.LineItems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ NominalCode: 1200, Debit: 116.5 }),
        expect.objectContaining({ NominalCode: 9999, Credit: 116.5 }),
      ]),
    )
  })

  it('settles a EUR batch in a EUR account as a home-currency batch (transfer and fees), not as a foreign one waiting for its GBP amount', async () => {
    const settlement: SettlementOptions = {
      accounts: defineSettlementAccounts({
        clearing: { bankAccountId: CLEARING, nominalCode: 1210 },
        bank: { bankAccountId: 55166, nominalCode: 1200 },
        feesNominalCode: 7901,
        fxNominalCode: 7906,
      }),
      fees: {
        source: 'rules',
        rules: defineFeeRules({ currency: 'EUR', rules: [{ percent: '1.5', fixed: 20 }] }),
      },
    }
    const h = harness({
      seed: {
        homeCurrency: 'EUR',
        invoices: [{ number: 1042, gross: 120 }],
        bankAccounts: [
          { Id: 55166, AccountName: 'Current Account', Code: 1200 },
          { Id: CLEARING, AccountName: 'Opayo clearing', Code: 1210 },
        ],
        nominals: [
          { Code: 1200, Name: 'Current Account' },
          { Code: 1210, Name: 'Opayo clearing' },
          { Code: 7901, Name: 'Bank charges' },
          { Code: 7906, Name: 'Exchange differences' },
        ],
      },
      engine: {
        rules: definePostingRules({
          bankAccountId: 55166,
          paymentMethodId: 409844,
          mode: 'clearing',
          clearingBankAccountId: CLEARING,
        }),
        settlement,
      },
    })
    const p = payment(1042, { amount: euros(10000) })
    await h.engine.ingest(p)
    await h.engine.ingestSettlementBatch({
      batchId: 'B-EUR',
      date: '2026-11-03',
      currency: 'EUR',
      gross: euros(10000),
      received: euros(9830),
      transactions: [
        {
          transactionId: p.source.transactionId,
          vendorTxCode: p.source.vendorTxCode,
          kind: 'payment',
          amount: p.amount,
          scheme: 'visa',
        },
      ],
    })
    await h.settle()
    const id = settlementEventId('B-EUR')
    expect(await h.store.get(id)).toMatchObject({
      state: 'posted',
      detail: { totals: { fees: money(170, 'EUR'), clearingRemainder: money(0, 'EUR') } },
    })
    const journals = [...h.fake.journals.values()] as FakeJournal[]
    expect(journals.map((j) => j.JournalName).sort()).toEqual([
      'OPAYO-BATCH:B-EUR:fees',
      'OPAYO-BATCH:B-EUR:transfer',
    ])
  })

  it('uses the configured home currency without asking KashFlow, and refuses two different ones', () => {
    const h = harness()
    const options = (rulesHome: 'GBP' | 'EUR', accountsHome: 'GBP' | 'EUR'): SyncEngineOptions => ({
      store: memoryStore(),
      kashflow: h.kashflow,
      rules: definePostingRules({ bankAccountId: 1, paymentMethodId: 2, homeCurrency: rulesHome }),
      references: { parse: () => ({ ok: false, issues: [] }) } as never,
      settlement: {
        accounts: defineSettlementAccounts({
          homeCurrency: accountsHome,
          clearing: { bankAccountId: 7, nominalCode: 1210 },
          bank: { bankAccountId: 1, nominalCode: 1200 },
          feesNominalCode: 7901,
          fxNominalCode: 7906,
        }),
        fees: { source: 'none' },
      },
    })
    expect(() => createSyncEngine(options('EUR', 'EUR'))).not.toThrow()
    expect(() => createSyncEngine(options('GBP', 'EUR'))).toThrow(
      /homeCurrency GBP and the settlement accounts EUR/,
    )
  })
})
