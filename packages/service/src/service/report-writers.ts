// The three reconciliation reports written as the rows come, so memory does not grow with the
// number of rows: CSV and JSON are streamed straight to their files; the HTML keeps only the rows
// that need attention (in a temporary file beside it) and is put together once the totals are
// known, so they can come first.
import { createReadStream, createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import {
  reconciliationCsvHeader,
  reconciliationCsvLine,
  reconciliationHtmlEnd,
  reconciliationHtmlRow,
  reconciliationHtmlStart,
} from './reconcile.js'
import type { ReconciliationRow, ReconciliationSummary } from './reconcile.js'

/** The report files, by format. */
export interface ReconciliationReportPaths {
  readonly csv: string
  readonly json: string
  readonly html: string
}

/**
 * Writes the reports row by row: `write` each row as `reconcileEach` produces it, then `finish`
 * with its summary. `abort` closes and removes what was written.
 * @example
 * const range = { from: new Date('2026-11-01'), to: new Date('2026-12-01') }
 * const reports = await openReconciliationReports('reports', range)
 * const result = await reconcile({ payments: [payment], store, kashflow, references, ...range })
 * for (const row of result.rows) await reports.write(row)
 * await reports.finish(result)
 */
export interface ReconciliationReportWriter {
  readonly paths: ReconciliationReportPaths
  write(row: ReconciliationRow): Promise<void>
  finish(summary: ReconciliationSummary): Promise<ReconciliationReportPaths>
  abort(): Promise<void>
}

const FLUSH_AT = 64 * 1024

/** A file written in chunks of about 64 KiB, waiting for the disk when its buffer is full. */
class FileSink {
  readonly #stream: WriteStream
  #pending: string[] = []
  #length = 0

  constructor(path: string) {
    this.#stream = createWriteStream(path, { encoding: 'utf8' })
  }

  async write(text: string): Promise<void> {
    this.#pending.push(text)
    this.#length += text.length
    if (this.#length >= FLUSH_AT) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.#length === 0) return
    const chunk = this.#pending.join('')
    this.#pending = []
    this.#length = 0
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain')
  }

  async close(): Promise<void> {
    await this.flush()
    this.#stream.end()
    await once(this.#stream, 'finish')
  }

  destroy(): void {
    this.#stream.destroy()
  }
}

/**
 * Opens `reconciliation.csv`, `reconciliation.json` and `reconciliation.html` in `outDir`
 * (created if missing). The JSON is one document, written as it goes:
 * `{"from":…,"to":…,"rows":[` then one row per line, then `],"summary":{…},"totals":[…]}` — the
 * shape of a `Reconciliation`, with the counts after the rows because they are only known then.
 * @example
 * const reports = await openReconciliationReports('reports', { from: new Date('2026-11-01'), to: new Date('2026-12-01') })
 */
export async function openReconciliationReports(
  outDir: string,
  range: { readonly from: Date; readonly to: Date },
): Promise<ReconciliationReportWriter> {
  await mkdir(outDir, { recursive: true })
  const paths: ReconciliationReportPaths = {
    csv: join(outDir, 'reconciliation.csv'),
    json: join(outDir, 'reconciliation.json'),
    html: join(outDir, 'reconciliation.html'),
  }
  const attentionPath = join(outDir, '.reconciliation.html.rows')
  const csv = new FileSink(paths.csv)
  const json = new FileSink(paths.json)
  const attention = new FileSink(attentionPath)
  const sinks = [csv, json, attention]
  let rows = 0
  await csv.write(reconciliationCsvHeader())
  await json.write(
    `{"from":${JSON.stringify(range.from.toISOString())},"to":${JSON.stringify(range.to.toISOString())},"rows":[`,
  )
  return {
    paths,
    async write(row) {
      await csv.write(reconciliationCsvLine(row))
      await json.write(`${rows === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`)
      if (row.status !== 'matched') await attention.write(reconciliationHtmlRow(row))
      rows += 1
    },
    async finish(summary) {
      await json.write(
        `${rows === 0 ? '' : '\n'}],"summary":${JSON.stringify(summary.summary)},"totals":${JSON.stringify(summary.totals)}}\n`,
      )
      await Promise.all(sinks.map((s) => s.close()))
      const html = createWriteStream(paths.html, { encoding: 'utf8' })
      html.write(reconciliationHtmlStart(summary))
      await pipeline(createReadStream(attentionPath), html, { end: false })
      html.end(reconciliationHtmlEnd())
      await once(html, 'finish')
      await rm(attentionPath, { force: true })
      return paths
    },
    async abort() {
      for (const s of sinks) s.destroy()
      await Promise.all(
        [paths.csv, paths.json, paths.html, attentionPath].map((p) => rm(p, { force: true })),
      )
    },
  }
}
