/**
 * Every issue code core can report. One closed union: a pipeline can switch over it exhaustively
 * and a user can look each code up here.
 */
export const ISSUE_CODES = {
  /** A required value is absent (for example a payment with no vendorTxCode). */
  missing_value: 'missing_value',
  /** A value has the wrong type or shape for its field. */
  invalid_type: 'invalid_type',
  /** An amount string is not a decimal number Opayo or KashFlow could have sent. */
  invalid_amount: 'invalid_amount',
  /** An amount has more decimal places than its currency's minor unit allows. */
  too_many_decimals: 'too_many_decimals',
  /** An amount is outside the range that integer minor units can represent exactly. */
  amount_out_of_range: 'amount_out_of_range',
  /** A currency code is not an active ISO 4217 code. */
  unknown_currency: 'unknown_currency',
  /** Two amounts of different currencies were combined. */
  currency_mismatch: 'currency_mismatch',
  /** No exchange rate is available for a needed conversion. */
  missing_exchange_rate: 'missing_exchange_rate',
  /** A country could not be resolved to an ISO 3166-1 alpha-2 code. */
  unknown_country: 'unknown_country',
  /** A postcode does not have the shape of a postcode for its country. */
  invalid_postcode: 'invalid_postcode',
  /** Address text cannot fit the target's line count and length limits without dropping characters. */
  address_too_long: 'address_too_long',
  /** No invoice-reference pattern matched the vendorTxCode. */
  reference_not_matched: 'reference_not_matched',
  /** A pattern matched but what it captured is not a valid KashFlow invoice number. */
  invalid_invoice_number: 'invalid_invoice_number',
  /** A rendered vendorTxCode breaks Opayo's rules (1-40 characters of `[A-Za-z0-9-._{}]`). */
  invalid_vendor_tx_code: 'invalid_vendor_tx_code',
  /** A template placeholder has no value to render. */
  missing_template_value: 'missing_template_value',
  /** Two custom-field mappings write the same field. */
  duplicate_custom_field: 'duplicate_custom_field',
  /** A custom-field mapping reads a path that CanonicalPayment does not have. */
  unknown_source_path: 'unknown_source_path',
  /** A custom-field value does not fit its kind (text or checkbox) or its length limit. */
  invalid_custom_field_value: 'invalid_custom_field_value',
  /** A custom-field mapping's definition is malformed (empty name, limit on a checkbox, ...). */
  invalid_custom_field_mapping: 'invalid_custom_field_mapping',
  /** A posting rule is malformed (for example a suspense journal with no nominal code). */
  invalid_posting_rule: 'invalid_posting_rule',
  /**
   * A settlement batch's transactions do not add up to Opayo's own totals for it (getBatchList
   * `transactiongroup` payment/refund values and counts); the message gives both figures.
   */
  settlement_totals_mismatch: 'settlement_totals_mismatch',
  /** A foreign batch's amount received implies a rate far from the rates its postings were booked at. */
  implausible_amount_received: 'implausible_amount_received',
  /** A settlement batch holds several currencies (one `transactiongroup` per currency). */
  settlement_multi_currency: 'settlement_multi_currency',
  /** A charge statement line's fee type has no charge rule (`settlement.charges`); the message names it. */
  unknown_fee_type: 'unknown_fee_type',
  /**
   * A charge statement line's VAT is not what its fee type's rule explains: VAT on a VAT-exempt
   * type, or more than 1 minor unit away from the net at the configured rate. Never guessed.
   */
  charge_vat_mismatch: 'charge_vat_mismatch',
  /**
   * A charge statement's `true-up` lines (fees already booked per batch as an estimate) do not
   * name one month (`period`) to compare with the batches' fees.
   */
  charge_true_up_period: 'charge_true_up_period',
  /** The event is valid but only a person can decide what to post (for example a void). */
  manual_review_required: 'manual_review_required',
  /** A callback supplied by the user threw, or planning hit a bug; the message says what. */
  unexpected_error: 'unexpected_error',
} as const

/** One of {@link ISSUE_CODES}. */
export type IssueCode = keyof typeof ISSUE_CODES

/** A path into the input that an issue is about: object keys and array indexes. */
export type IssuePath = readonly (string | number)[]

/**
 * Expected bad data, reported as data: what went wrong (`code`), where (`path`), and a sentence
 * for people (`message`).
 */
export interface Issue {
  readonly code: IssueCode
  readonly path: IssuePath
  readonly message: string
}

/**
 * Builds an {@link Issue}.
 * @example issue('invalid_amount', ['amount'], 'Amount "1.2.3" is not a decimal number.')
 */
export function issue(code: IssueCode, path: IssuePath, message: string): Issue {
  return { code, path, message }
}
