// `opayo-kashflow dead-letters show | resolve` through the real binary (node + tsx on the
// sources), on a SQLite store a real engine left an unmatched payment in: the candidates are
// printed, the resolution is kept, and the engine then posts the payment to that invoice once.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  CanonicalPaymentSchema,
  createReferenceParser,
  definePostingRules,
  postingMarker,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createSyncEngine } from '@opayo-kashflow/sync'
import type { SyncEngine } from '@opayo-kashflow/sync'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import type { FakeKashflowServer } from '@opayo-kashflow/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CREDENTIALS } from './helpers.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = join(root, 'src/cli/bin.ts')
const dir = mkdtempSync(join(tmpdir(), 'ok-cli-resolve-'))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const db = join(dir, 'resolve.db')

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', tsx, source, ...args],
      { cwd: dir, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

vi.setConfig({ testTimeout: 60_000 })

let kashflow: FakeKashflowServer
const tx = 'F0000000-0000-4000-8000-000000005531'
const payment = CanonicalPaymentSchema.parse({
  id: `opayo:${tx}:payment`,
  source: {
    system: 'opayo',
    protocol: 'server',
    transactionId: tx,
    vendorTxCode: 'ORDER-5531',
    verified: true,
  },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 4500, currency: 'GBP' },
  occurredAt: '2026-11-02T10:15:00Z',
})

async function withEngine<T>(run: (engine: SyncEngine) => Promise<T>): Promise<T> {
  const store = await sqliteStore({ path: db })
  try {
    return await run(
      createSyncEngine({
        store,
        kashflow: createKashflowClient({ ...CREDENTIALS, baseUrl: kashflow.url }),
        rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
        references: createReferenceParser(['INV-{invoice}-{*}']),
        matching: { autoPost: { minScore: 40, requireUnique: true } },
      }),
    )
  } finally {
    await store.close()
  }
}

beforeAll(async () => {
  kashflow = await startFakeKashflowServer({
    port: 0,
    seed: {
      invoices: [
        { number: 1051, gross: 45, customerCode: 'A', issuedDate: '2026-10-28' },
        { number: 1060, gross: 45, customerCode: 'B', issuedDate: '2026-10-30' },
      ],
    },
  })
  writeFileSync(
    join(dir, 'opayo-kashflow.config.json'),
    JSON.stringify({
      opayo: { vendorName: 'myshop', reportingUser: 'r' },
      kashflow: { username: CREDENTIALS.username, baseUrl: kashflow.url },
      posting: { bankAccountId: 55166, paymentMethodId: 409844 },
      references: ['INV-{invoice}-{*}'],
      store: { sqlite: db },
      server: { redirectUrl: 'https://shop.example/thanks?o={vendorTxCode}' },
      poll: false,
    }),
  )
})
afterAll(async () => {
  await kashflow.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('opayo-kashflow dead-letters resolve', () => {
  it('shows the candidates, keeps who and why, and the payment is then posted to that invoice once', async () => {
    await withEngine(async (engine) => {
      await engine.ingest(payment)
      await engine.drain()
    })
    const show = await cli(['dead-letters', 'show', payment.id])
    expect(show.code).toBe(0)
    expect(show.stdout).toContain('unmatched_reference')
    expect(show.stdout).toContain('1051 score 45')
    expect(show.stdout).toContain('1060 score 45')
    expect(show.stdout).toContain('+40 amount due equals payment (£45.00)')
    const list = await cli(['dead-letters', 'list'])
    expect(list.stdout).toContain('Candidates: invoice 1051 (score 45), invoice 1060 (score 45)')

    // Usage errors exit 2 and change nothing.
    expect((await cli(['dead-letters', 'resolve', payment.id, '--reason', 'x'])).code).toBe(2)
    expect(
      (await cli(['dead-letters', 'resolve', payment.id, '--invoice', '10x', '--reason', 'x']))
        .code,
    ).toBe(2)
    expect((await cli(['dead-letters', 'resolve', payment.id, '--invoice', '1060'])).code).toBe(2)

    const resolved = await cli([
      'dead-letters',
      'resolve',
      payment.id,
      '--invoice',
      '1060',
      '--by',
      'jo',
      '--reason',
      'Acme phoned: their order 5531',
      '--json',
    ])
    expect(resolved.stderr).toBe('')
    expect(resolved.code).toBe(0)
    expect(JSON.parse(resolved.stdout)).toMatchObject({
      resolved: true,
      resolution: { invoiceNumber: 1060, by: 'jo', reason: 'Acme phoned: their order 5531' },
    })
    // Not a dead letter any more: a second resolve is refused (exit 1).
    const again = await cli([
      'dead-letters',
      'resolve',
      payment.id,
      '--invoice',
      '1051',
      '--reason',
      'second thoughts',
    ])
    expect(again.code).toBe(1)
    expect(again.stdout).toContain('not a dead letter')

    const shown = await cli(['dead-letters', 'show', payment.id])
    expect(shown.stdout).toMatch(
      /resolved .* by jo: invoice 1060 \(Acme phoned: their order 5531\)/,
    )
    await withEngine(async (engine) => {
      await engine.drain()
      expect((await engine.deadLetters.get(payment.id))?.event).toMatchObject({
        state: 'posted',
        detail: { match: { via: 'resolution', invoiceNumber: 1060 } },
      })
    })
    const marker = postingMarker(tx, 'payment')
    expect(kashflow.fake.linesSentWith(marker)).toHaveLength(1)
    expect(kashflow.fake.invoices.get(1060)?.PaymentLines).toHaveLength(1)
    expect(kashflow.fake.invoices.get(1051)?.PaymentLines).toHaveLength(0)
  })
})
