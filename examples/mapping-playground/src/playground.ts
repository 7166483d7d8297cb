import {
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  format,
  planPostings,
  staticRateProvider,
} from '@opayo-kashflow/core'
import type { CanonicalPayment, PostingIntent, RateRecord } from '@opayo-kashflow/core'
import { PLAYGROUND_PAYMENTS } from './payments.js'

/** The merchant's configuration, as plain data. */
export const rules = definePostingRules({
  homeCurrency: 'GBP',
  bankAccountId: 1,
  paymentMethodId: 2,
  refunds: 'negative-payment',
  upsertCustomers: true,
})
export const references = createReferenceParser(['INV-{invoice}-{*}'])
export const customFields = defineCustomFieldMappings([
  customFieldPresets.fraudRecommendation(),
  customFieldPresets.fraudScore(),
  customFieldPresets.avsCv2(),
  customFieldPresets.threeDSecure(),
  customFieldPresets.opayoTransactionId(),
  customFieldPresets.bankAuthCode(),
])
const rates = staticRateProvider({ 'GBP/EUR': '1.1650' }, { source: 'playground table' })
/** Invoices in KashFlow are all in the home currency here. */
const INVOICE_CURRENCY = 'GBP' as const

/** One planned row: the payment and what core decided. */
export interface PlaygroundRow {
  readonly payment: CanonicalPayment
  readonly intents: readonly PostingIntent[]
}

/** Plans every bundled payment. Pure: the same input gives the same rows. */
export async function planPlayground(
  payments: readonly CanonicalPayment[] = PLAYGROUND_PAYMENTS,
): Promise<PlaygroundRow[]> {
  const rows: PlaygroundRow[] = []
  for (const payment of payments) {
    const rate: RateRecord | undefined = await rates.rate(
      payment.amount.currency,
      INVOICE_CURRENCY,
      payment.occurredAt,
    )
    const intents = planPostings(payment, rules, {
      references,
      customFields,
      invoiceCurrency: INVOICE_CURRENCY,
      ...(rate ? { rate } : {}),
    })
    rows.push({ payment, intents })
  }
  return rows
}

function describe(intent: PostingIntent): [string, string, string] {
  switch (intent.kind) {
    case 'invoice-payment':
      return [
        'invoice payment',
        `#${intent.invoiceNumber} ${format(intent.amount)}${intent.conversion ? ` (from ${format(intent.conversion.original)} @ ${intent.conversion.rate.value})` : ''}`,
        intent.marker,
      ]
    case 'invoice-refund':
      return [
        `refund (${intent.mode})`,
        `#${intent.invoiceNumber} -${format(intent.amount)}`,
        intent.marker,
      ]
    case 'journal':
      return ['journal', intent.lines.map((l) => `${l.nominalCode}`).join(' / '), intent.marker]
    case 'customer-upsert':
      return ['customer upsert', intent.customer.email ?? '(no email)', intent.marker]
    case 'skip':
      return ['skip', intent.reason, intent.message]
    case 'dead-letter':
      return ['DEAD LETTER', intent.reason, intent.issues.map((i) => i.message).join('; ')]
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n')
}

/** Renders the rows as the text `pnpm demo` prints. */
export function renderPlayground(rows: readonly PlaygroundRow[]): string {
  const postings = rows.flatMap(({ payment, intents }) =>
    intents.map((intent) => {
      const [decision, target, detail] = describe(intent)
      return [
        payment.source.vendorTxCode,
        `${payment.kind}/${payment.status}`,
        format(payment.amount),
        decision,
        target,
        detail.length > 70 ? `${detail.slice(0, 67)}...` : detail,
      ]
    }),
  )
  const fields = rows.flatMap(({ payment, intents }) =>
    intents.flatMap((intent) => {
      const list =
        intent.kind === 'invoice-payment' || intent.kind === 'invoice-refund'
          ? intent.invoiceFields.map((f) => ['invoice note', f.name, String(f.value)])
          : intent.kind === 'customer-upsert'
            ? intent.customerFields.map((f) => ['customer', f.name, String(f.value)])
            : []
      return list.map((cells) => [payment.source.vendorTxCode, ...cells])
    }),
  )
  const counts = new Map<string, number>()
  for (const { intents } of rows)
    for (const i of intents) counts.set(i.kind, (counts.get(i.kind) ?? 0) + 1)
  return [
    `Planned KashFlow postings for ${rows.length} Opayo payments`,
    '',
    table(
      ['vendorTxCode', 'kind/status', 'amount', 'decision', 'target', 'marker / reason'],
      postings,
    ),
    '',
    'Custom fields',
    '',
    table(['vendorTxCode', 'written to', 'field', 'value'], fields),
    '',
    `Summary: ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')}`,
  ].join('\n')
}
