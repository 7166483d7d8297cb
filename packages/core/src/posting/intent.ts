import type { RateRecord } from '../currency/convert.js'
import type { CustomField } from '../custom-fields/custom-fields.js'
import type { CanonicalCustomer } from '../model/canonical-customer.js'
import type { Money } from '../money/money.js'
import type { InvoiceNumber } from '../reference/reference-parser.js'
import type { Issue } from '../result/issue.js'

interface IntentBase {
  /** The CanonicalPayment this intent comes from. */
  readonly paymentId: string
}

interface Marked extends IntentBase {
  /** Deterministic idempotency marker, written into KashFlow and read back (see postingMarker). */
  readonly marker: string
}

/** A conversion applied to reach the invoice's currency. */
export interface AppliedConversion {
  readonly original: Money
  readonly rate: RateRecord
}

/** What every posting against a KashFlow invoice carries. */
interface InvoicePostingFields extends Marked {
  readonly invoiceNumber: InvoiceNumber
  /** Positive, in the invoice's currency (a refund's direction is its kind). */
  readonly amount: Money
  readonly conversion?: AppliedConversion
  /** Europe/London calendar date, YYYY-MM-DD. */
  readonly date: string
  readonly bankAccountId: number
  readonly paymentMethodId: number
  /** The Opayo VendorTxCode, as the payment's reference. */
  readonly reference: string
  /** Invoice-target custom fields (KashFlow writes them into the payment note). */
  readonly invoiceFields: readonly CustomField[]
}

/** Money received against a KashFlow invoice. */
export interface InvoicePaymentIntent extends InvoicePostingFields {
  readonly kind: 'invoice-payment'
}

/** Money returned to the card, recorded against the invoice. */
export interface InvoiceRefundIntent extends InvoicePostingFields {
  readonly kind: 'invoice-refund'
  /**
   * `negative-payment`: a negative payment on the invoice, marked as an external refund.
   * `credit-note`: a credit note for the invoice's customer (marked `creditNoteMarker`), then
   * the refund as a negative payment on the credit note (marked `marker`).
   */
  readonly mode: 'negative-payment' | 'credit-note'
  /**
   * In `credit-note` mode: the credit note's own marker (`OPAYO:{transactionId}:creditnote`),
   * written as its CustomerReference and read back before any second create. Absent otherwise.
   */
  readonly creditNoteMarker?: string
  /** The Opayo id of the payment being refunded, when known. */
  readonly relatedTransactionId?: string
}

/** One line of a journal: exactly one of debit or credit, positive, in the home currency. */
export interface JournalLine {
  readonly nominalCode: number
  readonly debit?: Money
  readonly credit?: Money
  readonly comment?: string
}

/** A balanced journal (used for money that matches no invoice: the suspense rule). */
export interface JournalIntent extends Marked {
  readonly kind: 'journal'
  readonly date: string
  readonly reference: string
  readonly comment: string
  readonly lines: readonly JournalLine[]
  readonly conversion?: AppliedConversion
}

/** Create or update the KashFlow customer behind the payment. */
export interface CustomerUpsertIntent extends Marked {
  readonly kind: 'customer-upsert'
  readonly customer: CanonicalCustomer
  readonly customerFields: readonly CustomField[]
}

/** Why nothing is posted, on purpose. */
export const SKIP_REASONS = {
  /** The payment did not succeed (declined, failed, cancelled, pending, needs 3-D Secure). */
  not_succeeded: 'not_succeeded',
  /** An authorisation or cancel: no money moved. */
  no_money_movement: 'no_money_movement',
  /** A zero amount: nothing to post. */
  zero_amount: 'zero_amount',
  /** A void, with the rules set to skip voids. */
  void_skipped: 'void_skipped',
} as const
export type SkipReason = keyof typeof SKIP_REASONS

/** Nothing to post, with the reason. */
export interface SkipIntent extends IntentBase {
  readonly kind: 'skip'
  readonly reason: SkipReason
  readonly message: string
}

/** Why a person must look at the event. */
export const DEAD_LETTER_REASONS = {
  /** The payment itself is malformed (missing vendorTxCode, bad amount, ...). */
  invalid_payment: 'invalid_payment',
  /** The vendorTxCode matches no invoice pattern and the rules say dead-letter. */
  unmatched_reference: 'unmatched_reference',
  /** A needed exchange rate was not supplied. */
  missing_exchange_rate: 'missing_exchange_rate',
  /** A custom-field mapping produced an invalid value. */
  custom_field_error: 'custom_field_error',
  /** A void of a payment that may already be posted, with the rules set to dead-letter voids. */
  void_needs_review: 'void_needs_review',
  /** Something unexpected went wrong while planning (a bug; the issues say what). */
  unexpected: 'unexpected',
} as const
export type DeadLetterReason = keyof typeof DEAD_LETTER_REASONS

/** Cannot be posted automatically: park it, with the issues, for a person. Never dropped. */
export interface DeadLetterIntent extends IntentBase {
  readonly kind: 'dead-letter'
  readonly reason: DeadLetterReason
  readonly issues: readonly Issue[]
}

/** One decision of {@link planPostings}: discriminated on `kind`. */
export type PostingIntent =
  | InvoicePaymentIntent
  | InvoiceRefundIntent
  | JournalIntent
  | CustomerUpsertIntent
  | SkipIntent
  | DeadLetterIntent
