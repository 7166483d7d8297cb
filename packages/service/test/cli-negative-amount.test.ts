// Issue 19, finding 6: `settlement received 77 -97.80` (the documented negative amount, when the
// acquirer took money) was "Unknown option '-9'", while `-- --97.80` recorded +97.80. A leading
// minus is read where the docs show one; any other sign is refused and nothing is recorded.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from '../src/cli/main.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-cli-negative-'))
const db = join(dir, 'received.db')
const configPath = join(dir, 'config.json')
writeFileSync(
  configPath,
  JSON.stringify({
    opayo: { vendorName: 'myshop' },
    kashflow: { username: 'u', baseUrl: 'http://127.0.0.1:9/' },
    // Configured: KashFlow (unreachable here) is not asked for it.
    posting: { bankAccountId: 1, paymentMethodId: 2, homeCurrency: 'GBP' },
    references: ['INV-{invoice}-{*}'],
    server: { redirectUrl: 'https://shop.example/' },
    store: { sqlite: db },
    poll: false,
  }),
)

const batch = {
  batchId: '77',
  date: '2026-11-02',
  currency: 'EUR',
  gross: { amount: 11650, currency: 'EUR' },
  transactions: [
    {
      transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
      kind: 'payment',
      amount: { amount: 11650, currency: 'EUR' },
      scheme: 'visa',
    },
  ],
}

async function cli(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main([...args, '--config', configPath], {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
  })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

async function received(): Promise<unknown> {
  const store = await sqliteStore({ path: db })
  try {
    const event = await store.get('batch:77')
    return (event?.payment as { settlementBatch?: { received?: unknown } }).settlementBatch
      ?.received
  } finally {
    await store.close()
  }
}

beforeEach(() => {
  vi.stubEnv('OPAYO_KASHFLOW_KASHFLOW_PASSWORD', 'p')
  vi.stubEnv('OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD', 'w')
})
afterEach(() => vi.unstubAllEnvs())

describe('settlement received BATCH AMOUNT with a sign', () => {
  it('records -97.80 as written, and refuses --97.80, -- --97.80 and +97.80 (exit 2, nothing recorded)', async () => {
    const store = await sqliteStore({ path: db })
    await store.ingest({
      id: 'batch:77',
      payment: { settlementBatch: batch },
      fingerprint: 'first',
      now: Date.now(),
    })
    await store.close()

    for (const words of [['--97.80'], ['--', '--97.80'], ['+97.80'], ['-', '97.80'], ['-9x']]) {
      const refused = await cli('settlement', 'received', '77', ...words)
      expect(refused.code, words.join(' ')).toBe(2)
      expect(await received(), words.join(' ')).toBeUndefined()
    }

    const negative = await cli('settlement', 'received', '77', '-97.80', '--json')
    expect(negative.stderr).toBe('')
    expect(negative.code).toBe(0)
    expect(JSON.parse(negative.stdout)).toMatchObject({
      received: { amount: -9780, currency: 'GBP' },
    })
    expect(await received()).toEqual({ amount: -9780, currency: 'GBP' })
  })
})
