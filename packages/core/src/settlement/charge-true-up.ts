// The true-up of fees booked per batch as an estimate (fee rules, net payout) against what the
// acquirer's monthly statement says it deducted: the month's `true-up` lines summed, and the one
// bank line that posts the difference off the clearing account.
import { money } from '../money/money.js'
import type { Money } from '../money/money.js'
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import { chargeMarker } from './charge-statement.js'
import type { ChargeStatement } from './charge-statement.js'
import type { PlannedCharge } from './plan-monthly-charges.js'

/** A statement's `true-up` lines, summed: what the acquirer deducted in one month. */
export interface ChargeTrueUp {
  /** YYYY-MM: the month the fees are for. */
  readonly period: string
  /** The statement lines summed (their numbers); the first is the true-up's marker. */
  readonly lineNos: readonly number[]
  /** What the lines state, net of credits (positive: charged). */
  readonly stated: Money
  /** The first line's fee type and nominal, and its day: the bank line's. */
  readonly feeType: string
  readonly nominalCode: number
  readonly date: string
}

/**
 * The true-up lines summed, or undefined with an issue pushed when they do not name one period.
 * @example
 * // planMonthlyCharges calls it with the lines whose rule is `from: 'true-up'`
 * const statement = ChargeStatementSchema.parse({
 *   statementId: 'ELV-2026-10',
 *   currency: 'GBP',
 *   lines: [{ lineNo: 1, date: '2026-11-02', period: '2026-10', feeType: 'msc', net: { amount: 1500, currency: 'GBP' }, vat: { amount: 0, currency: 'GBP' } }],
 * })
 * const issues: Parameters<typeof trueUpOf>[2] = []
 * const trueUp = trueUpOf(statement, [{ line: statement.lines[0]!, nominalCode: 7901 }], issues)
 * console.log(trueUp?.stated) // { amount: 1500, currency: 'GBP' }
 */
export function trueUpOf(
  statement: ChargeStatement,
  found: readonly { line: ChargeStatement['lines'][number]; nominalCode: number }[],
  issues: Issue[],
): ChargeTrueUp | undefined {
  const [first] = found
  if (!first) return undefined
  const periods = [...new Set(found.map(({ line }) => line.period))]
  const [period] = periods
  if (periods.length !== 1 || period === undefined) {
    issues.push(
      issue(
        'charge_true_up_period',
        ['lines'],
        `Statement ${statement.statementId}: its true-up lines (${found.map(({ line }) => line.lineNo).join(', ')}) must each name the same period (YYYY-MM), the month whose batches booked the estimates; got ${periods.map((p) => p ?? 'none').join(', ')}.`,
      ),
    )
    return undefined
  }
  return {
    period,
    lineNos: found.map(({ line }) => line.lineNo),
    stated: money(
      found.reduce((sum, { line }) => sum + line.net.amount, 0),
      statement.currency,
    ),
    feeType: first.line.feeType,
    nominalCode: first.nominalCode,
    date: first.line.date,
  }
}

/**
 * The bank line that trues a month's per-batch fee estimates up to what the acquirer's statement
 * says it deducted: the difference, off the clearing account (more charged than booked: paid out
 * of clearing to the fee type's nominal; less: paid back in), under the marker of the first
 * true-up line. Undefined when the batches booked exactly what the statement states.
 * @example
 * const trueUp = { period: '2026-10', lineNos: [1], stated: money(1500, 'GBP'), feeType: 'msc', nominalCode: 7901, date: '2026-11-02' }
 * const line = planChargeTrueUp('ELV-2026-10', trueUp, money(1460, 'GBP'))
 * console.log(line?.direction, line?.amount) // 'paidOut' { amount: 40, currency: 'GBP' }
 */
export function planChargeTrueUp(
  statementId: string,
  trueUp: ChargeTrueUp,
  booked: Money,
): PlannedCharge | undefined {
  const difference = trueUp.stated.amount - booked.amount
  if (difference === 0) return undefined
  const amount = money(Math.abs(difference), trueUp.stated.currency)
  const [lineNo = 1] = trueUp.lineNos
  return {
    lineNo,
    marker: chargeMarker(statementId, lineNo),
    date: trueUp.date,
    feeType: trueUp.feeType,
    nominalCode: trueUp.nominalCode,
    from: 'clearing',
    direction: difference > 0 ? 'paidOut' : 'paidIn',
    amount,
    net: amount,
    vat: undefined,
    comment: `${trueUp.feeType} ${trueUp.period} true-up: statement ${statementId} states ${trueUp.stated.amount}, the month's batches booked ${booked.amount} (minor units), lines ${trueUp.lineNos.join(', ')}`,
  }
}
