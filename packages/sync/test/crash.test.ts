// The crash proof: a child process drains the SQLite queue against a loopback fake KashFlow and
// is killed with SIGKILL at random moments, including right between the KashFlow write and the
// ledger update; it restarts, again and again. At the end KashFlow holds exactly one payment per
// Opayo money movement, and none is missing.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { createSyncEngine } from '../src/index.js'
import { sqliteStore } from '../src/sqlite.js'
import { payment } from './helpers.js'

const KILLS = Number(process.env['CRASH_TEST_KILLS'] ?? '20')
const EVENTS = Number(process.env['CRASH_TEST_EVENTS'] ?? '30')
const dir = mkdtempSync(join(tmpdir(), 'ok-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const worker = fileURLToPath(new URL('./support/crash-worker.ts', import.meta.url))

function runWorker(
  env: Record<string, string>,
  killAfterMs: number | undefined,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', 'tsx', worker],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    )
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal })
    })
  })
}

// Pessimistic (the fake's default): no line notes, unknown fields dropped, negative bulk amounts
// refused. Optimistic: all three go our way. The read-back must hold on both.
const RUNS = [
  { name: 'pessimistic', kills: KILLS, unconfirmed: {} },
  {
    name: 'optimistic',
    kills: Math.ceil(KILLS / 2),
    unconfirmed: {
      commentToNote: true,
      dropUnknownFields: false,
      negativeBulkAmounts: 'accepted',
    },
  },
] as const

describe('the crash test', () => {
  it.each(RUNS)(
    'loses nothing and posts nothing twice across SIGKILLs ($name KashFlow, $kills kills)',
    async ({ kills, unconfirmed }) => {
      const invoices = Array.from({ length: 10 }, (_, i) => ({ number: 8000 + i, gross: 10_000 }))
      const server = await startFakeKashflowServer({ port: 0, seed: { invoices, unconfirmed } })
      const refundsAccepted = 'negativeBulkAmounts' in unconfirmed
      // Slow KashFlow down a little so the backlog outlives several workers, and kills land mid-work.
      server.fake.latencyMs = 15
      const path = join(dir, `crash-${kills}-${String(refundsAccepted)}.db`)
      try {
        // Ingest the backlog durably first, as the notification handler would.
        const store = await sqliteStore({ path })
        const ingester = createSyncEngine({
          store,
          kashflow: createKashflowClient({
            username: 'u',
            password: 'p',
            memorableWord: 'w',
            baseUrl: server.url,
          }),
          rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
          references: createReferenceParser(['INV-{invoice}-{*}']),
        })
        const payments = Array.from({ length: EVENTS }, (_, i) =>
          payment(8000 + (i % 10), {
            ...(i % 5 === 4 ? { kind: 'refund' as const } : {}),
            amount: { amount: 100 + i, currency: 'GBP' },
          }),
        )
        for (const p of payments) await ingester.ingest(p)
        await store.close()

        const env = { DB_PATH: path, KASHFLOW_URL: server.url, LEASE_MS: '300' }
        const outcomes: (string | null)[] = []
        for (let i = 0; i < kills; i += 1) {
          // Half the runs also die by their own hand right after a write, before the ledger knows.
          const result = await runWorker(
            { ...env, CRASH_AFTER_WRITE: i % 2 === 0 ? '0.3' : '0' },
            150 + Math.floor(Math.random() * 600),
          )
          outcomes.push(result.signal)
          await new Promise((r) => setTimeout(r, 320)) // let the dead worker's leases expire
        }
        const final = await runWorker(
          { ...env, CRASH_AFTER_WRITE: '0', MAX_MS: '60000' },
          undefined,
        )
        expect(final.code).toBe(0)
        // Most workers die by SIGKILL (a worker that starts after the backlog is done exits 0).
        expect(outcomes.filter((s) => s === 'SIGKILL').length).toBeGreaterThanOrEqual(kills / 4)

        // Refunds are dead-lettered (KashFlow's reason) where negative bulk amounts are refused.
        const posted = payments.filter((p) => refundsAccepted || p.kind !== 'refund')
        const lines = [...server.fake.invoices.values()].flatMap((inv) => inv.PaymentLines)
        for (const p of posted) {
          const marker = p.id.replace(/^opayo:/, 'OPAYO:')
          expect(server.fake.linesSentWith(marker), marker).toHaveLength(1)
        }
        expect(lines).toHaveLength(posted.length)
        const check = await sqliteStore({ path })
        const counts = (await check.stats()).counts
        expect(counts.posted).toBe(posted.length)
        expect(counts.dead).toBe(payments.length - posted.length)
        await check.close()
      } finally {
        await server.close()
      }
    },
    180_000,
  )
})
