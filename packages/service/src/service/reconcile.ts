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

/** How one Opayo money movement compares with the ledger and KashFlow. */
export type ReconciliationStatus =
  'matched' | 'missing_in_kashflow' | 'amount_mismatch' | 'orphan_in_kashflow'

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

export interface Reconciliation {
  readonly from: string
  readonly to: string
  readonly rows: readonly ReconciliationRow[]
  readonly summary: Readonly<Record<ReconciliationStatus, number>>
}

const MONEY_KINDS = new Set(['payment', 'capture', 'refund'])

/**
 * Compares Opayo's successful money movements (as canonical payments, e.g. from the Reporting
 * API) with the engine's ledger and KashFlow's payment lines: matched, missing in KashFlow,
 * amount mismatch, and orphan KashFlow payments (lines carrying an Opayo marker that no movement
 * explains) on the invoices looked at. A posted movement's line is found through the ledger (the
 * line read back, or the bulk payment the write created), so it does not need KashFlow to keep
 * the marker in the line's note; orphans can only be seen where it does.
 */
export async function reconcile(input: {
  readonly payments: readonly CanonicalPayment[]
  readonly store: Store
  readonly kashflow: KashflowClient
  readonly references: ReferenceParser
  readonly from: Date
  readonly to: Date
}): Promise<Reconciliation> {
  const movements = input.payments.filter(
    (p) => MONEY_KINDS.has(p.kind) && p.status === 'succeeded',
  )
  const linesByInvoice = new Map<number, InvoicePaymentRecord[]>()
  const lines = async (invoice: number) => {
    if (!linesByInvoice.has(invoice)) {
      linesByInvoice.set(
        invoice,
        await input.kashflow.invoicePayments.list(invoice).catch(() => []),
      )
    }
    return linesByInvoice.get(invoice) ?? []
  }
  const rows: ReconciliationRow[] = []
  const known = new Set<string>()
  const claimed = new Set<InvoicePaymentRecord>()
  for (const payment of movements) {
    const marker = postingMarker(payment.source.transactionId, payment.kind)
    known.add(marker)
    const event = await input.store.get(payment.id)
    const parsed = input.references.parse(payment.invoiceReference ?? payment.source.vendorTxCode)
    const invoiceNumber = parsed.ok ? parsed.value : undefined
    const minor: number = payment.amount.amount
    const signed = payment.kind === 'refund' ? -minor : minor
    const ledger = event ? await input.store.ledger(event.id) : []
    const entry = ledger.find((l) => l.marker === marker && l.state === 'done')
    // Which KashFlow line is ours: the one the ledger recorded (the line read back, or the bulk
    // payment the write created), else one carrying the marker where KashFlow kept it.
    const result = entry?.result as
      { readBack?: { id?: number }; bulkPaymentNumber?: number } | undefined
    const found =
      invoiceNumber === undefined
        ? undefined
        : (await lines(invoiceNumber)).find(
            (l) =>
              (result?.readBack?.id !== undefined && l.id === result.readBack.id) ||
              (result?.bulkPaymentNumber !== undefined &&
                l.bulkPaymentNumber === result.bulkPaymentNumber) ||
              l.note.includes(marker),
          )
    if (found) claimed.add(found)
    const base = {
      transactionId: payment.source.transactionId,
      vendorTxCode: payment.source.vendorTxCode,
      kind: payment.kind,
      invoiceNumber,
      opayoAmount: signed,
      currency: payment.amount.currency,
      engineState: event?.state ?? 'not ingested',
    }
    if (!found) {
      rows.push({
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
    rows.push({
      ...base,
      status: found.amount.amount === expected ? 'matched' : 'amount_mismatch',
      kashflowAmount: found.amount.amount,
      note: found.amount.amount === expected ? '' : `KashFlow has ${format(found.amount)}`,
    })
  }
  for (const [invoiceNumber, invoiceLines] of linesByInvoice) {
    for (const line of invoiceLines) {
      const marker = findPostingMarker(line.note)
      if (!marker || marker.purpose === 'customer' || known.has(marker.marker) || claimed.has(line))
        continue
      rows.push({
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
  }
  const summary = { matched: 0, missing_in_kashflow: 0, amount_mismatch: 0, orphan_in_kashflow: 0 }
  for (const row of rows) summary[row.status] += 1
  return { from: input.from.toISOString(), to: input.to.toISOString(), rows, summary }
}

const COLUMNS = [
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

// A text cell a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, tab, CR.
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV cell. Text (codes, reasons, names, error text: data others control) that would start a
 * formula gets a leading single quote, so the spreadsheet shows it as text; numbers this module
 * produces (amounts in minor units, invoice numbers, refunds negative) are written as they are and
 * stay numeric. Then RFC 4180 quoting when the cell holds a comma, quote, CR or LF.
 */
const csvCell = (value: string | number | undefined): string => {
  if (value === undefined) return ''
  const text =
    typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The reconciliation as CSV: RFC 4180 quoting, CRLF line ends, text cells escaped against
 * spreadsheet formula injection (a vendorTxCode `=HYPERLINK(...)` comes out as inert text) while
 * amounts stay numbers (`-5000` for a refund of 50.00).
 * @example writeFileSync('reconciliation.csv', reconciliationCsv(await service.reconcile({ from, to })))
 */
export function reconciliationCsv(result: Reconciliation): string {
  return (
    [
      COLUMNS.join(','),
      ...result.rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(',')),
    ].join('\r\n') + '\r\n'
  )
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The reconciliation as a standalone HTML report. */
export function reconciliationHtml(result: Reconciliation): string {
  const amount = (v: number | undefined, c: string) =>
    v === undefined ? '' : isCurrencyCode(c) ? format(money(v, c)) : `${v} ${c}`
  // What needs attention first, then the matched rows.
  const body = [...result.rows]
    .sort((a, b) => Number(a.status === 'matched') - Number(b.status === 'matched'))
    .map(
      (r) =>
        `<tr class="${r.status}"><td>${r.status.replace(/_/g, ' ')}</td><td><code>${escapeHtml(r.vendorTxCode)}</code><br><small>${escapeHtml(r.transactionId)}</small></td><td>${r.kind}</td><td>${r.invoiceNumber ?? ''}</td><td class="n">${amount(r.opayoAmount, r.currency)}</td><td class="n">${amount(r.kashflowAmount, r.currency)}</td><td>${escapeHtml(r.engineState)}</td><td>${escapeHtml(r.note)}</td></tr>`,
    )
    .join('\n')
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Opayo / KashFlow reconciliation</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}.n{text-align:right;font-variant-numeric:tabular-nums}.missing_in_kashflow td:first-child,.amount_mismatch td:first-child,.orphan_in_kashflow td:first-child{color:#b00020;font-weight:600}.matched td:first-child{color:#1b5e20}.summary span{display:inline-block;margin-right:1.5rem}</style>
<h1>Reconciliation</h1><p>${result.from} to ${result.to}</p>
<p class="summary">${Object.entries(result.summary)
    .map(([k, v]) => `<span><b>${v}</b> ${k.replace(/_/g, ' ')}</span>`)
    .join('')}</p>
<table><thead><tr><th>Status</th><th>Opayo</th><th>Kind</th><th>Invoice</th><th>Opayo amount</th><th>KashFlow amount</th><th>Engine</th><th>Note</th></tr></thead><tbody>
${body}
</tbody></table></html>
`
}
