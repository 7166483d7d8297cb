// Settlement through the real binary (the source entry under tsx, what `pnpm demo` runs).
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { FakeOpayo } from '@opayo-kashflow/testkit'
import { describe, expect, it, vi } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = join(root, 'src/cli/bin.ts')
const dir = mkdtempSync(join(tmpdir(), 'ok-cli-settlement-'))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', tsx, source, ...args],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

// Each test starts the CLI as a process: seconds, more on a busy machine.
vi.setConfig({ testTimeout: 120_000 })

describe('demo --mode clearing', () => {
  it('settles the batch, says the clearing account is at zero, and exits 0', async () => {
    const result = await cli(['demo', '--mode', 'clearing'])
    expect(result.stdout).toContain('OPAYO-BATCH:1001:transfer')
    expect(result.stdout).toMatch(/Clearing account 1210: .* £0\.00 remains/)
    expect(result.stdout).toContain('The clearing account is at zero')
    // The bank nominal, from the journals KashFlow received, is what the acquirer paid in.
    expect(result.stdout).toMatch(
      /Bank nominal 1200: £658\.51 booked; the acquirer paid in £658\.51/,
    )
    // What `reconcile` reports per batch, in the demo's own words.
    expect(result.stdout).toMatch(
      /batch 1001 +settled +Opayo 670\.48, clearing 670\.48, .* remains 0\.00/,
    )
    expect(result.code).toBe(0)
  })

  it('refuses an unknown mode as a usage error (exit 2)', async () => {
    const result = await cli(['demo', '--mode', 'sideways'])
    expect(result.stderr).toMatch(/--mode must be "direct" or "clearing"/)
    expect(result.code).toBe(2)
  })
})

describe('fees import FILE', () => {
  const db = join(dir, 'fees.db')
  const configPath = join(dir, 'fees.config.json')
  writeFileSync(
    configPath,
    JSON.stringify({
      opayo: { vendorName: 'myshop' },
      kashflow: { username: 'u' },
      posting: { bankAccountId: 1, paymentMethodId: 2 },
      references: ['INV-{invoice}-{*}'],
      server: { redirectUrl: 'https://shop.example/' },
      store: { sqlite: db },
    }),
  )
  const statement = () => {
    const opayo = new FakeOpayo()
    opayo.seed({ vendorTxCode: 'INV-1-1', amount: 12000 })
    opayo.seed({ vendorTxCode: 'INV-2-1', amount: 4550 })
    opayo.closeBatches({ date: '2026-11-03', fee: (tx) => Math.round(tx.amount * 0.015) + 20 })
    return opayo.feeStatementCsv()
  }

  it('imports a statement once, all or nothing, with exit codes 0, 1 and 2', async () => {
    const good = join(dir, 'statement.csv')
    const text = statement()
    writeFileSync(good, text)
    const first = await cli(['fees', 'import', good, '--config', configPath, '--json'])
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'created', rows: 2 })
    const again = await cli(['fees', 'import', good, '--config', configPath])
    expect(again.stdout).toContain('imported before')
    expect(again.code).toBe(0)
    // The same statement re-exported with its columns (and rows) in another order.
    const [header = '', ...lines] = text.trim().split('\n')
    const swap = (line: string) => line.split(',').reverse().join(',')
    const reordered = join(dir, 'reordered.csv')
    writeFileSync(reordered, [swap(header), ...lines.reverse().map(swap)].join('\n'))
    const third = await cli(['fees', 'import', reordered, '--config', configPath, '--json'])
    expect(JSON.parse(third.stdout)).toMatchObject({ outcome: 'duplicate', rows: 2 })

    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'batch_id,fee,currency\n1001,0.35,GBP\n1002,-1,GBP\n1003,abc,XXX\n')
    const refused = await cli(['fees', 'import', bad, '--config', configPath])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/problem\(s\) in .*nothing was imported/)
    expect(refused.stderr).toMatch(/line 3/)

    expect(
      (await cli(['fees', 'import', join(dir, 'absent.csv'), '--config', configPath])).code,
    ).toBe(2)
    expect((await cli(['fees', 'import', '--config', configPath])).code).toBe(2)

    const store = await sqliteStore({ path: db })
    const rows = await store.feeStatementRows()
    await store.close()
    // The good file's two rows; nothing from the refused one.
    expect(rows).toHaveLength(2)
    expect(rows.map((r) => r.fee.amount)).toEqual([200, 88])
  })
})

