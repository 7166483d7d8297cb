// `opayo-kashflow reconcile`: Opayo's Reporting API against the ledger and KashFlow, streamed.
// The movements are read one Reporting page at a time, each row goes to the report files as soon
// as it is known, and only the counts and the money per currency are kept, so a year of payments
// takes the memory of a day.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { toCanonicalPayment } from '@opayo-kashflow/opayo'
import type { OpayoReportingClient } from '@opayo-kashflow/opayo'
import type { CanonicalPayment, ReferenceParser } from '@opayo-kashflow/core'
import type { KashflowClient } from '@opayo-kashflow/kashflow'
import { SyncConfigError, chargeStatementSummaries } from '@opayo-kashflow/sync'
import { EXIT } from './command.js'
import type { ExitCode } from './command.js'
import type { ChargeStatementSummary, Store } from '@opayo-kashflow/sync'
import { reconcileEach } from '../service/reconcile.js'
import {
  describeBatchRow,
  reconcileBatches,
  writeBatchReconciliationCsv,
} from '../service/reconcile-batches.js'
import type { BatchReconciliationRow } from '../service/reconcile-batches.js'
import type { PostingMarkerParts, ReconciliationSummary } from '../service/reconcile.js'
import { openReconciliationReports } from '../service/report-writers.js'
import { terminalLine } from './terminal-text.js'
import type { ReconciliationReportPaths } from '../service/report-writers.js'

/**
 * What `reconcile` needs: the clients and store the service was built from (`serviceFromConfig`
 * returns them), the reference parser of the config, the range and where to write.
 * @example
 * const input: ReconcileCommandInput = { reporting, store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01'), outDir: '.', json: false, out: console.log }
 */
export interface ReconcileCommandInput {
  /** The Reporting client; without one the command is a configuration error. */
  readonly reporting: OpayoReportingClient | undefined
  readonly store: Pick<Store, 'get' | 'ledger'>
  readonly kashflow: Pick<KashflowClient, 'invoicePayments'>
  readonly references: ReferenceParser
  readonly from: Date
  readonly to: Date
  /** The folder of the three reports, created if missing. */
  readonly outDir: string
  /** Print the summary as JSON (the rows are in reconciliation.json) instead of the table. */
  readonly json: boolean
  /** One line of standard output. */
  readonly out: (line: string) => void
  /**
   * Ask V8 for a full garbage collection after every this many rows; 0 never. V8 lets its heap
   * grow to several times what is live while allocation is fast (a million rows keep about
   * 60 MB live, yet the heap reached 170 MB), so without it the peak memory grows with the length
   * of the run, not with what is kept. Each collection takes some 20 ms.
   * @default 5000
   */
  readonly collectEvery?: number
  /**
   * Clearing mode: also reconcile each settlement batch closed in the range (Opayo's total, posted
   * to clearing, transfer, fees, FX, what remains) into settlement-batches.csv. @default none
   */
  readonly batches?: {
    readonly clearingNominalCode: number
    readonly store: Pick<Store, 'get'>
    readonly kashflow: Pick<KashflowClient, 'journals'>
  }
}

/**
 * V8's full collection, without starting Node with `--expose-gc`: the flag set at run time
 * exposes `gc` to contexts created after it, such as this one-line `vm` context.
 */
function fullCollection(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    return typeof gc === 'function' ? () => void (gc as () => unknown)() : undefined
  } catch {
    return undefined
  }
}

/** What `--json` prints: the range, counts, money per currency and the report files. */
export interface ReconcileCommandJson extends ReconciliationSummary {
  readonly reports: ReconciliationReportPaths
  /** Clearing mode: one row per settlement batch (amounts in minor units). */
  readonly batches?: readonly BatchReconciliationRow[]
  /** Clearing mode: the charge statements with a line in the range, and where each stands. */
  readonly chargeStatements?: readonly ChargeStatementSummary[]
}

/** Opayo's successful and unsuccessful movements as canonical payments, one page at a time. */
async function* movements(
  reporting: OpayoReportingClient,
  range: { readonly from: Date; readonly to: Date },
): AsyncGenerator<CanonicalPayment> {
  for await (const row of reporting.transactions.list(range)) {
    const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
    if (payment.ok) yield payment.value
  }
}

/**
 * Whether Opayo has a successful movement in the range for a marker a KashFlow line carries: one
 * getTransactionDetail, asked only for the few lines no movement claimed while reading.
 */
const explainedBy =
  (reporting: OpayoReportingClient, range: { readonly from: Date; readonly to: Date }) =>
  async (marker: PostingMarkerParts): Promise<boolean> => {
    let row
    try {
      row = await reporting.transactions.get({ vpsTxId: marker.transactionId })
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'opayo_not_found') return false
      throw error
    }
    const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
    if (!payment.ok) return false
    const at = Date.parse(payment.value.occurredAt)
    return (
      payment.value.status === 'succeeded' &&
      payment.value.kind === marker.purpose &&
      at >= range.from.getTime() &&
      at < range.to.getTime()
    )
  }

/**
 * Keeps up to `size` items of `source` read ahead of the consumer, so the next Reporting page is
 * fetched while this one is compared (two pages at most in memory).
 */
