// Reconciliation as a stream: Opayo's rows are read a page at a time while the rows are written,
// the reports are written as they go (the HTML keeps only what needs attention), the totals add
// up per currency in minor units, and orphans are still found when invoices leave the cache.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createReferenceParser, money, postingMarker } from '@opayo-kashflow/core'
import type { CanonicalPayment, CurrencyCode } from '@opayo-kashflow/core'
import type { InvoicePaymentRecord, KashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoReportingClient, toCanonicalPayment } from '@opayo-kashflow/opayo'
import { FakeOpayo } from '@opayo-kashflow/testkit'
import { runReconcileCommand } from '../src/cli/reconcile-command.js'
import { reconcileEach } from '../src/service/reconcile.js'
import type { PostingMarkerParts, ReconciliationRow } from '../src/service/reconcile.js'
import { MarkerSet } from '../src/service/report-marker-set.js'

const FROM = new Date('2026-11-01T00:00:00Z')
const TO = new Date('2026-11-08T00:00:00Z')
const references = createReferenceParser(['INV-{invoice}-{*}'])
const noStore = { get: () => Promise.resolve(undefined), ledger: () => Promise.resolve([]) }

const txId = (i: number) =>
  `AE000000-0000-4000-8000-${i.toString(16).toUpperCase().padStart(12, '0')}`

const line = (
  invoiceNumber: number,
  amount: number,
  note: string,
  currency: CurrencyCode = 'GBP',
): InvoicePaymentRecord => ({
  id: undefined,
  invoiceNumber,
  date: '2026-11-02',
  amount: money(amount, currency),
  methodId: 409844,
  bankAccountId: 55166,
  note,
  reference: '',
  isExternalRefund: false,
  bulkPaymentNumber: undefined,
})

/** A KashFlow that only lists payment lines, counting the invoices it was asked for. */
const kashflowWith = (lines: Record<number, InvoicePaymentRecord[]>) => {
  const asked: number[] = []
  const kashflow = {
    invoicePayments: {
      list: (invoice: number) => {
        asked.push(invoice)
        return Promise.resolve(lines[invoice] ?? [])
      },
    },
  } as unknown as Pick<KashflowClient, 'invoicePayments'>
  return { kashflow, asked }
}

