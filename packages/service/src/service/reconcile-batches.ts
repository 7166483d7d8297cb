// Reconciliation per settlement batch (clearing mode): for each batch Opayo closed in the range,
// Opayo's total, what the engine posted to the clearing account for it, and what the transfer,
// fee and FX journals found in KashFlow (by their markers) took off the clearing account. What
// remains on clearing for the batch is zero when all is well. Batches are few (one a day): their
// rows are held and written once.
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import type { CurrencyCode } from '@opayo-kashflow/core'
import { KashflowCannotTellError, journalLinesOf } from '@opayo-kashflow/kashflow'
import type { Journal, KashflowClient } from '@opayo-kashflow/kashflow'
import type { OpayoReportingClient } from '@opayo-kashflow/opayo'
import { settlementEventId } from '@opayo-kashflow/sync'
import type { SettledBatchRecord, Store } from '@opayo-kashflow/sync'
import { readSettlementBatch } from './settlement-poll.js'
import { unreadableReason } from './reconcile.js'
import { csvCell } from './csv-cell.js'

/** Where a batch stands. */
export type BatchReconciliationStatus =
  /** Settled, and its journals are in KashFlow: nothing remains on clearing. */
  | 'settled'
  /** Settled by the engine, but a journal is missing in KashFlow or differs: something remains. */
  | 'journal_mismatch'
  /**
   * Settled by the engine, but Opayo now reports another total for the batch than the one posted
   * (the engine also holds a `settlement_batch_changed` dead letter for it): a person looks.
   */
  | 'batch_changed'
  /** The engine is waiting (a transaction not posted yet, fees not imported): normal for a day or two. */
  | 'waiting'
  /** Dead-lettered: a person must look (`dead-letters show batch:{id}`). */
  | 'dead'
  /** Opayo closed it but the engine has not ingested it (the poller has not run, or it is unreadable). */
  | 'not_ingested'
  /**
   * KashFlow's answer cannot show whether the batch's journals are there (list rows without the
   * marker's fields, lines it cannot read): a person looks; never reported as missing.
   */
  | 'unknown'

/** One batch's reconciliation, in minor units of the batch currency (Opayo) or home currency. */
export interface BatchReconciliationRow {
  readonly batchId: string
  readonly date: string | undefined
  readonly status: BatchReconciliationStatus
  readonly currency: string | undefined
  /** Opayo's total for the batch (payments − refunds), batch currency. */
  readonly opayoTotal: number | undefined
  /** What was posted to the clearing account for it, home currency (settled batches). */
  readonly postedToClearing: number | undefined
  /** The transfer to the bank found in KashFlow (negative: from the bank). */
  readonly transfer: number | undefined
  /** The fee journal found in KashFlow. */
  readonly fees: number | undefined
  /** The exchange-difference journal found in KashFlow (positive: a loss). */
  readonly fxDifference: number | undefined
  /** Posted to clearing − what the journals found took off it; zero when all is well. */
  readonly clearingRemainder: number | undefined
  readonly note: string
}

/** What `reconcileBatches` returns: the rows and how many need attention. */
export interface BatchReconciliation {
  readonly rows: readonly BatchReconciliationRow[]
  /** Rows other than `settled` and `waiting`. */
  readonly needsAttention: number
}

/**
 * What a found journal takes off the clearing account (credits minus debits on its nominal), in
 * minor units. The lines come from the journal's detail (`journals.find` with `detail: true`):
 * list rows carry none, and lines that cannot be read throw KashflowCannotTellError.
 */
function offClearing(journal: Journal, clearingNominal: number, currency: CurrencyCode): number {
  let sum = 0
  for (const line of journalLinesOf(journal, currency)) {
    if (line.nominalCode !== clearingNominal) continue
    const amount: number = line.amount.amount
    sum += line.side === 'debit' ? -amount : amount
  }
  return sum
}

/**
 * Reconciles every settlement batch Opayo closed in `[from, to]`: one getBatchList, one
 * getBatchDetail per batch (for Opayo's total), the batch event in the store, and one
 * `journals.find` (with the journal's detail, for its lines) per journal the engine posted for it.
 * A journal KashFlow's answer cannot show present or absent makes the batch `unknown`.
 * @example const { rows } = await reconcileBatches({ reporting, store, kashflow, clearingNominalCode: 1210, from: new Date('2026-11-01'), to: new Date('2026-12-01') })
 */
