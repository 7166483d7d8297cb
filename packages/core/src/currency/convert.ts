import { z } from 'zod'
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import {
  divideRounded,
  formatDecimal,
  invertDecimal,
  parseDecimal,
  pow10,
} from '../internal/decimal.js'
import type { RoundingMode } from '../internal/decimal.js'
import { CurrencyCodeSchema, isCurrencyCode, minorUnitExponent } from '../money/currency.js'
import type { CurrencyCode } from '../money/currency.js'
import { fromBigInt } from '../money/money.js'
import type { Money } from '../money/money.js'
import { issue } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'

export type { RoundingMode }

/**
 * The exchange rate used for one conversion: 1 unit of `from` = `value` units of `to`, from
 * `source`, valid at `at`. Kept on every converted amount so a ledger can show its working.
 */
export const RateRecordSchema = z.object({
  from: CurrencyCodeSchema,
  to: CurrencyCodeSchema,
  /** A positive decimal string, e.g. "1.1650". A string so no precision is lost. */
  value: z.string().regex(/^\d+(\.\d+)?$/, 'Rate value must be a positive decimal string'),
  /** Where the rate came from ("static", "ecb", "kashflow-invoice", ...). */
  source: z.string().min(1),
  /** ISO 8601 date or date-time the rate applies to. */
  at: z.string().min(1),
})
export type RateRecord = z.output<typeof RateRecordSchema>

/** Supplies exchange rates; sync or async. Returns undefined when it has no rate for the pair. */
export interface RateProvider {
  rate(
    from: CurrencyCode,
    to: CurrencyCode,
    at: string,
  ): RateRecord | undefined | Promise<RateRecord | undefined>
}

/** The converted money and the rate record that produced it. */
export interface Conversion {
  readonly money: Money
  readonly rate: RateRecord
}

const INVERSE_DIGITS = 15

/**
 * A {@link RateProvider} over a fixed table such as `{ 'GBP/EUR': '1.1650' }`. The reverse pair is
 * derived (to 15 significant digits) when only one direction is listed; the same currency is rate 1.
 * @throws {InvalidArgumentError} for a malformed key or a non-positive rate.
 * @example staticRateProvider({ 'GBP/EUR': '1.17' }, { at: '2026-11-01' })
 */
export function staticRateProvider(
  table: Readonly<Record<string, string | number>>,
  options: { readonly source?: string; readonly at?: string } = {},
): RateProvider {
  const source = options.source ?? 'static'
  const rates = new Map<string, string>()
  for (const [pair, raw] of Object.entries(table)) {
    const [from, to, extra] = pair.split('/')
    const decimal = parseDecimal(raw)
    if (extra !== undefined || !from || !to) {
      throw new InvalidArgumentError(
        `staticRateProvider(): key "${pair}" must look like "GBP/EUR".`,
      )
    }
    if (!isCurrencyCode(from) || !isCurrencyCode(to)) {
      throw new InvalidArgumentError(
        `staticRateProvider(): "${pair}" names a code that is not ISO 4217.`,
      )
    }
    if (decimal === undefined || decimal.units <= 0n) {
      throw new InvalidArgumentError(
        `staticRateProvider(): rate for ${pair} must be a positive number.`,
      )
    }
    rates.set(`${from}/${to}`, formatDecimal(decimal))
  }
  return {
    rate(from, to, at) {
      const when = options.at ?? at
      if (from === to) return { from, to, value: '1', source: 'identity', at: when }
      const direct = rates.get(`${from}/${to}`)
      if (direct !== undefined) return { from, to, value: direct, source, at: when }
      const reverse = rates.get(`${to}/${from}`)
      const parsed = reverse === undefined ? undefined : parseDecimal(reverse)
      if (parsed === undefined) return undefined
      const value = formatDecimal(invertDecimal(parsed, INVERSE_DIGITS))
      return { from, to, value, source: `${source} (inverse)`, at: when }
    },
  }
}

/**
 * Converts money at the given rate, rounding once to the target currency's minor unit.
 * Exact: the rate and the amount are multiplied as integers, no floats.
 * @param options.rounding how a result exactly half-way is rounded. @default 'half-even'
 * @example
 * const rate = { from: 'GBP', to: 'EUR', value: '1.165', source: 'ECB', at: '2026-11-02' } as const
 * convert(money(10000, 'GBP'), 'EUR', rate) // { ok: true, value: { money: €116.50, rate } }
 */
export function convert(
  amount: Money,
  to: CurrencyCode,
  rate: RateRecord,
  options: { readonly rounding?: RoundingMode } = {},
): Result<Conversion> {
  if (rate.from !== amount.currency || rate.to !== to) {
    return err([
      issue(
        'currency_mismatch',
        ['rate'],
        `Rate ${rate.from}->${rate.to} cannot convert ${amount.currency} to ${to}.`,
      ),
    ])
  }
  const decimal = parseDecimal(rate.value)
  if (decimal === undefined || decimal.units <= 0n) {
    return err([
      issue('invalid_amount', ['rate', 'value'], `Rate "${rate.value}" is not positive.`),
    ])
  }
  const fromExponent = minorUnitExponent(amount.currency)
  const toExponent = minorUnitExponent(to)
  // target minor = source minor * rate * 10^(toExp - fromExp); rate = units / 10^scale
  let numerator = BigInt(amount.amount) * decimal.units
  let denominator = pow10(decimal.scale)
  if (toExponent >= fromExponent) numerator *= pow10(toExponent - fromExponent)
  else denominator *= pow10(fromExponent - toExponent)
  const units = divideRounded(numerator, denominator, options.rounding ?? 'half-even')
  const converted = fromBigInt(units, to, ['amount'], `${amount.amount}`)
  if (!converted.ok) return converted
  return ok({ money: converted.value, rate })
}

/**
 * The rate for the opposite direction (1 / value, to 15 significant digits), same source and date.
 */
export function invertRate(rate: RateRecord): RateRecord {
  const decimal = parseDecimal(rate.value)
  if (decimal === undefined || decimal.units <= 0n) {
    throw new InvalidArgumentError(`invertRate(): rate "${rate.value}" is not positive.`)
  }
  return {
    from: rate.to,
    to: rate.from,
    value: formatDecimal(invertDecimal(decimal, INVERSE_DIGITS)),
    source: rate.source,
    at: rate.at,
  }
}
