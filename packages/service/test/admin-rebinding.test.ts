// The admin listener against a rebound browser, over real loopback HTTP with the service's own
// `listen`. A page at http://evil.example:PORT whose name now resolves to 127.0.0.1 sends
// `Host: evil.example:PORT`, a matching `Origin` and `Sec-Fetch-Site: same-origin`: the listener
// must answer it nothing (GET too) and post nothing. A same-host post also needs the page token
// the status page put in its form; the resolve form refuses invoice numbers past 15 digits.
import { request as httpRequest } from 'node:http'
import {
  CanonicalPaymentSchema,
  createReferenceParser,
  definePostingRules,
  postingMarker,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import type { SyncServiceOptions } from '../src/index.js'
import { listen } from '../src/node.js'
import type { Listening } from '../src/node.js'
import { CREDENTIALS } from './helpers.js'

const tx = 'F0000000-0000-4000-8000-00000000BEEF'
const payment = CanonicalPaymentSchema.parse({
  id: `opayo:${tx}:payment`,
  source: {
    system: 'opayo',
    protocol: 'server',
    transactionId: tx,
    vendorTxCode: 'ORDER-7321',
    verified: true,
  },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 12000, currency: 'GBP' },
  occurredAt: '2026-11-02T10:15:00Z',
})
const ADMIN = 'admin-token-REBIND-SENTINEL'

const open: Listening[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()))
})

let clock = Date.parse('2026-11-02T11:00:00Z')
const logged: string[] = []

async function setup(input: { service?: Partial<SyncServiceOptions>; host?: string } = {}) {
  const fake = new FakeKashflow({
    invoices: [
      { number: 1042, gross: 120, customerCode: 'A', issuedDate: '2026-10-28' },
      { number: 1060, gross: 120, customerCode: 'B', issuedDate: '2026-10-30' },
    ],
  })
  const log = (level: string) => (message: string, fields?: unknown) =>
    logged.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`)
  const service = createSyncService({
    store: memoryStore(),
    kashflow: createKashflowClient({ ...CREDENTIALS, fetch: fake.fetch }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks',
    poll: false,
    clock: { now: () => clock },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...input.service,
  })
  await service.engine.ingest(payment)
  await service.engine.drain()
  const admin = await listen(service.adminHandler, { port: 0, host: input.host ?? '127.0.0.1' })
  open.push(admin)
  /** Every payment line KashFlow was sent, on any invoice. */
  const written = () => [...fake.invoices.values()].flatMap((invoice) => invoice.PaymentLines)
  return { service, admin, fake, written }
}

/** A raw HTTP request to the listener, with exactly the Host and other headers given. */
function send(
  port: number,
  input: { method?: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: input.method ?? 'GET',
        path: input.path,
        headers: {
          ...input.headers,
          ...(input.body === undefined ? {} : { 'content-length': Buffer.byteLength(input.body) }),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(input.body)
  })
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const own = (port: number) => ({
  host: `127.0.0.1:${port}`,
  origin: `http://127.0.0.1:${port}`,
  'sec-fetch-site': 'same-origin',
})
/** What a rebound browser sends: the attacker's name, its own origin, same-origin. */
const rebound = (port: number) => ({
  host: `evil.example:${port}`,
  origin: `http://evil.example:${port}`,
  'sec-fetch-site': 'same-origin',
})
const resolveBody = (fields: Record<string, string>) =>
  new URLSearchParams({ id: payment.id, reason: 'Acme phoned', ...fields }).toString()

/** The page token from the status page, fetched as the operator's browser does. */
async function pageToken(port: number): Promise<string> {
  const page = await send(port, { path: '/admin', headers: own(port) })
  const token = /name="token" value="([^"]+)"/.exec(page.text)?.[1]
  if (!token) throw new Error(`no page token on the status page (${page.status})`)
  return token
}

