// Settlement in the fake Opayo: closing batches over the settled transactions, the acquirer's
// fee statement, and the getBatchList rows (totals per currency, or an override).
import { escape } from './http.js'
import type { OpayoState } from './state.js'
import type { FakeOpayoTransaction, FakeSettlementBatch, FakeTransactionGroup } from './types.js'

/**
 * Closes settlement batches over every settled transaction not yet in one, as
 * `fake.closeBatches` describes. Returns the new batches.
 * @example const batches = closeBatches(opayoState, { date: '2026-11-03' })
 */
export function closeBatches(
  state: OpayoState,
  input: {
    readonly date?: string
    readonly time?: string
    readonly fee?: (tx: FakeOpayoTransaction) => number
    readonly authProcessor?: string
    readonly mixCurrencies?: boolean
  } = {},
): FakeSettlementBatch[] {
  const date = input.date ?? state.options.now().toISOString().slice(0, 10)
  const completed = `${date.split('-').reverse().join('/')} ${input.time ?? '00:15:00.000'}`
  const byCurrency = new Map<string, FakeOpayoTransaction[]>()
  for (const tx of state.transactions.values()) {
    if (state.batched.has(tx.transactionId) || !settles(tx)) continue
    const key = input.mixCurrencies ? '' : tx.currency
    byCurrency.set(key, [...(byCurrency.get(key) ?? []), tx])
  }
  const made: FakeSettlementBatch[] = []
  for (const txs of byCurrency.values()) {
    const batchId = String(1000 + state.batches.size + 1)
    const currencies = [...new Set(txs.map((t) => t.currency))]
    const batch: FakeSettlementBatch = {
      batchId,
      date,
      completed,
      currency: currencies[0] ?? 'GBP',
      currencies,
      authProcessor: input.authProcessor ?? 'Elavon',
      transactionIds: txs.map((t) => t.transactionId),
      fees: new Map(txs.map((t) => [t.transactionId, input.fee?.(t) ?? 0])),
    }
    for (const t of txs) state.batched.add(t.transactionId)
    state.batches.set(batchId, batch)
    made.push(batch)
  }
  return made
}

/**
 * The acquirer's fee statement for closed batches, as `fake.feeStatementCsv` describes.
 * @example const csv = feeStatementCsv(opayoState, ['1001'])
 */
export function feeStatementCsv(
  state: OpayoState,
  batchIds: readonly string[] = [...state.batches.keys()],
): string {
  const lines = ['batch_id,transaction_id,vendor_tx_code,fee,currency']
  for (const id of batchIds) {
    const batch = state.batches.get(id)
    if (!batch) continue
    for (const txId of batch.transactionIds) {
      const tx = state.transactions.get(txId)
      if (!tx) continue
      const fee = batch.fees.get(txId) ?? 0
      lines.push(`${id},${txId},${tx.vendorTxCode},${(fee / 100).toFixed(2)},${tx.currency}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/**
 * Opayo's totals for a closed batch, one `transactiongroup` per currency.
 * @example const groups = transactionGroups(opayoState, '1001')
 */
export function transactionGroups(state: OpayoState, batchId: string): FakeTransactionGroup[] {
  const batch = state.batches.get(batchId)
  if (!batch) return []
  const txs = batch.transactionIds
    .map((id) => state.transactions.get(id))
    .filter((t): t is FakeOpayoTransaction => t !== undefined)
  return batch.currencies.map((currency) => {
    const of = txs.filter((t) => t.currency === currency)
    const refunds = of.filter((t) => t.transactionType === 'Refund')
    const payments = of.filter((t) => t.transactionType !== 'Refund')
    const value = (list: FakeOpayoTransaction[]) =>
      (list.reduce((sum, t) => sum + t.amount, 0) / 100).toFixed(2)
    return {
      currency,
      paymentnumber: String(payments.length),
      paymentvalue: value(payments),
      refundnumber: String(refunds.length),
      refundvalue: value(refunds),
    }
  })
}

/**
 * A getBatchList `<batch>` as the public clients read it (fhdalikhan/opayo-reporting-api
 * src/GetBatchList.php; Ebizmarts SagePaySuite M1 Dashboard::getSettlements): `batchid`,
 * `authprocessorname`, `completed` (London date-time), `transactiongroups/transactiongroup[]`; an override
 * (`fake.overrideBatchListRow`) served instead.
 * @example const xml = batchListRow(opayoState, opayoState.batches.get('1001')!)
 */
export function batchListRow(state: OpayoState, b: FakeSettlementBatch): string {
  const override = state.batchListOverrides.get(b.batchId) ?? {}
  const completed = override.completed === undefined ? b.completed : override.completed
  const groups =
    override.transactionGroups === undefined
      ? transactionGroups(state, b.batchId)
      : override.transactionGroups
  const element = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<${name}>${escape(value)}</${name}>`
  const groupXml = (g: FakeTransactionGroup) =>
    `<transactiongroup>${element('currency', g.currency)}${element('paymentnumber', g.paymentnumber)}${element('paymentvalue', g.paymentvalue)}${element('refundnumber', g.refundnumber)}${element('refundvalue', g.refundvalue)}</transactiongroup>`
  return `<batch>${element('batchid', b.batchId)}${element('authprocessorname', b.authProcessor)}${completed === null ? '' : element('completed', completed)}${groups === null ? '' : `<transactiongroups>${groups.map(groupXml).join('')}</transactiongroups>`}${Object.entries(
    override.extra ?? {},
  )
    .map(([k, v]) => element(k, v))
    .join('')}</batch>`
}

/** Whether a transaction moves money at settlement (what a batch holds). */
function settles(tx: FakeOpayoTransaction): boolean {
  if (tx.status !== 'Ok') return false
  const instruction = tx.instruction?.type
  if (instruction === 'void' || instruction === 'abort' || instruction === 'cancel') return false
  if (tx.transactionType === 'Deferred') return instruction === 'release'
  return ['Payment', 'Repeat', 'Refund'].includes(tx.transactionType)
}
