// Small arithmetic every settlement step shares: signs, amounts in messages, exact spreading, and
// minor units back to Money with any overflow collected as an issue.
import type { CurrencyCode } from '../money/currency.js'
import { allocate, format, fromBigInt } from '../money/money.js'
import type { Money } from '../money/money.js'
import type { Issue, IssuePath } from '../result/issue.js'

/**
 * The sign a transaction puts on the clearing account: a refund is money out.
 * @example const signed = signOf('refund') * 500n // -500n
 */
export function signOf(kind: 'payment' | 'refund'): bigint {
  return kind === 'refund' ? -1n : 1n
}

/**
 * Minor units as a message shows them (`£12.34`), or the raw units when they are not valid money.
 * @example const text = amountText(1234n, 'GBP') // '£12.34'
 */
export function amountText(units: bigint, code: CurrencyCode): string {
  const m = fromBigInt(units, code, [], units.toString())
  return m.ok ? format(m.value) : `${units.toString()} ${code} minor units`
}

/**
 * `total` split in proportion to `weights` (equal shares when every weight is zero).
 * @example const shares = spread(money(100, 'GBP'), [1n, 1n, 1n]) // 34p, 33p, 33p
 */
export function spread(total: Money, weights: readonly bigint[]): Money[] {
  if (weights.length === 0) return []
  const ratios = weights.map(Number)
  // Equal shares when nothing to weigh by, or when a weight is too large for allocate's exact
  // integer ratios (only amounts beyond 2^53 minor units): the sum is kept either way.
  const equal = ratios.every((r) => r === 0) || !ratios.every(Number.isSafeInteger)
  return allocate(total, equal ? ratios.map(() => 1) : ratios)
}

/** Minor units to Money; a value Money cannot hold adds its issue to the list and reads as zero. */
export type MoneyOf = (units: bigint, code: CurrencyCode, path: IssuePath) => Money

/**
 * A {@link MoneyOf} that collects its issues into `issues` (the caller dead-letters when any).
 * @example
 * const issues: Issue[] = []
 * const money = moneyCollecting(issues)
 * const fee = money(170n, 'GBP', ['fees'])
 */
export function moneyCollecting(issues: Issue[]): MoneyOf {
  return (units, code, path) => {
    const m = fromBigInt(units, code, path, units.toString())
    if (m.ok) return m.value
    issues.push(...m.issues)
    return { amount: 0, currency: code } as Money
  }
}
