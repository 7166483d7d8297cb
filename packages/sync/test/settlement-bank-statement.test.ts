// A batch's deposit read from the bank's own statement export (`deposits: { source: 'statement' }`):
// the lines are parsed with core's parseBankStatement, imported into the store, and matched by
// amount and date; the fake KashFlow is never asked for bank lines.
import { defineFeeRules, parseBankStatement } from '@opayo-kashflow/core'
import type { BankStatementLine } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { settlementEventId } from '../src/index.js'
import type { SettlementOptions } from '../src/index.js'
import { trialBalance } from '../../../test/support/trial-balance.js'
import { harness, payment } from './helpers.js'
import { BANK, batchOf, clearingAccounts, clearingRules, clearingSeed } from './support/clearing.js'

const settlement: SettlementOptions = {
  accounts: clearingAccounts,
  fees: {
    source: 'rules',
    rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }),
  },
  deposits: { source: 'statement' },
}

/** A Lloyds-layout export (two positive columns): money in on the 5th, the batch's net. */
const statementCsv = (credits: readonly string[]) =>
  [
    'Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance,',
    ...credits.map((c) => `05/11/2026,BGC,'30-91-74,02344812,ELAVON MERCH SVCS,,${c},,`),
    "05/11/2026,DD,'30-91-74,02344812,COUNCIL TAX,120.00,,,",
  ].join('\n')

const read = (csv: string): readonly BankStatementLine[] => {
  const parsed = parseBankStatement(csv, {
    date: 'Transaction Date',
    paidIn: 'Credit Amount',
    paidOut: 'Debit Amount',
    description: 'Transaction Description',
    currency: 'GBP',
  })
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '))
  return parsed.value
}

function statementHarness() {
  const h = harness({ seed: clearingSeed, engine: { rules: clearingRules, settlement } })
  const importStatement = (csv: string) =>
    h.store.importBankStatement({ bankAccountId: BANK, lines: read(csv), now: Date.now() })
  return { ...h, importStatement }
}

describe('the deposit from a bank statement export', () => {
  it('waits for the statement, then posts the batch on the line it shows; the trial balance agrees with the bank', async () => {
    const h = statementHarness()
    const a = payment(1042)
    await h.engine.ingest(a)
    await h.engine.drain()
    await h.engine.ingestSettlementBatch(batchOf('B-700', [a]))
    await h.engine.drain()
    const id = settlementEventId('B-700')
    expect(await h.store.get(id)).toMatchObject({
      state: 'waiting',
      lastError: { message: expect.stringContaining('No deposit of £9.65') as unknown },
    })
    expect(await h.importStatement(statementCsv(['9.65']))).toEqual({ added: 2, known: 0 })
    await h.settle()
    const posted = await h.store.get(id)
    expect(posted).toMatchObject({ state: 'posted' })
    const line = read(statementCsv(['9.65']))[0]
    expect(posted?.detail).toMatchObject({ depositId: line?.id })
    // The bank nominal holds what the statement says arrived; clearing is back at zero.
    const balance = trialBalance(h.fake)
    expect(balance.get(1200)).toBe(965)
    expect(balance.get(1210) ?? 0).toBe(0)
    // The bank feed in KashFlow was never the source: the fake holds no line the engine read.
    expect(h.fake.bankTransactions.size).toBe(0)
  })

  it('counts a line once when two exports overlap, so the batch still finds one deposit', async () => {
    const h = statementHarness()
    const a = payment(1042)
    await h.engine.ingest(a)
    await h.importStatement(statementCsv(['9.65']))
    // The next export starts on the same day: the same lines again, and a new one.
    expect(await h.importStatement(statementCsv(['9.65', '40.00']))).toEqual({
      added: 1,
      known: 2,
    })
    await h.engine.ingestSettlementBatch(batchOf('B-701', [a]))
    await h.settle()
    expect(await h.store.get(settlementEventId('B-701'))).toMatchObject({ state: 'posted' })
  })

  it('gives one line to one batch; two lines that could be it make the batch wait with both', async () => {
    const h = statementHarness()
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.importStatement(statementCsv(['9.65']))
    await h.engine.ingestSettlementBatch(batchOf('B-702', [a]))
    await h.settle()
    await h.engine.ingestSettlementBatch(batchOf('B-703', [b]))
    await h.engine.drain()
    expect(await h.store.get(settlementEventId('B-702'))).toMatchObject({ state: 'posted' })
    expect(await h.store.get(settlementEventId('B-703'))).toMatchObject({ state: 'waiting' })

    const h2 = statementHarness()
    await h2.engine.ingest(a)
    await h2.engine.drain()
    await h2.importStatement(statementCsv(['9.65', '9.65']))
    await h2.engine.ingestSettlementBatch(batchOf('B-704', [a]))
    await h2.engine.drain()
    const waiting = await h2.store.get(settlementEventId('B-704'))
    expect(waiting?.state).toBe('waiting')
    expect(waiting?.lastError?.message).toMatch(
      /2 deposits could be batch B-704's.*£9\.65 on 2026-11-05.*; £9\.65 on 2026-11-05/,
    )
    expect(h2.fake.journals.size).toBe(0)
  })
})
