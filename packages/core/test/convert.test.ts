import { describe, expect, it } from 'vitest'
import {
  InvalidArgumentError,
  convert,
  invertRate,
  money,
  staticRateProvider,
} from '../src/index.js'
import type { RateRecord } from '../src/index.js'

const gbpEur: RateRecord = {
  from: 'GBP',
  to: 'EUR',
  value: '1.1650',
  source: 'static',
  at: '2026-11-01',
}

describe('convert()', () => {
  it('converts exactly and returns the rate it used', () => {
    const result = convert(money(10000, 'GBP'), 'EUR', gbpEur)
    expect(result).toEqual({ ok: true, value: { money: money(11650, 'EUR'), rate: gbpEur } })
  })

  it('rounds once, to the target minor unit, half-even by default', () => {
    const rate = { ...gbpEur, value: '0.5' }
    // 1p * 0.5 = 0.5 cent: half-even -> 0, half-up -> 1 (away from zero)
    expect(convert(money(1, 'GBP'), 'EUR', rate)).toMatchObject({ value: { money: { amount: 0 } } })
    expect(convert(money(3, 'GBP'), 'EUR', rate)).toMatchObject({ value: { money: { amount: 2 } } })
    expect(convert(money(1, 'GBP'), 'EUR', rate, { rounding: 'half-up' })).toMatchObject({
      value: { money: { amount: 1 } },
    })
    expect(convert(money(-1, 'GBP'), 'EUR', rate, { rounding: 'half-up' })).toMatchObject({
      value: { money: { amount: -1 } },
    })
  })

  it('handles currencies with different exponents', () => {
    const gbpJpy = { ...gbpEur, to: 'JPY' as const, value: '190.25' }
    expect(convert(money(1000, 'GBP'), 'JPY', gbpJpy)).toMatchObject({
      value: { money: { amount: 1902, currency: 'JPY' } }, // £10.00 -> ¥1902.5 -> ¥1902 (half-even)
    })
    const gbpBhd = { ...gbpEur, to: 'BHD' as const, value: '0.4712' }
    expect(convert(money(1000, 'GBP'), 'BHD', gbpBhd)).toMatchObject({
      value: { money: { amount: 4712, currency: 'BHD' } },
    })
  })

  it('reports a rate for the wrong pair', () => {
    expect(convert(money(1, 'USD'), 'EUR', gbpEur)).toMatchObject({
      ok: false,
      issues: [{ code: 'currency_mismatch' }],
    })
  })
})

describe('staticRateProvider()', () => {
  const provider = staticRateProvider({ 'GBP/EUR': '1.165', 'GBP/USD': 1.27 }, { at: '2026-11-01' })

  it('returns listed rates, identity, and derived inverses', async () => {
    expect(await provider.rate('GBP', 'EUR', '2026-11-02')).toEqual({ ...gbpEur, value: '1.165' })
    expect(await provider.rate('GBP', 'GBP', '2026-11-02')).toMatchObject({ value: '1' })
    expect(await provider.rate('EUR', 'GBP', '2026-11-02')).toEqual({
      from: 'EUR',
      to: 'GBP',
      value: '0.8583690987124464', // 1 / 1.165 to 16 decimals (15 significant + 1 integer digit)
      source: 'static (inverse)',
      at: '2026-11-01',
    })
    expect(await provider.rate('GBP', 'USD', 'x')).toMatchObject({ value: '1.27' })
    expect(await provider.rate('EUR', 'USD', 'x')).toBeUndefined()
  })

  it('rejects malformed tables', () => {
    expect(() => staticRateProvider({ GBPEUR: 1 })).toThrow(InvalidArgumentError)
    expect(() => staticRateProvider({ 'GBP/ABC': 1 })).toThrow(InvalidArgumentError)
    expect(() => staticRateProvider({ 'GBP/EUR': 0 })).toThrow(InvalidArgumentError)
    expect(() => staticRateProvider({ 'GBP/EUR': 'x' })).toThrow(InvalidArgumentError)
  })
})

describe('invertRate', () => {
  it('turns a rate round, same source and date, and refuses a non-positive one', () => {
    expect(invertRate(gbpEur)).toEqual({
      from: 'EUR',
      to: 'GBP',
      value: '0.8583690987124464',
      source: 'static',
      at: '2026-11-01',
    })
    expect(() => invertRate({ ...gbpEur, value: '0' })).toThrow(InvalidArgumentError)
  })
})
