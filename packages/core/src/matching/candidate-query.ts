import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import type { CanonicalPayment } from '../model/canonical-payment.js'
import type { CurrencyCode } from '../money/currency.js'
import type { MinorUnits } from '../money/money.js'
import { londonDate } from '../posting/london-date.js'
import { addDays } from '../posting/london-date.js'
import { normaliseEmail } from './normalise.js'

/** Options of {@link candidateQuery}. */
export interface CandidateQueryOptions {
  /** How many days before the payment date an invoice may have been issued. @default 90 */
  readonly lookbackDays?: number
  /**
   * How many days after the payment date an invoice may have been issued (shops that take
   * payment first and invoice later). @default 30
   */
  readonly lookaheadDays?: number
  /** Minor units either side of the payment amount that an amount due may differ by. @default 0 */
  readonly amountTolerance?: number
}

/**
 * The narrowest search for candidate invoices, in core's terms (the engine turns it into
 * KashFlow reads):
 * - `customer_email`: the open invoices of the customer (or customers) with this email;
 * - `amount_and_dates`: the open invoices in the payment's currency, issued between `issuedFrom`
 *   and `issuedTo` (YYYY-MM-DD, inclusive), whose amount due is between `amountDueFrom` and
 *   `amountDueTo` (minor units, inclusive).
 */
export type InvoiceCandidateQuery =
  | {
      readonly by: 'customer_email'
      /** Trimmed, lower case. */
      readonly email: string
      readonly message: string
    }
  | {
      readonly by: 'amount_and_dates'
      readonly currency: CurrencyCode
      readonly amountDueFrom: MinorUnits
      readonly amountDueTo: MinorUnits
      readonly issuedFrom: string
      readonly issuedTo: string
      readonly message: string
    }

function days(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError(
      `candidateQuery(): ${name} must be a whole number, 0 or more; got ${String(n)}.`,
    )
  }
  return n
}

/**
 * What the sync engine should read from KashFlow to rank candidates for a payment, and no more
 * (every read spends the account's rate budget). When the payment carries a customer email, the
 * query is that customer's open invoices: a handful, and the email is the strongest evidence
 * after the amount. Otherwise it is the open invoices around the payment: amount due within
 * `amountTolerance` of the payment (exactly equal by default, the only amount that scores) and
 * issued from `lookbackDays` before to `lookaheadDays` after the payment's London date.
 * Wiring this to the KashFlow client is the engine's part (see docs/matching.md).
 * @throws {InvalidArgumentError} for a negative or fractional option.
 * @example
 * const query = candidateQuery(payment)
 * if (query.by === 'customer_email') console.log(`read the open invoices of ${query.email}`)
 * else console.log(`read open invoices issued ${query.issuedFrom}..${query.issuedTo}`)
 */
export function candidateQuery(
  payment: CanonicalPayment,
  options: CandidateQueryOptions = {},
): InvoiceCandidateQuery {
  const lookback = days('lookbackDays', options.lookbackDays, 90)
  const lookahead = days('lookaheadDays', options.lookaheadDays, 30)
  const tolerance = days('amountTolerance', options.amountTolerance, 0)
  const email = normaliseEmail(payment.customer?.email)
  if (email !== undefined) {
    return { by: 'customer_email', email, message: `the open invoices of customer ${email}` }
  }
  if (Number.isNaN(Date.parse(payment.occurredAt))) {
    throw new InvalidArgumentError(
      `candidateQuery(): payment ${payment.id} has occurredAt "${payment.occurredAt}", which is not a date-time.`,
    )
  }
  const date = londonDate(payment.occurredAt)
  const issuedFrom = addDays(date, -lookback)
  const issuedTo = addDays(date, lookahead)
  const amount = payment.amount.amount
  const amountDueFrom = Math.max(0, amount - tolerance) as MinorUnits
  const amountDueTo = (amount + tolerance) as MinorUnits
  return {
    by: 'amount_and_dates',
    currency: payment.amount.currency,
    amountDueFrom,
    amountDueTo,
    issuedFrom,
    issuedTo,
    message: `the open ${payment.amount.currency} invoices issued ${issuedFrom} to ${issuedTo} with amount due ${amountDueFrom} to ${amountDueTo} minor units`,
  }
}
