// `/health` turns degraded (503) when money stops moving: no worker loop (a mounted handler whose
// app never calls start()), a due event waiting too long, KashFlow refusing for too long. Time is
// a fake clock; the engine's idle wait is a real millisecond so start()'s loop does not spin.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import {
  FakeKashflow,
  buildServerNotification,
  parseNotificationReply,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import type { SyncServiceOptions } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const KEY = 'IK776BWNHN'
const MINUTE = 60_000

async function setup(overrides: Partial<SyncServiceOptions> = {}) {
  let t = Date.UTC(2024, 0, 1)
  const store = memoryStore()
  await store.saveRegistration({
    vendorTxCode: 'INV-1042-1',
    securityKey: KEY,
    amount: 12000,
    currency: 'GBP',
    txType: 'PAYMENT',
    createdAt: 0,
  })
  const warnings: { message: string; fields: unknown }[] = []
  const service = createSyncService({
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
    clock: { now: () => t },
    sleep: () => new Promise((resolve) => setTimeout(resolve, 1)),
    pollIntervalMs: 1,
    logger: { warn: (message, fields) => warnings.push({ message, fields }) },
    ...overrides,
  })
  const notify = async () => {
    const response = await service.handler(
      new Request('http://service.local/opayo/notify', {
        method: 'POST',
        body: new URLSearchParams(
          signServerNotification(
            buildServerNotification({
              VendorTxCode: 'INV-1042-1',
              VPSTxId: '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}',
            }),
            { vendorName: 'myshop', securityKey: KEY },
          ),
        ),
      }),
    )
    return parseNotificationReply(await response.text(), response.status).status
  }
  const health = async () => {
    const response = await service.handler(new Request('http://service.local/health'))
    return { status: response.status, body: await response.json() }
  }
  return { service, store, notify, health, warnings, advance: (ms: number) => (t += ms) }
}

describe('/health when money stops moving', () => {
  it('is 503 workers_not_running for a mounted handler whose app never called start(), warns once, and is ok once started', async () => {
    const { service, notify, health, warnings, advance } = await setup()
    expect(await notify()).toBe('OK')
    expect((await health()).status).toBe(200)
    advance(5_000)
    expect(await health()).toEqual({
      status: 503,
      body: { status: 'degraded', reasons: ['workers_not_running'] },
    })
    await health()
    const idle = warnings.filter((w) => w.message.includes('no worker has started'))
    expect(idle).toHaveLength(1)
    service.start()
    try {
      expect(await health()).toEqual({ status: 200, body: { status: 'ok' } })
    } finally {
      await service.stop()
    }
    // Stopped again: no loop runs.
    expect((await health()).body).toEqual({ status: 'degraded', reasons: ['workers_not_running'] })
  })

  it('counts a recent drain() as a running worker (tests, the demo, serverless), until the oldest-due threshold passes', async () => {
    const { service, notify, health, advance, warnings } = await setup()
    expect(await notify()).toBe('OK')
    await service.engine.drain()
    advance(10 * MINUTE)
    expect(await health()).toEqual({ status: 200, body: { status: 'ok' } })
    advance(6 * MINUTE)
    expect((await health()).body).toEqual({ status: 'degraded', reasons: ['workers_not_running'] })
    expect(warnings.filter((w) => w.message.includes('no worker has started'))).toHaveLength(0)
  })

  it('is 503 oldest_due_event_too_old when a due event waits longer than the threshold', async () => {
    const { notify, health, advance } = await setup({ health: { requireWorkers: false } })
    expect(await notify()).toBe('OK')
    advance(14 * MINUTE)
    expect((await health()).status).toBe(200)
    advance(10_000) // past the 5 s cache of the store read
    advance(2 * MINUTE)
    expect(await health()).toEqual({
      status: 503,
      body: { status: 'degraded', reasons: ['oldest_due_event_too_old'] },
    })
  })

  it('is 503 kashflow_refusing when KashFlow has refused every request for the threshold, shown in /admin/health', async () => {
    const down = () => Promise.resolve(new Response('down', { status: 503 }))
    const { service, notify, health, advance } = await setup({
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: down, retry: { limit: 0 } }),
      health: { kashflowRefusingMaxMs: 2 * MINUTE },
    })
    expect(await notify()).toBe('OK')
    await service.engine.drain()
    expect((await health()).status).toBe(200)
    advance(2 * MINUTE)
    await service.engine.drain()
    const now = await health()
    expect(now.status).toBe(503)
    expect(now.body).toEqual({ status: 'degraded', reasons: ['kashflow_refusing'] })
    const admin = await service.adminHandler(
      new Request('http://127.0.0.1:8081/admin/health', { headers: { host: '127.0.0.1:8081' } }),
    )
    expect(await admin.json()).toMatchObject({
      ok: false,
      health: { reasons: ['kashflow_refusing'], workersRunning: false },
    })
  })
})
