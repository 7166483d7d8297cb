// A payment whose reference failed and was placed by matching or a person's resolution is looked
// for on the invoice its ledger entry wrote to, not on the invoice its reference names.
import { describe, expect, it } from 'vitest'
import {
  CanonicalPaymentSchema,
  createReferenceParser,
  money,
  postingMarker,
} from '@opayo-kashflow/core'
import type { InvoicePaymentRecord, KashflowClient } from '@opayo-kashflow/kashflow'
import type { EventRecord, LedgerEntry } from '@opayo-kashflow/sync'
import { reconcileEach } from '../src/service/reconcile.js'
import type { ReconciliationRow } from '../src/service/reconcile.js'

const tx = 'AE000000-0000-4000-8000-000000003402'
const payment = CanonicalPaymentSchema.parse({
  id: `opayo:${tx}:payment`,
  source: {
    system: 'opayo',
    protocol: 'server',
    transactionId: tx,
    vendorTxCode: 'INV-3402-1',
    verified: true,
  },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 12000, currency: 'GBP' },
  occurredAt: '2026-11-02T10:15:00Z',
})
const marker = postingMarker(tx, 'payment')
const line: InvoicePaymentRecord = {
  id: 7,
  invoiceNumber: 3042,
  date: '2026-11-02',
  amount: money(12000, 'GBP'),
  methodId: 409844,
  bankAccountId: 55166,
  note: '',
  reference: '',
  isExternalRefund: false,
  bulkPaymentNumber: undefined,
}
const entry = (invoiceNumber: number): LedgerEntry => ({
  eventId: payment.id,
  marker,
  kind: 'invoice-payment',
  state: 'done',
  request: { invoiceNumber, match: { via: 'matching', invoiceNumber } },
  result: { readBack: { id: 7 } },
  createdAt: 0,
  updatedAt: 0,
})

async function rows(ledger: LedgerEntry[]): Promise<ReconciliationRow[]> {
  const kashflow = {
    invoicePayments: {
      list: (invoice: number) => Promise.resolve(invoice === 3042 ? [line] : []),
    },
  } as unknown as Pick<KashflowClient, 'invoicePayments'>
  const out: ReconciliationRow[] = []
  await reconcileEach({
    payments: [payment],
    store: {
      get: () => Promise.resolve({ id: payment.id, state: 'posted' } as EventRecord),
      ledger: () => Promise.resolve(ledger),
    },
    kashflow,
    references: createReferenceParser(['INV-{invoice}-{*}']),
    from: new Date('2026-11-01T00:00:00Z'),
    to: new Date('2026-11-08T00:00:00Z'),
    onRow: (row) => {
      out.push(row)
    },
  })
  return out
}

describe('reconciliation of a payment placed by matching or a resolution', () => {
  it('finds the line on the invoice the ledger wrote to', async () => {
    const [row] = await rows([entry(3042)])
    expect(row).toMatchObject({ status: 'matched', invoiceNumber: 3042, kashflowAmount: 12000 })
  })

  it("without such a ledger entry, looks on the reference's invoice (and finds nothing there)", async () => {
    const [row] = await rows([])
    expect(row).toMatchObject({ status: 'missing_in_kashflow', invoiceNumber: 3402 })
  })
})
