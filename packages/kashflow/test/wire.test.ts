import { money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import {
  KashflowResponseError,
  fromKashflowAmount,
  parseKashflowDate,
  toKashflowAmount,
  toKashflowDate,
} from '../src/index.js'

describe('KashFlow dates (calendar days at noon, Europe/London)', () => {
  it('sends the calendar day at noon', () => {
    expect(toKashflowDate('2026-11-02')).toBe('2026-11-02 12:00:00')
    // An instant is taken at its Europe/London date: 23:30 UTC in July is the next day in London.
    expect(toKashflowDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02 12:00:00')
  })

  it('reads all three shapes KashFlow returns, and the "no date" sentinels', () => {
    expect(parseKashflowDate('2022-03-31 12:00:00')).toBe('2022-03-31')
    expect(parseKashflowDate('2025-04-05T00:00:00')).toBe('2025-04-05')
    expect(parseKashflowDate('2012-10-09 12:00:00 +05:30')).toBe('2012-10-09')
    expect(parseKashflowDate('2025-09-04T23:00:00Z')).toBe('2025-09-05')
    expect(parseKashflowDate('0001-01-01T00:00:00')).toBeUndefined()
    expect(parseKashflowDate('1900-01-01 00:00:00')).toBeUndefined()
    expect(parseKashflowDate(null)).toBeUndefined()
    expect(parseKashflowDate('yesterday')).toBeUndefined()
  })
})

describe('KashFlow money (JSON numbers, 4 dp in responses)', () => {
  it('sends numbers with the currency decimals and reads 4 dp into minor units', () => {
    expect(toKashflowAmount(money(12000, 'GBP'))).toBe(120)
    expect(toKashflowAmount(money(123147, 'GBP'))).toBe(1231.47)
    expect(fromKashflowAmount(117.5, 'GBP', 'DueAmount')).toEqual(money(11750, 'GBP'))
    expect(fromKashflowAmount(-20, 'GBP', 'Amount')).toEqual(money(-2000, 'GBP'))
    expect(fromKashflowAmount(500, 'JPY', 'Amount')).toEqual(money(500, 'JPY'))
  })

  it('refuses an amount that is not whole minor units rather than rounding it', () => {
    expect(() => fromKashflowAmount(0.3333, 'GBP', 'DueAmount')).toThrow(KashflowResponseError)
  })
})
