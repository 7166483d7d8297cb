// `reconcile` in clearing mode lists the charge statements with a line in the range, and where
// each stands: posted (what came off the bank), or dead-lettered for a person (exit 1). The
// statements are written by a real engine against the testkit's fake KashFlow.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createReferenceParser,
  defineChargeRules,
  definePostingRules,
  defineSettlementAccounts,
} from '@opayo-kashflow/core'
import type { ChargeStatementInput } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoReportingClient } from '@opayo-kashflow/opayo'
import { createSyncEngine, memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow, FakeOpayo } from '@opayo-kashflow/testkit'
import { runReconcileCommand } from '../src/cli/reconcile-command.js'
import type { ReconcileCommandJson } from '../src/cli/reconcile-command.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const statement = (statementId: string, feeType: string, date: string): ChargeStatementInput => ({
  statementId,
  currency: 'GBP',
  lines: [
    {
      lineNo: 1,
      date,
      feeType,
      net: { amount: 375, currency: 'GBP' },
      vat: { amount: 0, currency: 'GBP' },
    },
  ],
})

function setup() {
  const now = Date.UTC(2026, 11, 2, 10, 0, 0)
  const kf = new FakeKashflow({
    now: () => now,
    bankAccounts: [
      { Id: 55166, AccountName: 'Current Account', Code: 1200 },
      { Id: 55170, AccountName: 'Opayo clearing', Code: 1210 },
    ],
  })
  const kashflow = createKashflowClient({
    username: kf.user.username,
    password: kf.user.password,
    memorableWord: kf.user.memorableWord,
    fetch: kf.fetch,
    random: () => 0.5,
  })
  const store = memoryStore()
  const engine = createSyncEngine({
    store,
    kashflow,
    rules: definePostingRules({
      bankAccountId: 55166,
      paymentMethodId: 409844,
      mode: 'clearing',
      clearingBankAccountId: 55170,
    }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    clock: { now: () => now },
    settlement: {
      accounts: defineSettlementAccounts({
        clearing: { bankAccountId: 55170, nominalCode: 1210 },
        bank: { bankAccountId: 55166, nominalCode: 1200 },
        feesNominalCode: 7901,
        fxNominalCode: 7906,
      }),
      fees: { source: 'none' },
      charges: defineChargeRules({ msc: { nominalCode: 7901, vat: 'exempt', from: 'bank' } }),
    },
  })
  const reporting = createOpayoReportingClient({
    vendor: 'sandbox',
    user: 'reporter',
    password: 'secret',
    environment: new URL('https://reporting.fake.test/access/access.htm'),
    fetch: new FakeOpayo().fetch,
  })
  const reconcile = async (json: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'reconcile-charges-'))
    dirs.push(dir)
    const out: string[] = []
    const code = await runReconcileCommand({
      reporting,
      store,
      kashflow,
      references: createReferenceParser(['INV-{invoice}-{*}']),
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      outDir: dir,
      json,
      out: (line) => out.push(line),
      batches: { clearingNominalCode: 1210, store, kashflow },
    })
    return { code, out: out.join('\n') }
  }
  return { engine, reconcile }
}

describe('reconcile: charge statements', () => {
  it('lists each statement in the range with its state; a dead one needs a person (exit 1)', async () => {
    const { engine, reconcile } = setup()
    await engine.ingestChargeStatement(statement('ELV-2026-10', 'msc', '2026-11-03'))
    await engine.ingestChargeStatement(statement('OPY-2026-10', 'terminal rental', '2026-11-05'))
    // December's statement is outside the range: not listed.
    await engine.ingestChargeStatement(statement('ELV-2026-11', 'msc', '2026-12-01'))
    await engine.drain()
    const text = await reconcile(false)
    expect(text.out).toMatch(/charges ELV-2026-10 +posted +£3\.75/)
    expect(text.out).toMatch(/charges OPY-2026-10 +dead +£3\.75: unknown_fee_type/)
    expect(text.out).not.toContain('ELV-2026-11')
    expect(text.code).toBe(1)
    const json = await reconcile(true)
    const printed = JSON.parse(json.out) as ReconcileCommandJson
    expect(printed.chargeStatements?.map((c) => [c.statementId, c.state, c.fromBank])).toEqual([
      ['ELV-2026-10', 'posted', '£3.75'],
      ['OPY-2026-10', 'dead', undefined],
    ])
  })

  it('exits 0 when every statement in the range is posted', async () => {
    const { engine, reconcile } = setup()
    await engine.ingestChargeStatement(statement('ELV-2026-10', 'msc', '2026-11-03'))
    await engine.drain()
    const { code, out } = await reconcile(false)
    expect(out).toMatch(/charges ELV-2026-10 +posted/)
    expect(code).toBe(0)
  })
})
