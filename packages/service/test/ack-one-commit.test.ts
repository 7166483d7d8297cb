// Acknowledging a notification costs one write: the event and the reply that acknowledges it go
// to the store together (one transaction, one group commit on SQLite), and a repeat is answered
// from the store byte for byte. A settled PENDING payment, which the store reports as a conflict
// and the engine then supersedes, still gets its reply stored.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import type { Store } from '@opayo-kashflow/sync'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import {
  FakeKashflow,
  buildServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-ack-one-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const KEY = 'IK776BWNHN'
const TX = 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2'

async function setup(store: Store) {
  await store.saveRegistration({
    vendorTxCode: 'INV-1042-1',
    securityKey: KEY,
    amount: 12000,
    currency: 'GBP',
    txType: 'PAYMENT',
    createdAt: 0,
  })
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({ ...CREDENTIALS, fetch: new FakeKashflow().fetch }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
  })
  return async (overrides: Record<string, string> = {}) => {
    const response = await service.handler(
      new Request('http://service.local/opayo/notify', {
        method: 'POST',
        body: new URLSearchParams(
          signServerNotification(
            buildServerNotification({
              VendorTxCode: 'INV-1042-1',
              VPSTxId: `{${TX}}`,
              ...overrides,
            }),
            {
              vendorName: 'myshop',
              securityKey: KEY,
            },
          ),
        ),
      }),
    )
    return response.text()
  }
}

describe('a notification acknowledged in one write', () => {
  it('on SQLite: the event and its reply are committed in one group, and a repeat gets the same bytes', async () => {
    const groups: number[] = []
    const store = await sqliteStore({
      path: join(dir, 'one.db'),
      onGroupCommit: (writes) => groups.push(writes),
    })
    const notify = await setup(store)
    groups.length = 0 // the registration
    const first = await notify()
    expect(first).toMatch(/^Status=OK\r\n/)
    expect(groups).toEqual([1])
    expect(await store.getReply(TX)).toStrictEqual({ status: 'OK', body: first })
    expect(await notify()).toBe(first)
    expect(groups).toEqual([1]) // the repeat was answered from the store, no write
    await store.close()
  })

  it('stores the reply of a PENDING payment that settled (a conflict the engine supersedes)', async () => {
    const store = memoryStore()
    const saved: string[] = []
    const saveReply = store.saveReply.bind(store)
    store.saveReply = (input) => {
      saved.push(input.status)
      return saveReply(input)
    }
    const notify = await setup(store)
    const pending = await notify({ Status: 'PENDING', StatusDetail: 'Awaiting the bank.' })
    expect(pending).toMatch(/^Status=OK\r\n/)
    // Stored with the event, not written again through saveReply.
    expect(saved).toEqual([])
    expect((await store.getReply(TX))?.status).toBe('PENDING')
    const settled = await notify()
    expect(settled).toMatch(/^Status=OK\r\n/)
    expect(saved).toEqual(['OK'])
    expect(await store.getReply(TX)).toStrictEqual({ status: 'OK', body: settled })
    expect(await notify()).toBe(settled)
  })
})
