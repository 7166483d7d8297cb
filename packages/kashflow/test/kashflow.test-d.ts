import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { describe, expectTypeOf, it } from 'vitest'
import type {
  FindNewPaymentInput,
  Invoice,
  InvoicePaymentInput,
  InvoicePaymentRecord,
  InvoiceSummary,
  Journal,
  KashflowClient,
} from '../src/index.js'
import type { paymentLinesOf } from '../src/index.js'

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

  it('types the read-back, the home currency and the journal lookup', () => {
    expectTypeOf<KashflowClient['invoicePayments']['findNew']>()
      .parameter(0)
      .toEqualTypeOf<FindNewPaymentInput>()
    expectTypeOf<KashflowClient['invoicePayments']['findNew']>().returns.resolves.toEqualTypeOf<
      InvoicePaymentRecord[]
    >()
    expectTypeOf<typeof paymentLinesOf>().returns.toEqualTypeOf<InvoicePaymentRecord[]>()
    expectTypeOf<InvoicePaymentInput['invoice']>().toEqualTypeOf<Invoice | undefined>()
    expectTypeOf<
      KashflowClient['settings']['homeCurrency']
    >().returns.resolves.toEqualTypeOf<CurrencyCode>()
    expectTypeOf<KashflowClient['journals']['find']>().returns.resolves.toEqualTypeOf<
      Journal | undefined
    >()
    expectTypeOf<KashflowClient['invoicePayments']['delete']>()
      .parameter(0)
      .toEqualTypeOf<{ readonly bulkPaymentNumber: number }>()
  })
})
