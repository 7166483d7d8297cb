// Monthly acquirer and gateway charges: the rules per fee type (nominal, VAT, which account pays
// it) and the plan that turns a charge statement into one bank line per statement line.
import { z } from 'zod'
import { divideRounded, parseDecimal, pow10 } from '../internal/decimal.js'
import { issuesFromZod } from '../model/parse.js'
import { money } from '../money/money.js'
import type { Money } from '../money/money.js'
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { chargeMarker } from './charge-statement.js'
import type { ChargeStatement } from './charge-statement.js'
import { SettlementConfigError } from './settlement-config-error.js'
import { trueUpOf } from './charge-true-up.js'
import type { ChargeTrueUp } from './charge-true-up.js'

/**
 * How one fee type is booked: its nominal, its VAT, and which account pays it.
 * Merchant service charges are exempt from VAT (HMRC VAT Finance Manual VATFIN3160); a payment
 * gateway's fees are standard-rated (`{ rate: 20 }` in the UK).
 */
export const ChargeRuleSchema = z.strictObject({
  /** The nominal the charge is booked to (e.g. 7901 bank charges). */
  nominalCode: z.number().int().positive(),
  /** `'exempt'`: the line must state VAT 0; `{ rate }`: a percentage such as 20. */
  vat: z.union([
    z.literal('exempt'),
    z.strictObject({ rate: z.number().min(0, 'rate is a percentage').max(100) }),
  ]),
  /**
   * `'bank'`: debited from the bank (gross settle's monthly direct debit, a gateway invoice paid
   * from the bank); `'clearing'`: netted off a deposit (net credit), which explains the payout
   * difference left on the clearing account; `'true-up'`: deducted from each batch's deposit and
   * already booked per batch as an estimate (fees from rules): the month's lines of this kind are
   * compared with what the batches booked ({@link planChargeTrueUp}) and only the difference is
   * posted, off clearing. A true-up fee type must be VAT-exempt.
   */
  from: z.enum(['bank', 'clearing', 'true-up']),
})
/** One validated charge rule. */
export type ChargeRule = z.output<typeof ChargeRuleSchema>

/** Charge rules keyed by fee type (compared without case or surrounding spaces). */
export const ChargeRulesSchema = z.record(z.string(), ChargeRuleSchema)
/** Validated charge rules, keyed by the fee type in lower case. */
export type ChargeRules = Readonly<Record<string, ChargeRule>>
/** Charge rules as a user writes them. */
export type ChargeRulesInput = z.input<typeof ChargeRulesSchema>

const feeTypeKey = (feeType: string) => feeType.trim().toLowerCase()

/**
 * Validates charge rules once, at the boundary, keyed by fee type in lower case.
 * @throws {SettlementConfigError} listing every problem (`what: 'charge rules'`), among them two
 *   fee types that differ only in case, or an empty fee type.
 * @example
 * const rules = defineChargeRules({
 *   msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
 *   gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
 * })
 */
export function defineChargeRules(input: ChargeRulesInput): ChargeRules {
  const parsed = ChargeRulesSchema.safeParse(input)
  if (!parsed.success) throw new SettlementConfigError('charge rules', issuesFromZod(parsed.error))
  const rules: Record<string, ChargeRule> = {}
  const issues: Issue[] = []
  for (const [feeType, rule] of Object.entries(parsed.data)) {
    const key = feeTypeKey(feeType)
    if (key === '') issues.push(issue('invalid_posting_rule', [feeType], 'a fee type is empty'))
    else if (Object.hasOwn(rules, key))
      issues.push(
        issue(
          'invalid_posting_rule',
          [feeType],
          `fee type "${feeType}" is given twice (case aside)`,
        ),
      )
    else if (rule.from === 'true-up' && rule.vat !== 'exempt')
      issues.push(
        issue(
          'invalid_posting_rule',
          [feeType, 'vat'],
          `fee type "${feeType}" is trued up against the fees booked per batch, which carry no VAT: its vat must be "exempt"`,
        ),
      )
    else rules[key] = rule
  }
  if (issues.length > 0) throw new SettlementConfigError('charge rules', issues)
  return rules
}

/** One bank line to write for one statement line. */
export interface PlannedCharge {
  readonly lineNo: number
  /** `OPAYO-CHARGE:{statementId}:{lineNo}`: the first word of the bank line's `Comment`. */
  readonly marker: string
  /** YYYY-MM-DD. */
  readonly date: string
  readonly feeType: string
  /** The fee type's nominal: what the line's `TransactionType` carries. */
  readonly nominalCode: number
  /** The account the line is written on. */
  readonly from: 'bank' | 'clearing'
  /** `paidOut` for a charge, `paidIn` for a credit. */
  readonly direction: 'paidOut' | 'paidIn'
  /** Net plus VAT, positive: the bank line's amount. */
  readonly amount: Money
  /** The net, positive. */
  readonly net: Money
  /** The VAT at the rule's rate, positive; undefined on an exempt line (sent as not VAT-able). */
  readonly vat: { readonly rate: number; readonly amount: Money } | undefined
  /** The rest of the bank line's `Comment`. */
  readonly comment: string
}

