import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { describe, expectTypeOf, it } from 'vitest'
import type {
  BankTransaction,
  BankTransactionFilters,
  BankTransactionInput,
  Customer,
  CustomerInput,
  CustomerUpsertResult,
  FindNewPaymentInput,
  Invoice,
  InvoiceCreateInput,
  InvoiceLineInput,
  OpenInvoiceFilters,
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

  it('types invoice creation, its read-back and the candidate reads', () => {
    expectTypeOf<KashflowClient['invoices']['create']>()
      .parameter(0)
      .toEqualTypeOf<InvoiceCreateInput>()
    expectTypeOf<KashflowClient['invoices']['create']>().returns.resolves.toEqualTypeOf<Invoice>()
    expectTypeOf<InvoiceLineInput['rate']>().toEqualTypeOf<Money>()
    expectTypeOf<InvoiceCreateInput['currency']>().toEqualTypeOf<CurrencyCode>()
    expectTypeOf<
      KashflowClient['invoices']['findByCustomerReference']
    >().returns.resolves.toEqualTypeOf<InvoiceSummary | undefined>()
    expectTypeOf<KashflowClient['invoices']['listOpen']>()
      .parameter(0)
      .toEqualTypeOf<OpenInvoiceFilters | undefined>()
    expectTypeOf<KashflowClient['invoices']['listOpen']>().returns.toEqualTypeOf<
      AsyncIterable<InvoiceSummary>
    >()
    expectTypeOf<KashflowClient['customers']['upsertByEmail']>()
      .parameter(0)
      .toEqualTypeOf<CustomerInput>()
    expectTypeOf<
      KashflowClient['customers']['upsertByEmail']
    >().returns.resolves.toEqualTypeOf<CustomerUpsertResult>()
    expectTypeOf<CustomerUpsertResult['customer']>().toEqualTypeOf<Customer>()
  })

  it('types bank transactions: money in minor units, the window read whole, one side written', () => {
    expectTypeOf<KashflowClient['bankTransactions']['list']>()
      .parameter(1)
      .toEqualTypeOf<BankTransactionFilters>()
    expectTypeOf<KashflowClient['bankTransactions']['list']>().returns.resolves.toEqualTypeOf<
      BankTransaction[]
    >()
    expectTypeOf<KashflowClient['bankTransactions']['create']>()
      .parameter(1)
      .toEqualTypeOf<BankTransactionInput>()
    expectTypeOf<KashflowClient['bankTransactions']['find']>().returns.resolves.toEqualTypeOf<
      BankTransaction | undefined
    >()
    expectTypeOf<BankTransaction['paidIn']>().toEqualTypeOf<Money>()
    expectTypeOf<BankTransaction['vatAmount']>().toEqualTypeOf<Money | undefined>()
    expectTypeOf<BankTransactionInput['paidOut']>().toEqualTypeOf<Money | undefined>()
  })
})
