import {
  CanonicalPaymentSchema,
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  format,
  planPostings,
} from '@opayo-kashflow/core'
import {
  KashflowAmbiguousWriteError,
  createKashflowClient,
  paymentFromIntent,
  paymentLinesOf,
} from '@opayo-kashflow/kashflow'
import type { InvoicePaymentRecord, KashflowClient } from '@opayo-kashflow/kashflow'

/** A succeeded Opayo payment for invoice 1042, as @opayo-kashflow/opayo would normalise it. */
export const PAYMENT = CanonicalPaymentSchema.parse({
  id: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
  source: {
    system: 'opayo',
    protocol: 'server',
    transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2',
    vendorTxCode: 'INV-1042-1',
    verified: true,
  },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 12000, currency: 'GBP' },
  occurredAt: '2026-11-02T10:15:00Z',
  risk: { fraud: { provider: 't3m', recommendation: 'accept', score: 37 } },
  gateway: { bankAuthCode: '999777' },
})

/**
 * What your database keeps for one posting before its write, like the sync engine's ledger: the
 * invoice's payment lines as read just before the first attempt (the pre-image), and whether the
 * write is known to have landed.
 */
export interface LedgerRow {
  readonly preImage: readonly InvoicePaymentRecord[]
  done: boolean
}

/**
 * Plans the posting with core, then writes it exactly once. The invoice is read once, its lines
 * kept as the pre-image, and the write reuses that read. If the outcome is unknown (timeout,
 * dropped connection), or an earlier run may have written, KashFlow is read back: a line new
 * since the pre-image with the same amount, date, method and bank account is ours (KashFlow is
 * not documented to keep the marker on the line, so the read-back does not rely on it).
 */
export async function postOnce(
  kashflow: KashflowClient,
  bankAccountId: number,
  paymentMethodId: number,
  ledger: Map<string, LedgerRow>,
): Promise<string> {
  const [intent] = planPostings(PAYMENT, definePostingRules({ bankAccountId, paymentMethodId }), {
    references: createReferenceParser(['INV-{invoice}-{*}']),
    customFields: defineCustomFieldMappings([
      customFieldPresets.fraudScore(),
      customFieldPresets.bankAuthCode(),
    ]),
  })
  if (intent?.kind !== 'invoice-payment') return `nothing to post (${intent?.kind})`
  const input = paymentFromIntent(intent)
  const readBack = async (row: LedgerRow) =>
    kashflow.invoicePayments.findNew({
      invoiceNumber: input.invoiceNumber,
      preImage: row.preImage,
      expected: {
        amount: input.amount,
        date: input.date,
        methodId: input.methodId,
        bankAccountId: input.bankAccountId,
      },
      marker: intent.marker,
    })
  const earlier = ledger.get(intent.marker)
  if (earlier?.done) return 'already posted (the ledger says so)'
  if (earlier) {
    const found = await readBack(earlier)
    if (found.length > 1) return `needs a person: ${found.length} lines could be this payment`
    if (found.length === 1) {
      earlier.done = true
      return `already posted (payment ${found[0]?.id}, found by read-back)`
    }
  }
  const invoice = await kashflow.invoices.get(input.invoiceNumber)
  const row: LedgerRow = earlier ?? {
    preImage: paymentLinesOf(invoice, await kashflow.settings.homeCurrency()),
    done: false,
  }
  ledger.set(intent.marker, row) // write this row to your database before the KashFlow write
  try {
    await kashflow.invoicePayments.create({ ...input, invoice })
  } catch (error) {
    if (!(error instanceof KashflowAmbiguousWriteError)) throw error
    const found = await readBack(row)
    if (found.length !== 1)
      return `unknown outcome: ${found.length} candidate lines; try again later (the ledger row is kept)`
    row.done = true
    return `posted (confirmed by read-back after: ${error.message.split(';')[0]})`
  }
  row.done = true
  return `posted ${format(intent.amount)} to invoice ${intent.invoiceNumber}`
}

export { createKashflowClient }
