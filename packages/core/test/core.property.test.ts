import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ISO_4217_MINOR_UNITS,
  allocate,
  convert,
  createReferenceParser,
  fitAddressLines,
  format,
  invertRate,
  minorUnitExponent,
  money,
  parseAmount,
  planPostings,
  renderVendorTxCode,
  toDecimalString,
  toLatin1,
  createReferenceParser as parserOf,
  definePostingRules,
} from '../src/index.js'
import type { CanonicalPayment, CurrencyCode, RateRecord } from '../src/index.js'

const currencies = Object.keys(ISO_4217_MINOR_UNITS) as CurrencyCode[]
const currency = fc.constantFrom(...currencies)
const amount = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 })

/** Opayo Form style: thousands separators, as `format` writes them, minus the symbol. */
function withSeparators(decimal: string): string {
  const [sign, rest] = decimal.startsWith('-') ? ['-', decimal.slice(1)] : ['', decimal]
  const [whole = '', fraction] = rest.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`
}

describe('money properties', () => {
  it('parseAmount(toDecimalString(m)) is m, with or without thousands separators', () => {
    fc.assert(
      fc.property(amount, currency, (units, code) => {
        const m = money(units, code)
        const text = toDecimalString(m)
        expect(parseAmount(text, code)).toEqual({ ok: true, value: m })
        expect(parseAmount(withSeparators(text), code)).toEqual({ ok: true, value: m })
      }),
    )
  })

  it('format() shows every minor unit digit of the amount', () => {
    fc.assert(
      fc.property(amount, currency, (units, code) => {
        const digits = format(money(units, code))
          .replace(/[^0-9]/g, '')
          .replace(/^0+/, '')
        expect(digits).toBe(String(Math.abs(units)).replace(/^0+/, ''))
      }),
    )
  })

  it('allocate() preserves the sum and splits fairly (each part within one unit of its exact share)', () => {
    fc.assert(
      fc.property(
        amount,
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 })
          .filter((r) => r.some((x) => x > 0)),
        (units, ratios) => {
          const parts = allocate(money(units, 'GBP'), ratios)
          expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(units)
          const total = ratios.reduce((s, r) => s + r, 0)
          parts.forEach((p, i) => {
            const exact = (units * (ratios[i] ?? 0)) / total
            expect(Math.abs(p.amount - exact)).toBeLessThan(1 + 1e-6 * Math.abs(units))
          })
        },
      ),
    )
  })
})

describe('conversion properties', () => {
  const rateValue = fc
    .tuple(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 0, max: 6 }))
    .map(([units, scale]) => {
      const s = String(units).padStart(scale + 1, '0')
      return scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`
    })

  it('converting then converting back lands within one minor unit', () => {
    // Holds when the target's minor unit is worth no more than the source's: the first rounding
    // then loses at most half a source unit.
    fc.assert(
      fc.property(amount, currency, currency, rateValue, (units, from, to, value) => {
        const rate: RateRecord = { from, to, value, source: 'test', at: '2026-11-01' }
        const targetUnitInSource =
          10 ** minorUnitExponent(from) / 10 ** minorUnitExponent(to) / Number(value)
        fc.pre(targetUnitInSource <= 1)
        const there = convert(money(units, from), to, rate)
        if (!there.ok) return
        const back = convert(there.value.money, from, invertRate(rate))
        if (!back.ok) return
        expect(Math.abs(back.value.money.amount - units)).toBeLessThanOrEqual(1)
      }),
    )
  })
})

describe('reference properties', () => {
  it('renderVendorTxCode then parse returns the invoice number', () => {
    const parser = createReferenceParser(['INV-{invoice}-{attempt}'])
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
        (invoice, attempt) => {
          const code = renderVendorTxCode('INV-{invoice}-{attempt}', { invoice, attempt })
          expect(code.ok).toBe(true)
          if (code.ok) expect(parser.parse(code.value)).toEqual({ ok: true, value: invoice })
        },
      ),
    )
  })

  it('parse never throws on arbitrary input', () => {
    const parser = parserOf(['INV-{invoice}-{*}', /^(?<invoice>\d+)$/])
    fc.assert(fc.property(fc.string(), (text) => void parser.parse(text)))
  })
})

describe('address properties', () => {
  const line = fc.stringMatching(/^[A-Za-z0-9 ,'-]{0,60}$/)

  it('fitAddressLines keeps every non-space character, in order, or says it cannot fit', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 50 }),
        (lines, maxLines, maxLength) => {
          const result = fitAddressLines({ lines }, { maxLines, maxLength })
          if (!result.ok) {
            expect(result.issues[0]?.code).toBe('address_too_long')
            return
          }
          const squash = (ls: readonly string[]) => ls.join('').replace(/\s+/g, '')
          expect(squash(result.value.lines)).toBe(squash(lines))
          expect(result.value.lines.length).toBeLessThanOrEqual(Math.max(maxLines, lines.length))
          for (const l of result.value.lines) {
            if (result.value !== undefined && result.value.lines !== lines)
              expect(l.length).toBeLessThanOrEqual(maxLength)
          }
        },
      ),
    )
  })

  it('toLatin1 always yields ISO-8859-1 and changes only what it reports', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const result = toLatin1(text)
        expect([...result.text].every((c) => (c.codePointAt(0) ?? 0) <= 0xff)).toBe(true)
        if (result.changes.length === 0) expect(result.text).toBe(text.normalize('NFC'))
      }),
    )
  })
})

describe('planning properties', () => {
  const rules = definePostingRules({ bankAccountId: 1, paymentMethodId: 1 })
  const references = createReferenceParser(['INV-{invoice}-{*}'])

  it('planPostings is total: any object yields at least one intent and never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const intents = planPostings(input as CanonicalPayment, rules, { references })
        expect(intents.length).toBeGreaterThan(0)
      }),
    )
  })
})
