import { describe, expect, it } from 'vitest'
import {
  ISO_4217_MINOR_UNITS,
  InvalidArgumentError,
  add,
  allocate,
  compare,
  format,
  isCurrencyCode,
  isZero,
  minorUnitExponent,
  money,
  negate,
  parseAmount,
  subtract,
  toDecimalString,
  toMajorUnitsNumber,
} from '../src/index.js'

describe('the ISO 4217 table', () => {
  it('has the minor units of ISO 4217 List One', () => {
    expect(minorUnitExponent('GBP')).toBe(2)
    expect(minorUnitExponent('EUR')).toBe(2)
    expect(minorUnitExponent('JPY')).toBe(0)
    expect(minorUnitExponent('KRW')).toBe(0)
    expect(minorUnitExponent('BHD')).toBe(3)
    expect(minorUnitExponent('KWD')).toBe(3)
    expect(minorUnitExponent('CLF')).toBe(4)
  })

  it('holds every active currency and no withdrawn or non-money code', () => {
    expect(Object.keys(ISO_4217_MINOR_UNITS).length).toBeGreaterThanOrEqual(150)
    expect(isCurrencyCode('ZWG')).toBe(true)
    expect(isCurrencyCode('HRK')).toBe(false) // withdrawn 2023
    expect(isCurrencyCode('XAU')).toBe(false) // gold has no minor unit
    expect(isCurrencyCode('gbp')).toBe(false)
  })
})

describe('money()', () => {
  it('builds money from integer minor units', () => {
    expect(money(1999, 'GBP')).toEqual({ amount: 1999, currency: 'GBP' })
  })

  it('rejects major units and unknown currencies with a typed error', () => {
    expect(() => money(19.99, 'GBP')).toThrow(InvalidArgumentError)
    expect(() => money(1, 'XYZ')).toThrow(/not an active ISO 4217/)
  })
})

describe('parseAmount()', () => {
  it.each([
    ['99.99', 'GBP', 9999],
    ['1,231.47', 'GBP', 123147],
    ['1,000,000.00', 'GBP', 100000000],
    ['0.01', 'GBP', 1],
    ['5', 'GBP', 500],
    ['117.5000', 'GBP', 11750],
    ['-12.30', 'EUR', -1230],
    ['500', 'JPY', 500],
    ['1.234', 'BHD', 1234],
    [' 12.5 ', 'GBP', 1250],
  ])('parses %s %s as %i minor units', (text, currency, amount) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, value: { amount, currency } })
  })

  it('reports more decimals than the currency allows instead of rounding', () => {
    const result = parseAmount('10.005', 'GBP')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.issues[0]?.code).toBe('too_many_decimals')
    expect(parseAmount('1.5', 'JPY').ok).toBe(false)
  })

  it.each(['', 'abc', '1.2.3', '1,23.00', '12,3456', '.5', '£12.00', '1e3', 'NaN'])(
    'reports %j as an invalid amount',
    (text) => {
      const result = parseAmount(text, 'GBP', ['Amount'])
      expect(result).toMatchObject({
        ok: false,
        issues: [{ code: 'invalid_amount', path: ['Amount'] }],
      })
    },
  )

  it('reports an unknown currency and an out-of-range amount', () => {
    expect(parseAmount('1.00', 'XXX')).toMatchObject({
      ok: false,
      issues: [{ code: 'unknown_currency' }],
    })
    expect(parseAmount('900719925474099.92', 'GBP')).toMatchObject({
      ok: false,
      issues: [{ code: 'amount_out_of_range' }],
    })
  })
})

describe('arithmetic', () => {
  const a = money(1050, 'GBP')
  const b = money(275, 'GBP')

  it('adds, subtracts, negates and compares', () => {
    expect(add(a, b)).toEqual(money(1325, 'GBP'))
    expect(subtract(b, a)).toEqual(money(-775, 'GBP'))
    expect(negate(a)).toEqual(money(-1050, 'GBP'))
    expect(Object.is(negate(money(0, 'GBP')).amount, 0)).toBe(true)
    expect(compare(a, b)).toBe(1)
    expect(compare(b, a)).toBe(-1)
    expect(compare(a, a)).toBe(0)
    expect(isZero(money(0, 'JPY'))).toBe(true)
    expect(isZero(a)).toBe(false)
  })

  it('refuses to combine two currencies', () => {
    expect(() => add(a, money(1, 'EUR'))).toThrow(/cannot combine GBP and EUR/)
    expect(() => compare(a, money(1, 'EUR'))).toThrow(InvalidArgumentError)
  })

  it('has no float drift where major-unit floats would', () => {
    expect(add(money(10, 'GBP'), money(20, 'GBP'))).toEqual(money(30, 'GBP')) // 0.1 + 0.2
  })
})

describe('allocate()', () => {
  it('splits by ratios and gives the remainder to the largest shares first', () => {
    expect(allocate(money(1000, 'GBP'), [1, 1, 1]).map((m) => m.amount)).toEqual([334, 333, 333])
    expect(allocate(money(5, 'GBP'), [3, 7]).map((m) => m.amount)).toEqual([2, 3]) // a tie: the earlier part wins
    expect(allocate(money(10, 'GBP'), [1, 2]).map((m) => m.amount)).toEqual([3, 7])
    expect(allocate(money(100, 'JPY'), [1, 0, 1]).map((m) => m.amount)).toEqual([50, 0, 50])
  })

  it('splits negative money symmetrically', () => {
    expect(allocate(money(-1000, 'GBP'), [1, 1, 1]).map((m) => m.amount)).toEqual([
      -334, -333, -333,
    ])
  })

  it('rejects fractional, negative and all-zero ratios', () => {
    expect(() => allocate(money(1, 'GBP'), [0.5, 0.5])).toThrow(InvalidArgumentError)
    expect(() => allocate(money(1, 'GBP'), [-1, 2])).toThrow(InvalidArgumentError)
    expect(() => allocate(money(1, 'GBP'), [0, 0])).toThrow(InvalidArgumentError)
    expect(() => allocate(money(1, 'GBP'), [])).toThrow(InvalidArgumentError)
  })
})

describe('toDecimalString() and format()', () => {
  it('renders what KashFlow expects: the currency decimals, no separators', () => {
    expect(toDecimalString(money(123147, 'GBP'))).toBe('1231.47')
    expect(toDecimalString(money(5, 'GBP'))).toBe('0.05')
    expect(toDecimalString(money(-500, 'GBP'))).toBe('-5.00')
    expect(toDecimalString(money(500, 'JPY'))).toBe('500')
    expect(toDecimalString(money(1234, 'BHD'))).toBe('1.234')
    expect(toMajorUnitsNumber(money(11750, 'GBP'))).toBe(117.5)
  })

  it('formats for people with symbols and thousands separators', () => {
    expect(format(money(123147, 'GBP'))).toBe('£1,231.47')
    expect(format(money(-500, 'EUR'))).toBe('-€5.00')
    expect(format(money(500, 'JPY'))).toBe('¥500')
    expect(format(money(1234567, 'BHD'))).toBe('1,234.567 BHD')
  })
})
