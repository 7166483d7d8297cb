// A shop order end to end: registered with Opayo with its basket, billing details and email;
// Opayo's signed notification arrives; the service creates the KashFlow invoice from the basket
// for the customer upserted from the billing details, and posts the payment to it once.
import { createReferenceParser, definePostingRules, money } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoServerClient } from '@opayo-kashflow/opayo'
import { memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow, FakeOpayo, parseNotificationReply } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

describe('a shop order turned into a KashFlow invoice', () => {
  it('keeps the basket and the billing customer at registration, then invoices and pays once', async () => {
    const opayoFake = new FakeOpayo({ vendorName: 'myshop' })
    const kashflowFake = new FakeKashflow()
    const store = memoryStore()
    const service = createSyncService({
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: kashflowFake.fetch }),
      rules: definePostingRules({
        bankAccountId: 55166,
        paymentMethodId: 409844,
        unmatchedReference: { action: 'create-invoice', nominalCode: 4000, vatRate: 20 },
      }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      opayo: {
        vendorName: 'myshop',
        server: createOpayoServerClient({ vendorName: 'myshop', fetch: opayoFake.fetch }),
      },
      redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
      poll: false,
    })
    await service.registerServerTransaction({
      vendorTxCode: 'SHOP-5521',
      amount: money(2400, 'GBP'),
      description: 'Order 5521',
      notificationUrl: 'https://pay.example/opayo/notify',
      billing: {
        firstnames: 'Sam',
        surname: 'Jones',
        address: { lines: ['1 High St'], city: 'Bath', postalCode: 'ba11aa', country: 'GB' },
      },
      customerEmail: 'sam@example.co.uk',
      basket: '1:Blue mug:2:10.00:2.00:12.00:24.00',
    })
    expect(await store.getRegistration('SHOP-5521')).toMatchObject({
      basket: '1:Blue mug:2:10.00:2.00:12.00:24.00',
      customer: {
        firstName: 'Sam',
        lastName: 'Jones',
        email: 'sam@example.co.uk',
        billingAddress: { postalCode: 'BA1 1AA', countryCode: 'GB' },
      },
    })
    const completed = opayoFake.completeServerTransaction('SHOP-5521')
    const response = await service.handler(
      new Request('http://service.local/opayo/notify', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: completed.body,
      }),
    )
    expect(parseNotificationReply(await response.text()).status).toBe('OK')
    await service.engine.drain()
    await service.engine.drain()

    const invoices = [...kashflowFake.invoices.values()].filter((i) =>
      i.CustomerReference.startsWith('OPAYO-INV:'),
    )
    expect(invoices).toHaveLength(1)
    const invoice = invoices[0]!
    expect(invoice.GrossAmount).toBe(24)
    expect(JSON.stringify(invoice.LineItems)).toContain('Blue mug')
    expect(invoice.PaymentLines).toHaveLength(1)
    const customer = kashflowFake.customers.get(invoice.CustomerCode)
    expect(JSON.stringify(customer)).toContain('sam@example.co.uk')
    expect(JSON.stringify(customer)).toContain('BA1 1AA')
  })
})
