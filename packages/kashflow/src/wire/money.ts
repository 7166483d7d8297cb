import { minorUnitExponent, parseAmount, toMajorUnitsNumber } from '@opayo-kashflow/core'
import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { KashflowResponseError } from '../errors/kashflow-error.js'

/** Money as KashFlow wants it in JSON: a number with the currency's decimals (2 for GBP). */
export function toKashflowAmount(money: Money): number {
  return toMajorUnitsNumber(money)
}

/**
 * A KashFlow amount (a JSON number, often at 4 dp: `117.5000`) as integer minor units. Exact: a
 * value with more precision than the currency holds is an error, never a rounding.
 * @throws {KashflowResponseError}
 */
export function fromKashflowAmount(value: number, currency: CurrencyCode, field: string): Money {
  const text = value.toFixed(Math.max(4, minorUnitExponent(currency)))
  const parsed = parseAmount(text, currency, [field])
  if (!parsed.ok) {
    throw new KashflowResponseError(
      `KashFlow returned ${field} ${value}, which is not a whole number of ${currency} minor units.`,
    )
  }
  return parsed.value
}
