// The status page's resolve form, over real HTTP: only on the admin listener, POST only, a
// form body within the limit, same-origin only; a resolution is kept and the payment is then
// posted to the chosen invoice once.
import {
  CanonicalPaymentSchema,
  createReferenceParser,
  definePostingRules,
  postingMarker,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import { listen } from '../src/node.js'
import { CREDENTIALS } from './helpers.js'

const tx = 'F0000000-0000-4000-8000-00000000ABCD'
const payment = CanonicalPaymentSchema.parse({
  id: `opayo:${tx}:payment`,
  source: {
    system: 'opayo',
    protocol: 'server',
    transactionId: tx,
    vendorTxCode: 'ORDER-5531',
    verified: true,
  },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 4500, currency: 'GBP' },
  occurredAt: '2026-11-02T10:15:00Z',
})

const fake = new FakeKashflow({
  invoices: [
    { number: 1051, gross: 45, customerCode: 'A', issuedDate: '2026-10-28' },
    { number: 1060, gross: 45, customerCode: 'B', issuedDate: '2026-10-30' },
  ],
})
const service = createSyncService({
  store: memoryStore(),
  kashflow: createKashflowClient({ ...CREDENTIALS, fetch: fake.fetch }),
  rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
  references: createReferenceParser(['INV-{invoice}-{*}']),
  opayo: { vendorName: 'myshop' },
  redirectUrl: 'https://shop.example/thanks',
  poll: false,
  bodyLimitBytes: 1024,
  clock: { now: () => Date.parse('2026-11-02T11:00:00Z') },
})
let main: Awaited<ReturnType<typeof listen>>
let admin: Awaited<ReturnType<typeof listen>>
/** The page token of the status page's forms (every post needs one: admin-rebinding.test.ts). */
let token = ''

beforeAll(async () => {
  main = await listen(service.handler, { port: 0 })
  admin = await listen(service.adminHandler, { port: 0 })
  await service.engine.ingest(payment)
  await service.engine.drain()
  const page = await (await fetch(`${admin.url}/admin`)).text()
  token = /name="token" value="([^"]+)"/.exec(page)?.[1] ?? ''
})
afterAll(async () => {
  await main.close()
  await admin.close()
})

const post = (base: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/admin/resolve`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  })
const form = (fields: Record<string, string>) =>
  new URLSearchParams({ token, ...fields }).toString()

describe('the status page resolve form', () => {
  it('shows a form for a dead letter a person can resolve, on the admin listener only', async () => {
    const page = await (await fetch(`${admin.url}/admin`)).text()
    expect(page).toContain('unmatched_reference')
    expect(page).toContain('<form method="post" action="/admin/resolve"')
    expect(page).toContain(`value="${payment.id}"`)
    expect(page).not.toContain('http-equiv="refresh"') // a person is typing
    // Not on the main listener, with or without a token.
    expect(
      (await post(main.url, form({ id: payment.id, invoice: '1060', reason: 'x' }))).status,
    ).toBe(404)
  })

  it('refuses other methods, media types, large bodies, cross-site posts and bad fields', async () => {
    expect((await fetch(`${admin.url}/admin/resolve`)).status).toBe(405)
    expect((await post(admin.url, '{}', { 'content-type': 'application/json' })).status).toBe(415)
    expect((await post(admin.url, `id=${'x'.repeat(4096)}`)).status).toBe(413)
    const good = form({ id: payment.id, invoice: '1060', reason: 'Acme phoned' })
    expect((await post(admin.url, good, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await post(admin.url, good, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect(
      (await post(admin.url, form({ id: payment.id, invoice: '10x', reason: 'r' }))).status,
    ).toBe(400)
    expect((await post(admin.url, form({ id: payment.id, invoice: '1060' }))).status).toBe(400)
    expect(await service.engine.deadLetters.list()).toHaveLength(1) // nothing changed
  })

  it('resolves: the resolution is kept, the payment posts once to that invoice, and a second post is refused', async () => {
    const response = await post(
      admin.url,
      form({ id: payment.id, invoice: '1060', reason: 'Acme phoned', by: 'jo' }),
      { origin: admin.url, 'sec-fetch-site': 'same-origin' },
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toContain(
      'will be posted to invoice 1060 (resolved by jo: Acme phoned)',
    )
    await service.engine.drain()
    expect((await service.engine.deadLetters.get(payment.id))?.event).toMatchObject({
      state: 'posted',
      detail: { match: { via: 'resolution', invoiceNumber: 1060, resolution: { by: 'jo' } } },
    })
    expect(fake.linesSentWith(postingMarker(tx, 'payment'))).toHaveLength(1)
    expect(fake.invoices.get(1060)?.PaymentLines).toHaveLength(1)
    const again = await post(admin.url, form({ id: payment.id, invoice: '1051', reason: 'oops' }))
    expect(again.status).toBe(409)
    await service.engine.drain()
    expect(fake.linesSentWith(postingMarker(tx, 'payment'))).toHaveLength(1)
  })
})
