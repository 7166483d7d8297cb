import { InvalidArgumentError, convert, invertRate, money } from '@opayo-kashflow/core'
import type { RateRecord } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { fromKashflowExchangeRate, toKashflowExchangeRate } from '../src/index.js'

const gbpEur: RateRecord = {
  from: 'GBP',
  to: 'EUR',
  value: '1.1650',
  source: 'static',
  at: '2026-11-01',
}

describe("KashFlow's ExchangeRate convention (foreign units per 1 home unit)", () => {
  it('reads the documented example: AUD ExchangeRate 2.0000 means home = foreign / 2', () => {
    // KashFlow's example in CappyTech/KashFlowAPI-CRON-ts docs/PurchasesRESTExample.json:
    // GrossAmount 195.08 AUD, ExchangeRate 2.0000, HomeCurrencyGrossAmount 97.54
    const rate = fromKashflowExchangeRate({
      homeCurrency: 'GBP',
      currency: 'AUD',
      exchangeRate: 2.0,
      at: '2026-11-01',
    })
    expect(rate).toMatchObject({ ok: true, value: { from: 'GBP', to: 'AUD', value: '2' } })
    if (!rate.ok) return
    const home = convert(money(19508, 'AUD'), 'GBP', invertRate(rate.value))
    expect(home).toMatchObject({ value: { money: money(9754, 'GBP') } })
  })

  it('gives the KashFlow rate from a rate in either direction', () => {
    expect(toKashflowExchangeRate(gbpEur, 'GBP')).toBe('1.1650')
    expect(Number(toKashflowExchangeRate(invertRate(gbpEur), 'GBP'))).toBeCloseTo(1.165, 10)
    expect(() => toKashflowExchangeRate({ ...gbpEur, from: 'USD' }, 'GBP')).toThrow(
      InvalidArgumentError,
    )
  })

  it('writes the rate as a plain decimal, and refuses zero, negatives and junk', () => {
    const read = (exchangeRate: string | number) =>
      fromKashflowExchangeRate({ homeCurrency: 'GBP', currency: 'EUR', exchangeRate, at: 'x' })
    expect(read('0117.5000')).toMatchObject({
      ok: true,
      value: { value: '117.5', source: 'kashflow' },
    })
    expect(read(1.165)).toMatchObject({ ok: true, value: { value: '1.165' } })
    expect(read(0.1 + 0.2)).toMatchObject({ ok: true, value: { value: '0.3' } })
    expect(read(1e-7)).toMatchObject({ ok: true, value: { value: '0.0000001' } })
    for (const bad of [0, '0.000', -1.2, '-1', 'abc', '', Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(read(bad)).toMatchObject({
        ok: false,
        issues: [{ code: 'invalid_amount', path: ['exchangeRate'] }],
      })
    }
  })
})
