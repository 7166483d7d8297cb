// `deposits import FILE` through the real binary (the source entry under tsx): a bank's CSV
// export read with the configured column mapping, stored once per line.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { describe, expect, it, vi } from 'vitest'
import { runCli } from './support/cli-child.js'
import { writeClearingConfig } from './support/clearing-config.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-cli-deposits-'))
const env = { OPAYO_KASHFLOW_KASHFLOW_PASSWORD: 'p', OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: 'w' }
const cli = (args: string[]) => runCli(args, { cwd: dir, env })

// Each test starts the CLI as a process: seconds, more on a busy machine.
vi.setConfig({ testTimeout: 120_000 })

/** Lloyds' export layout (two positive columns, DD/MM/YYYY); see core's bank-statement fixtures. */
const COLUMNS = {
  date: 'Transaction Date',
  paidIn: 'Credit Amount',
  paidOut: 'Debit Amount',
  description: 'Transaction Description',
  currency: 'GBP',
}
const HEADER =
  'Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance,'

const config = (name: string, deposits?: unknown) =>
  writeClearingConfig(dir, name, deposits === undefined ? {} : { deposits })
const file = (name: string, rows: string[]) => {
  const path = join(dir, name)
  writeFileSync(path, [HEADER, ...rows].join('\r\n'))
  return path
}

describe('deposits import FILE', () => {
  it('stores the lines once, an overlapping export adds only what is new, and the store reads them by date', async () => {
    const configPath = config('ok', { source: 'statement', columns: COLUMNS })
    const first = file('first.csv', [
      "04/11/2026,BGC,'30-91-74,02344812,ELAVON MERCH SVCS,,143.34,12147.95,",
      "05/11/2026,DD,'30-91-74,02344812,ELAVON FEES,21.60,,12126.35,",
    ])
    const run = await cli(['deposits', 'import', first, '--config', configPath, '--json'])
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      file: first,
      lines: 2,
      added: 2,
      known: 0,
      from: '2026-11-04',
      to: '2026-11-05',
      paidIn: '£143.34',
      paidOut: '£21.60',
    })
    expect(run.code).toBe(0)
    const second = file('second.csv', [
      "05/11/2026,DD,'30-91-74,02344812,ELAVON FEES,21.60,,12126.35,",
      "06/11/2026,BGC,'30-91-74,02344812,ELAVON MERCH SVCS,,9.65,12136.00,",
    ])
    const again = await cli(['deposits', 'import', second, '--config', configPath])
    expect(again.stdout).toMatch(/imported 2 bank line\(s\).*1 new, 1 seen before/)
    expect(again.code).toBe(0)
    const store = await sqliteStore({ path: join(dir, 'ok.db') })
    const lines = await store.bankStatementLines({
      bankAccountId: 55166,
      from: '2026-11-01',
      to: '2026-11-30',
    })
    await store.close()
    expect(lines.map((l) => [l.date, l.amount.amount, l.description])).toEqual([
      ['2026-11-04', 14334, 'ELAVON MERCH SVCS'],
      ['2026-11-05', -2160, 'ELAVON FEES'],
      ['2026-11-06', 965, 'ELAVON MERCH SVCS'],
    ])
  })

  it('refuses a file with a bad line (1, nothing stored), and deposits not read from statements (2)', async () => {
    const configPath = config('bad', { source: 'statement', columns: COLUMNS })
    const bad = file('bad.csv', [
      "04/11/2026,BGC,'30-91-74,02344812,ELAVON,,143.34,1.00,",
      "31/11/2026,BGC,'30-91-74,02344812,ELAVON,,1.00,1.00,",
    ])
    const refused = await cli(['deposits', 'import', bad, '--config', configPath])
    expect(refused.stderr).toMatch(
      /1 problem\(s\).*nothing was imported[\s\S]*Line 3: "31\/11\/2026"/,
    )
    expect(refused.code).toBe(1)
    const store = await sqliteStore({ path: join(dir, 'bad.db') })
    expect(
      await store.bankStatementLines({
        bankAccountId: 55166,
        from: '2000-01-01',
        to: '2999-12-31',
      }),
    ).toEqual([])
    await store.close()

    const kashflow = config('feed', { source: 'kashflow' })
    const wrongSource = await cli(['deposits', 'import', bad, '--config', kashflow])
    expect(wrongSource.stderr).toMatch(
      /"source": "statement"[\s\S]*docs\/accounting\.md#a-bank-statement-export/,
    )
    expect(wrongSource.code).toBe(2)
  })

  it('reads an OFX download as it is (no columns needed), refuses one in another currency, and a CSV without columns', async () => {
    const configPath = config('ofx', { source: 'statement' })
    const ofx = (curdef: string, fitid: string, amount: string) => {
      const path = join(dir, `${curdef}-${fitid}.ofx`)
      writeFileSync(
        path,
        [
          'OFXHEADER:100',
          'DATA:OFXSGML',
          'VERSION:102',
          '',
          `<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>${curdef}<BANKTRANLIST>`,
          `<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261104120000[0:GMT]<TRNAMT>${amount}<FITID>${fitid}<NAME>ELAVON MERCH SVCS</STMTTRN>`,
          '</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>',
        ].join('\n'),
      )
      return path
    }
    const run = await cli([
      'deposits',
      'import',
      ofx('GBP', 'F1', '143.34'),
      '--config',
      configPath,
      '--json',
    ])
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toMatchObject({ lines: 1, added: 1, paidIn: '£143.34' })
    const store = await sqliteStore({ path: join(dir, 'ofx.db') })
    expect(
      (
        await store.bankStatementLines({
          bankAccountId: 55166,
          from: '2026-11-04',
          to: '2026-11-04',
        })
      ).map((l) => l.id),
    ).toEqual(['fitid:F1'])
    await store.close()
    const euro = await cli(['deposits', 'import', ofx('EUR', 'F2', '9.99'), '--config', configPath])
    expect(euro.stderr).toMatch(/in EUR \(CURDEF\), not the home currency GBP/)
    expect(euro.code).toBe(1)
    const csv = file('no-columns.csv', ["04/11/2026,BGC,'30-91-74,02344812,ELAVON,,1.00,1.00,"])
    const noColumns = await cli(['deposits', 'import', csv, '--config', configPath])
    expect(noColumns.stderr).toMatch(/is not OFX, and no CSV columns are configured/)
    expect(noColumns.code).toBe(2)
  })

  it('names the mapping key when the config maps no amount column', async () => {
    const configPath = config('nomap', {
      source: 'statement',
      columns: { date: 'Date', currency: 'GBP' },
    })
    const run = await cli(['deposits', 'import', join(dir, 'none.csv'), '--config', configPath])
    expect(run.stderr).toMatch(/settlement\.deposits/)
    expect(run.stderr).toMatch(/paidIn/)
    expect(run.code).toBe(2)
  })
})
