// The rows the fake Opayo's Reporting API serves: transaction rows (full and thin), the rows
// generated from their index without being held, the page of getTransactionList, and London
// dates.
import { toReportingDate } from '@opayo-kashflow/opayo'
import { escape } from './http.js'
import type { OpayoState } from './state.js'
import type { FakeOpayoTransaction, FakeReportingRowsOptions } from './types.js'

/**
 * Replaces the generated rows with `options` (checked), as `fake.generateReportingRows` does.
 * @example generateRows(opayoState, { count: 1_000_000, from: new Date('2026-01-01T00:00:00Z') })
 */
export function generateRows(state: OpayoState, options: FakeReportingRowsOptions): void {
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new RangeError('FakeOpayo.generateReportingRows(): count must be a whole number >= 0.')
  const spacingMs = options.spacingMs ?? 1000
  if (!(spacingMs > 0))
    throw new RangeError('FakeOpayo.generateReportingRows(): spacingMs must be positive.')
  state.generated = {
    count: options.count,
    from: options.from.getTime(),
    spacingMs,
    row: options.row ?? (() => ({})),
  }
}

/**
 * Generated row `index`, as `fake.generateReportingRows` describes it.
 * @example const row = generatedRow(opayoState, 41)
 */
export function generatedRow(state: OpayoState, index: number): FakeOpayoTransaction {
  const g = state.generated
  return {
    transactionId: `AE000000-0000-4000-8000-${index.toString(16).toUpperCase().padStart(12, '0')}`,
    vendorTxCode: `GEN-${index}`,
    transactionType: 'Payment',
    status: 'Ok',
    statusCode: '0000',
    statusDetail: 'The Authorisation was Successful.',
    amount: 1000 + (index % 9000),
    currency: 'GBP',
    createdAt: new Date(g.from + index * g.spacingMs),
    cardType: 'Visa',
    lastFourDigits: '0006',
    expiryDate: '1228',
    refunded: 0,
    ...g.row(index),
  }
}

/**
 * The generated row with this default transactionId (its index in hex), if there is one.
 * @example const row = generatedById(opayoState, 'AE000000-0000-4000-8000-000000000029')
 */
export function generatedById(
  state: OpayoState,
  id: string | undefined,
): FakeOpayoTransaction | undefined {
  const m = /^AE000000-0000-4000-8000-([0-9A-F]{12})$/.exec(id ?? '')
  if (!m) return undefined
  const index = Number.parseInt(m[1] ?? '', 16)
  if (!(index < state.generated.count)) return undefined
  const tx = generatedRow(state, index)
  return tx.transactionId === id ? tx : undefined
}

/**
 * Rows `start..end` (1-based, inclusive) of getTransactionList over `[from, to)`: the held
 * transactions by date, then the generated rows.
 * @example const rows = listPage(opayoState, Date.parse('2026-11-01'), Date.parse('2026-12-01'), 1, 50)
 */
export function listPage(
  state: OpayoState,
  from: number,
  to: number,
  start: number,
  end: number,
): FakeOpayoTransaction[] {
  const held = [...state.transactions.values()]
    .filter((t) => t.createdAt.getTime() >= from && t.createdAt.getTime() < to)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  const page = held.slice(start - 1, end)
  const g = state.generated
  if (g.count === 0 || page.length >= end - start + 1) return page
  // The generated rows in [from, to) are the indexes [first, last).
  const first = Math.max(0, Math.ceil((from - g.from) / g.spacingMs))
  const last = Math.min(g.count, Math.max(0, Math.ceil((to - g.from) / g.spacingMs)))
  const skip = Math.max(0, start - 1 - held.length)
  for (let i = first + skip; i < last && page.length < end - start + 1; i += 1)
    page.push(generatedRow(state, i))
  return page
}

/**
 * A transaction as a getTransactionList or getTransactionDetail row, `txstateid` from its status
 * and instruction.
 * @example const xml = [...opayoState.transactions.values()].map((tx) => reportingRow(opayoState, tx)).join('')
 */
export function reportingRow(state: OpayoState, tx: FakeOpayoTransaction): string {
  const txState =
    tx.instruction?.type === 'void'
      ? 18
      : tx.instruction?.type === 'abort'
        ? 19
        : tx.instruction?.type === 'cancel'
          ? 22
          : tx.status !== 'Ok'
            ? 12
            : tx.transactionType === 'Deferred' && tx.instruction?.type !== 'release'
              ? 14
              : 16
  const when = `${toReportingDate(tx.createdAt)}.000`
  const related = tx.relatedTransactionId
    ? state.transactions.get(tx.relatedTransactionId)
    : undefined
  const fields: Record<string, string> = {
    vpstxid: tx.transactionId,
    vendortxcode: tx.vendorTxCode,
    transactiontype: tx.transactionType,
    txstateid: String(txState),
    status: tx.statusDetail,
    ...(related
      ? { relatedtransactionid: related.transactionId, relatedvendortxcode: related.vendorTxCode }
      : {}),
    amount: (tx.amount / 100).toFixed(2),
    currency: tx.currency,
    started: when,
    completed: when,
    paymentsystem: tx.cardType.toUpperCase() === 'MASTERCARD' ? 'MC' : tx.cardType.toUpperCase(),
    last4digits: tx.lastFourDigits,
    expirydate: tx.expiryDate,
    bankauthcode: tx.status === 'Ok' ? '999777' : '',
    declinecode: tx.status === 'Ok' ? '00' : '05',
  }
  return Object.entries(fields)
    .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
    .join('')
}

/**
 * A getBatchDetail row with only the fields the public clients read (`batchDetailRows: 'thin'`).
 * @example const xml = [...opayoState.transactions.values()].map((tx) => thinBatchRow(opayoState, tx)).join('')
 */
export function thinBatchRow(state: OpayoState, tx: FakeOpayoTransaction): string {
  const refunded = [...state.transactions.values()].some(
    (t) => t.relatedTransactionId === tx.transactionId && t.transactionType === 'Refund',
  )
  const fields: Record<string, string> = {
    vpstxid: tx.transactionId,
    vendortxcode: tx.vendorTxCode,
    started: `${toReportingDate(tx.createdAt)}.000`,
    refunded: refunded ? 'YES' : 'NO',
  }
  return Object.entries(fields)
    .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
    .join('')
}

/**
 * A Reporting date (`dd/mm/yyyy HH:MM:SS`, London wall-clock time) as epoch ms.
 * @example const at = parseLondon('03/11/2026 00:15:00')
 */
export function parseLondon(text: string | undefined): number | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text ?? '')
  if (!m) return undefined
  // Compare in London wall-clock terms: format each candidate the same way the client does.
  const [, dd, mm, yyyy, hh, mi, ss] = m
  const naive = Date.UTC(
    Number(yyyy),
    Number(mm) - 1,
    Number(dd),
    Number(hh),
    Number(mi),
    Number(ss),
  )
  for (const offsetHours of [0, 1]) {
    const candidate = naive - offsetHours * 3_600_000
    if (toReportingDate(new Date(candidate)) === text) return candidate
  }
  return naive
}
