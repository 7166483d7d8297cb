// A notification the store cannot record (a full disk) is answered ERROR, so Opayo retries; the
// service says so in its log at error level, with the transaction's ids and without a secret.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import type { Store } from '@opayo-kashflow/sync'
import {
  FakeKashflow,
  buildServerNotification,
  parseNotificationReply,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const KEY = 'IK776BWNHN'
const TX = 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2'

describe('acknowledging a notification', () => {
  it('logs a storage failure at error level with the event ids and no secret, and answers ERROR', async () => {
    const store = memoryStore()
    await store.saveRegistration({
      vendorTxCode: 'INV-1042-1',
      securityKey: KEY,
      amount: 12000,
      currency: 'GBP',
      txType: 'PAYMENT',
      createdAt: 0,
    })
    const full: Store = Object.create(store) as Store
    full.ingest = () => Promise.reject(new Error(`SQLITE_FULL: database or disk is full (${KEY})`))
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = []
    const at =
      (level: string) =>
      (message: string, fields: Record<string, unknown> = {}) =>
        lines.push({ level, message, fields })
    const service = createSyncService({
      store: full,
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: new FakeKashflow().fetch }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      opayo: { vendorName: 'myshop' },
      redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
      poll: false,
      logger: { info: at('info'), warn: at('warn'), error: at('error') },
    })
    const response = await service.handler(
      new Request('http://service.local/opayo/notify', {
        method: 'POST',
        body: new URLSearchParams(
          signServerNotification(
            buildServerNotification({ VendorTxCode: 'INV-1042-1', VPSTxId: `{${TX}}` }),
            { vendorName: 'myshop', securityKey: KEY },
          ),
        ),
      }),
    )
    expect(parseNotificationReply(await response.text(), response.status).status).toBe('ERROR')
    const errors = lines.filter((line) => line.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.fields).toMatchObject({
      vendorTxCode: 'INV-1042-1',
      vpsTxId: TX,
      reply: 'ERROR',
      error: { name: 'Error', message: expect.stringContaining('disk is full') as string },
    })
    expect(JSON.stringify(lines)).not.toContain(KEY)
  })
})
