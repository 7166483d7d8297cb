// Settlement batches from the Reporting API: each closed batch (getBatchList) is read in full
// (getBatchDetail) and handed to the engine as one settlement event. Only used in clearing mode.
import { format } from '@opayo-kashflow/core'
import type { SettlementBatchEventInput, SyncEngine } from '@opayo-kashflow/sync'
import {
  ReportingTransactionSchema,
  readBatchListRow,
  toCanonicalPayment,
} from '@opayo-kashflow/opayo'
import type {
  OpayoReportingClient,
  ReportingBatch,
  ReportingTransaction,
} from '@opayo-kashflow/opayo'

/**
 * UNCONFIRMED (the one place the service keeps its guesses about settlement batches; what the
 * batch list itself carries is the opayo package's `REPORTING_UNCONFIRMED.batchList`):
 *
 * - `detailRowsMayBeThin`: which fields a getBatchDetail row carries. The public clients read
 *   only `vpstxid`, `vendortxcode`, `started` and `refunded` from them
 *   (fhdalikhan/opayo-reporting-api `src/OpayoReportingApi.php`, getTransactionsFromResponse),
 *   so nothing is assumed beyond those: a row that is not a whole transaction (no `amount`,
 *   `currency`, `txstateid`) is read by its `vpstxid` with getTransactionDetail, what Opayo
 *   itself says of that transaction, at one Reporting call per row. A row with neither is
 *   refused ("cannot tell"): the batch is reported in `invalid`, never guessed.
 *
 * The testkit's FakeOpayo serves the batch list as the public clients read it (`completed` a
 * London date-time, `transactiongroups`) and, by default, thin getBatchDetail rows
 * (`batchDetailRows: 'full'` serves whole transaction rows).
 */
export const SETTLEMENT_BATCH_UNCONFIRMED = {
  detailRowsMayBeThin: true,
} as const

/**
 * One getBatchDetail row as a whole transaction: the row itself when it is one, else Opayo's
 * getTransactionDetail of its `vpstxid` (whose `vendortxcode` must agree with the row's).
 */
async function transactionOfRow(
  reporting: Pick<OpayoReportingClient, 'transactions'>,
  row: Record<string, unknown>,
): Promise<{ transaction: ReportingTransaction } | { reason: string }> {
  const whole = ReportingTransactionSchema.safeParse(row)
  if (whole.success && whole.data.amount !== undefined && whole.data.currency !== undefined)
    return { transaction: whole.data }
  const vpsTxId = typeof row['vpstxid'] === 'string' ? row['vpstxid'].trim() : ''
  if (vpsTxId === '')
    return {
      reason: `a row is neither a transaction nor names one (no vpstxid): it has ${Object.keys(row).sort().join(', ') || 'no fields'}`,
    }
  const detail = await reporting.transactions.get({ vpsTxId })
  const code = row['vendortxcode']
  if (typeof code === 'string' && code !== '' && code !== detail.vendortxcode)
    return {
      reason: `a row names ${vpsTxId} with VendorTxCode ${code}, but Opayo's detail of that transaction has ${detail.vendortxcode}`,
    }
  return { transaction: detail }
}

/** What one poll of settlement batches did. */
export interface SettlementPollResult {
  /** Batches listed. */
  readonly seen: number
  readonly received: number
  readonly duplicates: number
  /**
   * Batches that could not be read as a settlement batch, with why: a list row without a
   * `completed` date-time or `transactiongroups` ("cannot tell": open, or a shape this client
   * does not read), or a detail row that is unusable. Listed again at the next poll.
   */
  readonly invalid: readonly { readonly batchId: string; readonly reason: string }[]
}