const fakeReporting = (count: number, row?: (i: number) => { vendorTxCode: string }) => {
  const fake = new FakeOpayo()
  fake.generateReportingRows({
    count,
    from: new Date(FROM.getTime() + 60_000),
    spacingMs: 1000,
    ...(row ? { row } : {}),
  })
  const reporting = createOpayoReportingClient({
    vendor: 'sandbox',
    user: 'reporter',
    password: 'secret',
    environment: new URL('https://reporting.fake.test/access/access.htm'),
    fetch: fake.fetch,
    pageSize: 50,
  })
  const pages = () => fake.requests.filter((r) => r.url.endsWith('/access/access.htm')).length
  async function* payments(): AsyncGenerator<CanonicalPayment> {
    for await (const tx of reporting.transactions.list({ from: FROM, to: TO })) {
      const payment = toCanonicalPayment({ protocol: 'reporting', transaction: tx })
      if (payment.ok) yield payment.value
    }
  }
  return { fake, reporting, pages, payments }
}

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('reconcileEach', () => {
  it('reads Opayo one page at a time while it hands rows on: at row n, n / 50 pages were asked for (give or take the 8 movements read ahead)', async () => {
    const { pages, payments } = fakeReporting(500)
    const { kashflow } = kashflowWith({})
    const seen: { row: number; pages: number }[] = []
    let n = 0
    const summary = await reconcileEach({
      payments: payments(),
      store: noStore,
      kashflow,
      references,
      from: FROM,
      to: TO,
      onRow: () => {
        n += 1
        seen.push({ row: n, pages: pages() })
      },
    })
    expect(summary.summary.missing_in_kashflow).toBe(500)
    // A reconcile that gathered every row first would have asked for all 11 pages (10 full, one
    // empty) before the first row.
    expect(seen[0]).toEqual({ row: 1, pages: 1 })
    // Read ahead by the default lookahead of 8 movements, never by more.
    for (const s of seen) {
      expect(s.pages).toBeGreaterThanOrEqual(Math.ceil(s.row / 50))
      expect(s.pages).toBeLessThanOrEqual(Math.ceil((s.row + 8) / 50))
    }
    expect(pages()).toBe(11)
  })

  it('adds up the money per currency in minor units, refunds negative, as the rows come', async () => {
    const payment = (i: number, amount: number, currency: CurrencyCode, kind = 'payment') =>
      ({
        id: `opayo:${txId(i)}:${kind}`,
        kind,
        status: 'succeeded',
        amount: money(amount, currency),
        source: {
          system: 'opayo',
          protocol: 'reporting',
          transactionId: txId(i),
          vendorTxCode: `INV-${100 + i}-1`,
        },
      }) as unknown as CanonicalPayment
    const { kashflow } = kashflowWith({
      100: [line(100, 1999, postingMarker(txId(0), 'payment'))],
      101: [line(101, 500, postingMarker(txId(1), 'payment'))], // KashFlow has 5.00, Opayo 6.00
      103: [line(103, -250, postingMarker(txId(3), 'refund'))],
      104: [line(104, 700, postingMarker(txId(4), 'payment'), 'EUR')],
    })
    const rows: ReconciliationRow[] = []
    const summary = await reconcileEach({
      payments: [
        payment(0, 1999, 'GBP'),
        payment(1, 600, 'GBP'),
        payment(2, 1000, 'GBP'), // missing
        payment(3, 250, 'GBP', 'refund'),
        payment(4, 700, 'EUR'),
      ],
      store: noStore,
      kashflow,
      references,
      from: FROM,
      to: TO,
      onRow: (row) => {
        rows.push(row)
      },
    })
    expect(rows.map((r) => r.status)).toEqual([
      'matched',
      'amount_mismatch',
      'missing_in_kashflow',
      'matched',
      'matched',
    ])
    expect(summary.summary).toEqual({
      matched: 3,
      missing_in_kashflow: 1,
      amount_mismatch: 1,
      orphan_in_kashflow: 0,
      unknown: 0,
    })
    expect(summary.totals).toEqual([
      {
        currency: 'EUR',
        rows: 1,
        needsAttention: 0,
        opayo: 700,
        kashflow: 700,
        opayoNeedingAttention: 0,
      },
      {
        currency: 'GBP',
        rows: 4,
        needsAttention: 2,
        opayo: 1999 + 600 + 1000 - 250,
        kashflow: 1999 + 500 - 250,
        opayoNeedingAttention: 1600,
      },
    ])
  })

  it.each([
    ['remembering every marker', false],
    ['asking Opayo about what is left', true],
  ])(
    'finds each orphan once, and no false ones, when invoices leave the cache and are read again (%s)',
    async (_, ask) => {
      // Movements on invoices 1, 2, 1, 3 with room for one invoice: invoice 1 is read twice.
      const { payments } = fakeReporting(4, (i) => ({
        vendorTxCode: `INV-${[1, 2, 1, 3][i]}-${i}`,
      }))
      const orphan = line(1, 4200, postingMarker('BE000000-0000-4000-8000-000000000001', 'payment'))
      const { kashflow, asked: kashflowAsked } = kashflowWith({
        1: [
          line(1, 1000, postingMarker(txId(0), 'payment')),
          line(1, 1002, postingMarker(txId(2), 'payment')),
          orphan,
        ],
        2: [line(2, 1001, postingMarker(txId(1), 'payment'))],
        3: [line(3, 1003, postingMarker(txId(3), 'payment'))],
      })
      const rows: ReconciliationRow[] = []
      const asked: string[] = []
      const summary = await reconcileEach({
        ...(ask
          ? {
              // Opayo has the four movements and nothing else.
              explains: (marker: PostingMarkerParts) => {
                asked.push(marker.transactionId)
                return Promise.resolve([0, 1, 2, 3].map(txId).includes(marker.transactionId))
              },
            }
          : {}),
        payments: payments(),
        store: noStore,
        kashflow,
        references,
        from: FROM,
        to: TO,
        invoiceCacheSize: 1,
        lookahead: 1,
        onRow: (row) => {
          rows.push(row)
        },
      })
      expect(kashflowAsked).toEqual([1, 2, 1, 3])
      expect(summary.summary).toEqual({
        matched: 4,
        missing_in_kashflow: 0,
        amount_mismatch: 0,
        orphan_in_kashflow: 1,
        unknown: 0,
      })
      expect(rows.at(-1)).toMatchObject({
        status: 'orphan_in_kashflow',
        invoiceNumber: 1,
        kashflowAmount: 4200,
        transactionId: 'BE000000-0000-4000-8000-000000000001',
      })
      // Invoice 1's first read had its line of movement 0 claimed; its second read leaves that line
      // and the orphan unclaimed: only those two are asked about.
      expect(asked.sort()).toEqual(ask ? [txId(0), 'BE000000-0000-4000-8000-000000000001'] : [])
    },
  )
})

