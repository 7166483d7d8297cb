import {
  findPostingMarker,
  format,
  isCurrencyCode,
  money,
  postingMarker,
} from '@opayo-kashflow/core'
import type { CanonicalPayment, ReferenceParser } from '@opayo-kashflow/core'
import type { KashflowClient, InvoicePaymentRecord } from '@opayo-kashflow/kashflow'
import type { Store } from '@opayo-kashflow/sync'
import { MarkerSet } from './report-marker-set.js'
import { csvCell } from './csv-cell.js'
import { escapeHtml } from './html.js'

/**
 * How one Opayo money movement compares with the ledger and KashFlow. `unknown`: KashFlow could
 * not be read for the movement's invoice (an error, an outage), so nothing is known about it;
 * it is never reported as missing, since an operator acting on "missing" would post it again.
 */
export type ReconciliationStatus =
  'matched' | 'missing_in_kashflow' | 'amount_mismatch' | 'orphan_in_kashflow' | 'unknown'

export interface ReconciliationRow {
  readonly status: ReconciliationStatus
  readonly transactionId: string
  readonly vendorTxCode: string
  readonly kind: string
  readonly invoiceNumber: number | undefined
  /** Signed minor units as Opayo moved them (refunds negative), in the payment's currency. */
  readonly opayoAmount: number | undefined
  readonly kashflowAmount: number | undefined
  readonly currency: string
  /** The engine's state for the event, or "not ingested". */
  readonly engineState: string
  /** Why, for anything not matched: the dead letter's reason, a skip reason, or the state. */
  readonly note: string
}

/**
 * The money of one currency across every row of a reconciliation, in signed integer minor units
 * (refunds negative), added up row by row as the rows are produced.
 * @example
 * const result = await reconcile({ payments: [payment], store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01') })
 * const gbp: ReconciliationCurrencyTotals | undefined = result.totals.find((t) => t.currency === 'GBP')
 */
export interface ReconciliationCurrencyTotals {
  readonly currency: string
  /** Rows in this currency. */
  readonly rows: number
  /** Rows in this currency that are not matched. */
  readonly needsAttention: number
  /** Sum of `opayoAmount` over the rows (what Opayo moved). */
  readonly opayo: number
  /** Sum of `kashflowAmount` over the rows (what KashFlow shows for them, orphans included). */
  readonly kashflow: number
  /** Sum of `opayoAmount` over the rows not matched (Opayo money KashFlow does not agree with). */
  readonly opayoNeedingAttention: number
}

/**
 * What a reconciliation adds up to without its rows: the range, the count per status and the
 * money per currency.
 * @example
 * const summary: ReconciliationSummary = await reconcileEach({ payments: [payment], store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01'), onRow: (row) => console.log(row.status) })
 */
export interface ReconciliationSummary {
  readonly from: string
  readonly to: string
  readonly summary: Readonly<Record<ReconciliationStatus, number>>
  /** Per currency, sorted by currency code. */
  readonly totals: readonly ReconciliationCurrencyTotals[]
}

export interface Reconciliation extends ReconciliationSummary {
  readonly rows: readonly ReconciliationRow[]
}

/** What {@link reconcileEach} reads. */
export interface ReconcileEachInput {
  /** Opayo's movements in the range, e.g. converted lazily from `reporting.transactions.list`. */
  readonly payments: AsyncIterable<CanonicalPayment> | Iterable<CanonicalPayment>
  readonly store: Pick<Store, 'get' | 'ledger'>
  readonly kashflow: Pick<KashflowClient, 'invoicePayments'>
  readonly references: ReferenceParser
  readonly from: Date
  readonly to: Date
  /** Called once per row, in order; awaited, so a slow writer slows the reading (backpressure). */
  readonly onRow: (row: ReconciliationRow) => void | Promise<void>
  /**
   * How many invoices' KashFlow payment lines are kept at once (least recently used first out).
   * @default 1024
   */
  readonly invoiceCacheSize?: number
  /**
   * How many movements are read ahead of the one being compared, their invoices' KashFlow lines
   * read meanwhile (so at most this many KashFlow reads are in flight).
   * @default 8
   */
  readonly lookahead?: number
  /**
   * Whether a movement in the range carries this marker (e.g. a Reporting getTransactionDetail of
   * its transaction). Asked only about KashFlow lines still unexplained at the end, once per
   * marker. Without it every movement's marker is remembered as a 64-bit hash (8 bytes each).
   * @default none: the markers are remembered
   */
  readonly explains?: (marker: PostingMarkerParts) => Promise<boolean>
}

