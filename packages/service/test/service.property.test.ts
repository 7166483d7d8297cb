// Property: a verified notification's unsigned fields cannot change what the store holds.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import {
  FakeKashflow,
  buildServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { memoryStore } from '@opayo-kashflow/sync'
import type { Store } from '@opayo-kashflow/sync'
import { createSyncService } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const KEY = 'IK776BWNHN'
const TX = '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}'

/** Fields Opayo posts but does not sign (VPSSignature covers none of them). */
const unsignedField = fc.oneof(
  fc.record({
    name: fc.constant('TxType'),
    value: fc.constantFrom('PAYMENT', 'REFUND', 'DEFERRED', 'AUTHENTICATE', 'REPEAT', 'TOKEN', ''),
  }),
  fc.record({
    name: fc.constant('Surcharge'),
    value: fc.oneof(
      fc.integer({ min: 0, max: 9_999_999 }).map((n) => (n / 100).toFixed(2)),
      fc.string(),
    ),
  }),
  fc.record({ name: fc.constant('StatusDetail'), value: fc.string({ maxLength: 80 }) }),
  fc.record({ name: fc.constant('VPSProtocol'), value: fc.constantFrom('3.00', '4.00', '2.23') }),
  fc.record({
    name: fc
      .stringMatching(/^[A-Z][A-Za-z]{2,12}$/)
      .filter(
        (n) => !['VPSSignature', 'VendorTxCode', 'VPSTxId', 'Status', 'TxAuthNo'].includes(n),
      ),
    value: fc.string({ maxLength: 40 }),
  }),
)

function serviceOn(store: Store) {
  return createSyncService({
    store,
    kashflow: createKashflowClient({
      ...CREDENTIALS,
      fetch: new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] }).fetch,
    }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
  })
}

const post = async (service: ReturnType<typeof serviceOn>, fields: Record<string, string>) =>
  (
    await service.handler(
      new Request('http://service.local/opayo/notify', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      }),
    )
  ).text()

describe('a verified notification', () => {
  it('changed in any unsigned field, after a restart, leaves the store unchanged and gets the same reply', async () => {
    const genuine = signServerNotification(
      buildServerNotification({ VendorTxCode: 'INV-1042-1', VPSTxId: TX }),
      { vendorName: 'myshop', securityKey: KEY },
    )
    await fc.assert(
      fc.asyncProperty(fc.array(unsignedField, { minLength: 1, maxLength: 5 }), async (changes) => {
        const store = memoryStore()
        await store.saveRegistration({
          vendorTxCode: 'INV-1042-1',
          securityKey: KEY,
          amount: 12000,
          currency: 'GBP',
          txType: 'PAYMENT',
          createdAt: 0,
        })
        const first = serviceOn(store)
        const reply = await post(first, genuine)
        const before = JSON.stringify(await store.list())
        const restarted = serviceOn(store)
        const altered = { ...genuine }
        for (const { name, value } of changes) altered[name] = value
        expect(await post(restarted, altered)).toBe(reply)
        expect(JSON.stringify(await store.list())).toBe(before)
      }),
      { numRuns: 100 },
    )
  })
})
