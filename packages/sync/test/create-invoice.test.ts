// unmatchedReference: { action: 'create-invoice' }: the engine creates the invoice a shop's
// payment is for (customer upserted by email, marker in CustomerReference) and posts the payment
// to it, exactly once, also across a crash between the create and the payment.
import { definePostingRules, postingMarker } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteStore } from '../src/sqlite.js'
import { invoiceMarker, oneLineFor } from '../src/engine/create-invoice.js'
import { harness, payment } from './helpers.js'

const rules = (extra: Record<string, unknown> = {}) =>
  definePostingRules({
    bankAccountId: 55166,
    paymentMethodId: 409844,
    unmatchedReference: { action: 'create-invoice', nominalCode: 4000, vatRate: 20, ...extra },
  })
let n = 0
const shopPayment = (withCustomer = true, kind: 'payment' | 'refund' = 'payment') => {
  n += 1
  const tx = `5A0E0000-0000-4000-8000-${String(n).padStart(12, '0')}`
  return payment(0, {
    id: `opayo:${tx}:${kind}`,
    kind,
    source: {
      system: 'opayo',
      protocol: 'server',
      transactionId: tx,
      vendorTxCode: `SHOP-ORDER-55${n}`,
      verified: true,
    },
    amount: { amount: 2400, currency: 'GBP' },
    ...(withCustomer
      ? {
          customer: {
            firstName: 'Jo',
            lastName: 'Bloggs',
            email: 'jo@example.co.uk',
            billingAddress: {
              lines: [' 1  High St '],
              city: 'London',
              postalCode: 'sw1a1aa',
              countryCode: 'GB',
            },
          },
        }
      : {}),
  })
}