const MONEY_KINDS = new Set(['payment', 'capture', 'refund'])
const STATUSES = [
  'matched',
  'missing_in_kashflow',
  'amount_mismatch',
  'orphan_in_kashflow',
  'unknown',
] as const satisfies readonly ReconciliationStatus[]

/** Counts and money per currency, added up one row at a time. */
class Tally {
  readonly counts: Record<ReconciliationStatus, number> = {
    matched: 0,
    missing_in_kashflow: 0,
    amount_mismatch: 0,
    orphan_in_kashflow: 0,
    unknown: 0,
  }
  readonly #currencies = new Map<
    string,
    {
      rows: number
      needsAttention: number
      opayo: number
      kashflow: number
      opayoNeedingAttention: number
    }
  >()

  add(row: ReconciliationRow): void {
    this.counts[row.status] += 1
    let t = this.#currencies.get(row.currency)
    if (!t) {
      t = { rows: 0, needsAttention: 0, opayo: 0, kashflow: 0, opayoNeedingAttention: 0 }
      this.#currencies.set(row.currency, t)
    }
    t.rows += 1
    t.opayo += row.opayoAmount ?? 0
    t.kashflow += row.kashflowAmount ?? 0
    if (row.status !== 'matched') {
      t.needsAttention += 1
      t.opayoNeedingAttention += row.opayoAmount ?? 0
    }
  }

