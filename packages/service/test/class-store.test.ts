// createSyncService with a Store written as a class with private #fields (a user's own adapter):
// a signed notification is stored with its reply and answered OK, and a drain posts it. Before
// the service called through the store, its wrapper inherited from it (Object.create) and every
// method other than ingest failed with "Cannot read private member".
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import {
  FakeKashflow,
  buildServerNotification,
  parseNotificationReply,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { ClassStore } from '../../../test/support/class-store.js'
import { createSyncService } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const KEY = 'IK776BWNHN'
const VPS_TX_ID = '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}'

describe('createSyncService over a class store with private #fields', () => {
  it('answers a signed notification OK, stores its reply, and posts it on drain', async () => {
    const store = new ClassStore()
    await store.saveRegistration({
      vendorTxCode: 'INV-1042-1',
      securityKey: KEY,
      amount: 12000,
      currency: 'GBP',
      txType: 'PAYMENT',
      createdAt: 0,
    })
    const fake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
    const service = createSyncService({
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: fake.fetch }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      opayo: { vendorName: 'myshop' },
      redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
      poll: false,
    })
    const response = await service.handler(
      new Request('http://service.local/opayo/notify', {
        method: 'POST',
        body: new URLSearchParams(
          signServerNotification(
            buildServerNotification({ VendorTxCode: 'INV-1042-1', VPSTxId: VPS_TX_ID }),
            { vendorName: 'myshop', securityKey: KEY },
          ),
        ),
      }),
    )
    const body = await response.text()
    expect(parseNotificationReply(body, response.status).status).toBe('OK')
    expect(await store.getReply('F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2')).toEqual({
      status: 'OK',
      body,
    })

    await service.engine.drain()
    const events = await store.list()
    expect(events.map((e) => e.state)).toEqual(['posted'])
    expect(await store.ledger(events[0]!.id)).toMatchObject([{ state: 'done' }])
    expect(fake.linesSentWith(events[0]!.id.replace(/^opayo:/, 'OPAYO:'))).toHaveLength(1)
    expect(await service.engine.status()).toMatchObject({ conflicts: 0 })
  })
})
