import type {
  CustomField,
  CustomerUpsertIntent,
  InvoicePaymentIntent,
  InvoiceRefundIntent,
  JournalIntent,
} from '@opayo-kashflow/core'
import type { CustomerInput } from './resources/customers.js'
import type { InvoicePaymentInput } from './resources/invoice-payments.js'
import type { JournalInput } from './resources/journals.js'

/**
 * The note written with a payment: the idempotency marker on the first line (so read-back
 * finds it), then each invoice-target custom field as `Name: value`, then the reference.
 * KashFlow has custom fields on customers only (the KashFlow API v2 swagger shows none on
 * invoices), so this is where
 * invoice-level facts such as a fraud score go.
 * @example buildPaymentNote('OPAYO:F955...:payment', [{ kind: 'text', name: 'Fraud score', value: '37' }])
 * // 'OPAYO:F955...:payment\nFraud score: 37'
 */
export function buildPaymentNote(
  marker: string,
  fields: readonly CustomField[],
  reference?: string,
): string {
  const lines = [
    marker,
    ...fields.map(
      (f) => `${f.name}: ${f.kind === 'checkbox' ? (f.value ? 'Yes' : 'No') : f.value}`,
    ),
  ]
  if (reference) lines.push(`Reference: ${reference}`)
  return lines.map((line) => line.replace(/[\r\n]+/g, ' ')).join('\n')
}

/**
 * The `invoicePayments.create` / `.refund` input for a core invoice-payment or invoice-refund
 * intent (pass it to `refund` for a refund intent).
 */
export function paymentFromIntent(
  intent: InvoicePaymentIntent | InvoiceRefundIntent,
): InvoicePaymentInput {
  return {
    invoiceNumber: intent.invoiceNumber,
    amount: intent.amount,
    date: intent.date,
    methodId: intent.paymentMethodId,
    bankAccountId: intent.bankAccountId,
    note: buildPaymentNote(intent.marker, intent.invoiceFields, intent.reference),
    reference: intent.reference,
  }
}

/** The `customers.create` / `.update` input for a customer-upsert intent, custom fields by Name. */
export function customerFromIntent(intent: CustomerUpsertIntent): CustomerInput {
  const c = intent.customer
  const name = c.company ?? ([c.firstName, c.lastName].filter(Boolean).join(' ') || c.email)
  const customText: Record<string, string> = {}
  const customCheckboxes: Record<string, boolean> = {}
  for (const field of intent.customerFields) {
    if (field.kind === 'text') customText[field.name] = field.value
    else customCheckboxes[field.name] = field.value
  }
  return {
    ...(name ? { name } : {}),
    contact: {
      ...(c.firstName ? { firstName: c.firstName } : {}),
      ...(c.lastName ? { lastName: c.lastName } : {}),
      ...(c.email ? { email: c.email } : {}),
      ...(c.phone ? { phone: c.phone } : {}),
    },
    ...(c.billingAddress ? { address: c.billingAddress } : {}),
    ...(c.deliveryAddress ? { deliveryAddress: c.deliveryAddress } : {}),
    ...(Object.keys(customText).length ? { customText } : {}),
    ...(Object.keys(customCheckboxes).length ? { customCheckboxes } : {}),
  }
}

/** The `journals.create` input for a journal intent: the marker is the journal's reference (sent as `JournalName`, where `journals.find` reads it back). */
export function journalFromIntent(intent: JournalIntent): JournalInput {
  return {
    date: intent.date,
    reference: intent.marker,
    comment: `${intent.comment} [${intent.reference}]`,
    lines: intent.lines.map((line) => ({
      nominalCode: line.nominalCode,
      ...(line.debit ? { debit: line.debit } : {}),
      ...(line.credit ? { credit: line.credit } : {}),
      ...(line.comment ? { comment: line.comment } : {}),
    })),
  }
}