  totals(): ReconciliationCurrencyTotals[] {
    return [...this.#currencies]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, t]) => ({ currency, ...t }))
  }
}

/**
 * A posting marker found in a KashFlow line's note, as `findPostingMarker` reads it.
 * @example
 * const parts: PostingMarkerParts = { marker: 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment', transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2', purpose: 'payment' }
 */
export interface PostingMarkerParts {
  readonly marker: string
  readonly transactionId: string
  readonly purpose: string
}

interface InvoiceLines {
  readonly invoiceNumber: number
  readonly lines: readonly InvoicePaymentRecord[]
  readonly claimed: Set<InvoicePaymentRecord>
  /** Why KashFlow could not be read for this invoice: its lines are unknown, not empty. */
  readonly unreadable?: string
}

/** An invoice's payment lines as read, or why they could not be. */
type LinesRead =
  | { readonly lines: readonly InvoicePaymentRecord[] }
  | { readonly lines: readonly []; readonly unreadable: string }

/**
 * Why KashFlow could not be read, in words safe to print (client errors hold no secret): e.g.
 * `KashFlow unavailable: HTTP 503, kashflow_server_error`. Shared by the batch reconciliation.
 */
export const unreadableReason = (error: unknown): string => {
  const e = error as { code?: unknown; status?: unknown; message?: unknown } | null
  const status = typeof e?.status === 'number' ? `HTTP ${e.status}` : undefined
  const code = typeof e?.code === 'string' ? e.code : undefined
  const detail = [status, code].filter((part) => part !== undefined).join(', ')
  return `KashFlow unavailable: ${detail !== '' ? detail : error instanceof Error ? error.name : 'read failed'}`
}

/**
 * Compares Opayo's successful money movements with the engine's ledger and KashFlow's payment
 * lines one movement at a time, handing each row to `onRow` as soon as it is known, and returns
 * the counts and the money per currency. At most `invoiceCacheSize` invoices' payment lines
 * are held, the movements are read as they come (`lookahead` ahead), and lines that may be
 * orphans are kept until the end. Without `explains`, 8 bytes per movement are kept too (a
 * 64-bit hash of its marker, to tell an orphan from the line of a movement already compared).
 *
 * The statuses are those of {@link reconcile} (which collects these rows): matched, missing in
 * KashFlow, amount mismatch, orphan KashFlow payments (lines carrying an Opayo marker that no
 * movement in the range explains) on the invoices the movements touch, orphans last; and
 * `unknown` when KashFlow could not be read for the movement's invoice (never "missing").
 * @example
 * const summary = await reconcileEach({ payments: [payment], store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01'), onRow: (row) => console.log(row.status) })
 */
export async function reconcileEach(input: ReconcileEachInput): Promise<ReconciliationSummary> {
  const cacheSize = Math.max(1, input.invoiceCacheSize ?? 1024)
  const tally = new Tally()
  const emit = async (row: ReconciliationRow) => {
    tally.add(row)
    await input.onRow(row)
  }
  // Every movement's marker, unless the caller can say whether a marker is explained (then
  // nothing is kept per movement, and the few lines left unexplained are asked about at the end).
  const known = input.explains ? undefined : new MarkerSet()
  // Invoices whose lines are held, least recently used first (a Map keeps insertion order).
  const cache = new Map<number, InvoiceLines>()
  // Lines of evicted invoices that carry a marker not seen yet: orphans unless a later movement
  // explains them. Keyed so an invoice read twice gives each line once.
  const candidates = new Map<
    string,
    { invoiceNumber: number; line: InvoicePaymentRecord; marker: PostingMarkerParts }
  >()
  const candidatesByMarker = new Map<string, Set<string>>()
  const settle = (entry: InvoiceLines) => {
    if (entry.unreadable !== undefined) return
    for (const line of entry.lines) {
      if (entry.claimed.has(line)) continue
      const marker = findPostingMarker(line.note)
      if (!marker || marker.purpose === 'customer' || known?.has(marker.marker)) continue
      const key = `${entry.invoiceNumber}|${line.id ?? ''}|${line.bulkPaymentNumber ?? ''}|${line.amount.amount}|${line.amount.currency}|${line.note}`
      candidates.set(key, { invoiceNumber: entry.invoiceNumber, line, marker })
      const keys = candidatesByMarker.get(marker.marker) ?? new Set<string>()
      keys.add(key)
      candidatesByMarker.set(marker.marker, keys)
    }
  }
  /** A movement with this marker was compared: lines carrying it are not orphans. */
  const explained = (marker: string) => {
    known?.add(marker)
    for (const key of candidatesByMarker.get(marker) ?? []) candidates.delete(key)
    candidatesByMarker.delete(marker)
  }
  // Reads started ahead of the movement that needs them (at most `lookahead` at once).
  // A failed read is kept as "unreadable", never as an invoice without lines: a movement whose
  // invoice cannot be read is `unknown`, not missing.
  const reads = new Map<number, Promise<LinesRead>>()
  const readLines = (invoiceNumber: number): Promise<LinesRead> =>
    input.kashflow.invoicePayments.list(invoiceNumber).then(
      (lines) => ({ lines }),
      // A 404 is KashFlow's own answer that the invoice does not exist: no payment is on it.
      (error: unknown) =>
        (error as { name?: unknown } | null)?.name === 'KashflowNotFoundError'
          ? { lines: [] }
          : { lines: [] as const, unreadable: unreadableReason(error) },
    )
  const prefetch = (invoiceNumber: number | undefined) => {
    if (invoiceNumber === undefined || cache.has(invoiceNumber) || reads.has(invoiceNumber)) return
    reads.set(invoiceNumber, readLines(invoiceNumber))
  }
  const linesOf = async (invoiceNumber: number): Promise<InvoiceLines> => {
    const held = cache.get(invoiceNumber)
    if (held) {
      cache.delete(invoiceNumber)
      cache.set(invoiceNumber, held)
      return held
    }
    const read = await (reads.get(invoiceNumber) ?? readLines(invoiceNumber))
    reads.delete(invoiceNumber)
    const entry: InvoiceLines = {
      invoiceNumber,
      lines: read.lines,
      claimed: new Set(),
      ...('unreadable' in read ? { unreadable: read.unreadable } : {}),
    }
    cache.set(invoiceNumber, entry)
    if (cache.size > cacheSize) {
      const [oldest] = cache.values()
      if (oldest) {
        cache.delete(oldest.invoiceNumber)
        settle(oldest)
      }
    }
    return entry
  }

  // The next few movements, their invoices' lines already being read.
  const lookahead = Math.max(1, input.lookahead ?? 8)
  const window: { payment: CanonicalPayment; invoiceNumber: number | undefined }[] = []
  const source =
    Symbol.asyncIterator in input.payments
      ? input.payments[Symbol.asyncIterator]()
      : input.payments[Symbol.iterator]()
  let exhausted = false
  const fill = async () => {
    while (!exhausted && window.length < lookahead) {
      const next = await source.next()
      if (next.done === true) {
        exhausted = true
        return
      }
      const payment = next.value
      if (!MONEY_KINDS.has(payment.kind) || payment.status !== 'succeeded') continue
      const parsed = input.references.parse(payment.invoiceReference ?? payment.source.vendorTxCode)
      const invoiceNumber = parsed.ok ? parsed.value : undefined
      window.push({ payment, invoiceNumber })
      prefetch(invoiceNumber)
    }
  }

  for (await fill(); window.length > 0; await fill()) {
    const { payment, invoiceNumber: referenced } = window.shift()!
    const marker = postingMarker(payment.source.transactionId, payment.kind)
    explained(marker)
    const event = await input.store.get(payment.id)
    const minor: number = payment.amount.amount
    const signed = payment.kind === 'refund' ? -minor : minor
    const ledger = event ? await input.store.ledger(event.id) : []
    const entry = ledger.find((l) => l.marker === marker && l.state === 'done')
    // The invoice the ledger wrote to: the reference's, or the one matching or a person chose.
    const written = (entry?.request as { invoiceNumber?: unknown } | null | undefined)
      ?.invoiceNumber
    const invoiceNumber = typeof written === 'number' ? written : referenced
    // Which KashFlow line is ours: the one the ledger recorded (the line read back, or the bulk
    // payment the write created), else one carrying the marker where KashFlow kept it.
    const result = entry?.result as
      { readBack?: { id?: number }; bulkPaymentNumber?: number } | undefined
    const invoice = invoiceNumber === undefined ? undefined : await linesOf(invoiceNumber)
    const found = invoice?.lines.find(
      (l) =>
        (result?.readBack?.id !== undefined && l.id === result.readBack.id) ||
        (result?.bulkPaymentNumber !== undefined &&
          l.bulkPaymentNumber === result.bulkPaymentNumber) ||
        l.note.includes(marker),
    )
    if (found && invoice) {
      invoice.claimed.add(found)
      // A claimed line's own marker is explained too, should its invoice be read again later.
      const own = findPostingMarker(found.note)
      if (own) explained(own.marker)
    }
    const base = {
      transactionId: payment.source.transactionId,
      vendorTxCode: payment.source.vendorTxCode,
      kind: payment.kind,
      invoiceNumber,
      opayoAmount: signed,
      currency: payment.amount.currency,
      engineState: event?.state ?? 'not ingested',
    }
    if (!found && invoice?.unreadable !== undefined) {
      await emit({
        ...base,
        status: 'unknown',
        kashflowAmount: undefined,
        note: invoice.unreadable,
      })
      continue
    }
    if (!found) {
      await emit({
        ...base,
        status: 'missing_in_kashflow',
        kashflowAmount: undefined,
        note: event?.reason ?? event?.state ?? 'never received: ingest or backfill it',
      })
      continue
    }
    // Opayo's amount is what must have reached KashFlow. A converted payment is compared in the
    // invoice's currency through the ledger's record, and only when the ledger converted exactly
    // Opayo's amount: a posting made from any other amount (a registration that differs from
    // what Opayo took) is a mismatch.
    const request = ledger.find((l) => l.marker === marker)?.request as
      { amount?: { amount: number }; conversion?: { original?: { amount: number } } } | undefined
    const converted =
      request?.conversion?.original?.amount === payment.amount.amount
        ? request.amount?.amount
        : undefined
    const expected =
      converted !== undefined ? (payment.kind === 'refund' ? -converted : converted) : signed
    await emit({
      ...base,
      status: found.amount.amount === expected ? 'matched' : 'amount_mismatch',
      kashflowAmount: found.amount.amount,
      note: found.amount.amount === expected ? '' : `KashFlow has ${format(found.amount)}`,
    })
  }
  await Promise.all(reads.values())
  for (const entry of cache.values()) settle(entry)
  cache.clear()
  const answers = new Map<string, boolean>()
  for (const { invoiceNumber, line, marker } of candidates.values()) {
    if (known?.has(marker.marker)) continue
    if (input.explains) {
      let answer = answers.get(marker.marker)
      if (answer === undefined) {
        answer = await input.explains(marker)
        answers.set(marker.marker, answer)
      }
      if (answer) continue
    }
    await emit({
      status: 'orphan_in_kashflow',
      transactionId: marker.transactionId,
      vendorTxCode: '',
      kind: marker.purpose,
      invoiceNumber,
      opayoAmount: undefined,
      kashflowAmount: line.amount.amount,
      currency: line.amount.currency,
      engineState: '',
      note: 'a KashFlow payment carries an Opayo marker with no matching Opayo movement in the range',
    })
  }
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    summary: { ...tally.counts },
    totals: tally.totals(),
  }
}