describe('the admin listener against DNS rebinding', () => {
  it('refuses a rebound browser resolve post (matching Host and Origin, same-origin) and posts nothing', async () => {
    const { service, admin, fake, written } = await setup()
    const attack = await send(admin.port, {
      method: 'POST',
      path: '/admin/resolve',
      headers: { ...rebound(admin.port), ...FORM },
      body: resolveBody({ invoice: '1042' }),
    })
    expect(attack.status).toBe(421)
    // Even with a genuine page token (a stolen one), the Host decides first.
    const withToken = await send(admin.port, {
      method: 'POST',
      path: '/admin/resolve',
      headers: { ...rebound(admin.port), ...FORM },
      body: resolveBody({ invoice: '1042', token: await pageToken(admin.port) }),
    })
    expect(withToken.status).toBe(421)
    await service.engine.drain()
    expect(written()).toHaveLength(0)
    expect(fake.linesSentWith(postingMarker(tx, 'payment'))).toHaveLength(0)
    expect((await service.engine.deadLetters.get(payment.id))?.event.state).toBe('dead')
  })

  it('refuses a rebound browser GET of the status page and detailed health, revealing nothing', async () => {
    const { admin } = await setup()
    for (const path of ['/admin', '/admin/health', '/', '/nowhere']) {
      const read = await send(admin.port, { path, headers: rebound(admin.port) })
      expect(read.status).toBe(421)
      expect(read.text).not.toContain('ORDER-7321')
      expect(read.text).not.toContain(payment.id)
      expect(read.text).not.toContain('127.0.0.1')
      expect(read.text).not.toContain('dead')
    }
  })

  it('answers only its own loopback names with its own port', async () => {
    const { admin } = await setup()
    for (const host of [
      `127.0.0.1:${admin.port}`,
      `localhost:${admin.port}`,
      `[::1]:${admin.port}`,
    ])
      expect((await send(admin.port, { path: '/admin/health', headers: { host } })).status).toBe(
        200,
      )
    for (const host of [
      `127.0.0.1:${admin.port + 1}`,
      '127.0.0.1',
      `localhost.:${admin.port}`,
      `evil.localhost:${admin.port}`,
      `127.0.0.1.evil.example:${admin.port}`,
      `0.0.0.0:${admin.port}`,
    ])
      expect((await send(admin.port, { path: '/admin/health', headers: { host } })).status).toBe(
        421,
      )
  })
})

describe('the resolve form page token', () => {
  it('refuses a same-host post without the page token, with a forged one or one from another process, and posts nothing', async () => {
    const { service, admin, written } = await setup()
    const other = await setup()
    const post = (token?: string) =>
      send(admin.port, {
        method: 'POST',
        path: '/admin/resolve',
        headers: { ...own(admin.port), ...FORM },
        body: resolveBody({ invoice: '1060', ...(token === undefined ? {} : { token }) }),
      })
    expect((await post()).status).toBe(403)
    expect((await post('')).status).toBe(403)
    const genuine = await pageToken(admin.port)
    const [issued, nonce] = genuine.split('.')
    expect((await post(`${issued}.${nonce}.${'A'.repeat(43)}`)).status).toBe(403)
    expect((await post(await pageToken(other.admin.port))).status).toBe(403)
    await service.engine.drain()
    expect(written()).toHaveLength(0)
    expect((await service.engine.deadLetters.get(payment.id))?.event.state).toBe('dead')
  })

  it('refuses a page token older than 12 hours', async () => {
    const { service, admin, written } = await setup()
    const token = await pageToken(admin.port)
    clock += 12 * 3_600_000 + 1
    const post = await send(admin.port, {
      method: 'POST',
      path: '/admin/resolve',
      headers: { ...own(admin.port), ...FORM },
      body: resolveBody({ invoice: '1060', token }),
    })
    expect(post.status).toBe(403)
    await service.engine.drain()
    expect(written()).toHaveLength(0)
  })

  it('resolves with the page token from the page: posted once to the chosen invoice, the token never logged', async () => {
    const { service, admin, fake, written } = await setup()
    logged.length = 0
    const token = await pageToken(admin.port)
    const post = await send(admin.port, {
      method: 'POST',
      path: '/admin/resolve',
      headers: { ...own(admin.port), ...FORM },
      body: resolveBody({ invoice: '1060', token, by: 'jo' }),
    })
    expect(post.status).toBe(200)
    await service.engine.drain()
    expect(written()).toHaveLength(1)
    expect(fake.invoices.get(1060)?.PaymentLines).toHaveLength(1)
    expect(fake.linesSentWith(postingMarker(tx, 'payment'))).toHaveLength(1)
    expect(logged.join('\n')).not.toContain(token)
    expect(logged.join('\n')).not.toContain(token.split('.')[2])
  })
})

