// Issue 19, finding 6: every CSV the project writes neutralises formula cells the same way.
// settlement-batches.csv quoted `=HYPERLINK(...)` but left it a formula (a spreadsheet runs a
// quoted cell that starts with `=`); now it is written as reconciliation.csv writes it.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { csvCell } from '../src/service/csv-cell.js'
import { writeBatchReconciliationCsv } from '../src/service/reconcile-batches.js'
import { reconciliationCsv } from '../src/service/reconcile.js'
import type { ReconciliationRow } from '../src/service/reconcile.js'

const FORMULAS = [
  '=HYPERLINK("https://evil.example","x")',
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
]

/** The CSV cells of one line (RFC 4180, enough for these files). */
function cells(line: string): string[] {
  const out: string[] = []
  const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g
  for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
    out.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : (m[1] ?? ''))
    if (m[3] === '') break
  }
  return out
}

describe('csvCell', () => {
  it('makes text that starts a formula inert with a leading quote, quoted or not', () => {
    for (const f of FORMULAS) expect(cells(csvCell(f))[0]).toBe(`'${f}`)
  })

  it('leaves numbers numeric, negative ones too', () => {
    expect(csvCell(-5000)).toBe('-5000')
    expect(csvCell(0)).toBe('0')
    expect(csvCell(undefined)).toBe('')
  })
})

describe('every CSV the project writes', () => {
  it('settlement-batches.csv: a batch id or note that is a formula is written as text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ok-csv-'))
    const path = await writeBatchReconciliationCsv(dir, {
      rows: FORMULAS.map((f) => ({
        batchId: f,
        date: '2026-11-03',
        status: 'journal_mismatch',
        currency: 'GBP',
        opayoTotal: 12000,
        postedToClearing: 12000,
        transfer: -12000,
        fees: undefined,
        fxDifference: -35,
        clearingRemainder: 0,
        note: f,
      })),
      needsAttention: FORMULAS.length,
    })
    const lines = readFileSync(path, 'utf8').trimEnd().split(/\r?\n/).slice(1)
    expect(lines).toHaveLength(FORMULAS.length)
    for (const [i, line] of lines.entries()) {
      const row = cells(line)
      expect(row[0]).toBe(`'${FORMULAS[i]}`)
      expect(row.at(-1)).toBe(`'${FORMULAS[i]}`)
      // Amounts stay numbers: a refund or a transfer from the bank is negative, not text.
      expect(row.slice(4, 10)).toEqual(['12000', '12000', '-12000', '', '-35', '0'])
    }
  })

  it('reconciliation.csv: the same cells the same way', () => {
    const row = {
      status: 'missing_in_kashflow',
      vendorTxCode: FORMULAS[0],
      note: FORMULAS[1],
    } as unknown as ReconciliationRow
    const csv = reconciliationCsv({ rows: [row] })
    expect(csv).toContain(`'${FORMULAS[1]}`)
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example"",""x"")"`)
  })
})
