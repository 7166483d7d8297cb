import { z } from 'zod'
import type { RateRecord } from '../currency/convert.js'
import { CurrencyCodeSchema } from '../money/currency.js'
import { MinorUnitsSchema } from '../money/money.js'
import type { Money } from '../money/money.js'
import { InvoiceNumberSchema } from '../reference/reference-parser.js'
import type { InvoiceNumber } from '../reference/reference-parser.js'

/**
 * What the caller could not tell about an invoice's amount due: the read it came from lacked
 * the fields (KashFlow's `DueAmount` reads 0.00 on unpaid invoices in live data, and a row
 * without `GrossAmount` or what was paid cannot say what is owed). Such an invoice is still a
 * candidate a person can see, earns no amount points, and is never posted to automatically.
 * @example const unknown: typeof AMOUNT_DUE_UNKNOWN = 'unknown'
 */
export const AMOUNT_DUE_UNKNOWN = 'unknown' as const

/**
 * An open invoice as the matcher sees it, in core's own terms (the sync engine maps KashFlow's
 * invoice and customer to this; core never imports the KashFlow client). Only `number`,
 * `currency` and `amountDue` are required: a missing field simply earns no points. `amountDue`
 * is integer minor units, or {@link AMOUNT_DUE_UNKNOWN} when the caller cannot tell what is
 * owed; an invoice with nothing due (0 or less) is never a candidate.
 * @example
 * InvoiceCandidateInputSchema.parse({ number: 1042, currency: 'GBP', amountDue: 12000, customerEmail: 'jane@example.com', issueDate: '2026-10-20' })
 */
export const InvoiceCandidateInputSchema = z.object({
  /** The KashFlow invoice number (not its internal Id). */
  number: InvoiceNumberSchema,
  /** The invoice's customer name (a person or a company). */
  customerName: z.string().optional(),
  /** The customer's email address. */
  customerEmail: z.string().optional(),
  /** The invoice or customer postcode. */
  postcode: z.string().optional(),
  /** The invoice's currency (ISO 4217). */
  currency: CurrencyCodeSchema,
  /**
   * What is still owed, in integer minor units of `currency` (pence for GBP); 0 or less means
   * nothing is due (the invoice is listed in `excluded`, never ranked). `'unknown'` when it
   * cannot be told: ranked without amount points, never posted automatically.
   */
  amountDue: z.union([MinorUnitsSchema, z.literal(AMOUNT_DUE_UNKNOWN)]),
  /** YYYY-MM-DD */
  issueDate: z.iso.date().optional(),
  /** YYYY-MM-DD */
  dueDate: z.iso.date().optional(),
})
/** An open invoice as the caller writes it (plain numbers; see {@link InvoiceCandidateInputSchema}). */
export type InvoiceCandidateInput = z.input<typeof InvoiceCandidateInputSchema>

/**
 * The points each reason adds to a candidate's score. A score is between 0 and 100 (every
 * reason but the converted amount: 40 + 35 + 10 + 5 + 5 + 3 + 2). The weights are chosen so that
 * a candidate whose amount due equals the payment in the same currency and whose email matches
 * (at least 77 points) always ranks above every candidate lacking either (at most 73), and so
 * that a score above 60 needs the amount due to equal the payment.
 * @example MATCH_REASON_WEIGHTS.customer_email_matches // 35
 */
export const MATCH_REASON_WEIGHTS = {
  /** The invoice's amount due equals the payment, in the same currency. */
  amount_due_equals_payment: 40,
  /**
   * The invoice is in another currency and its amount due equals the payment converted at a rate
   * the caller gave: weaker evidence (rates and rounding differ), so fewer points.
   */
  amount_due_equals_converted_payment: 15,
  /** The invoice's customer email equals the payment's, ignoring case. */
  customer_email_matches: 35,
  /** The invoice's customer name equals the payer's name or company, ignoring order and punctuation. */
  customer_name_matches: 10,
  /** The invoice's postcode equals the billing or delivery postcode, ignoring case and spaces. */
  postcode_matches: 5,
  /** The payment's reference resembles the invoice number (see suggestInvoiceNumbers). */
  reference_resembles_invoice: 5,
  /** The payment date is within the date window of the invoice's issue and due dates. */
  within_date_window: 3,
  /** The invoice is in the payment's currency. */
  currency_matches: 2,
} as const