/**
 * Reads one listed batch into the settlement event the engine ingests: dated by `completed` (its
 * calendar date in London), Opayo's own totals per currency from `transactiongroups`
 * (`opayoTotals`, `gross` = the batch currency's payments − refunds), and the settled payments and
 * refunds of getBatchDetail. The engine checks the rows against Opayo's totals and dead-letters
 * a batch that does not add up or holds several currencies. Undefined with the reason when the
 * list row cannot be read ("cannot tell"), a detail row is unusable or the batch is empty.
 * @example
 * for (const listed of await reporting.batches.list({ from: new Date('2026-11-01'), to: new Date('2026-11-08') })) {
 *   const read = await readSettlementBatch(reporting, listed)
 *   if ('batch' in read) await engine.ingestSettlementBatch(read.batch)
 * }
 */
export async function readSettlementBatch(
  reporting: Pick<OpayoReportingClient, 'batches' | 'transactions'>,
  batch: ReportingBatch,
): Promise<{ batch: SettlementBatchEventInput } | { reason: string }> {
  const summary = readBatchListRow(batch)
  if (!summary.ok) return { reason: summary.issues.map((i) => i.message).join(' ') }
  const { date, totals, authProcessor } = summary.value
  // The batch currency is the first group's; a second currency is the engine's dead letter.
  const [group] = totals
  if (group === undefined) return { reason: `Batch ${batch.batchid}: no transactiongroup.` }
  const transactions: SettlementBatchEventInput['transactions'][number][] = []
  for await (const row of reporting.batches.get({ batchId: batch.batchid, authProcessor })) {
    const read = await transactionOfRow(reporting, row)
    if ('reason' in read) return { reason: read.reason }
    const payment = toCanonicalPayment({ protocol: 'reporting', transaction: read.transaction })
    if (!payment.ok)
      return {
        reason: `a row is not a transaction: ${payment.issues.map((i) => i.message).join('; ')}`,
      }
    const p = payment.value
    if (p.status !== 'succeeded') continue
    if (p.kind !== 'payment' && p.kind !== 'capture' && p.kind !== 'refund') continue
    transactions.push({
      transactionId: p.source.transactionId,
      vendorTxCode: p.source.vendorTxCode,
      kind: p.kind === 'refund' ? 'refund' : 'payment',
      amount: p.amount,
      ...(p.card ? { scheme: p.card.scheme } : {}),
    })
  }
  if (transactions.length === 0)
    return {
      reason: `the batch is empty: getBatchDetail returned no settled payment or refund (Opayo's ${group.currency} totals: payments ${format(group.payments)}, refunds ${format(group.refunds)})`,
    }
  return {
    batch: {
      batchId: batch.batchid,
      date,
      currency: group.currency,
      gross: { amount: group.payments.amount - group.refunds.amount, currency: group.currency },
      transactions,
      opayoTotals: totals.map((t) => ({ ...t })),
    },
  }
}

/**
 * Lists the batches Opayo settled in `[from, to]` and ingests each as a settlement event (a batch
 * seen before is a duplicate); a batch that cannot be read is reported in `invalid`, never
 * guessed. The engine settles it once every transaction is posted.
 * @example await pollSettlementBatches({ reporting, engine, from: new Date(Date.now() - 7 * 86_400_000), to: new Date() })
 */
export async function pollSettlementBatches(input: {
  readonly reporting: OpayoReportingClient
  readonly engine: SyncEngine
  readonly from: Date
  readonly to: Date
}): Promise<SettlementPollResult> {
  const listed = await input.reporting.batches.list({ from: input.from, to: input.to })
  let received = 0
  let duplicates = 0
  const invalid: { batchId: string; reason: string }[] = []
  let seen = 0
  for (const batch of listed) {
    seen += 1
    const read = await readSettlementBatch(input.reporting, batch)
    if ('reason' in read) {
      invalid.push({ batchId: batch.batchid, reason: read.reason })
      continue
    }
    const result = await input.engine.ingestSettlementBatch(read.batch)
    if (result.outcome === 'received') received += 1
    else duplicates += 1
  }
  return { seen, received, duplicates, invalid }
}
