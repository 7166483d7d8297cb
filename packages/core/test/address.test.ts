import { describe, expect, it } from 'vitest'
import {
  fitAddressLines,
  formatUkPostcode,
  resolveCountry,
  standardiseAddress,
  toLatin1,
} from '../src/index.js'

describe('formatUkPostcode()', () => {
  it.each([
    ['sw1a1aa', 'SW1A 1AA'],
    [' EC1V  4AB ', 'EC1V 4AB'],
    ['m11ae', 'M1 1AE'],
    ['b338th', 'B33 8TH'],
    ['cr26xh', 'CR2 6XH'],
    ['dn551pt', 'DN55 1PT'],
    ['gir0aa', 'GIR 0AA'],
    ['BFPO 801', 'BFPO 801'],
    ['bfpo2', 'BFPO 2'],
  ])('formats %j as %j', (input, expected) => {
    expect(formatUkPostcode(input)).toBe(expected)
  })

  it.each(['', '12345', 'SW1A 1AAA', 'SW1A 1CI', 'BFPO 12345', 'Q1 1AA1'])(
    'rejects %j',
    (input) => {
      expect(formatUkPostcode(input)).toBeUndefined()
    },
  )
})

describe('resolveCountry()', () => {
  it.each([
    ['GB', 'GB'],
    ['gbr', 'GB'],
    ['UK', 'GB'],
    ['United Kingdom', 'GB'],
    ['great britain', 'GB'],
    ['England', 'GB'],
    ['United States', 'US'],
    ['U.S.A.', 'US'],
    ['IRL', 'IE'],
    ['Ireland', 'IE'],
    ['the Netherlands', 'NL'],
    ['Türkiye', 'TR'],
    ['turkey', 'TR'],
    ['EL', 'GR'],
    ['Greece', 'GR'],
  ])('resolves %j to %s', (input, code) => {
    expect(resolveCountry(input)).toBe(code)
  })

  it('returns undefined for what it does not know', () => {
    expect(resolveCountry('Atlantis')).toBeUndefined()
    expect(resolveCountry('')).toBeUndefined()
  })
})

