import { convert } from '../currency/convert.js'
import type { RateRecord } from '../currency/convert.js'
import { applyCustomFieldMappings } from '../custom-fields/custom-fields.js'
import type { CustomField, CustomFieldMappings } from '../custom-fields/custom-fields.js'
import type { CanonicalPayment } from '../model/canonical-payment.js'
import { isValidatedCanonicalPayment, parseCanonicalPayment } from '../model/parse.js'
import type { CurrencyCode } from '../money/currency.js'
import { format, isZero } from '../money/money.js'
import type { Money } from '../money/money.js'
import type { ReferenceParser } from '../reference/reference-parser.js'
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import type {
  AppliedConversion,
  DeadLetterIntent,
  DeadLetterReason,
  PostingIntent,
  SkipIntent,
  SkipReason,
} from './intent.js'
import { londonDate } from './london-date.js'
import { postingMarker } from './marker.js'
import type { PostingRules } from './rules.js'

/** What planning needs besides the payment and the rules. Everything is passed in: no I/O. */
export interface PlanContext {
  /** Finds the invoice number in the vendorTxCode. */
  readonly references: ReferenceParser
  /** Custom fields to fill (validated by defineCustomFieldMappings). @default none */
  readonly customFields?: CustomFieldMappings
  /** The target invoice's currency, when known (the engine reads it from KashFlow). */
  readonly invoiceCurrency?: CurrencyCode
  /**
   * The KashFlow account's home currency when `rules.homeCurrency` is not set (the engine reads
   * KashFlow's setting): a suspense journal is posted in it. Without either, such a payment is
   * dead-lettered `unexpected` rather than journalled in a guessed currency.
   */
  readonly homeCurrency?: CurrencyCode
  /**
   * The rate from the payment's currency to the invoice's currency (or to the home currency for
   * a suspense journal). Needed only when they differ.
   */
  readonly rate?: RateRecord
}

const skip = (paymentId: string, reason: SkipReason, message: string): SkipIntent => ({
  kind: 'skip',
  paymentId,
  reason,
  message,
})

const deadLetter = (
  paymentId: string,
  reason: DeadLetterReason,
  issues: readonly Issue[],
): DeadLetterIntent => ({ kind: 'dead-letter', paymentId, reason, issues })

/**
 * Decides what to post in KashFlow for one canonical payment. Pure and total: every input gives
 * at least one intent (possibly a skip or a dead letter with the reason), never an exception.
 *
 * | kind + status | intents |
 * | --- | --- |
 * | payment / capture, succeeded | [customer-upsert], invoice-payment |
 * | refund, succeeded | [customer-upsert], invoice-refund (`mode` from rules.refunds) |
 * | authorisation / cancel | skip `no_money_movement` |
 * | void, succeeded | dead-letter `void_needs_review` or skip `void_skipped` (rules.voids) |
 * | any other status | skip `not_succeeded` |
 * | reference matches no pattern | dead-letter `unmatched_reference` or a suspense journal |
 *
 * An invoice-refund in `credit-note` mode also carries `creditNoteMarker`: the sync engine creates
 * the credit note under it, then pays the refund on the credit note under `marker`.
 *
 * A payment from `parseCanonicalPayment` or `toCanonicalPayment` (frozen, and known to core) is
 * read as it is; any other payment, a copy of one included, is validated first and dead-lettered
 * `invalid_payment` with the schema's issues if it fails.
 * @example planPostings(payment, rules, { references: createReferenceParser(['INV-{invoice}-{*}']) })
 */
