import type { Money } from '@opayo-kashflow/core'
import { describe, expectTypeOf, it } from 'vitest'
import type { Invoice, InvoicePaymentRecord, InvoiceSummary, KashflowClient } from '../src/index.js'

describe('kashflow public types', () => {
  it('types resources with fixed verbs', () => {
    expectTypeOf<KashflowClient['invoices']['get']>().returns.resolves.toEqualTypeOf<Invoice>()
    expectTypeOf<
      KashflowClient['invoicePayments']['findByMarker']
    >().returns.resolves.toEqualTypeOf<InvoicePaymentRecord | undefined>()
    expectTypeOf<KashflowClient['invoices']['list']>().returns.toEqualTypeOf<
      AsyncIterable<InvoiceSummary>
    >()
  })

  it('reads payment amounts as Money in minor units', () => {
    expectTypeOf<InvoicePaymentRecord['amount']>().toEqualTypeOf<Money>()
  })
})
