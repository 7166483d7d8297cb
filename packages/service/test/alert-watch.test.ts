// The service's alerts, end to end: a real loopback webhook receiver gets a JSON message when an
// event is dead-lettered, when KashFlow's refusals turn /health degraded, and when it recovers.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow, parseNotificationReply } from '@opayo-kashflow/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import type { AlertMessage } from '../src/service/alerts.js'
import { CREDENTIALS } from './helpers.js'
import {
  notificationRequest,
  signedNotification,
  testRegistration,
} from './support/notifications.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

/** A webhook receiver on 127.0.0.1 recording each JSON body and its Authorization header. */
async function receiver() {
  const got: { body: AlertMessage; authorization: string | undefined }[] = []
  const server = createServer((request, response) => {
    let text = ''
    request.on('data', (chunk: Buffer) => (text += chunk.toString()))
    request.on('end', () => {
      got.push({
        body: JSON.parse(text) as AlertMessage,
        authorization: request.headers.authorization,
      })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got }
}

async function until(what: () => boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function setup(kashflowFetch: typeof fetch, url: string) {
  const store = memoryStore()
  for (const code of ['INV-1042-1', 'INV-9999-1'])
    await store.saveRegistration(testRegistration(code))
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({ ...CREDENTIALS, fetch: kashflowFetch, retry: { limit: 0 } }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks',
    poll: false,
    retry: { notFoundDelaysMs: [], delaysMs: [50, 50, 50, 50, 50, 50, 50, 50] },
    pollIntervalMs: 5,
    health: { kashflowRefusingMaxMs: 1 },
    alerts: {
      url,
      name: 'shop-test',
      headers: { authorization: 'Bearer receiver-token' },
      healthIntervalMs: 20,
    },
  })
  closers.push(() => service.stop())
  const notify = async (vendorTxCode: string, vpsTxId: string) => {
    const response = await service.handler(
      notificationRequest(
        'http://service.local/opayo/notify',
        signedNotification(vendorTxCode, vpsTxId),
      ),
    )
    return parseNotificationReply(await response.text(), response.status).status
  }
  return { service, notify }
}

describe('alerts', () => {
  it('posts a dead-lettered event to the webhook with its id, reason and service name', async () => {
    const hook = await receiver()
    const fake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
    const { service, notify } = await setup(fake.fetch, hook.url)
    expect(await notify('INV-9999-1', '{A155C22E-F67B-4DA3-8EA3-6DAC68FA59D3}')).toBe('OK')
    await service.engine.drain()
    await until(() => hook.got.length > 0)
    const [alert] = hook.got
    expect(alert?.authorization).toBe('Bearer receiver-token')
    expect(alert?.body).toMatchObject({
      type: 'dead_lettered',
      service: 'shop-test',
      detail: { reason: 'invoice_not_found' },
    })
    expect(alert?.body.summary).toContain('invoice_not_found')
    expect(String(alert?.body.detail['id'])).toContain('A155C22E')
  })

  it('posts health_degraded when KashFlow refuses everything, and health_recovered once it posts again', async () => {
    const hook = await receiver()
    const fake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
    let down = true
    const kashflow: typeof fetch = (input, init) =>
      down ? Promise.resolve(new Response('down', { status: 503 })) : fake.fetch(input, init)
    const { service, notify } = await setup(kashflow, hook.url)
    expect(await notify('INV-1042-1', '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}')).toBe('OK')
    service.start()
    await until(() => hook.got.some((g) => g.body.type === 'health_degraded'))
    const degraded = hook.got.find((g) => g.body.type === 'health_degraded')!.body
    expect(degraded.detail['reasons']).toContain('kashflow_refusing')
    expect(hook.got.some((g) => g.body.type === 'health_recovered')).toBe(false)
    down = false
    await until(() => hook.got.some((g) => g.body.type === 'health_recovered'))
    expect(fake.invoices.get(1042)?.PaymentLines).toHaveLength(1)
    // One alert per change, not one per check.
    expect(hook.got.filter((g) => g.body.type === 'health_degraded')).toHaveLength(1)
  })
})