/** The bank lines a statement becomes, and the lines that move nothing. */
export interface MonthlyChargePlan {
  readonly statementId: string
  /** The bank lines of its `bank` and `clearing` fee types. */
  readonly lines: readonly PlannedCharge[]
  /** Statement lines whose net and VAT are both zero: nothing to post. */
  readonly skipped: readonly number[]
  /**
   * Its `true-up` lines, when it has any: the fees the acquirer says it deducted in `period`,
   * to compare with what the period's batches booked ({@link planChargeTrueUp}).
   */
  readonly trueUp?: ChargeTrueUp
}

/**
 * The bank lines to write for a charge statement: one per statement line, its amount the line's
 * net plus VAT as the statement states them (rounded per statement line by whoever issued it,
 * never recomputed per transaction here), on the bank or clearing account as the fee type's rule
 * says, VAT per fee type. Pure and total: every line is checked and every problem listed.
 *
 * Issues: `unknown_fee_type` naming the fee type that no rule covers; `charge_vat_mismatch` for
 * VAT on an exempt fee type, VAT more than 1 minor unit away from the net at the rule's rate, or
 * VAT of the other sign than the net. A statement with issues posts nothing.
 * @example
 * const rules = defineChargeRules({ msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' } })
 * const statement = ChargeStatementSchema.parse({
 *   statementId: 'ELV-2026-10',
 *   currency: 'GBP',
 *   lines: [{ lineNo: 1, date: '2026-10-31', feeType: 'MSC', net: { amount: 375, currency: 'GBP' }, vat: { amount: 0, currency: 'GBP' } }],
 * })
 * const plan = planMonthlyCharges(statement, rules)
 * if (plan.ok) console.log(plan.value.lines[0]?.amount) // { amount: 375, currency: 'GBP' }
 */
export function planMonthlyCharges(
  statement: ChargeStatement,
  rules: ChargeRules,
): Result<MonthlyChargePlan> {
  const issues: Issue[] = []
  const lines: PlannedCharge[] = []
  const skipped: number[] = []
  const trueUpLines: { line: ChargeStatement['lines'][number]; nominalCode: number }[] = []
  statement.lines.forEach((line, index) => {
    const at = (field: string) => ['lines', index, field]
    const name = `line ${line.lineNo} (${line.feeType}${line.description ? `, ${line.description}` : ''})`
    const rule = rules[feeTypeKey(line.feeType)]
    if (rule === undefined) {
      issues.push(
        issue(
          'unknown_fee_type',
          at('feeType'),
          `Statement ${statement.statementId} ${name}: fee type "${line.feeType}" has no charge rule; add it to settlement.charges (known: ${Object.keys(rules).join(', ') || 'none'}).`,
        ),
      )
      return
    }
    const net = line.net.amount
    const vat = line.vat.amount
    const mismatch = (why: string): void => {
      issues.push(
        issue(
          'charge_vat_mismatch',
          at('vat'),
          `Statement ${statement.statementId} ${name}: ${why}.`,
        ),
      )
    }
    if (rule.vat === 'exempt') {
      if (vat !== 0)
        return mismatch(`VAT of ${vat} minor units on fee type "${line.feeType}", which is exempt`)
    } else {
      if (vat !== 0 && Math.sign(vat) !== Math.sign(net))
        return mismatch(`the net (${net}) and the VAT (${vat}) have different signs`)
      const expected = expectedVat(Math.abs(net), rule.vat.rate)
      if (Math.abs(expected - Math.abs(vat)) > 1)
        return mismatch(
          `VAT of ${vat} minor units is not ${rule.vat.rate}% of the net ${net} (${expected}, within 1)`,
        )
    }
    if (rule.from === 'true-up') {
      trueUpLines.push({ line, nominalCode: rule.nominalCode })
      return
    }
    const gross = Math.abs(net + vat)
    if (gross === 0) {
      skipped.push(line.lineNo)
      return
    }
    const currency = statement.currency
    lines.push({
      lineNo: line.lineNo,
      marker: chargeMarker(statement.statementId, line.lineNo),
      date: line.date,
      feeType: line.feeType,
      nominalCode: rule.nominalCode,
      from: rule.from === 'bank' ? 'bank' : 'clearing',
      direction: net + vat > 0 ? 'paidOut' : 'paidIn',
      amount: money(gross, currency),
      net: money(Math.abs(net), currency),
      vat:
        rule.vat === 'exempt'
          ? undefined
          : { rate: rule.vat.rate, amount: money(Math.abs(vat), currency) },
      comment: [
        `${line.feeType}${line.period ? ` ${line.period}` : ''}`,
        line.description,
        `statement ${statement.statementId} line ${line.lineNo}`,
      ]
        .filter((part) => part !== '')
        .join(', '),
    })
  })
  const trueUp = trueUpOf(statement, trueUpLines, issues)
  return issues.length > 0
    ? err(issues)
    : ok({ statementId: statement.statementId, lines, skipped, ...(trueUp ? { trueUp } : {}) })
}

/** `net × rate / 100`, rounded half-up to a minor unit, exactly (the rate as a decimal). */
function expectedVat(net: number, rate: number): number {
  const percent = parseDecimal(rate) ?? { units: 0n, scale: 0 }
  return Number(divideRounded(BigInt(net) * percent.units, 100n * pow10(percent.scale), 'half-up'))
}
