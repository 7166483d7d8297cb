import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseOpayoBasket } from '../src/index.js'
import { OMNIPAY_COLON_BASKET, OMNIPAY_MIXED_BASKET_XML } from './fixtures/baskets.js'

describe('parseOpayoBasket', () => {
  it('reads omnipay-sagepay BasketXML: the item, both discounts, the total net of discounts', () => {
    const parsed = parseOpayoBasket({ basketXml: OMNIPAY_MIXED_BASKET_XML }, 'GBP')
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.value.format).toBe('basketXml')
    expect(parsed.value.lines).toEqual([
      {
        description: expect.stringMatching(/^Denis's Odd & Wierd name 1234/),
        quantity: 2,
        unitNet: { amount: 423, currency: 'GBP' },
        unitTax: { amount: 0, currency: 'GBP' },
        unitGross: { amount: 423, currency: 'GBP' },
        lineGross: { amount: 846, currency: 'GBP' },
      },
    ])
    expect(parsed.value.discounts.map((d) => d.amount.amount)).toEqual([20, 160])
    expect(parsed.value.delivery).toBeUndefined()
    expect(parsed.value.total).toEqual({ amount: 846 - 20 - 160, currency: 'GBP' })
  })

  it('reads the colon-separated Basket', () => {
    const parsed = parseOpayoBasket({ basket: OMNIPAY_COLON_BASKET }, 'GBP')
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        format: 'basket',
        lines: [{ description: 'Item', quantity: 2, lineGross: { amount: 2000 } }],
        total: { amount: 2000, currency: 'GBP' },
      },
    })
  })

  it('prefers BasketXML when both are given, and reads a delivery charge', () => {
    const withDelivery = OMNIPAY_MIXED_BASKET_XML.replace(
      '<discounts>',
      '<deliveryNetAmount>3.00</deliveryNetAmount><deliveryTaxAmount>0.60</deliveryTaxAmount><deliveryGrossAmount>3.60</deliveryGrossAmount><discounts>',
    )
    const parsed = parseOpayoBasket(
      { basket: OMNIPAY_COLON_BASKET, basketXml: withDelivery },
      'GBP',
    )
    expect(parsed).toMatchObject({
      ok: true,
      value: { format: 'basketXml', delivery: { amount: 360 }, total: { amount: 666 + 360 } },
    })
  })

  it('returns issues naming the line and field, never throws', () => {
    expect(parseOpayoBasket({}, 'GBP')).toMatchObject({
      ok: false,
      issues: [{ code: 'missing_value' }],
    })
    expect(parseOpayoBasket({ basket: '2:Item:1:1.00:0.00:1.00:1.00' }, 'GBP')).toMatchObject({
      ok: false,
      issues: [{ path: ['basket'], message: expect.stringContaining('needs 13') }],
    })
    expect(parseOpayoBasket({ basket: '1:Item:x:1.00:0.00:1.00:1.00' }, 'GBP')).toMatchObject({
      ok: false,
      issues: [{ path: ['lines', 0, 'quantity'] }],
    })
    expect(parseOpayoBasket({ basket: '1:Item:2:1.00:0.00:1.00:3.00' }, 'GBP')).toMatchObject({
      ok: false,
      issues: [{ code: 'invalid_amount', path: ['lines', 0, 'lineGross'] }],
    })
    expect(parseOpayoBasket({ basket: '1:Item:1:1.001:0.00:1.00:1.00' }, 'GBP')).toMatchObject({
      ok: false,
      issues: [{ path: ['lines', 0, 'unitNet'] }],
    })
    expect(parseOpayoBasket({ basketXml: '<order/>' }, 'GBP')).toMatchObject({
      ok: false,
      issues: [{ path: ['basketXml'] }],
    })
    expect(parseOpayoBasket({ basketXml: '<basket></basket>' }, 'GBP')).toMatchObject({
      ok: false,
      issues: [{ path: ['lines'] }],
    })
  })

  it('totals any well-formed colon basket exactly (sum of quantity x unit gross)', () => {
    const line = fc.record({
      name: fc.stringMatching(/^[A-Za-z0-9 ]{1,20}$/),
      quantity: fc.integer({ min: 1, max: 50 }),
      unit: fc.integer({ min: 0, max: 1_000_000 }),
    })
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const decimal = (minor: number) => (minor / 100).toFixed(2)
        const text = [
          String(lines.length),
          ...lines.flatMap((l) => [
            l.name,
            String(l.quantity),
            decimal(l.unit),
            '0.00',
            decimal(l.unit),
            decimal(l.unit * l.quantity),
          ]),
        ].join(':')
        const parsed = parseOpayoBasket({ basket: text }, 'GBP')
        expect(parsed.ok).toBe(true)
        if (parsed.ok)
          expect(parsed.value.total.amount).toBe(
            lines.reduce((sum, l) => sum + l.unit * l.quantity, 0),
          )
      }),
    )
  })
})
