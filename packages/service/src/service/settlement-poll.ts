// Settlement batches from the Reporting API: each closed batch (getBatchList) is read in full
// (getBatchDetail) and handed to the engine as one settlement event. Only used in clearing mode.
import type { CurrencyCode } from '@opayo-kashflow/core'
import type { SettlementBatchEventInput, SyncEngine } from '@opayo-kashflow/sync'
import { ReportingTransactionSchema, toCanonicalPayment } from '@opayo-kashflow/opayo'
import type { OpayoReportingClient, ReportingBatch } from '@opayo-kashflow/opayo'

/**
 * UNCONFIRMED (the one place these guesses are kept): Opayo documents getBatchList and
 * getBatchDetail but no public source shows their rows. We assume a batch row carries its
 * settlement date as `batchdate` (dd/mm/yyyy) and `completed` other than `NO` once it is closed,
 * and that getBatchDetail rows carry the same fields as getTransactionList rows. The testkit's
 * FakeOpayo serves exactly these shapes.
 */
export const SETTLEMENT_BATCH_UNCONFIRMED = {
  dateElement: 'batchdate',
  openWhenCompleted: 'NO',
  detailRowsAreTransactionRows: true,
} as const

/** What one poll of settlement batches did. */
export interface SettlementPollResult {
  /** Closed batches listed. */
  readonly seen: number
  readonly received: number
  readonly duplicates: number
  /** Batches that could not be read as a settlement batch (a row Opayo sent is unusable). */
  readonly invalid: readonly { readonly batchId: string; readonly reason: string }[]
}

function batchDate(batch: ReportingBatch): string | undefined {
  const raw = (batch as Record<string, unknown>)[SETTLEMENT_BATCH_UNCONFIRMED.dateElement]
  const m = typeof raw === 'string' ? /^(\d{2})\/(\d{2})\/(\d{4})/.exec(raw) : null
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined
}

/**
 * Reads one closed batch into the settlement event the engine ingests: its settled payments and
 * refunds (what Opayo says), gross = payments − refunds. Undefined with the reason when a row is
 * unusable or the batch is empty.
 */
export async function readSettlementBatch(
  reporting: Pick<OpayoReportingClient, 'batches'>,
  batch: ReportingBatch,
): Promise<{ batch: SettlementBatchEventInput } | { reason: string }> {
  const date = batchDate(batch)
  if (!date) return { reason: `no ${SETTLEMENT_BATCH_UNCONFIRMED.dateElement} on the batch` }
  const transactions: SettlementBatchEventInput['transactions'][number][] = []
  let gross = 0
  let currency: CurrencyCode | undefined
  for await (const row of reporting.batches.get({
    batchId: batch.batchid,
    authProcessor: batch.authprocessorname ?? '',
  })) {
    const transaction = ReportingTransactionSchema.safeParse(row)
    if (!transaction.success)
      return { reason: `a row is not a transaction: ${transaction.error.message}` }
    const payment = toCanonicalPayment({ protocol: 'reporting', transaction: transaction.data })
    if (!payment.ok)
      return {
        reason: `a row is not a transaction: ${payment.issues.map((i) => i.message).join('; ')}`,
      }
    const p = payment.value
    if (p.status !== 'succeeded') continue
    if (p.kind !== 'payment' && p.kind !== 'capture' && p.kind !== 'refund') continue
    const kind = p.kind === 'refund' ? 'refund' : 'payment'
    currency ??= p.amount.currency
    gross += (kind === 'refund' ? -1 : 1) * p.amount.amount
    transactions.push({
      transactionId: p.source.transactionId,
      vendorTxCode: p.source.vendorTxCode,
      kind,
      amount: p.amount,
      ...(p.card ? { scheme: p.card.scheme } : {}),
    })
  }
  if (transactions.length === 0 || currency === undefined) return { reason: 'the batch is empty' }
  return {
    batch: {
      batchId: batch.batchid,
      date,
      currency,
      gross: { amount: gross, currency },
      transactions,
    },
  }
}

/**
 * Lists the batches closed in `[from, to]` and ingests each as a settlement event (a batch seen
 * before is a duplicate). The engine settles it once every transaction is posted.
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
    if ((batch.completed ?? '').toUpperCase() === SETTLEMENT_BATCH_UNCONFIRMED.openWhenCompleted)
      continue
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