/** One of the keys of {@link MATCH_REASON_WEIGHTS}. */
export type MatchReasonCode = keyof typeof MATCH_REASON_WEIGHTS

/** How a reference resembles an invoice number, closest first. */
export type ReferenceResemblance =
  /** The reference holds the invoice number's digits (another prefix, leading zeros, O for 0). */
  | 'same_digits'
  /** Two adjacent digits are swapped (1402 for 1042). */
  | 'adjacent_digits_swapped'
  /** The reference has one digit more (10442 for 1042). */
  | 'one_extra_digit'
  /** The reference has one digit fewer (102 for 1042). */
  | 'one_digit_missing'

interface ReasonBase<C extends MatchReasonCode> {
  readonly code: C
  /** The points this reason adds: {@link MATCH_REASON_WEIGHTS}[code]. */
  readonly weight: (typeof MATCH_REASON_WEIGHTS)[C]
  /** The reason in words, for a person reading a dead letter. */
  readonly message: string
}

/** Why a candidate scored what it did: a typed code, its weight, the facts, and a sentence. */
export type MatchReason =
  | (ReasonBase<'amount_due_equals_payment'> & { readonly amountDue: Money })
  | (ReasonBase<'amount_due_equals_converted_payment'> & {
      readonly amountDue: Money
      /** The rate used, payment currency to invoice currency. */
      readonly rate: RateRecord
    })
  | (ReasonBase<'customer_email_matches'> & { readonly email: string })
  | (ReasonBase<'customer_name_matches'> & { readonly name: string })
  | (ReasonBase<'postcode_matches'> & {
      readonly postcode: string
      readonly address: 'billing' | 'delivery'
    })
  | (ReasonBase<'reference_resembles_invoice'> & {
      readonly reference: string
      readonly resemblance: ReferenceResemblance
    })
  | (ReasonBase<'within_date_window'> & {
      /** Days from the nearer of the issue and due dates to the payment date (0 inside them). */
      readonly days: number
      readonly windowDays: number
    })
  | (ReasonBase<'currency_matches'> & { readonly currency: Money['currency'] })

/** One ranked invoice: its number, its score (0 to 100) and every reason for the score. */
export interface InvoiceCandidate {
  readonly invoiceNumber: InvoiceNumber
  /** The sum of the reasons' weights, between 0 and 100. */
  readonly score: number
  /** The reasons, heaviest first. */
  readonly reasons: readonly MatchReason[]
  /** The invoice as it was given. */
  readonly invoice: InvoiceCandidateInput
}

/**
 * Why an invoice was left out of a ranking:
 * - `payment_not_positive`: the payment is zero or negative, so no invoice is a candidate for it
 *   (only money coming in is placed on an invoice);
 * - `nothing_due`: the invoice's amount due is zero or less (paid, or in credit);
 * - `currency_mismatch`: the invoice is in another currency and no rate for the pair was given.
 */
export type ExclusionCode = 'payment_not_positive' | 'nothing_due' | 'currency_mismatch'

/** An invoice left out of the ranking, and why. */
export interface ExcludedInvoice {
  readonly invoiceNumber: InvoiceNumber
  readonly code: ExclusionCode
  readonly message: string
}

/** The ranking: candidates by score (highest first, then invoice number), and what was left out. */
export interface InvoiceRanking {
  readonly candidates: readonly InvoiceCandidate[]
  /** Invoices that could not be compared, by invoice number. */
  readonly excluded: readonly ExcludedInvoice[]
}