describe('settlement received BATCH AMOUNT', () => {
  const db = join(dir, 'received.db')
  const configPath = join(dir, 'received.config.json')
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
  const env = {
    OPAYO_KASHFLOW_KASHFLOW_PASSWORD: 'p',
    OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: 'w',
  }
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

  it('records what reached the bank on a waiting batch once; unknown batch 1, bad amount 2', async () => {
    const store = await sqliteStore({ path: db })
    await store.ingest({
      id: 'batch:77',
      payment: { settlementBatch: batch },
      fingerprint: 'first',
      now: Date.now(),
    })
    await store.close()

    const first = await cli(
      ['settlement', 'received', '77', '97.80', '--config', configPath, '--json'],
      env,
    )
    expect(first.stderr).toBe('')
    expect(JSON.parse(first.stdout)).toEqual({
      batchId: '77',
      outcome: 'queued',
      received: { amount: 9780, currency: 'GBP' },
    })
    expect(first.code).toBe(0)
    const again = await cli(['settlement', 'received', '77', '97.80', '--config', configPath], env)
    expect(again.stdout).toContain('nothing changed')
    expect(again.code).toBe(0)
    expect(
      (await cli(['settlement', 'received', '78', '1.00', '--config', configPath], env)).code,
    ).toBe(1)
    expect(
      (await cli(['settlement', 'received', '77', 'lots', '--config', configPath], env)).code,
    ).toBe(2)
    const badDay = await cli(
      ['settlement', 'received', '77', '97.80', '--on', '4/11/2026', '--config', configPath],
      env,
    )
    expect(badDay.stderr).toMatch(/--on must be the day the deposit reached the bank, YYYY-MM-DD/)
    expect(badDay.code).toBe(2)
    // The day it reached the bank, which dates the transfer.
    const dated = await cli(
      ['settlement', 'received', '77', '97.80', '--on', '2026-11-06', '--config', configPath],
      env,
    )
    expect(dated.stdout).toContain('97.80 received on 2026-11-06 recorded')
    expect(dated.code).toBe(0)

    // settlement explain: flags named when missing or wrong; a batch not posted is refused (1).
    const explain = (...extra: string[]) =>
      cli(['settlement', 'explain', '77', '5.00', ...extra, '--config', configPath], env)
    const noKind = await explain('--nominal', '7903')
    expect(noKind.stderr).toMatch(/--as must be one of chargeback, reserve, charges/)
    expect(noKind.code).toBe(2)
    const noNominal = await explain('--as', 'chargeback')
    expect(noNominal.stderr).toMatch(/--nominal must be the nominal code/)
    expect(noNominal.code).toBe(2)
    const notPosted = await explain('--as', 'chargeback', '--nominal', '7903')
    expect(notPosted.stderr).toMatch(
      /batch 77 is received; its payout difference is known once it is posted/,
    )
    expect(notPosted.code).toBe(1)
    const badFrom = await explain('--as', 'chargeback', '--nominal', '7903', '--from', 'acquirer')
    expect(badFrom.stderr).toMatch(/--from must be clearing .* or bank .*, got "acquirer"/)
    expect(badFrom.code).toBe(2)
    // --from bank is read and reaches the engine (which still wants the batch posted first).
    const fromBank = await explain('--as', 'chargeback', '--nominal', '7903', '--from', 'bank')
    expect(fromBank.stderr).toMatch(/its payout difference is known once it is posted/)
    expect(fromBank.code).toBe(1)

    const reopened = await sqliteStore({ path: db })
    const event = await reopened.get('batch:77')
    await reopened.close()
    expect(event).toMatchObject({
      state: 'received',
      payment: {
        settlementBatch: {
          batchId: '77',
          received: { amount: 9780, currency: 'GBP' },
          receivedOn: '2026-11-06',
        },
      },
    })
  })
})
