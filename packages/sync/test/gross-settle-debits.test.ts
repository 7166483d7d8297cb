// Gross settle, end to end, from the bank's own statement: the acquirer pays each batch whole,
// then takes a chargeback by a direct debit of its own and the month's charges by another. Each
// debit is matched on the bank statement before anything is posted for it, and dated on the day
// the bank shows; the trial balance, built from what the fake KashFlow received, agrees with the
// statement's own total.
import { defineChargeRules, money, parseBankStatement } from '@opayo-kashflow/core'
import type { BankStatementLine, ChargeStatementInput } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { chargeEventId, createSyncAdmin, settlementEventId } from '../src/index.js'
import type { PostedChargesRecord, SettlementOptions } from '../src/index.js'
import { trialBalance } from '../../../test/support/trial-balance.js'
import { harness, payment } from './helpers.js'
import { BANK, batchOf, clearingAccounts, clearingRules, clearingSeed } from './support/clearing.js'

const settlement: SettlementOptions = {
  accounts: clearingAccounts,
  fees: { source: 'none' },
  payout: 'gross',
  deposits: { source: 'statement' },
  charges: defineChargeRules({ msc: { nominalCode: 7901, vat: 'exempt', from: 'bank' } }),
}

/** A NatWest-layout export: one signed `Value` column. */
const statement = (rows: readonly string[]): readonly BankStatementLine[] => {
  const read = parseBankStatement(['Date,Type,Description,Value', ...rows].join('\n'), {
    date: 'Date',
    amount: 'Value',
    description: 'Description',
    currency: 'GBP',
  })
  if (!read.ok) throw new Error(read.issues.map((i) => i.message).join('; '))
  return read.value
}
const DEPOSIT = '04/11/2026,BAC,ELAVON MERCH SVCS,20.00'
const CHARGEBACK = '10/11/2026,D/D,ELAVON CHARGEBACK,-5.00'
const CHARGES = '02/12/2026,D/D,ELAVON MSC,-3.75'

const november: ChargeStatementInput = {
  statementId: 'ELV-2026-11',
  currency: 'GBP',
  lines: [
    {
      lineNo: 1,
      date: '2026-12-01',
      period: '2026-11',
      feeType: 'msc',
      net: { amount: 375, currency: 'GBP' },
      vat: { amount: 0, currency: 'GBP' },
    },
  ],
}

function grossHarness() {
  const h = harness({ seed: clearingSeed, engine: { rules: clearingRules, settlement } })
  const imported: BankStatementLine[] = []
  const importRows = async (rows: readonly string[]) => {
    const lines = statement(rows)
    imported.push(...lines)
    await h.store.importBankStatement({ bankAccountId: BANK, lines, now: Date.now() })
  }
  return { ...h, importRows, imported }
}

