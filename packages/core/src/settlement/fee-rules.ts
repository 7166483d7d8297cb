import { z } from 'zod'
import { divideRounded, parseDecimal, pow10 } from '../internal/decimal.js'
import { CARD_SCHEMES } from '../model/canonical-payment.js'
import type { CardScheme, PaymentKind, PaymentStatus } from '../model/canonical-payment.js'
import { issuesFromZod } from '../model/parse.js'
import { CurrencyCodeSchema } from '../money/currency.js'
import { fromBigInt } from '../money/money.js'
import type { Money } from '../money/money.js'
import { issue } from '../result/issue.js'
import { err } from '../result/result.js'
import type { Result } from '../result/result.js'
import { SettlementConfigError } from './settlement-config-error.js'

const MinorAmount = z
  .number()
  .int()
  .nonnegative()
  .refine(Number.isSafeInteger, 'must be an exactly representable integer number of minor units')

/**
 * A percentage as a decimal string, at most 6 decimal places, 0 to 100: `"1.25"` is 1.25 %.
 * A string, never a float, so `"0.0175"` stays exact.
 */
const PercentSchema = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,6})?$/, 'percent must be a decimal string such as "1.25" (per cent)')
  .refine((value) => !/^[\d.]+$/.test(value) || Number(value) <= 100, 'percent must be at most 100')

/**
 * One fee rule: `percent` of the amount plus `fixed` minor units, and never less than `minimum`.
 * Opayo's card model tells debit from credit by scheme (`visa` vs `visa_debit`, `mastercard` vs
 * `mastercard_debit`); it has no commercial-card flag, so rules are keyed by scheme only.
 */
export const FeeRuleSchema = z.object({
  /**
   * The card schemes this rule prices. Omit it for the fallback rule that prices every scheme no
   * other rule names (and payments with no card details).
   */
  schemes: z.array(z.enum(CARD_SCHEMES)).min(1).optional(),
  /** Per cent of the amount, as a decimal string. @default '0' */
  percent: PercentSchema.default('0'),
  /** Fixed part per transaction, in minor units of the rules' currency. @default 0 */
  fixed: MinorAmount.default(0),
  /** The least a transaction is charged, in minor units. @default 0 */
  minimum: MinorAmount.default(0),
})
/** One validated fee rule. */
export type FeeRule = z.output<typeof FeeRuleSchema>

/**
 * An acquirer's fee tariff as plain data: what each settled transaction costs, in one settlement
 * currency. Validate it once with {@link defineFeeRules}.
 */
export const FeeRulesSchema = z
  .object({
    /** The currency fees are charged in: the settlement currency of the merchant account. */
    currency: CurrencyCodeSchema,
    /** At most one rule per scheme, and at most one fallback rule (no `schemes`). */
    rules: z.array(FeeRuleSchema).min(1),
    /**
     * Whether a refund is charged like a payment (`charged`) or costs nothing (`free`).
     * @default 'free'
     */
    refunds: z.enum(['free', 'charged']).default('free'),
    /**
     * How the percentage part is rounded to a minor unit, per transaction. Half-up (a tie goes
     * away from zero) is what acquirers' per-transaction charges and UK card statements use, so the
     * planned fee matches the statement line; rounding each transaction (not the batch total)
     * means the fee journal is the sum of the per-transaction fees, to the penny.
     * @default 'half-up'
     */
    rounding: z.enum(['half-up', 'half-even']).default('half-up'),
  })
  .superRefine((value, ctx) => {
    const seen = new Map<CardScheme, number>()
    let fallback: number | undefined
    value.rules.forEach((rule, index) => {
      if (rule.schemes === undefined) {
        if (fallback !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, 'schemes'],
            message: `rules ${fallback} and ${index} are both fallback rules (no schemes); keep one.`,
          })
        }
        fallback ??= index
        return
      }
      for (const scheme of rule.schemes) {
        const earlier = seen.get(scheme)
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', index, 'schemes'],
            message: `scheme "${scheme}" is priced by rules ${earlier} and ${index}; keep one.`,
          })
        } else seen.set(scheme, index)
      }
    })
  })

