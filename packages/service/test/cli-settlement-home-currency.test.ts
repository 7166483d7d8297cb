// Issue 21, part 3: `settlement received BATCH AMOUNT` reads AMOUNT in the home currency every
// posting path uses: posting.homeCurrency when configured, else KashFlow's setting. It assumed
// GBP; against a KashFlow whose home currency is EUR the amount is now recorded in EUR.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import type { FakeKashflowServer } from '@opayo-kashflow/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from '../src/cli/main.js'
import { CREDENTIALS } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-cli-home-currency-'))
let kashflow: FakeKashflowServer

beforeAll(async () => {
  kashflow = await startFakeKashflowServer({ port: 0, seed: { homeCurrency: 'EUR' } })
})
afterAll(() => kashflow.close())
beforeEach(() => {
  vi.stubEnv('OPAYO_KASHFLOW_KASHFLOW_PASSWORD', CREDENTIALS.password)
  vi.stubEnv('OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD', CREDENTIALS.memorableWord)
})
afterEach(() => vi.unstubAllEnvs())

/** A config over a fresh store holding batch 77 (in USD, foreign either way), and a CLI runner. */
async function setUp(name: string, posting: Record<string, unknown>) {
  const db = join(dir, `${name}.db`)
  const configPath = join(dir, `${name}.config.json`)
  writeFileSync(
    configPath,
    JSON.stringify({
      opayo: { vendorName: 'myshop' },
      kashflow: { username: CREDENTIALS.username, baseUrl: kashflow.url },
      posting: { bankAccountId: 1, paymentMethodId: 2, ...posting },
      references: ['INV-{invoice}-{*}'],
      server: { redirectUrl: 'https://shop.example/' },
      store: { sqlite: db },
      poll: false,
    }),
  )
  const store = await sqliteStore({ path: db })
  await store.ingest({
    id: 'batch:77',
    payment: {
      settlementBatch: {
        batchId: '77',
        date: '2026-11-02',
        currency: 'USD',
        gross: { amount: 11650, currency: 'USD' },
        transactions: [
          {
            transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
            kind: 'payment',
            amount: { amount: 11650, currency: 'USD' },
            scheme: 'visa',
          },
        ],
      },
    },
    fingerprint: 'first',
    now: Date.now(),
  })
  await store.close()
  return async (...args: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const code = await main([...args, '--config', configPath], {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    })
    return { code, stdout: out.join('\n'), stderr: err.join('\n') }
  }
}

describe('settlement received BATCH AMOUNT: the home currency', () => {
  it("records the amount in KashFlow's home currency (EUR) when the config names none", async () => {
    const cli = await setUp('kashflow-setting', {})
    const result = await cli('settlement', 'received', '77', '97.80', '--json')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      received: { amount: 9780, currency: 'EUR' },
    })
  })

  it('records it in posting.homeCurrency when configured', async () => {
    const cli = await setUp('configured', { homeCurrency: 'CHF' })
    const result = await cli('settlement', 'received', '77', '97.80', '--json')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      received: { amount: 9780, currency: 'CHF' },
    })
  })
})