describe('gross settle from the bank statement', () => {
  it('posts the batch on its gross deposit, the chargeback and the charges each on their own debit; the books agree with the bank', async () => {
    const h = grossHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.drain()
    await h.importRows([DEPOSIT])
    await h.engine.ingestSettlementBatch(batchOf('B-50', [a, b]))
    await h.engine.drain()
    expect(await h.store.get(settlementEventId('B-50'))).toMatchObject({ state: 'posted' })

    // The chargeback is stated before the bank shows its debit: it waits, posting nothing.
    await h.engine.explainPayoutDifference({
      batchId: 'B-50',
      kind: 'chargeback',
      amount: money(500, 'GBP'),
      nominalCode: 7903,
      date: '2026-11-09',
      from: 'bank',
    })
    await h.engine.ingestChargeStatement(november)
    await h.engine.drain()
    const chargebackId = `${settlementEventId('B-50')}:chargeback`
    expect(await h.store.get(chargebackId)).toMatchObject({
      state: 'waiting',
      lastError: {
        message: expect.stringContaining(
          'No debit of £5.00 between 2026-11-09 and 2026-11-14',
        ) as unknown,
      },
    })
    expect(await h.store.get(chargeEventId('ELV-2026-11'))).toMatchObject({
      state: 'waiting',
      lastError: { message: expect.stringContaining('No debit of £3.75') as unknown },
    })
    const journalsBefore = h.fake.journals.size
    // The operator sees the statement and why it waits (status reads this).
    const admin = createSyncAdmin({ store: h.store })
    expect(await admin.chargeStatements()).toMatchObject([
      {
        statementId: 'ELV-2026-11',
        state: 'waiting',
        total: '£3.75',
        why: expect.stringContaining('No debit of £3.75') as unknown,
      },
    ])

    // The next export shows both debits: each posts once, dated on the bank's day.
    await h.importRows([DEPOSIT, CHARGEBACK, CHARGES])
    await h.nextRound()
    expect(await h.store.get(chargebackId)).toMatchObject({ state: 'posted' })
    const charges = await h.store.get(chargeEventId('ELV-2026-11'))
    expect(charges?.state).toBe('posted')
    const debit = h.imported.find((l) => l.description === 'ELAVON MSC')
    expect((charges?.detail as PostedChargesRecord).debit).toEqual({
      id: debit?.id,
      date: '2026-12-02',
    })
    const journals = [...h.fake.journals.values()] as {
      JournalName: string
      JournalDate?: string
      LineItems: { NominalCode: number; Debit: number; Credit: number }[]
    }[]
    expect(h.fake.journals.size).toBe(journalsBefore + 1)
    const chargeback = journals.find((j) => j.JournalName === 'OPAYO-BATCH:B-50:chargeback')
    expect(chargeback?.LineItems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ NominalCode: 7903, Debit: 5, Credit: 0 }),
        expect.objectContaining({ NominalCode: 1200, Debit: 0, Credit: 5 }),
      ]),
    )
    expect(JSON.stringify(chargeback)).toContain('2026-11-10')
    expect(await admin.chargeStatements()).toEqual([
      {
        statementId: 'ELV-2026-11',
        id: 'charges:ELV-2026-11',
        state: 'posted',
        from: '2026-12-01',
        to: '2026-12-01',
        lines: 1,
        total: '£3.75',
        fromBank: '£3.75',
        fromClearing: '£0.00',
        debit: { id: debit?.id, date: '2026-12-02' },
      },
    ])

    // The trial balance from what KashFlow received; the bank nominal against the statement.
    const balances = trialBalance(h.fake)
    const bankSaw = h.imported
      .filter((l, i, all) => all.findIndex((o) => o.id === l.id) === i)
      .reduce((sum, l) => sum + l.amount.amount, 0)
    expect(bankSaw).toBe(2000 - 500 - 375)
    expect(balances.get(1200)).toBe(bankSaw)
    expect(balances.get(1210) ?? 0).toBe(0)
    expect(balances.get(7903)).toBe(500)
    expect(balances.get(7901)).toBe(375)
  })

  it('never posts charges on a debit of another amount: the statement waits for a person', async () => {
    const h = grossHarness()
    await h.engine.ingestChargeStatement(november)
    await h.importRows(['02/12/2026,D/D,ELAVON MSC,-3.80'])
    await h.engine.drain()
    const waiting = await h.store.get(chargeEventId('ELV-2026-11'))
    expect(waiting?.state).toBe('waiting')
    expect(h.fake.bankTransactions.get(BANK) ?? []).toEqual([])
  })

  it('under net payout, posts a bank-paid charge as the statement states it, waiting for no debit', async () => {
    const h = harness({
      seed: clearingSeed,
      engine: { rules: clearingRules, settlement: { ...settlement, payout: 'net' } },
    })
    await h.engine.ingestChargeStatement(november)
    await h.engine.drain()
    const posted = await h.store.get(chargeEventId('ELV-2026-11'))
    expect(posted?.state).toBe('posted')
    expect((posted?.detail as PostedChargesRecord).debit).toBeUndefined()
  })

  it('takes one debit for one holder: two statements of the same total do not share it', async () => {
    const h = grossHarness()
    await h.importRows([CHARGES])
    await h.engine.ingestChargeStatement(november)
    await h.engine.ingestChargeStatement({ ...november, statementId: 'ELV-2026-11B' })
    await h.engine.drain()
    const states = [
      (await h.store.get(chargeEventId('ELV-2026-11')))?.state,
      (await h.store.get(chargeEventId('ELV-2026-11B')))?.state,
    ].sort()
    expect(states).toEqual(['posted', 'waiting'])
  })
})
