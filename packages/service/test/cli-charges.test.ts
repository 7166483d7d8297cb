// `charges import FILE` through the real binary (the source entry under tsx).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { describe, expect, it, vi } from 'vitest'
import { runCli } from './support/cli-child.js'
import { writeClearingConfig } from './support/clearing-config.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-cli-charges-'))
const env = { OPAYO_KASHFLOW_KASHFLOW_PASSWORD: 'p', OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: 'w' }
const cli = (args: string[]) => runCli(args, { cwd: dir, env })

// Each test starts the CLI as a process: seconds, more on a busy machine.
vi.setConfig({ testTimeout: 120_000 })

const config = (name: string, charges?: unknown) =>
  writeClearingConfig(dir, name, charges === undefined ? {} : { charges })

const charges = {
  msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
  gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
}
const HEADER = 'statement_id,period,fee_type,description,net,vat,currency'
const file = (name: string, rows: string[]) => {
  const path = join(dir, name)
  writeFileSync(path, [HEADER, ...rows].join('\n'))
  return path
}

describe('charges import FILE', () => {
  it('queues a statement once, refuses a file with a bad line (1) and names an unknown fee type', async () => {
    const configPath = config('ok', charges)
    const october = file('october.csv', [
      'ELV-2026-10,2026-10,msc,Merchant service charge,3.75,0.00,GBP',
      'ELV-2026-10,2026-10,gateway,Opayo gateway,20.00,4.00,GBP',
    ])
    const first = await cli(['charges', 'import', october, '--config', configPath, '--json'])
    expect(first.stderr).toBe('')
    expect(JSON.parse(first.stdout)).toEqual([
      {
        statementId: 'ELV-2026-10',
        outcome: 'queued',
        id: 'charges:ELV-2026-10',
        lines: 2,
        fromBank: '£24.00',
        fromClearing: '£3.75',
      },
    ])
    expect(first.code).toBe(0)
    const again = await cli(['charges', 'import', october, '--config', configPath])
    expect(again.stdout).toContain('imported before')
    expect(again.code).toBe(0)
    // status lists the statement, queued and not yet written.
    const status = await cli(['status', '--config', configPath])
    expect(status.stdout).toMatch(
      /charge statements: 1\n {2}ELV-2026-10 \(.*2 line\(s\), £27\.75\) received/,
    )

    const exempt = file('vat-on-exempt.csv', ['ELV-2026-11,2026-11,msc,,3.75,0.75,GBP'])
    const refused = await cli(['charges', 'import', exempt, '--config', configPath])
    expect(refused.stderr).toMatch(/line 1 \(msc\).*exempt/)
    expect(refused.code).toBe(1)
    const unknown = file('unknown.csv', ['ELV-2026-11,2026-11,terminal rental,,15.00,3.00,GBP'])
    const named = await cli(['charges', 'import', unknown, '--config', configPath])
    expect(named.stderr).toMatch(/fee type "terminal rental" has no charge rule/)
    expect(named.code).toBe(1)
    expect((await cli(['charges', 'import', '--config', configPath])).code).toBe(2)

    const store = await sqliteStore({ path: join(dir, 'ok.db') })
    const events = await store.list({ states: ['received'] })
    await store.close()
    // The good statement only, queued for the worker.
    expect(events.map((e) => e.id)).toEqual(['charges:ELV-2026-10'])
  })

  it('says which key is wrong, and refuses to run without settlement.charges (2)', async () => {
    const bad = await cli([
      'charges',
      'import',
      join(dir, 'october.csv'),
      '--config',
      config('bad', { msc: { nominalCode: 7901, vat: 'zero', from: 'clearing' } }),
    ])
    expect(bad.stderr).toMatch(/settlement\.charges\.msc\.vat/)
    expect(bad.code).toBe(2)
    const none = await cli([
      'charges',
      'import',
      join(dir, 'october.csv'),
      '--config',
      config('none'),
    ])
    expect(none.stderr).toMatch(/set settlement\.charges/)
    expect(none.code).toBe(2)
  })
})
