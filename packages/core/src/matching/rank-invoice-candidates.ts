import { z } from 'zod'
import { RateRecordSchema, convert, invertRate } from '../currency/convert.js'
import type { RateRecord } from '../currency/convert.js'
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import type { CanonicalPayment } from '../model/canonical-payment.js'
import type { CurrencyCode } from '../money/currency.js'
import { format } from '../money/money.js'
import { MoneySchema } from '../money/money.js'
import { formatUkPostcode } from '../address/uk-postcode.js'
import { londonDate } from '../posting/london-date.js'
import { MATCH_REASON_WEIGHTS, InvoiceCandidateInputSchema } from './invoice-candidate.js'
import type {
  ExcludedInvoice,
  InvoiceCandidate,
  InvoiceCandidateInput,
  InvoiceRanking,
  MatchReason,
  MatchReasonCode,
} from './invoice-candidate.js'
import { dayNumber } from '../posting/london-date.js'
import { assertArray, compactPostcode, nameKey, normaliseEmail } from './normalise.js'
import { suggestInvoiceNumbers } from './suggest-invoice-numbers.js'

/** Options of {@link rankInvoiceCandidates}. */
export interface RankInvoiceCandidatesOptions {
  /**
   * Exchange rates for invoices in a currency other than the payment's (either direction of a
   * pair will do; the first listed wins). Without a rate for its pair, such an invoice is
   * excluded (listed in `excluded`), never compared. @default []
   */
  readonly rates?: readonly RateRecord[]
  /**
   * Days before the issue date and after the due date (the issue date when there is none) in
   * which the payment date earns `within_date_window`. @default 30
   */
  readonly windowDays?: number
  /**
   * The text compared with invoice numbers (see suggestInvoiceNumbers).
   * @default payment.invoiceReference, else payment.source.vendorTxCode
   */
  readonly reference?: string
  /** Keep only the best `limit` candidates. @default every candidate */
  readonly limit?: number
}

const DEFAULT_WINDOW_DAYS = 30
const REASON_ORDER = Object.keys(MATCH_REASON_WEIGHTS) as MatchReasonCode[]

const text = z.string().nullish()
const postal = z.object({ postalCode: text }).nullish()
/**
 * The parts of a payment the matcher reads, checked before anything is compared: a payment
 * built by hand (or a malformed one) is refused with an InvalidArgumentError naming the field,
 * never a TypeError from deep inside.
 */
