// Issue 19, finding 6: a basket is what the shop told Opayo at registration, so whoever can
// register can put anything in it. A negative line dead-lettered the payment (KashFlow refuses a
// negative rate) and a VAT of 5,000 % reached KashFlow as a VATLevel. Such a basket is not used:
// the invoice gets one line of the amount paid at the configured rate, and the payment is posted.
import { definePostingRules } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { allowedVatRates, vatLevelOf } from '../src/engine/basket-vat.js'
import { invoiceMarker } from '../src/engine/create-invoice.js'
import { harness, payment } from './helpers.js'

const rules = (extra: Record<string, unknown> = {}) =>
  definePostingRules({
    bankAccountId: 55166,
    paymentMethodId: 409844,
    unmatchedReference: { action: 'create-invoice', nominalCode: 4000, vatRate: 20, ...extra },
  })

let n = 0
const shopPayment = (amount: number) => {
  n += 1
  const tx = `5B0E0000-0000-4000-8000-${String(n).padStart(12, '0')}`
  return payment(0, {
    id: `opayo:${tx}:payment`,
    kind: 'payment',
    source: {
      system: 'opayo',
      protocol: 'server',
      transactionId: tx,
      vendorTxCode: `SHOP-VAT-${n}`,
      verified: true,
    },
    amount: { amount, currency: 'GBP' },
    customer: { firstName: 'Jo', lastName: 'Bloggs', email: 'jo@example.co.uk' },
  })
}

async function invoiceFor(basket: string, amount: number, extra: Record<string, unknown> = {}) {
  const h = harness({ engine: { rules: rules(extra) } })
  const p = shopPayment(amount)
  await h.store.saveRegistration({
    vendorTxCode: p.source.vendorTxCode,
    securityKey: 'K',
    amount,
    currency: 'GBP',
    txType: 'PAYMENT',
    basket,
    createdAt: 0,
  })
  await h.engine.ingest(p)
  await h.settle()
  const event = await h.store.get(p.id)
  const invoice = [...h.fake.invoices.values()].find(
    (i) => i.CustomerReference === invoiceMarker(p.source.transactionId),
  )
  return { event, invoice, vendorTxCode: p.source.vendorTxCode }
}

describe('basket lines that cannot be used fall back to one invoice line', () => {
  it('a negative basket line: one line of the amount paid, and the payment is posted', async () => {
    // £30.00 of mugs and a -£10.00 "line" that adds up to the £20.00 paid.
    const { event, invoice, vendorTxCode } = await invoiceFor(
      '2:Mug:1:25.00:5.00:30.00:30.00:Credit:1:-10.00:0.00:-10.00:-10.00',
      2000,
    )
    expect(event?.state).toBe('posted')
    expect(invoice?.LineItems).toHaveLength(1)
    expect(JSON.stringify(invoice?.LineItems)).toContain(`Opayo payment ${vendorTxCode}`)
    expect(invoice?.LineItems?.[0]).toMatchObject({ VATLevel: 20 })
    expect(invoice?.GrossAmount).toBe(20)
  })

  it('an absurd basket VAT rate never reaches KashFlow: one line at the configured rate', async () => {
    // Net 1.00, tax 50.00: 5,000 %, adding up to the £51.00 paid.
    const { event, invoice } = await invoiceFor('1:Mug:1:1.00:50.00:51.00:51.00', 5100)
    expect(event?.state).toBe('posted')
    expect(invoice?.LineItems).toHaveLength(1)
    expect(invoice?.LineItems?.[0]).toMatchObject({ VATLevel: 20 })
    expect(invoice?.GrossAmount).toBe(51)
  })

  it("a basket at a rate outside the configured vatRates falls back; one inside is posted at KashFlow's level", async () => {
    // 17.5 % is no UK rate today: not in the default levels.
    const old = await invoiceFor('1:Mug:1:10.00:1.75:11.75:11.75', 1175)
    expect(old.invoice?.LineItems).toHaveLength(1)
    expect(old.invoice?.LineItems?.[0]).toMatchObject({ VATLevel: 20 })
    // Configured as one of the account's rates, it is used.
    const allowed = await invoiceFor('1:Mug:1:10.00:1.75:11.75:11.75', 1175, {
      vatRates: [0, 17.5, 20],
    })
    expect(allowed.invoice?.LineItems?.[0]).toMatchObject({ Description: 'Mug', VATLevel: 17.5 })
    // A unit tax rounded by the shop (0.83 + 0.17 = 20.48 %) is posted at the level it was: 20.
    const rounded = await invoiceFor('1:Pen:3:0.83:0.17:1.00:3.00', 300)
    expect(rounded.invoice?.LineItems?.[0]).toMatchObject({ Description: 'Pen', VATLevel: 20 })
  })
})

describe('vatLevelOf', () => {
  it('names the allowed rate a line was taxed at, or nothing', () => {
    const allowed = allowedVatRates({ vatRate: 20 })
    expect(allowed).toEqual([0, 5, 20])
    expect(vatLevelOf({ unitNet: 1000, unitTax: 200 }, allowed)).toBe(20)
    expect(vatLevelOf({ unitNet: 1000, unitTax: 50 }, allowed)).toBe(5)
    expect(vatLevelOf({ unitNet: 1000, unitTax: 0 }, allowed)).toBe(0)
    expect(vatLevelOf({ unitNet: 0, unitTax: 0 }, allowed)).toBe(0)
    expect(vatLevelOf({ unitNet: 100, unitTax: 5000 }, allowed)).toBeUndefined()
    expect(vatLevelOf({ unitNet: -1000, unitTax: 0 }, allowed)).toBeUndefined()
    expect(vatLevelOf({ unitNet: 1000, unitTax: -200 }, allowed)).toBeUndefined()
  })
})