/**
 * Compares Opayo's successful money movements (as canonical payments, e.g. from the Reporting
 * API) with the engine's ledger and KashFlow's payment lines: matched, missing in KashFlow,
 * amount mismatch, and orphan KashFlow payments (lines carrying an Opayo marker that no movement
 * explains) on the invoices looked at. A posted movement's line is found through the ledger (the
 * line read back, or the bulk payment the write created), so it does not need KashFlow to keep
 * the marker in the line's note; orphans can only be seen where it does. Collects every row in
 * memory: for a long range, use {@link reconcileEach} and write the rows as they come.
 * @example
 * const result = await reconcile({ payments: [payment], store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01') })
 */
export async function reconcile(input: {
  readonly payments: readonly CanonicalPayment[]
  readonly store: Store
  readonly kashflow: KashflowClient
  readonly references: ReferenceParser
  readonly from: Date
  readonly to: Date
}): Promise<Reconciliation> {
  const rows: ReconciliationRow[] = []
  const summary = await reconcileEach({
    ...input,
    // Every invoice stays in view, as the rows are all held anyway.
    invoiceCacheSize: Number.MAX_SAFE_INTEGER,
    onRow: (row) => {
      rows.push(row)
    },
  })
  return { ...summary, rows }
}

/** The CSV columns, in order. */
export const RECONCILIATION_COLUMNS = [
  'status',
  'transactionId',
  'vendorTxCode',
  'kind',
  'invoiceNumber',
  'opayoAmount',
  'kashflowAmount',
  'currency',
  'engineState',
  'note',
] as const