async function* readAhead<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]()
  const buffer: Promise<IteratorResult<T>>[] = []
  let done = false
  const pull = () => {
    // One pull at a time: an async generator queues next() calls anyway.
    const last = buffer.at(-1)
    const next = (last ?? Promise.resolve(undefined)).then((previous) =>
      previous?.done === true ? previous : iterator.next(),
    )
    // A rejection is seen when the consumer reaches it, not as an unhandled rejection.
    next.catch(() => undefined)
    buffer.push(next)
  }
  try {
    while (!done) {
      while (buffer.length < size) pull()
      const result = await buffer.shift()!
      if (result.done === true) done = true
      else yield result.value
    }
  } finally {
    if (!done) await iterator.return?.()
  }
}

/**
 * Runs `opayo-kashflow reconcile`: streams Opayo's movements in `[from, to)` through
 * `reconcileEach`, writes reconciliation.csv, .json and .html in `outDir` as the rows come, and
 * prints the rows that need attention as they are found, then the counts (or, with `json`, the
 * summary as JSON). Resolves to the exit code: 3 when KashFlow could not be read for some rows
 * (they are `unknown` and the report is incomplete: run it again when KashFlow answers), else 1
 * when any row is not matched, else 0.
 * @throws {SyncConfigError} without a Reporting client (the CLI exits 2).
 * @example
 * const references = createReferenceParser(['INV-{invoice}-{*}'])
 * const code = await runReconcileCommand({ reporting, store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01'), outDir: '.', json: false, out: console.log })
 */
export async function runReconcileCommand(input: ReconcileCommandInput): Promise<ExitCode> {
  if (!input.reporting)
    throw new SyncConfigError(
      'reconcile needs a Reporting client: set opayo.reportingUser and OPAYO_KASHFLOW_REPORTING_PASSWORD.',
    )
  const range = { from: input.from, to: input.to }
  const collectEvery = input.collectEvery ?? 5000
  const collect = collectEvery > 0 ? fullCollection() : undefined
  let rows = 0
  const reports = await openReconciliationReports(input.outDir, range)
  let summary: ReconciliationSummary
  try {
    summary = await reconcileEach({
      payments: readAhead(movements(input.reporting, range), 50),
      explains: explainedBy(input.reporting, range),
      store: input.store,
      kashflow: input.kashflow,
      references: input.references,
      ...range,
      onRow: async (row) => {
        await reports.write(row)
        rows += 1
        if (collect && rows % collectEvery === 0) collect()
        if (!input.json && row.status !== 'matched')
          input.out(
            terminalLine(`${row.status.padEnd(20)} ${row.vendorTxCode.padEnd(24)} ${row.note}`),
          )
      },
    })
  } catch (error) {
    await reports.abort()
    throw error
  }
  const paths = await reports.finish(summary)
  const batches = input.batches
    ? await reconcileBatches({ reporting: input.reporting, ...input.batches, ...range })
    : undefined
  if (batches) await writeBatchReconciliationCsv(input.outDir, batches)
  // Charge statements with a line in the range (from the store's index: few, one a month).
  const day = (d: Date) => d.toISOString().slice(0, 10)
  const charges = input.batches
    ? (await chargeStatementSummaries(input.store)).filter(
        (c) => c.to >= day(input.from) && c.from < day(input.to),
      )
    : []
  if (input.json) {
    const printed: ReconcileCommandJson = {
      ...summary,
      reports: paths,
      ...(batches ? { batches: batches.rows } : {}),
      ...(input.batches ? { chargeStatements: charges } : {}),
    }
    input.out(JSON.stringify(printed, null, 2))
  } else {
    for (const [status, count] of Object.entries(summary.summary))
      input.out(`${status.replace(/_/g, ' ').padEnd(20)} ${count}`)
    for (const t of summary.totals)
      input.out(
        `${t.currency.padEnd(20)} ${t.rows} rows, ${t.needsAttention} need attention; Opayo ${t.opayo}, KashFlow ${t.kashflow} (minor units)`,
      )
    for (const row of batches?.rows ?? []) input.out(terminalLine(describeBatchRow(row)))
    for (const c of charges)
      input.out(
        terminalLine(
          `charges ${c.statementId.padEnd(14)} ${c.state.padEnd(8)} ${c.total}${c.debit ? ` debited ${c.debit.date}` : ''}${c.why ? `: ${c.why}` : ''}`,
        ),
      )
    input.out(
      `Reports written to ${input.outDir}: reconciliation.csv, reconciliation.json, reconciliation.html${batches ? ', settlement-batches.csv' : ''}`,
    )
  }
  const { missing_in_kashflow, amount_mismatch, orphan_in_kashflow } = summary.summary
  // Rows (and settlement batches) KashFlow could not be read for: the report is incomplete.
  const unknown =
    summary.summary.unknown + (batches?.rows.filter((r) => r.status === 'unknown').length ?? 0)
  if (unknown > 0) {
    if (!input.json)
      input.out(
        `${unknown} ${unknown === 1 ? 'row' : 'rows'} unknown: KashFlow could not be read for ${unknown === 1 ? 'it' : 'them'}; the report is incomplete. Run reconcile again when KashFlow answers (exit 3).`,
      )
    return EXIT.incomplete
  }
  // A charge statement dead-lettered needs a person, as a batch does.
  const batchProblems =
    (batches?.needsAttention ?? 0) + charges.filter((c) => c.state === 'dead').length
  return missing_in_kashflow + amount_mismatch + orphan_in_kashflow + batchProblems > 0 ? 1 : 0
}
