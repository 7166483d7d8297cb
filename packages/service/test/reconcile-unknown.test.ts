// Reconciliation while KashFlow is down: a payment that is posted is `unknown`, never
// `missing_in_kashflow` (an operator acting on "missing" would post it a second time), the rows
// are counted apart, and the command exits 3. Against the testkit's fake KashFlow over its
// web-standard fetch, through the real KashFlow client.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createReferenceParser, money, postingMarker } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import type { EventRecord, LedgerEntry } from '@opayo-kashflow/sync'
import { createOpayoReportingClient } from '@opayo-kashflow/opayo'
import { FakeKashflow, FakeOpayo } from '@opayo-kashflow/testkit'
import { runReconcileCommand } from '../src/cli/reconcile-command.js'

const FROM = new Date('2026-11-01T00:00:00Z')
const TO = new Date('2026-11-08T00:00:00Z')
const references = createReferenceParser(['INV-{invoice}-{*}'])

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** One Opayo payment of 12.00 for invoice 1042, posted to the fake KashFlow, with its ledger. */
async function postedPayment() {
  let now = Date.UTC(2026, 10, 2, 10, 0, 0)
  const kf = new FakeKashflow({ now: () => now, invoices: [{ number: 1042, gross: 120 }] })
  const kashflow = createKashflowClient({
    username: kf.user.username,
    password: kf.user.password,
    memorableWord: kf.user.memorableWord,
    fetch: kf.fetch,
    sleep: (ms) => {
      now += ms
      return Promise.resolve()
    },
    random: () => 0.5,
  })
  const opayo = new FakeOpayo()
  opayo.generateReportingRows({
    count: 1,
    from: new Date(FROM.getTime() + 60_000),
    spacingMs: 1000,
    row: () => ({ vendorTxCode: 'INV-1042-1', amount: 1200 }),
  })
  const reporting = createOpayoReportingClient({
    vendor: 'sandbox',
    user: 'reporter',
    password: 'secret',
    environment: new URL('https://reporting.fake.test/access/access.htm'),
    fetch: opayo.fetch,
    pageSize: 50,
  })
  // The movement Opayo reports, and the ledger of the engine that posted it.
  let transactionId = ''
  for await (const tx of reporting.transactions.list({ from: FROM, to: TO }))
    transactionId = tx.vpstxid.replace(/[{}]/g, '')
  const created = await kashflow.invoicePayments.create({
    invoiceNumber: 1042,
    amount: money(1200, 'GBP'),
    date: '2026-11-01',
    methodId: 409844,
    bankAccountId: 55166,
    note: postingMarker(transactionId, 'payment'),
  })
  const id = `opayo:${transactionId}:payment`
  const entry: LedgerEntry = {
    eventId: id,
    marker: postingMarker(transactionId, 'payment'),
    kind: 'invoice-payment',
    state: 'done',
    request: { invoiceNumber: 1042, amount: { amount: 1200, currency: 'GBP' } },
    result: { bulkPaymentNumber: created.bulkPaymentNumber },
    createdAt: 0,
    updatedAt: 0,
  }
  const store = {
    get: () => Promise.resolve({ id, state: 'posted' } as EventRecord),
    ledger: () => Promise.resolve([entry]),
  }
  return { kf, kashflow, reporting, store, setNow: (t: number) => (now = t) }
}

async function run(
  input: Awaited<ReturnType<typeof postedPayment>>,
): Promise<{ code: number; out: string[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'reconcile-unknown-'))
  dirs.push(dir)
  const out: string[] = []
  const code = await runReconcileCommand({
    reporting: input.reporting,
    store: input.store,
    kashflow: input.kashflow,
    references,
    from: FROM,
    to: TO,
    outDir: dir,
    json: false,
    out: (line) => out.push(line),
  })
  return { code, out, dir }
}

describe('reconcile while KashFlow cannot be read', () => {
  it('reports a posted payment as matched while KashFlow answers (the control)', async () => {
    const setup = await postedPayment()
    const { code, out } = await run(setup)
    expect(code).toBe(0)
    expect(out.join('\n')).toMatch(/^matched\s+1$/m)
  })

  it('says unknown (KashFlow unavailable), never missing, and exits 3 during a 503 outage', async () => {
    const setup = await postedPayment()
    setup.kf.downtime(0, Number.MAX_SAFE_INTEGER)
    const { code, out, dir } = await run(setup)
    expect(code).toBe(3)
    const printed = out.join('\n')
    expect(printed).toMatch(/^unknown\s+INV-1042-1\s+KashFlow unavailable: HTTP 503/m)
    expect(printed).toMatch(/^missing in kashflow\s+0$/m)
    expect(printed).toMatch(/^unknown\s+1$/m)
    expect(printed).toContain('the report is incomplete')
    const json = JSON.parse(readFileSync(join(dir, 'reconciliation.json'), 'utf8')) as {
      rows: { status: string; note: string }[]
      summary: Record<string, number>
    }
    expect(json.rows.map((r) => r.status)).toEqual(['unknown'])
    expect(json.summary).toMatchObject({ matched: 0, missing_in_kashflow: 0, unknown: 1 })
  })
})