export function planPostings(
  payment: CanonicalPayment,
  rules: PostingRules,
  context: PlanContext,
): PostingIntent[] {
  const paymentId = typeof payment?.id === 'string' && payment.id !== '' ? payment.id : 'unknown'
  try {
    return plan(payment, rules, context, paymentId)
  } catch (cause) {
    return [
      deadLetter(paymentId, 'unexpected', [
        issue(
          'unexpected_error',
          [],
          `Planning failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        ),
      ]),
    ]
  }
}

function plan(
  input: CanonicalPayment,
  rules: PostingRules,
  context: PlanContext,
  paymentId: string,
): PostingIntent[] {
  // Validated once at the boundary: a payment from parseCanonicalPayment or toCanonicalPayment is
  // frozen and known, so it is not checked again; anything else (built or changed by hand) is.
  let payment = input
  if (!isValidatedCanonicalPayment(input)) {
    const parsed = parseCanonicalPayment(input)
    if (!parsed.ok) return [deadLetter(paymentId, 'invalid_payment', parsed.issues)]
    payment = parsed.value
  }

  switch (payment.kind) {
    case 'authorisation':
    case 'cancel':
      return [
        skip(
          paymentId,
          'no_money_movement',
          `This ${payment.kind} moves no money; nothing is posted until money is captured.`,
        ),
      ]
    case 'void':
      if (payment.status !== 'succeeded') {
        return [skip(paymentId, 'not_succeeded', `The void did not succeed (${payment.status}).`)]
      }
      return rules.voids === 'skip'
        ? [skip(paymentId, 'void_skipped', 'Voids are skipped by the posting rules.')]
        : [
            deadLetter(paymentId, 'void_needs_review', [
              issue(
                'manual_review_required',
                ['kind'],
                `Opayo voided ${payment.source.relatedTransactionId ?? payment.source.transactionId}; if its payment was posted to KashFlow, reverse it there.`,
              ),
            ]),
          ]
    case 'payment':
    case 'capture':
    case 'refund':
      return planMoney(payment, rules, context, paymentId)
  }
}

function planMoney(
  payment: CanonicalPayment,
  rules: PostingRules,
  context: PlanContext,
  paymentId: string,
): PostingIntent[] {
  if (payment.status !== 'succeeded') {
    return [
      skip(paymentId, 'not_succeeded', `The ${payment.kind} did not succeed (${payment.status}).`),
    ]
  }
  if (isZero(payment.amount)) {
    return [skip(paymentId, 'zero_amount', `The ${payment.kind} is for zero; nothing to post.`)]
  }

  const fields = context.customFields
    ? applyCustomFieldMappings(context.customFields, payment)
    : { ok: true as const, value: { customer: [] as CustomField[], invoice: [] as CustomField[] } }
  if (!fields.ok) return [deadLetter(paymentId, 'custom_field_error', fields.issues)]

  const intents: PostingIntent[] = []
  if (rules.upsertCustomers && payment.customer !== undefined) {
    intents.push({
      kind: 'customer-upsert',
      paymentId,
      marker: postingMarker(payment.source.transactionId, 'customer'),
      customer: payment.customer,
      customerFields: fields.value.customer,
    })
  }

  const marker = postingMarker(payment.source.transactionId, payment.kind)
  const date = londonDate(payment.occurredAt)
  const reference = payment.source.vendorTxCode
  const invoice = context.references.parse(payment.invoiceReference ?? payment.source.vendorTxCode)

  if (!invoice.ok) {
    // create-invoice is the engine's (it writes the invoice first); planning alone cannot.
    if (
      rules.unmatchedReference.action === 'dead-letter' ||
      rules.unmatchedReference.action === 'create-invoice'
    ) {
      return [deadLetter(paymentId, 'unmatched_reference', invoice.issues)]
    }
    const homeCurrency = rules.homeCurrency ?? context.homeCurrency
    if (homeCurrency === undefined)
      return [
        deadLetter(paymentId, 'unexpected', [
          issue(
            'missing_value',
            ['homeCurrency'],
            "A suspense journal is posted in the home currency, and none was given: set rules.homeCurrency or pass context.homeCurrency (KashFlow's kashflow.settings.homeCurrency()).",
          ),
        ]),
      ]
    const home = toCurrency(payment.amount, homeCurrency, context.rate)
    if (!home.ok) return [deadLetter(paymentId, 'missing_exchange_rate', home.issues)]
    const { suspenseNominalCode, bankNominalCode } = rules.unmatchedReference
    const incoming = payment.kind !== 'refund'
    const comment = `Opayo ${payment.kind} ${reference} matched no invoice (${format(payment.amount)})`
    intents.push({
      kind: 'journal',
      paymentId,
      marker,
      date,
      reference,
      comment,
      lines: [
        {
          nominalCode: bankNominalCode,
          ...(incoming ? { debit: home.money } : { credit: home.money }),
          comment: marker,
        },
        {
          nominalCode: suspenseNominalCode,
          ...(incoming ? { credit: home.money } : { debit: home.money }),
          comment: marker,
        },
      ],
      ...(home.conversion ? { conversion: home.conversion } : {}),
    })
    return intents
  }

  const target = context.invoiceCurrency ?? payment.amount.currency
  const converted = toCurrency(payment.amount, target, context.rate)
  if (!converted.ok) return [deadLetter(paymentId, 'missing_exchange_rate', converted.issues)]
  const common = {
    paymentId,
    marker,
    invoiceNumber: invoice.value,
    amount: converted.money,
    ...(converted.conversion ? { conversion: converted.conversion } : {}),
    date,
    bankAccountId: postingBankAccountId(rules),
    paymentMethodId: rules.paymentMethodId,
    reference,
    invoiceFields: fields.value.invoice,
  }
  if (payment.kind === 'refund') {
    intents.push({
      kind: 'invoice-refund',
      mode: rules.refunds,
      ...common,
      ...(rules.refunds === 'credit-note'
        ? { creditNoteMarker: postingMarker(payment.source.transactionId, 'creditnote') }
        : {}),
      ...(payment.source.relatedTransactionId === undefined
        ? {}
        : { relatedTransactionId: payment.source.relatedTransactionId }),
    })
  } else {
    intents.push({ kind: 'invoice-payment', ...common })
  }
  return intents
}

/** The account payments and refunds land in: the bank (`direct`) or the clearing account. */
function postingBankAccountId(rules: PostingRules): number {
  return rules.mode === 'clearing' && rules.clearingBankAccountId !== undefined
    ? rules.clearingBankAccountId
    : rules.bankAccountId
}

function toCurrency(
  amount: Money,
  to: CurrencyCode,
  rate: RateRecord | undefined,
):
  | { ok: true; money: Money; conversion?: AppliedConversion }
  | { ok: false; issues: readonly Issue[] } {
  if (amount.currency === to) return { ok: true, money: amount }
  if (rate === undefined) {
    return {
      ok: false,
      issues: [
        issue(
          'missing_exchange_rate',
          ['amount', 'currency'],
          `The payment is in ${amount.currency} but the posting needs ${to}; supply a rate ${amount.currency}->${to}.`,
        ),
      ],
    }
  }
  const result = convert(amount, to, rate)
  if (!result.ok) return { ok: false, issues: result.issues }
  return { ok: true, money: result.value.money, conversion: { original: amount, rate } }
}
