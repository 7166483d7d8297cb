// Exact decimal arithmetic on BigInt, so conversion and parsing never touch binary floats.

/** A decimal as an integer numerator over 10^scale: 1.175 -> { units: 1175n, scale: 3 }. */
export interface Decimal {
  readonly units: bigint
  readonly scale: number
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/

/** Parses a plain decimal string ("1.175", "-0.5", "2") or a finite number; undefined when malformed. */
export function parseDecimal(input: string | number): Decimal | undefined {
  const text = typeof input === 'number' ? numberToPlainString(input) : input.trim()
  if (text === undefined) return undefined
  const match = DECIMAL.exec(text)
  if (!match) return undefined
  const [, sign, whole = '', fraction = ''] = match
  const units = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n)
  return { units, scale: fraction.length }
}

function numberToPlainString(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined
  // toPrecision(15) stays within the digits a double holds exactly, then drop exponent notation.
  const text = String(Number(value.toPrecision(15)))
  if (!/e/i.test(text)) return text
  return value.toFixed(20).replace(/\.?0+$/, '')
}

/** Renders a decimal back to a plain string, trimming trailing zeros (but keeping at least one digit). */
export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0')
  const whole = digits.slice(0, digits.length - value.scale)
  const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

export const pow10 = (n: number): bigint => 10n ** BigInt(n)

/** How a quotient that falls exactly between two integers is rounded. */
export type RoundingMode = 'half-up' | 'half-even'

/** numerator / denominator rounded to an integer; half-up rounds ties away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero')
  if (denominator < 0n) return divideRounded(-numerator, -denominator, mode)
  const negative = numerator < 0n
  const n = negative ? -numerator : numerator
  let quotient = n / denominator
  const twiceRemainder = (n % denominator) * 2n
  if (twiceRemainder > denominator) quotient += 1n
  else if (twiceRemainder === denominator) {
    if (mode === 'half-up' || quotient % 2n === 1n) quotient += 1n
  }
  return negative ? -quotient : quotient
}

/**
 * 1 / value to `significantDigits` significant digits (rounded half-even), so a large rate's
 * small inverse keeps its precision.
 */
export function invertDecimal(value: Decimal, significantDigits: number): Decimal {
  const magnitude = (value.units < 0n ? -value.units : value.units).toString().length - value.scale
  const fractionDigits = significantDigits + Math.max(0, magnitude)
  const units = divideRounded(pow10(value.scale + fractionDigits), value.units, 'half-even')
  return { units, scale: fractionDigits }
}
