// reconciliationCsv: RFC 4180 quoting, and text cells escaped against spreadsheet formula
// injection while the amounts it writes stay numbers.
import { describe, expect, it } from 'vitest'
import { reconciliationCsv, reconciliationHtml } from '../src/index.js'
import type { Reconciliation, ReconciliationRow } from '../src/index.js'

const row = (extra: Partial<ReconciliationRow> = {}): ReconciliationRow => ({
  status: 'missing_in_kashflow',
  transactionId: 'E0000000-0000-4000-8000-000000000001',
  vendorTxCode: 'INV-1043-1',
  kind: 'payment',
  invoiceNumber: 1043,
  opayoAmount: 1000,
  kashflowAmount: undefined,
  currency: 'GBP',
  engineState: 'dead',
  note: 'invoice_not_found',
  ...extra,
})
const csv = (...rows: ReconciliationRow[]): string[] => {
  const result: Reconciliation = {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-11-02T00:00:00.000Z',
    rows,
    totals: [],
    summary: {
      matched: 0,
      missing_in_kashflow: rows.length,
      amount_mismatch: 0,
      orphan_in_kashflow: 0,
      unknown: 0,
    },
  }
  return reconciliationCsv(result).split('\r\n')
}

describe('reconciliationCsv', () => {
  it('makes a formula in a vendorTxCode inert: a leading quote, then RFC 4180 quoting', () => {
    const [header, line] = csv(row({ vendorTxCode: '=HYPERLINK("http://x")' }))
    expect(header).toBe(
      'status,transactionId,vendorTxCode,kind,invoiceNumber,opayoAmount,kashflowAmount,currency,engineState,note',
    )
    expect(line).toBe(
      `missing_in_kashflow,E0000000-0000-4000-8000-000000000001,"'=HYPERLINK(""http://x"")",payment,1043,1000,,GBP,dead,invoice_not_found`,
    )
  })

  it('escapes every formula start in text cells: =, +, -, @, tab and carriage return', () => {
    const cells = ['=1+1', '+44 20 7946 0000', '-2+3', '@SUM(A1)', '\tx', '\rx'].map((note) =>
      csv(row({ note }))[1]!.split(',').slice(9).join(','),
    )
    expect(cells).toEqual([`'=1+1`, `'+44 20 7946 0000`, `'-2+3`, `'@SUM(A1)`, `'\tx`, `"'\rx"`])
    // The same escape in every text column: names, reasons, states, error text.
    const [, line] = csv(
      row({ transactionId: '@x', kind: '+k', currency: '-c', engineState: '=s', note: '=n,1' }),
    )
    expect(line).toBe(`missing_in_kashflow,'@x,INV-1043-1,'+k,1043,1000,,'-c,'=s,"'=n,1"`)
  })

  it('leaves harmless text alone, and still quotes commas, quotes and newlines', () => {
    const [, line] = csv(
      row({ note: 'KashFlow has £19.99, "edited"\nby hand', vendorTxCode: 'A=B' }),
    )
    expect(line).toContain(',A=B,')
    expect(line).toContain(`"KashFlow has £19.99, ""edited""\nby hand"`)
  })

  it('keeps negative amounts numeric: a refund of 50.00 is -5000, unescaped', () => {
    const [, line] = csv(
      row({
        kind: 'refund',
        opayoAmount: -5000,
        kashflowAmount: -5000,
        status: 'matched',
        note: '',
      }),
    )
    expect(line).toBe(
      'matched,E0000000-0000-4000-8000-000000000001,INV-1043-1,refund,1043,-5000,-5000,GBP,dead,',
    )
    expect(line).not.toContain(`'-`)
  })
})

describe('reconciliationHtml', () => {
  it('lists only the rows that need attention, with the counts and the money per currency', () => {
    const html = reconciliationHtml({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      rows: [
        row({ status: 'matched', vendorTxCode: 'INV-1-1', kashflowAmount: 1000, note: '' }),
        row({ vendorTxCode: 'INV-<2>-1' }),
      ],
      summary: {
        matched: 1,
        missing_in_kashflow: 1,
        amount_mismatch: 0,
        orphan_in_kashflow: 0,
        unknown: 0,
      },
      totals: [
        {
          currency: 'GBP',
          rows: 2,
          needsAttention: 1,
          opayo: 2000,
          kashflow: 1000,
          opayoNeedingAttention: 1000,
        },
      ],
    })
    expect(html).not.toContain('INV-1-1')
    expect(html).toContain('<code>INV-&lt;2&gt;-1</code>')
    expect(html.match(/<tr class="/g)).toHaveLength(1)
    expect(html).toContain('<b>1</b> matched')
    expect(html).toContain('£20.00')
    expect(html).toContain('1 needs attention')
  })
})