export async function reconcileBatches(input: {
  readonly reporting: Pick<OpayoReportingClient, 'batches' | 'transactions'>
  readonly store: Pick<Store, 'get'>
  readonly kashflow: Pick<KashflowClient, 'journals'>
  readonly clearingNominalCode: number
  readonly from: Date
  readonly to: Date
}): Promise<BatchReconciliation> {
  const rows: BatchReconciliationRow[] = []
  const empty = {
    postedToClearing: undefined,
    transfer: undefined,
    fees: undefined,
    fxDifference: undefined,
    clearingRemainder: undefined,
  }
  for (const listed of await input.reporting.batches.list({ from: input.from, to: input.to })) {
    const read = await readSettlementBatch(input.reporting, listed)
    const opayo =
      'batch' in read
        ? {
            date: read.batch.date,
            currency: read.batch.currency,
            opayoTotal: Number(read.batch.gross.amount),
          }
        : { date: undefined, currency: undefined, opayoTotal: undefined }
    let id: string
    try {
      id = settlementEventId(listed.batchid)
    } catch {
      rows.push({
        batchId: listed.batchid,
        ...opayo,
        ...empty,
        status: 'not_ingested',
        note: 'the batch id is not usable',
      })
      continue
    }
    const event = await input.store.get(id)
    if (!event) {
      rows.push({
        batchId: listed.batchid,
        ...opayo,
        ...empty,
        status: 'not_ingested',
        note: 'reason' in read ? read.reason : 'not ingested yet (the poller reads closed batches)',
      })
      continue
    }
    if (event.state !== 'posted') {
      const dead = event.state === 'dead' || event.state === 'discarded'
      rows.push({
        batchId: listed.batchid,
        ...opayo,
        ...empty,
        status: dead ? 'dead' : 'waiting',
        note: dead
          ? `dead-lettered: ${event.reason ?? ''}`
          : (event.lastError?.message ?? event.state),
      })
      continue
    }
    const record = event.detail as SettledBatchRecord
    const found: Record<'transfer' | 'fees' | 'fx', number> = { transfer: 0, fees: 0, fx: 0 }
    const missing: string[] = []
    const cannotTell: string[] = []
    for (const marker of record.markers) {
      const purpose = /:(transfer|fees|fx)$/.exec(marker)?.[1] as
        'transfer' | 'fees' | 'fx' | undefined
      if (!purpose) continue
      try {
        const journal = await input.kashflow.journals.find({
          date: record.date,
          reference: marker,
          detail: true,
        })
        if (!journal) missing.push(marker)
        else
          found[purpose] = offClearing(
            journal,
            input.clearingNominalCode,
            record.totals.postedHome.currency,
          )
      } catch (error) {
        // KashFlow's answer cannot show the journal absent or read its lines, or KashFlow could
        // not be read at all: never "missing".
        // By name as well, so two copies of the kashflow package agree.
        const e = error as { name?: unknown; status?: unknown; code?: unknown; message?: unknown }
        if (error instanceof KashflowCannotTellError || e.name === 'KashflowCannotTellError')
          cannotTell.push(String(e.message))
        else if (typeof e.name === 'string' && /^Kashflow\w*Error$/.test(e.name))
          cannotTell.push(unreadableReason(error))
        else throw error
      }
    }
    if (cannotTell.length > 0) {
      rows.push({
        batchId: listed.batchid,
        ...opayo,
        ...empty,
        status: 'unknown',
        note: `cannot tell from KashFlow: ${cannotTell.join('; ')}`,
      })
      continue
    }
    const posted = Number(record.totals.postedHome.amount)
    const remainder = posted - found.transfer - found.fees - found.fx
    const postedGross = record.totals.gross as { amount?: unknown } | undefined
    const changed =
      opayo.opayoTotal !== undefined &&
      typeof postedGross?.amount === 'number' &&
      opayo.opayoTotal !== postedGross.amount
    rows.push({
      batchId: listed.batchid,
      ...opayo,
      status: changed
        ? 'batch_changed'
        : remainder === 0 && missing.length === 0
          ? 'settled'
          : 'journal_mismatch',
      postedToClearing: posted,
      transfer: found.transfer,
      fees: found.fees,
      fxDifference: found.fx,
      clearingRemainder: remainder,
      note: changed
        ? `Opayo now reports ${opayo.opayoTotal} for the batch; ${String(postedGross?.amount)} was settled (see dead-letters list)`
        : missing.length > 0
          ? `not found in KashFlow: ${missing.join(', ')}`
          : remainder === 0
            ? ''
            : 'the journals in KashFlow do not empty the clearing account for this batch',
    })
  }
  return {
    rows,
    needsAttention: rows.filter((r) => r.status !== 'settled' && r.status !== 'waiting').length,
  }
}

const COLUMNS = [
  'batchId',
  'date',
  'status',
  'currency',
  'opayoTotal',
  'postedToClearing',
  'transfer',
  'fees',
  'fxDifference',
  'clearingRemainder',
  'note',
] as const

/**
 * Writes `settlement-batches.csv` (amounts in minor units) in `dir`; returns its path. Cells are
 * written as in reconciliation.csv ({@link csvCell}): text that would start a formula is made
 * inert with a leading `'`, amounts stay numbers.
 */
export async function writeBatchReconciliationCsv(
  dir: string,
  reconciliation: BatchReconciliation,
): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, 'settlement-batches.csv')
  const stream = createWriteStream(path)
  stream.write(`${COLUMNS.join(',')}\n`)
  for (const row of reconciliation.rows)
    stream.write(`${COLUMNS.map((c) => csvCell(row[c])).join(',')}\n`)
  stream.end()
  await finished(stream)
  return path
}

/** One line of the command's output for a batch. */
export function describeBatchRow(row: BatchReconciliationRow): string {
  const money = (n: number | undefined) => (n === undefined ? '-' : (n / 100).toFixed(2))
  return `batch ${row.batchId.padEnd(10)} ${row.status.padEnd(16)} Opayo ${money(row.opayoTotal)}, clearing ${money(row.postedToClearing)}, transfer ${money(row.transfer)}, fees ${money(row.fees)}, FX ${money(row.fxDifference)}, remains ${money(row.clearingRemainder)}${row.note ? ` (${row.note})` : ''}`
}
