import currency from 'currency.js'
import { z } from 'zod'
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import { issue } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { CurrencyCodeSchema, isCurrencyCode, minorUnitExponent } from './currency.js'
import type { CurrencyCode } from './currency.js'

/**
 * An amount in integer minor units (pence for GBP, cents for EUR, yen for JPY). Branded so a major
 * unit number (12.34) cannot be passed where minor units (1234) are meant.
 */
export const MinorUnitsSchema = z
  .number()
  .int()
  .refine(Number.isSafeInteger, 'Amount exceeds the exactly representable integer range')
  .brand<'MinorUnits'>()
export type MinorUnits = z.output<typeof MinorUnitsSchema>

/** Money: integer minor units plus an ISO 4217 code. Never float major units. */
export const MoneySchema = z.object({
  amount: MinorUnitsSchema,
  currency: CurrencyCodeSchema,
})
export type Money = z.output<typeof MoneySchema>

/**
 * Money from integer minor units.
 * @throws {InvalidArgumentError} when `amount` is not a safe integer or `currency` is not ISO 4217.
 * @example money(1999, 'GBP') // £19.99
 */
export function money(amount: number, currencyCode: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new InvalidArgumentError(
      `money(): amount must be an integer number of minor units, got ${String(amount)}. ` +
        `Use parseAmount() for decimal strings such as "19.99".`,
    )
  }
  if (!isCurrencyCode(currencyCode)) {
    throw new InvalidArgumentError(
      `money(): "${currencyCode}" is not an active ISO 4217 currency code.`,
    )
  }
  return { amount: amount as MinorUnits, currency: currencyCode }
}

const AMOUNT = /^([+-])?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/

/**
 * Parses a decimal amount as Opayo and KashFlow send it: `"99.99"`, `"1,231.47"` (thousands
 * separators, as Form returns send them), `"117.5000"` (KashFlow's 4 dp). Extra decimal places
 * are accepted only when they are zeros: a digit the currency cannot hold is an issue, never a
 * silent rounding.
 * @example parseAmount('1,231.47', 'GBP') // { ok: true, value: { amount: 123147, currency: 'GBP' } }
 */
export function parseAmount(
  text: string,
  currencyCode: string,
  path: readonly (string | number)[] = [],
): Result<Money> {
  if (!isCurrencyCode(currencyCode)) {
    return err([
      issue('unknown_currency', path, `"${currencyCode}" is not an active ISO 4217 currency code.`),
    ])
  }
  const match = AMOUNT.exec(text.trim())
  if (!match) {
    return err([issue('invalid_amount', path, `Amount "${text}" is not a decimal number.`)])
  }
  const [, sign, whole = '', fraction = ''] = match
  const exponent = minorUnitExponent(currencyCode)
  const kept = fraction.slice(0, exponent)
  const dropped = fraction.slice(exponent)
  if (/[1-9]/.test(dropped)) {
    return err([
      issue(
        'too_many_decimals',
        path,
        `Amount "${text}" has ${fraction.length} decimal places but ${currencyCode} allows ${exponent}.`,
      ),
    ])
  }
  const digits = whole.replace(/,/g, '') + kept.padEnd(exponent, '0')
  const units = BigInt(digits) * (sign === '-' ? -1n : 1n)
  return fromBigInt(units, currencyCode, path, text)
}

/** @internal Money from a BigInt count of minor units, or an issue when it is out of range. */
export function fromBigInt(
  units: bigint,
  currencyCode: CurrencyCode,
  path: readonly (string | number)[],
  original: string,
): Result<Money> {
  if (units > BigInt(Number.MAX_SAFE_INTEGER) || units < BigInt(Number.MIN_SAFE_INTEGER)) {
    return err([
      issue('amount_out_of_range', path, `Amount ${original} ${currencyCode} is out of range.`),
    ])
  }
  return ok({ amount: Number(units) as MinorUnits, currency: currencyCode })
}

function asCurrency(m: Money): currency {
  return currency(m.amount, { fromCents: true, precision: minorUnitExponent(m.currency) })
}

function sameCurrency(operation: string, a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new InvalidArgumentError(
      `${operation}(): cannot combine ${a.currency} and ${b.currency}; convert first.`,
    )
  }
}

function checked(amount: number, currencyCode: CurrencyCode, operation: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new InvalidArgumentError(`${operation}(): result is out of the exact integer range.`)
  }
  return { amount: amount as MinorUnits, currency: currencyCode }
}

/**
 * a + b.
 * @throws {InvalidArgumentError} when the currencies differ.
 */
export function add(a: Money, b: Money): Money {
  sameCurrency('add', a, b)
  return checked(asCurrency(a).add(asCurrency(b)).intValue, a.currency, 'add')
}