describe('standardiseAddress()', () => {
  it('tidies whitespace, drops empty lines, formats the postcode, resolves the country, and lists each change', () => {
    const result = standardiseAddress({
      lines: ['  10   Downing Street ', '   ', undefined],
      city: ' London',
      postalCode: 'sw1a2aa',
      country: 'United Kingdom',
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.address).toEqual({
      lines: ['10 Downing Street'],
      city: 'London',
      postalCode: 'SW1A 2AA',
      countryCode: 'GB',
    })
    expect(result.value.changes.map((c) => `${c.field}:${c.rule}`)).toEqual([
      'lines:whitespace',
      'lines:whitespace',
      'lines:empty-line',
      'city:whitespace',
      'countryCode:country',
      'postalCode:postcode-format',
    ])
  })

  it('reports an invalid UK postcode and an unknown country as issues', () => {
    expect(
      standardiseAddress({ lines: ['1 High St'], postalCode: 'ABC', country: 'GB' }),
    ).toMatchObject({
      ok: false,
      issues: [{ code: 'invalid_postcode', path: ['postalCode'] }],
    })
    expect(standardiseAddress({ lines: [], country: 'Narnia' })).toMatchObject({
      ok: false,
      issues: [{ code: 'unknown_country', path: ['country'] }],
    })
  })

  it('leaves non-UK postcodes alone apart from case', () => {
    const result = standardiseAddress({
      lines: ['Keizersgracht 1'],
      postalCode: '1015 cs',
      country: 'NL',
    })
    expect(result).toMatchObject({ ok: true, value: { address: { postalCode: '1015 CS' } } })
  })

  it('uses the default country when none is given', () => {
    const result = standardiseAddress(
      { lines: ['1 High St'], postalCode: 'M1 1AE' },
      { defaultCountry: 'GB' },
    )
    expect(result).toMatchObject({ ok: true, value: { address: { countryCode: 'GB' } } })
  })

  it("applies KashFlow's rule: Greece is recorded as EL", () => {
    const result = standardiseAddress(
      { lines: ['Odos 1'], country: 'Greece' },
      { target: 'kashflow' },
    )
    expect(result).toMatchObject({ ok: true, value: { address: { countryCode: 'EL' } } })
    if (result.ok)
      expect(result.value.changes).toContainEqual({
        field: 'countryCode',
        rule: 'target',
        from: 'GR',
        to: 'EL',
      })
  })

  it("applies Opayo's rule: every field in ISO-8859-1", () => {
    const result = standardiseAddress(
      { lines: ['ul. Łąkowa 5'], city: 'Łódź', country: 'PL' },
      { target: 'opayo' },
    )
    expect(result).toMatchObject({
      ok: true,
      value: { address: { lines: ['ul. Lakowa 5'], city: 'Lódz', countryCode: 'PL' } },
    })
  })
})

describe('fitAddressLines()', () => {
  const address = {
    lines: ['Flat 3, The Old Rectory', 'Long Lane near the Village Green'],
    city: 'Bath',
  }

  it('leaves an address that fits untouched', () => {
    expect(fitAddressLines(address, { maxLines: 2, maxLength: 50 })).toEqual({
      ok: true,
      value: address,
    })
  })

  it('wraps long lines at word boundaries', () => {
    expect(fitAddressLines(address, { maxLines: 4, maxLength: 20 })).toEqual({
      ok: true,
      value: {
        ...address,
        lines: ['Flat 3, The Old', 'Rectory', 'Long Lane near the', 'Village Green'],
      },
    })
  })

  it('joins lines when wrapping each alone needs too many', () => {
    expect(
      fitAddressLines({ lines: ['1', 'High', 'Street'] }, { maxLines: 1, maxLength: 20 }),
    ).toEqual({
      ok: true,
      value: { lines: ['1 High Street'] },
    })
  })

  it('splits a word longer than a line rather than dropping it', () => {
    expect(
      fitAddressLines({ lines: ['Llanfairpwllgwyngyll'] }, { maxLines: 2, maxLength: 10 }),
    ).toEqual({
      ok: true,
      value: { lines: ['Llanfairpw', 'llgwyngyll'] },
    })
  })

  it('reports text that cannot fit at all', () => {
    expect(fitAddressLines(address, { maxLines: 1, maxLength: 10 })).toMatchObject({
      ok: false,
      issues: [{ code: 'address_too_long', path: ['lines'] }],
    })
  })
})

describe('toLatin1()', () => {
  it('keeps Latin-1 text as it is', () => {
    expect(toLatin1('Café Zoë, Straße 5')).toEqual({ text: 'Café Zoë, Straße 5', changes: [] })
  })

  it('transliterates and reports every change', () => {
    const result = toLatin1('Łódź – “Ők” €5…')
    expect(result.text).toBe('Lódz - "Ok" EUR5...') // ó is Latin-1 and stays
    expect(result.changes).toEqual([
      { index: 0, from: 'Ł', to: 'L' },
      { index: 3, from: 'ź', to: 'z' },
      { index: 5, from: '–', to: '-' },
      { index: 7, from: '“', to: '"' },
      { index: 8, from: 'Ő', to: 'O' },
      { index: 10, from: '”', to: '"' },
      { index: 12, from: '€', to: 'EUR' },
      { index: 14, from: '…', to: '...' },
    ])
  })

  it('replaces what has no Latin-1 spelling with ? and says so', () => {
    expect(toLatin1('東京 😀')).toEqual({
      text: '?? ?',
      changes: [
        { index: 0, from: '東', to: '?' },
        { index: 1, from: '京', to: '?' },
        { index: 3, from: '😀', to: '?' },
      ],
    })
  })
})