/** Validated fee rules (every default filled in). */
export type FeeRules = z.output<typeof FeeRulesSchema>
/** Fee rules as a user writes them (defaults optional). */
export type FeeRulesInput = z.input<typeof FeeRulesSchema>

/**
 * Validates fee rules once, at the boundary, and fills defaults.
 * @throws {SettlementConfigError} listing every problem (`what: 'fee rules'`).
 * @example
 * const rules = defineFeeRules({
 *   currency: 'GBP',
 *   rules: [
 *     { schemes: ['visa_debit', 'mastercard_debit'], percent: '0.3', fixed: 2 },
 *     { percent: '1.5', fixed: 2, minimum: 5 },
 *   ],
 * })
 */
export function defineFeeRules(input: FeeRulesInput): FeeRules {
  const parsed = FeeRulesSchema.safeParse(input)
  if (!parsed.success) {
    throw new SettlementConfigError(
      'fee rules',
      issuesFromZod(parsed.error).map((i) =>
        i.code === 'invalid_type' ? { ...i, code: 'invalid_posting_rule' as const } : i,
      ),
    )
  }
  return parsed.data
}

/**
 * What {@link feeFor} needs of a transaction. A {@link CanonicalPayment} fits, and so does a
 * settlement batch's transaction.
 */
export interface FeeSubject {
  readonly kind: PaymentKind
  /** Positive, in the fee rules' currency. */
  readonly amount: Money
  /** Absent means succeeded (a settled transaction). */
  readonly status?: PaymentStatus | undefined
  readonly card?: { readonly scheme: CardScheme } | undefined
}

/**
 * The acquirer's fee for one transaction under `rules`, exact in minor units:
 * `max(minimum, round(amount × percent / 100) + fixed)`, the percentage part rounded per
 * transaction with `rules.rounding` (half-up by default). Payments and captures are charged;
 * refunds only when `rules.refunds` is `charged`; anything that moved no money (authorisations,
 * voids, cancels, payments that did not succeed) costs zero.
 * Returns an issue when the amount is in another currency than the rules (`currency_mismatch`)
 * or no rule prices the card scheme and there is no fallback rule (`missing_value`).
 * @example
 * const rules = defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] })
 * feeFor({ kind: 'payment', amount: money(10000, 'GBP') }, rules) // { ok: true, value: 170p }
 */
export function feeFor(payment: FeeSubject, rules: FeeRules): Result<Money> {
  if (payment.amount.currency !== rules.currency) {
    return err([
      issue(
        'currency_mismatch',
        ['amount', 'currency'],
        `The fee rules are in ${rules.currency}, the transaction in ${payment.amount.currency}.`,
      ),
    ])
  }
  const charged =
    (payment.status === undefined || payment.status === 'succeeded') &&
    (payment.kind === 'payment' ||
      payment.kind === 'capture' ||
      (payment.kind === 'refund' && rules.refunds === 'charged'))
  if (!charged || payment.amount.amount === 0) {
    return fromBigInt(0n, rules.currency, ['fee'], '0')
  }
  const scheme = payment.card?.scheme
  const rule =
    (scheme === undefined
      ? undefined
      : rules.rules.find((r) => r.schemes !== undefined && r.schemes.includes(scheme))) ??
    rules.rules.find((r) => r.schemes === undefined)
  if (rule === undefined) {
    return err([
      issue(
        'missing_value',
        ['card', 'scheme'],
        scheme === undefined
          ? 'The transaction has no card scheme and the fee rules have no fallback rule (a rule without schemes).'
          : `No fee rule prices "${scheme}" and there is no fallback rule (a rule without schemes).`,
      ),
    ])
  }
  // percent is per cent with `scale` decimals: fee = amount * units / (100 * 10^scale).
  const percent = parseDecimal(rule.percent) ?? { units: 0n, scale: 0 }
  const base = BigInt(Math.abs(payment.amount.amount))
  const variable = divideRounded(base * percent.units, 100n * pow10(percent.scale), rules.rounding)
  const raw = variable + BigInt(rule.fixed)
  const fee = raw < BigInt(rule.minimum) ? BigInt(rule.minimum) : raw
  return fromBigInt(fee, rules.currency, ['fee'], fee.toString())
}