/**
 * a - b.
 * @throws {InvalidArgumentError} when the currencies differ.
 */
export function subtract(a: Money, b: Money): Money {
  sameCurrency('subtract', a, b)
  return checked(asCurrency(a).subtract(asCurrency(b)).intValue, a.currency, 'subtract')
}

/** -m. */
export function negate(m: Money): Money {
  const amount: number = m.amount
  return { amount: (amount === 0 ? 0 : -amount) as MinorUnits, currency: m.currency }
}

/**
 * -1, 0 or 1 as a is less than, equal to or greater than b.
 * @throws {InvalidArgumentError} when the currencies differ.
 */
export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency('compare', a, b)
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0
}

/** True for a zero amount. */
export function isZero(m: Money): boolean {
  return m.amount === 0
}

/**
 * Splits money by integer ratios. Every part is a whole number of minor units, the remainder goes
 * one unit at a time to the parts with the largest fractional share (earlier parts win ties), and
 * the parts always sum to the original.
 * @throws {InvalidArgumentError} when a ratio is negative or not an integer, or all are zero.
 * @example allocate(money(1000, 'GBP'), [1, 1, 1]) // 334p, 333p, 333p
 */
export function allocate(m: Money, ratios: readonly number[]): Money[] {
  if (ratios.length === 0) throw new InvalidArgumentError('allocate(): give at least one ratio.')
  for (const r of ratios) {
    if (!Number.isSafeInteger(r) || r < 0) {
      throw new InvalidArgumentError(
        `allocate(): ratios must be non-negative integers (scale 0.25 and 0.75 to 1 and 3), got ${r}.`,
      )
    }
  }
  const total = ratios.reduce((sum, r) => sum + BigInt(r), 0n)
  if (total === 0n)
    throw new InvalidArgumentError('allocate(): at least one ratio must be above 0.')
  const negative = m.amount < 0
  const amount = BigInt(Math.abs(m.amount))
  const shares = ratios.map((r, index) => {
    const exact = amount * BigInt(r)
    return { index, share: exact / total, remainder: exact % total }
  })
  let left = amount - shares.reduce((sum, s) => sum + s.share, 0n)
  const byRemainder = [...shares].sort((x, y) =>
    x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1,
  )
  for (const s of byRemainder) {
    if (left === 0n) break
    s.share += 1n
    left -= 1n
  }
  return shares.map((s) => ({
    amount: (negative && s.share !== 0n ? -Number(s.share) : Number(s.share)) as MinorUnits,
    currency: m.currency,
  }))
}

/**
 * The amount as a plain decimal string with exactly the currency's decimals and no separators:
 * what KashFlow expects in JSON (2 dp for GBP).
 * @example toDecimalString(money(123147, 'GBP')) // '1231.47'
 */
export function toDecimalString(m: Money): string {
  const exponent = minorUnitExponent(m.currency)
  const negative = m.amount < 0
  const digits = Math.abs(m.amount)
    .toString()
    .padStart(exponent + 1, '0')
  const whole = digits.slice(0, digits.length - exponent)
  const fraction = digits.slice(digits.length - exponent)
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`
}

/**
 * The amount as a JSON number in major units with the currency's decimals, for wire formats
 * that want numbers (KashFlow). A number is a double, not a decimal: it prints back as the exact
 * amount (JSON.stringify, String) only while the amount has at most 15 significant digits, that
 * is below 10^15 minor units (£9,999,999,999,999.99); above that the last digits may differ
 * (2^53 - 1 pence prints as 90071992547409.9).
 * @example toMajorUnitsNumber(money(123147, 'GBP')) // 1231.47
 */
export function toMajorUnitsNumber(m: Money): number {
  return Number(toDecimalString(m))
}

const SYMBOLS: Partial<Record<CurrencyCode, string>> = {
  GBP: '£',
  EUR: '€',
  USD: '$',
  JPY: '¥',
  AUD: 'A$',
  CAD: 'C$',
  NZD: 'NZ$',
  INR: '₹',
  CHF: 'CHF ',
}

/**
 * A human-readable amount: `£1,231.47`, `-€5.00`, `¥500`, `1,234.567 BHD`.
 * Not for wire formats: use {@link toDecimalString} there.
 */
export function format(m: Money): string {
  const symbol = SYMBOLS[m.currency]
  const options =
    symbol === undefined
      ? { symbol: m.currency, pattern: '# !', negativePattern: '-# !' }
      : { symbol, pattern: '!#', negativePattern: '-!#' }
  return asCurrency(m).format({ ...options, separator: ',', decimal: '.' })
}