const RankedPaymentSchema = z.object({
  amount: MoneySchema,
  occurredAt: z.string(),
  invoiceReference: text,
  source: z.object({ vendorTxCode: text }).nullish(),
  customer: z
    .object({
      firstName: text,
      lastName: text,
      company: text,
      email: text,
      billingAddress: postal,
      deliveryAddress: postal,
    })
    .nullish(),
})

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length === 0 ? '(value)' : i.path.join('.')}: ${i.message}`)
    .join('; ')
}

/**
 * Ranks open invoices as candidates for a payment whose reference matched no invoice: each gets
 * a score from 0 to 100, the sum of the weights of its reasons ({@link MATCH_REASON_WEIGHTS}:
 * amount due equals payment, customer email matches, customer name matches, postcode matches,
 * reference resembles invoice N, within N days, currency matches). Values are normalised first:
 * emails ignore case and spaces, names ignore case, accents, punctuation, titles and word order,
 * postcodes ignore case and spaces. An invoice in another currency is excluded unless
 * `options.rates` has a rate for the pair. An invoice with nothing due (`amountDue` 0 or less)
 * is never a candidate, and a payment of zero or less has no candidates at all: such invoices
 * are listed in `excluded` with the reason (`nothing_due`, `payment_not_positive`). An invoice
 * whose `amountDue` is `'unknown'` is ranked without amount points (a person may pick it;
 * `decideMatch` never posts while one is among the candidates). Pure and deterministic: the
 * order of `invoices` does not change the result; candidates are sorted by score (highest
 * first), then invoice number.
 * @param payment the payment to place (its amount, date, customer and reference are read).
 * @param invoices the open invoices to consider, in core's terms; numbers must be unique.
 * @throws {InvalidArgumentError} for a payment without a whole-number amount in minor units and
 *   an ISO 4217 currency, or whose date is not a date-time; an invoice that does not fit
 *   {@link InvoiceCandidateInputSchema}; two invoices with one number; `invoices` that is not an
 *   array; a malformed rate; a negative or fractional `windowDays`; a `limit` below 1.
 * @example
 * const ranking = rankInvoiceCandidates(payment, [
 *   { number: 1042, currency: 'GBP', amountDue: 1000, customerEmail: 'jane@example.com' },
 *   { number: 1043, currency: 'GBP', amountDue: 2500 },
 * ])
 * const best = ranking.candidates[0] // invoice 1042 when the payment is £10.00 from jane@example.com
 * console.log(best?.score, best?.reasons.map((r) => r.message))
 */
export function rankInvoiceCandidates(
  payment: CanonicalPayment,
  invoices: readonly InvoiceCandidateInput[],
  options: RankInvoiceCandidatesOptions = {},
): InvoiceRanking {
  const checkedPayment = RankedPaymentSchema.safeParse(payment)
  if (!checkedPayment.success) {
    const id = typeof payment === 'object' && payment !== null ? String(payment.id) : 'given'
    throw new InvalidArgumentError(
      `rankInvoiceCandidates(): payment ${id} cannot be matched: ${describeIssues(checkedPayment.error)}.`,
    )
  }
  assertArray(invoices, 'rankInvoiceCandidates()', 'invoices must be an array of open invoices')
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS
  if (!Number.isSafeInteger(windowDays) || windowDays < 0) {
    throw new InvalidArgumentError(
      `rankInvoiceCandidates(): windowDays must be a whole number of days, 0 or more; got ${String(windowDays)}.`,
    )
  }
  if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 1)) {
    throw new InvalidArgumentError(
      `rankInvoiceCandidates(): limit must be a whole number, 1 or more; got ${String(options.limit)}.`,
    )
  }
  if (Number.isNaN(Date.parse(payment.occurredAt))) {
    throw new InvalidArgumentError(
      `rankInvoiceCandidates(): payment ${payment.id} has occurredAt "${payment.occurredAt}", which is not a date-time.`,
    )
  }
  const rates = (options.rates ?? []).map((rate, index) => {
    const parsed = RateRecordSchema.safeParse(rate)
    if (!parsed.success) {
      throw new InvalidArgumentError(
        `rankInvoiceCandidates(): options.rates[${index}] is not a RateRecord: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
      )
    }
    return parsed.data
  })
  const checked = invoices.map((invoice, index) => {
    const parsed = InvoiceCandidateInputSchema.safeParse(invoice)
    if (!parsed.success) {
      throw new InvalidArgumentError(
        `rankInvoiceCandidates(): invoices[${index}] does not fit InvoiceCandidateInputSchema: ${describeIssues(parsed.error)}.`,
      )
    }
    return { input: invoice, invoice: parsed.data }
  })
  const numbers = new Set<number>()
  for (const { invoice } of checked) {
    if (numbers.has(invoice.number)) {
      throw new InvalidArgumentError(
        `rankInvoiceCandidates(): invoice ${invoice.number} is listed twice; give each open invoice once.`,
      )
    }
    numbers.add(invoice.number)
  }

  const customer = payment.customer
  const email = normaliseEmail(customer?.email)
  const names = new Set(
    [
      nameKey(`${customer?.firstName ?? ''} ${customer?.lastName ?? ''}`),
      nameKey(customer?.company),
    ].filter((key) => key !== undefined),
  )
  const postcodes = [
    { address: 'billing', postcode: compactPostcode(customer?.billingAddress?.postalCode) },
    { address: 'delivery', postcode: compactPostcode(customer?.deliveryAddress?.postalCode) },
  ] as const
  // The amount due equals the payment whenever the amount reason holds: format it once.
  const paymentAmount = format(payment.amount)
  const paymentDate = londonDate(payment.occurredAt)
  const paymentDay = dayNumber(paymentDate)
  const reference =
    options.reference ?? payment.invoiceReference ?? payment.source?.vendorTxCode ?? ''
  const suggestions = new Map(
    suggestInvoiceNumbers(reference, [...numbers]).map((s) => [s.invoiceNumber as number, s]),
  )

  const candidates: InvoiceCandidate[] = []
  const excluded: ExcludedInvoice[] = []
  const paymentPositive = payment.amount.amount > 0
  for (const { input, invoice } of checked) {
    if (!paymentPositive) {
      excluded.push({
        invoiceNumber: invoice.number,
        code: 'payment_not_positive',
        message: `the payment is ${paymentAmount}: only money coming in is placed on an invoice, so invoice ${invoice.number} is not compared`,
      })
      continue
    }
    const due = invoice.amountDue === 'unknown' ? undefined : invoice.amountDue
    if (due !== undefined && due <= 0) {
      excluded.push({
        invoiceNumber: invoice.number,
        code: 'nothing_due',
        message: `invoice ${invoice.number} has nothing due (${format({ amount: due, currency: invoice.currency })}): it is not a candidate`,
      })
      continue
    }
    const reasons: MatchReason[] = []
    if (invoice.currency === payment.amount.currency) {
      reasons.push(
        reason('currency_matches', `currency matches (${invoice.currency})`, {
          currency: invoice.currency,
        }),
      )
      if (due === payment.amount.amount) {
        reasons.push(
          reason('amount_due_equals_payment', `amount due equals payment (${paymentAmount})`, {
            amountDue: { amount: payment.amount.amount, currency: invoice.currency },
          }),
        )
      }
    } else {
      const rate = rateFor(rates, payment.amount.currency, invoice.currency)
      if (rate === undefined) {
        excluded.push({
          invoiceNumber: invoice.number,
          code: 'currency_mismatch',
          message: `invoice ${invoice.number} is in ${invoice.currency} and the payment in ${payment.amount.currency}; with no ${payment.amount.currency}/${invoice.currency} rate in options.rates it is not compared`,
        })
        continue
      }
      const converted = convert(payment.amount, invoice.currency, rate)
      if (due !== undefined && converted.ok && converted.value.money.amount === due) {
        const amountDue = converted.value.money
        reasons.push(
          reason(
            'amount_due_equals_converted_payment',
            `amount due equals payment converted (${format(amountDue)} = ${format(payment.amount)} at ${rate.value}, ${rate.source} ${rate.at})`,
            { amountDue, rate },
          ),
        )
      }
    }
    const invoiceEmail = normaliseEmail(invoice.customerEmail)
    if (email !== undefined && invoiceEmail === email) {
      reasons.push(reason('customer_email_matches', `customer email matches (${email})`, { email }))
    }
    const invoiceName = nameKey(invoice.customerName)
    if (invoiceName !== undefined && names.has(invoiceName)) {
      const name = (invoice.customerName ?? '').trim()
      reasons.push(reason('customer_name_matches', `customer name matches (${name})`, { name }))
    }
    const invoicePostcode = compactPostcode(invoice.postcode)
    const postcodeMatch = postcodes.find(
      (p) => invoicePostcode !== undefined && p.postcode === invoicePostcode,
    )
    if (postcodeMatch !== undefined && invoicePostcode !== undefined) {
      const postcode = formatUkPostcode(invoicePostcode) ?? invoicePostcode
      reasons.push(
        reason(
          'postcode_matches',
          `postcode matches (${postcode}, ${postcodeMatch.address} address)`,
          { postcode, address: postcodeMatch.address },
        ),
      )
    }
    const suggestion = suggestions.get(invoice.number)
    if (suggestion !== undefined) {
      reasons.push(
        reason('reference_resembles_invoice', suggestion.message, {
          reference,
          resemblance: suggestion.resemblance,
        }),
      )
    }
    const dates = [invoice.issueDate, invoice.dueDate].filter((d) => d !== undefined)
    if (dates.length > 0) {
      const days = dates.map(dayNumber)
      const first = Math.min(...days)
      const last = Math.max(...days)
      const distance = paymentDay < first ? first - paymentDay : Math.max(0, paymentDay - last)
      if (distance <= windowDays) {
        const about = [
          invoice.issueDate === undefined ? undefined : `issued ${invoice.issueDate}`,
          invoice.dueDate === undefined ? undefined : `due ${invoice.dueDate}`,
        ]
          .filter((part) => part !== undefined)
          .join(', ')
        reasons.push(
          reason(
            'within_date_window',
            `within ${windowDays} days (paid ${paymentDate}; ${about})`,
            { days: distance, windowDays },
          ),
        )
      }
    }
    reasons.sort(
      (a, b) => b.weight - a.weight || REASON_ORDER.indexOf(a.code) - REASON_ORDER.indexOf(b.code),
    )
    candidates.push({
      invoiceNumber: invoice.number,
      score: reasons.reduce((sum, r) => sum + r.weight, 0),
      reasons,
      invoice: input,
    })
  }
  candidates.sort((a, b) => b.score - a.score || a.invoiceNumber - b.invoiceNumber)
  excluded.sort((a, b) => a.invoiceNumber - b.invoiceNumber)
  return {
    candidates: options.limit === undefined ? candidates : candidates.slice(0, options.limit),
    excluded,
  }
}

/** Builds a reason with its weight from the table, so a weight is written in one place only. */
function reason<C extends MatchReasonCode>(
  code: C,
  message: string,
  facts: Omit<Extract<MatchReason, { code: C }>, 'code' | 'weight' | 'message'>,
): MatchReason {
  // The signature ties `facts` to `code`; TypeScript cannot narrow a generic union member, so
  // the assembled object is asserted to the member the signature already checked.
  return { code, weight: MATCH_REASON_WEIGHTS[code], message, ...facts } as unknown as MatchReason
}

/** The rate from `from` to `to`: listed directly, else the inverse of the reverse pair. */
function rateFor(
  rates: readonly RateRecord[],
  from: CurrencyCode,
  to: CurrencyCode,
): RateRecord | undefined {
  const direct = rates.find((r) => r.from === from && r.to === to)
  if (direct !== undefined) return direct
  const reverse = rates.find((r) => r.from === to && r.to === from)
  return reverse === undefined ? undefined : invertRate(reverse)
}