/** The CSV header line, CRLF-terminated. */
export const reconciliationCsvHeader = (): string => `${RECONCILIATION_COLUMNS.join(',')}\r\n`

/** One row as a CSV line, CRLF-terminated (see {@link reconciliationCsv} for the escaping). */
export const reconciliationCsvLine = (row: ReconciliationRow): string =>
  `${RECONCILIATION_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`

/**
 * The reconciliation as CSV: RFC 4180 quoting, CRLF line ends, text cells escaped against
 * spreadsheet formula injection (a vendorTxCode `=HYPERLINK(...)` comes out as inert text) while
 * amounts stay numbers (`-5000` for a refund of 50.00).
 * @example
 * const result = await reconcile({ payments: [payment], store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01') })
 * const response = new Response(reconciliationCsv(result), { headers: { 'content-type': 'text/csv; charset=utf-8' } })
 */
export function reconciliationCsv(result: Pick<Reconciliation, 'rows'>): string {
  return reconciliationCsvHeader() + result.rows.map(reconciliationCsvLine).join('')
}

const htmlAmount = (v: number | undefined, c: string) =>
  v === undefined ? '' : isCurrencyCode(c) ? format(money(v, c)) : `${v} ${c}`

/** One row that needs attention as an HTML table row, newline-terminated. */
export const reconciliationHtmlRow = (r: ReconciliationRow): string =>
  `<tr class="${r.status}"><td>${r.status.replace(/_/g, ' ')}</td><td><code>${escapeHtml(r.vendorTxCode)}</code><br><small>${escapeHtml(r.transactionId)}</small></td><td>${escapeHtml(r.kind)}</td><td>${r.invoiceNumber ?? ''}</td><td class="n">${htmlAmount(r.opayoAmount, r.currency)}</td><td class="n">${htmlAmount(r.kashflowAmount, r.currency)}</td><td>${escapeHtml(r.engineState)}</td><td>${escapeHtml(r.note)}</td></tr>\n`