describe('runReconcileCommand', () => {
  it('writes CSV and streamed JSON with every row, and HTML with only the rows that need attention plus totals', async () => {
    const out = mkdtempSync(join(tmpdir(), 'reconcile-'))
    dirs.push(out)
    // Rows 0..119: invoices 1000..1119; KashFlow has every one but 7 and 42.
    const { reporting } = fakeReporting(120, (i) => ({ vendorTxCode: `INV-${1000 + i}-1` }))
    const lines: Record<number, InvoicePaymentRecord[]> = {}
    for (let i = 0; i < 120; i += 1)
      if (i !== 7 && i !== 42)
        lines[1000 + i] = [line(1000 + i, 1000 + i, postingMarker(txId(i), 'payment'))]
    const { kashflow } = kashflowWith(lines)
    const printed: string[] = []
    const code = await runReconcileCommand({
      reporting,
      store: noStore,
      kashflow,
      references,
      from: FROM,
      to: TO,
      outDir: join(out, 'reports'),
      json: false,
      out: (text) => printed.push(text),
    })
    expect(code).toBe(1)
    const csv = readFileSync(join(out, 'reports', 'reconciliation.csv'), 'utf8').split('\r\n')
    expect(csv).toHaveLength(1 + 120 + 1)
    expect(csv[1]).toBe(`matched,${txId(0)},INV-1000-1,payment,1000,1000,1000,GBP,not ingested,`)
    const json = JSON.parse(readFileSync(join(out, 'reports', 'reconciliation.json'), 'utf8')) as {
      from: string
      rows: ReconciliationRow[]
      summary: Record<string, number>
      totals: { currency: string; opayo: number }[]
    }
    expect(json.from).toBe(FROM.toISOString())
    expect(json.rows).toHaveLength(120)
    expect(json.summary).toEqual({
      matched: 118,
      missing_in_kashflow: 2,
      amount_mismatch: 0,
      orphan_in_kashflow: 0,
      unknown: 0,
    })
    expect(json.totals).toMatchObject([{ currency: 'GBP', opayo: 120 * 1000 + (119 * 120) / 2 }])
    const html = readFileSync(join(out, 'reports', 'reconciliation.html'), 'utf8')
    expect(html).toContain('INV-1007-1')
    expect(html).toContain('INV-1042-1')
    expect(html).not.toContain('INV-1000-1') // matched: not in the HTML
    expect(html.match(/<tr class="/g)).toHaveLength(2)
    expect(html).toContain('<b>118</b> matched')
    expect(html).toContain(
      '<td>GBP</td><td class="n">120</td><td class="n">2</td><td class="n">£1,271.40</td>',
    )
    expect(existsSync(join(out, 'reports', '.reconciliation.html.rows'))).toBe(false)
    expect(printed.filter((p) => p.startsWith('missing_in_kashflow'))).toHaveLength(2)
    expect(printed).toContain('missing in kashflow  2')
  })

  it('asks Opayo only about the lines no movement claimed, and reports those it does not know as orphans', async () => {
    const out = mkdtempSync(join(tmpdir(), 'reconcile-'))
    dirs.push(out)
    const { fake, reporting } = fakeReporting(6, (i) => ({ vendorTxCode: `INV-${3000 + i}-1` }))
    const lines: Record<number, InvoicePaymentRecord[]> = {}
    for (let i = 0; i < 6; i += 1)
      lines[3000 + i] = [line(3000 + i, 1000 + i, postingMarker(txId(i), 'payment'))]
    lines[3000]!.push(
      // Movement 3's marker on another invoice: Opayo has movement 3 in the range, no orphan.
      line(3000, 1003, postingMarker(txId(3), 'payment')),
      // A marker Opayo does not know: an orphan.
      line(3000, 4200, postingMarker('BE000000-0000-4000-8000-000000000001', 'payment')),
    )
    const code = await runReconcileCommand({
      reporting,
      store: noStore,
      kashflow: kashflowWith(lines).kashflow,
      references,
      from: FROM,
      to: TO,
      outDir: out,
      json: true,
      out: () => undefined,
    })
    expect(code).toBe(1)
    const json = JSON.parse(readFileSync(join(out, 'reconciliation.json'), 'utf8')) as {
      rows: ReconciliationRow[]
      summary: Record<string, number>
    }
    expect(json.summary).toEqual({
      matched: 6,
      missing_in_kashflow: 0,
      amount_mismatch: 0,
      orphan_in_kashflow: 1,
      unknown: 0,
    })
    expect(json.rows.at(-1)).toMatchObject({
      status: 'orphan_in_kashflow',
      transactionId: 'BE000000-0000-4000-8000-000000000001',
      kashflowAmount: 4200,
    })
    // One list page, then one getTransactionDetail per unclaimed line.
    expect(fake.requests).toHaveLength(3)
  })

  it('with --json prints the summary and report paths, and exits 0 when everything matches', async () => {
    const out = mkdtempSync(join(tmpdir(), 'reconcile-'))
    dirs.push(out)
    const { reporting } = fakeReporting(0)
    const printed: string[] = []
    const code = await runReconcileCommand({
      reporting,
      store: noStore,
      kashflow: kashflowWith({}).kashflow,
      references,
      from: FROM,
      to: TO,
      outDir: out,
      json: true,
      out: (text) => printed.push(text),
    })
    expect(code).toBe(0)
    expect(JSON.parse(printed.join('\n'))).toMatchObject({
      summary: { matched: 0, missing_in_kashflow: 0 },
      totals: [],
      reports: { csv: join(out, 'reconciliation.csv') },
    })
    expect(JSON.parse(readFileSync(join(out, 'reconciliation.json'), 'utf8'))).toMatchObject({
      rows: [],
      summary: { matched: 0 },
    })
    expect(readFileSync(join(out, 'reconciliation.html'), 'utf8')).toContain(
      'Nothing needs attention',
    )
  })

  it('is a configuration error without a Reporting client', async () => {
    await expect(
      runReconcileCommand({
        reporting: undefined,
        store: noStore,
        kashflow: kashflowWith({}).kashflow,
        references,
        from: FROM,
        to: TO,
        outDir: '.',
        json: false,
        out: () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'sync_config_invalid' })
  })
})

describe('MarkerSet', () => {
  it('holds every marker added through several growths and none that was not', () => {
    const set = new MarkerSet()
    for (let i = 0; i < 20_000; i += 2) set.add(postingMarker(txId(i), 'payment'))
    set.add(postingMarker(txId(0), 'payment'))
    expect(set.size).toBe(10_000)
    for (let i = 0; i < 20_000; i += 1)
      expect(set.has(postingMarker(txId(i), 'payment'))).toBe(i % 2 === 0)
    expect(set.has(postingMarker(txId(0), 'refund'))).toBe(false)
  })
})