describe('create-invoice for a payment whose reference matches no pattern', () => {
  it('upserts the customer, creates one marked invoice for the amount paid and posts the payment to it', async () => {
    const h = harness({ engine: { rules: rules() } })
    const p = shopPayment()
    await h.engine.ingest(p)
    await h.settle()
    const marker = invoiceMarker(p.source.transactionId)
    const invoices = [...h.fake.invoices.values()].filter((i) => i.CustomerReference === marker)
    expect(invoices).toHaveLength(1)
    const invoice = invoices[0]!
    expect(invoice.GrossAmount).toBe(24)
    const customer = h.fake.customers.get(invoice.CustomerCode)
    expect(customer).toMatchObject({
      Contacts: [expect.objectContaining({ Email: 'jo@example.co.uk' })],
    })
    expect(JSON.stringify(customer)).toContain('SW1A 1AA') // the standardised address
    expect(invoice.PaymentLines).toHaveLength(1)
    expect(h.linesWith(postingMarker(p.source.transactionId, 'payment'))).toHaveLength(1)
    expect(await h.store.get(p.id)).toMatchObject({
      state: 'posted',
      detail: { match: { via: 'create-invoice', invoiceNumber: invoice.Number, marker } },
    })
  })

  it('a crash after the create and before the payment reads the invoice back: one invoice, one payment', async () => {
    let crashAt: string | undefined
    const h = harness({
      engine: {
        rules: rules(),
        afterWrite: (_id, marker) => {
          if (marker === crashAt) {
            crashAt = undefined
            throw new Error('the process died after KashFlow created the invoice')
          }
        },
      },
    })
    const p = shopPayment()
    crashAt = invoiceMarker(p.source.transactionId)
    await h.engine.ingest(p)
    await h.settle()
    expect(crashAt).toBeUndefined() // the crash happened
    const marker = invoiceMarker(p.source.transactionId)
    expect(
      [...h.fake.invoices.values()].filter((i) => i.CustomerReference === marker),
    ).toHaveLength(1)
    expect(h.fake.requestCounts()['POST /invoices']).toBe(1)
    expect(h.linesWith(postingMarker(p.source.transactionId, 'payment'))).toHaveLength(1)
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    // Replaying the posted event changes nothing.
    expect(await h.engine.deadLetters.replay([p.id])).toEqual({ replayed: [], dryRun: false })
  })

  it('without an email it invoices customerCode, and without one it dead-letters with the reason', async () => {
    const h = harness({ engine: { rules: rules() } })
    const anonymous = shopPayment(false)
    await h.engine.ingest(anonymous)
    await h.settle()
    expect(await h.store.get(anonymous.id)).toMatchObject({
      state: 'dead',
      reason: 'unmatched_reference',
      detail: { createInvoice: expect.stringMatching(/customerCode is not set/) },
    })
    expect(h.fake.requestCounts()['POST /invoices']).toBeUndefined()

    const shop = harness({
      seed: { customers: [{ Code: 'WEBSHOP', Name: 'Web shop sales' }] },
      engine: { rules: rules({ customerCode: 'WEBSHOP' }) },
    })
    const p = shopPayment(false)
    await shop.engine.ingest(p)
    await shop.settle()
    const invoice = [...shop.fake.invoices.values()].find(
      (i) => i.CustomerReference === invoiceMarker(p.source.transactionId),
    )
    expect(invoice).toMatchObject({ CustomerCode: 'WEBSHOP' })
    expect(invoice?.PaymentLines).toHaveLength(1)
  })

  it('never creates an invoice for a refund', async () => {
    const h = harness({ engine: { rules: rules() } })
    const refund = shopPayment(true, 'refund')
    await h.engine.ingest(refund)
    await h.settle()
    expect(await h.store.get(refund.id)).toMatchObject({
      state: 'dead',
      reason: 'unmatched_reference',
    })
    expect(h.fake.requestCounts()['POST /invoices']).toBeUndefined()
  })

  it('splits the amount paid into net and VAT that add up to the penny', () => {
    const line = oneLineFor(shopPayment(), { nominalCode: 4000, vatRate: 20 })
    expect(line.rate.amount + line.vatAmount.amount).toBe(2400)
    expect(line.vatAmount.amount).toBe(400)
    const odd = oneLineFor(payment(0, { amount: { amount: 999, currency: 'GBP' } }), {
      nominalCode: 4000,
      vatRate: 17.5,
    })
    expect(odd.rate.amount + odd.vatAmount.amount).toBe(999)
  })

  it("makes the invoice lines from the registration's basket when it adds up to the payment", async () => {
    const h = harness({ engine: { rules: rules() } })
    const p = shopPayment()
    const register = (basket: string, vendorTxCode: string) =>
      h.store.saveRegistration({
        vendorTxCode,
        securityKey: 'K',
        amount: 2400,
        currency: 'GBP',
        txType: 'PAYMENT',
        basket,
        createdAt: 0,
      })
    // Two blue mugs at £10.00 + £2.00 VAT each: £24.00, the amount paid.
    await register('1:Blue mug:2:10.00:2.00:12.00:24.00', p.source.vendorTxCode)
    // A basket that does not add up to the payment: one line of the amount instead.
    const q = shopPayment()
    await register('1:Red mug:3:10.00:2.00:12.00:36.00', q.source.vendorTxCode)
    await h.engine.ingest(p)
    await h.engine.ingest(q)
    await h.settle()
    const invoiceOf = (tx: string) =>
      [...h.fake.invoices.values()].find((i) => i.CustomerReference === invoiceMarker(tx))!
    const fromBasket = invoiceOf(p.source.transactionId)
    expect(fromBasket.GrossAmount).toBe(24)
    expect(fromBasket.LineItems).toHaveLength(1)
    expect(JSON.stringify(fromBasket.LineItems)).toContain('Blue mug')
    expect(fromBasket.LineItems?.[0]).toMatchObject({ Quantity: 2 })
    const oneLine = invoiceOf(q.source.transactionId)
    expect(oneLine.GrossAmount).toBe(24)
    expect(JSON.stringify(oneLine.LineItems)).toContain(`Opayo payment ${q.source.vendorTxCode}`)
    expect(fromBasket.PaymentLines).toHaveLength(1)
    expect(oneLine.PaymentLines).toHaveLength(1)
  })

  it('keeps the basket of a registration in SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ok-basket-'))
    try {
      const store = await sqliteStore({ path: join(dir, 'b.db') })
      const record = {
        vendorTxCode: 'SHOP-1',
        securityKey: 'K',
        amount: 2400,
        currency: 'GBP',
        txType: 'PAYMENT',
        basketXml: '<basket><item><description>Mug</description></item></basket>',
        createdAt: 1,
      }
      expect(await store.saveRegistration(record)).toBe('created')
      expect(await store.getRegistration('SHOP-1')).toEqual(record)
      expect(await store.saveRegistration({ ...record, basketXml: '<basket/>' })).toBe('conflict')
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
