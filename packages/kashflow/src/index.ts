// The public surface of @opayo-kashflow/kashflow. Everything exported is listed by name.

export { createKashflowClient } from './client.js'
export type { KashflowClient, KashflowClientOptions } from './client.js'
export type { InvoicesResource } from './resources/invoices.js'
export type { InvoicePaymentsResource } from './resources/invoice-payments.js'
export type { CreditNotesResource, CreditNoteInput } from './resources/credit-notes.js'
export { creditNoteCreateBody } from './resources/credit-notes.js'
export type { CustomersResource } from './resources/customers.js'
export type { JournalsResource } from './resources/journals.js'
export type { SettingsResource } from './resources/settings.js'
export type { BankTransactionsResource } from './resources/bank-transactions.js'
export type {
  BankTransactionFilters,
  BankTransactionFind,
  BankTransactionInput,
} from './resources/bank-transaction-input.js'
export type { KashflowLookup, KashflowLookups } from './resources/lookups.js'
export type {
  KashflowCallOptions,
  KashflowLogger,
  KashflowRetryOptions,
  WriteThrottleOptions,
} from './internal/transport.js'
// The rate budget is http-core's, declared once there; the build inlines its types (tsup.config.ts).
export {
  createRateBudget,
  newBucket,
  takeTokens,
  learnRate,
  recoverRate,
  recoveryDue,
} from '@opayo-kashflow/http-core'
export type {
  InMemoryRateBudgetOptions,
  RateBucketState,
  RateBudget,
  RateBudgetOptions,
  RateBudgetReading,
  RateSignal,
} from '@opayo-kashflow/http-core'
export { Secret } from '@opayo-kashflow/core'
export { KASHFLOW_UNCONFIRMED } from './internal/unconfirmed.js'

export {
  KashflowError,
  KashflowValidationError,
  KashflowTransientError,
  KashflowAuthenticationError,
  KashflowNotFoundError,
  KashflowRateLimitError,
  KashflowServerError,
  KashflowTimeoutError,
  KashflowNetworkError,
  KashflowAmbiguousWriteError,
  KashflowResponseError,
  KashflowCannotTellError,
} from './errors/kashflow-error.js'
export type { KashflowErrorDetails } from './errors/kashflow-error.js'
export { errorFromResponse, KASHFLOW_SQL_TIMEOUT_CODE } from './errors/error-from-response.js'

export type {
  InvoiceListFilters,
  InvoiceCreateInput,
  InvoiceLineInput,
  OpenInvoiceFilters,
  InvoiceAmountOwed,
} from './resources/invoices.js'
export { invoiceAmountOwed, invoiceCreateBody, isOpenInvoice } from './resources/invoices.js'
export { invoiceCurrency, paymentLinesOf } from './resources/invoice-payments.js'
export type {
  InvoicePaymentInput,
  InvoicePaymentRecord,
  CreatedPayment,
  ExpectedPaymentLine,
  FindNewPaymentInput,
} from './resources/invoice-payments.js'
export { toKashflowAddress, mergeCustomer, customerContactOf } from './resources/customers.js'
export type {
  CustomerInput,
  CustomerUpsertResult,
  CustomerContactFacts,
} from './resources/customers.js'
export { assertBalanced, journalLinesOf } from './resources/journals.js'
export type {
  JournalInput,
  JournalLineInput,
  JournalLineRead,
  JournalCheck,
} from './resources/journals.js'

export { toKashflowDate, parseKashflowDate } from './wire/dates.js'
export {
  BankTransactionRowSchema,
  bankTransactionOf,
  bankTransactionDate,
} from './wire/bank-transactions.js'
export type { BankTransaction, BankTransactionRow } from './wire/bank-transactions.js'
export { toKashflowAmount, fromKashflowAmount } from './wire/money.js'
export { toKashflowExchangeRate, fromKashflowExchangeRate } from './wire/exchange-rate.js'
export {
  InvoiceSchema,
  InvoiceSummarySchema,
  InvoiceLineItemSchema,
  CreatedInvoiceResponseSchema,
  PaymentLineSchema,
  CustomerSchema,
  JournalSchema,
  JournalLineItemSchema,
  JournalLineSchema,
  BankAccountSchema,
  PaymentMethodSchema,
  CurrencySchema,
  NominalSchema,
  SettingsSchema,
  KashflowErrorBodySchema,
  SessionStartResponseSchema,
  SessionTokenResponseSchema,
} from './wire/schemas.js'
export type {
  Invoice,
  InvoiceSummary,
  InvoiceLineItem,
  PaymentLine,
  Customer,
  Journal,
  JournalLineItem,
  Settings,
  BankAccount,
  PaymentMethod,
  KashflowCurrency,
  Nominal,
} from './wire/schemas.js'

export {
  buildPaymentNote,
  paymentFromIntent,
  customerFromIntent,
  journalFromIntent,
} from './from-intent.js'