/**
 * The HTML report up to and including the opening of the rows table: title, range, the count per
 * status and the money per currency. The rows that need attention follow, then
 * {@link reconciliationHtmlEnd}.
 */
export function reconciliationHtmlStart(summary: ReconciliationSummary): string {
  const counts = STATUSES.map(
    (k) => `<span><b>${summary.summary[k]}</b> ${k.replace(/_/g, ' ')}</span>`,
  ).join('')
  const totals = summary.totals
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.currency)}</td><td class="n">${t.rows}</td><td class="n">${t.needsAttention}</td><td class="n">${htmlAmount(t.opayo, t.currency)}</td><td class="n">${htmlAmount(t.kashflow, t.currency)}</td><td class="n">${htmlAmount(t.opayoNeedingAttention, t.currency)}</td></tr>`,
    )
    .join('\n')
  const attention =
    summary.summary.missing_in_kashflow +
    summary.summary.amount_mismatch +
    summary.summary.orphan_in_kashflow +
    summary.summary.unknown
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Opayo / KashFlow reconciliation</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%;margin-bottom:2rem}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}.n{text-align:right;font-variant-numeric:tabular-nums}.missing_in_kashflow td:first-child,.amount_mismatch td:first-child,.orphan_in_kashflow td:first-child,.unknown td:first-child{color:#b00020;font-weight:600}.summary span{display:inline-block;margin-right:1.5rem}</style>
<h1>Reconciliation</h1><p>${escapeHtml(summary.from)} to ${escapeHtml(summary.to)}</p>
<p class="summary">${counts}</p>
<h2>Totals</h2>
<table><thead><tr><th>Currency</th><th class="n">Rows</th><th class="n">Need attention</th><th class="n">Opayo</th><th class="n">KashFlow</th><th class="n">Opayo needing attention</th></tr></thead><tbody>
${totals}
</tbody></table>
<h2>${attention === 0 ? 'Nothing needs attention' : `${attention} need${attention === 1 ? 's' : ''} attention`}</h2>
<p>Matched rows are in reconciliation.csv and reconciliation.json, not here.</p>
<table><thead><tr><th>Status</th><th>Opayo</th><th>Kind</th><th>Invoice</th><th>Opayo amount</th><th>KashFlow amount</th><th>Engine</th><th>Note</th></tr></thead><tbody>
`
}

/** The end of the HTML report, after the rows. */
export const reconciliationHtmlEnd = (): string => `</tbody></table></html>\n`

/**
 * The reconciliation as a standalone HTML report: the count per status, the money per currency,
 * and only the rows that need attention (missing in KashFlow, amount mismatches, orphans; a dead
 * letter shows as a missing row with its reason). Matched rows are left to the CSV and JSON.
 * @example
 * const result = await reconcile({ payments: [payment], store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01') })
 * const response = new Response(reconciliationHtml(result), { headers: { 'content-type': 'text/html; charset=utf-8' } })
 */
export function reconciliationHtml(result: Reconciliation): string {
  return (
    reconciliationHtmlStart(result) +
    result.rows
      .filter((r) => r.status !== 'matched')
      .map(reconciliationHtmlRow)
      .join('') +
    reconciliationHtmlEnd()
  )
}