describe('the resolve form invoice number', () => {
  it('answers 400 for invoice numbers of 16 digits or more, and beyond safe integers, and changes nothing', async () => {
    const { service, admin, written } = await setup()
    // The field check is the finding here, not the token: the page's token when it has one.
    const page = await send(admin.port, { path: '/admin', headers: own(admin.port) })
    const token = /name="token" value="([^"]+)"/.exec(page.text)?.[1] ?? ''
    for (const invoice of [
      '1234567890123456',
      '9007199254740991',
      '9007199254740993',
      '99999999999999999999',
      `1${'0'.repeat(400)}`,
    ]) {
      const post = await send(admin.port, {
        method: 'POST',
        path: '/admin/resolve',
        headers: { ...own(admin.port), ...FORM },
        body: resolveBody({ invoice, token }),
      })
      expect(post.status, invoice).toBe(400)
    }
    await service.engine.drain()
    expect(written()).toHaveLength(0)
    expect((await service.engine.deadLetters.get(payment.id))?.event.state).toBe('dead')
  })
})

describe('the admin handler off loopback', () => {
  it('answers nothing in-process under a URL that is not a loopback address, unless the admin bearer token is sent', async () => {
    const { service } = await setup()
    const call = (headers: Record<string, string> = {}) =>
      service.adminHandler(new Request('http://admin.local/admin/health', { headers }))
    expect((await call()).status).toBe(401)
    expect((await call({ host: 'admin.local' })).status).toBe(401)
    const tokened = await setup({ service: { adminToken: ADMIN } })
    const bearer = (token: string) =>
      tokened.service.adminHandler(
        new Request('http://admin.local/admin/health', {
          headers: { authorization: `Bearer ${token}` },
        }),
      )
    expect((await bearer('nope')).status).toBe(401)
    expect((await bearer(ADMIN)).status).toBe(200)
  })

  it('on 0.0.0.0 answers only requests with the admin bearer token, and nothing at all without one configured', async () => {
    const bare = await setup({ host: '0.0.0.0' })
    const health = (port: number, headers: Record<string, string> = {}) =>
      send(port, { path: '/admin/health', headers: { host: `127.0.0.1:${port}`, ...headers } })
    expect((await health(bare.admin.port)).status).toBe(401)
    expect((await health(bare.admin.port, { authorization: 'Bearer anything' })).status).toBe(401)
    const tokened = await setup({ host: '0.0.0.0', service: { adminToken: ADMIN } })
    const refused = await health(tokened.admin.port)
    expect(refused.status).toBe(401)
    expect(refused.text).not.toContain(ADMIN)
    expect((await health(tokened.admin.port, { authorization: `Bearer ${ADMIN}` })).status).toBe(
      200,
    )
    // The resolve form still needs its page token behind the bearer token.
    const post = await send(tokened.admin.port, {
      method: 'POST',
      path: '/admin/resolve',
      headers: {
        host: `127.0.0.1:${tokened.admin.port}`,
        authorization: `Bearer ${ADMIN}`,
        ...FORM,
      },
      body: resolveBody({ invoice: '1060' }),
    })
    expect(post.status).toBe(403)
    await tokened.service.engine.drain()
    expect(tokened.written()).toHaveLength(0)
  })
})
