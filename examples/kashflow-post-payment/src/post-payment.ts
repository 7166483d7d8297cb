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
} from '@opayo-kashflow/kashflow'
import type { KashflowClient } from '@opayo-kashflow/kashflow'

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
 * Plans the posting with core, then writes it exactly once: if the write's outcome is unknown
 * (timeout, dropped connection), read back by marker before trying again.
 */
export async function postOnce(
  kashflow: KashflowClient,
  bankAccountId: number,
  paymentMethodId: number,
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
  const existing = await kashflow.invoicePayments.findByMarker(input.invoiceNumber, intent.marker)
  if (existing) return `already posted (payment ${existing.id})`
  try {
    await kashflow.invoicePayments.create(input)
  } catch (error) {
    if (!(error instanceof KashflowAmbiguousWriteError)) throw error
    const found = await kashflow.invoicePayments.findByMarker(input.invoiceNumber, intent.marker)
    if (found) return `posted (confirmed by read-back after: ${error.message.split(';')[0]})`
    await kashflow.invoicePayments.create(input)
  }
  return `posted ${format(intent.amount)} to invoice ${intent.invoiceNumber}`
}

export { createKashflowClient }
