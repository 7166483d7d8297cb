// The framework adapters over real HTTP on loopback, with real Express, Fastify and Hono: a signed
// notification is acknowledged OK and posted by the workers the mount started; the workers stop
// with the mount; the body limit holds; a body a parser read first is answered with the cause.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow, parseNotificationReply } from '@opayo-kashflow/testkit'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import type { SyncService } from '../src/index.js'
import { mountExpress } from '../src/express.js'
import { mountFastify } from '../src/fastify.js'
import { mountHono } from '../src/hono.js'
import type { MountOptions, MountedService } from '../src/express.js'
import { CREDENTIALS } from './helpers.js'
import { signedNotification, testRegistration } from './support/notifications.js'

const CODE = 'INV-1042-1'

interface Logged {
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
}

/** A service over a fake KashFlow with one registration, logging into an array. */
async function setup() {
  const fake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
  const store = memoryStore()
  await store.saveRegistration(testRegistration(CODE))
  const logged: Logged[] = []
  const log = (level: Logged['level']) => (message: string) => void logged.push({ level, message })
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({ ...CREDENTIALS, fetch: fake.fetch }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    pollIntervalMs: 10,
    health: { workerStartGraceMs: 0 },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
  })
  return { fake, service, logged }
}

/** A framework app with the service mounted, listening on loopback. */
interface Served {
  readonly url: string
  readonly mounted: MountedService
  /** Closes the app the framework's way (Fastify: `app.close()`, which stops the workers). */
  readonly close: () => Promise<void>
}

type Before = 'nothing' | 'parser' | 'parser-keeping-raw'

const listening = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const closing = (server: Server) => () =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

async function serveExpress(service: SyncService, options: MountOptions, before: Before) {
  const app = express()
  if (before === 'parser') app.use(express.urlencoded(), express.json())
  if (before === 'parser-keeping-raw')
    app.use(
      express.urlencoded({
        verify: (req, _res, buf) => void Object.assign(req, { rawBody: Buffer.from(buf) }),
      }),
    )
  const mounted = mountExpress(app, service, options)
  // The app's own routes and parsers still work around it.
  app.use(express.urlencoded())
  app.post('/echo', (req, res) => void res.json(req.body))
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  return { url: listening(server), mounted, close: closing(server) }
}

async function serveFastify(service: SyncService, options: MountOptions, before: Before) {
  const app = Fastify()
  // The app's own urlencoded parser (as @fastify/formbody adds): the adapter's routes ignore it.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )
  if (before === 'parser')
    app.addHook('preValidation', (request, _reply, done) => {
      Object.assign(request, { body: { parsed: 'by a hook' } })
      done()
    })
  const mounted = mountFastify(app, service, options)
  app.post('/echo', (request, reply) => reply.send(request.body))
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, mounted, close: () => app.close() }
}

async function serveHono(service: SyncService, options: MountOptions, before: Before) {
  const app = new Hono()
  // Read as form data, the bytes are gone; parseBody() (Hono 4.10+) keeps them in its cache.
  if (before !== 'nothing')
    app.use(async (c, next) => {
      if (c.req.method === 'POST')
        await (before === 'parser' ? c.req.formData() : c.req.parseBody())
      await next()
    })
  const mounted = mountHono(app, service, options)
  app.post('/echo', async (c) => c.json(await c.req.parseBody()))
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    )
  })
  return { url: listening(server), mounted, close: closing(server) }
}

const FRAMEWORKS = { express: serveExpress, fastify: serveFastify, hono: serveHono } as const

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Serves a fresh service in `framework`; everything is closed after the test. */
async function start(
  framework: keyof typeof FRAMEWORKS,
  options: MountOptions = {},
  before: Before = 'nothing',
) {
  const world = await setup()
  const served: Served = await FRAMEWORKS[framework](world.service, options, before)
  cleanups.push(async () => {
    await world.service.stop()
    await served.close().catch(() => undefined)
  })
  return { ...world, ...served }
}

const notify = (url: string, body: string = signedNotification(CODE)) =>
  fetch(`${url}/opayo/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })

async function posted(service: SyncService): Promise<number> {
  for (let i = 0; i < 500; i += 1) {
    const { counts } = await service.engine.status()
    if (counts.posted > 0) return counts.posted
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return 0
}

const healthOf = async (service: SyncService) =>
  (await service.handler(new Request('http://service.local/health'))).json()

describe.each(Object.keys(FRAMEWORKS) as (keyof typeof FRAMEWORKS)[])('mounted in %s', (name) => {
  it('acknowledges a signed notification OK and posts it with the workers the mount started', async () => {
    const { url, service, fake, mounted } = await start(name)
    expect(mounted.started()).toBe(true)
    const response = await notify(url)
    expect(parseNotificationReply(await response.text(), response.status).status).toBe('OK')
    expect(await posted(service)).toBe(1)
    expect(fake.invoiceView(fake.invoices.get(1042)!)['Status']).toBe('Paid')
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' })
    // The app's own routes are passed on, with its own parser.
    const echo = await fetch(`${url}/echo`, {
      method: 'POST',
      body: new URLSearchParams({ a: '1' }),
    })
    expect(await echo.json()).toEqual({ a: '1' })
  })

  it('stops the workers with the mount (Fastify: with app.close())', async () => {
    const { service, mounted, close } = await start(name)
    if (name === 'fastify') await close()
    else await mounted.stop()
    expect(mounted.started()).toBe(false)
    expect(await healthOf(service)).toEqual({
      status: 'degraded',
      reasons: ['workers_not_running'],
    })
  })

  it('starts no worker with start: false, and says so in the log naming service.start()', async () => {
    const { url, service, mounted, logged } = await start(name, { start: false })
    expect(mounted.started()).toBe(false)
    expect(logged).toContainEqual({
      level: 'warn',
      message: expect.stringContaining('service.start()') as string,
    })
    expect((await fetch(`${url}/health`)).status).toBe(503)
    expect(await healthOf(service)).toMatchObject({ reasons: ['workers_not_running'] })
  })

  it('answers 413 to a body over the limit, and stores nothing', async () => {
    const { url, service } = await start(name, { bodyLimitBytes: 512 })
    const response = await notify(url, `${signedNotification(CODE)}&Pad=${'x'.repeat(600)}`)
    expect(response.status).toBe(413)
    expect((await service.engine.status()).counts.received ?? 0).toBe(0)
  })

  it('answers a body a parser mounted first already read with the cause, never INVALID', async () => {
    const { url, service, logged } = await start(name, {}, 'parser')
    const response = await notify(url)
    const text = await response.text()
    expect(response.status).toBe(500)
    expect(text).not.toMatch(/INVALID/)
    expect(text).toMatch(/the request body was already read by/)
    expect(text).toMatch(
      { express: /express\.urlencoded/, fastify: /hook/, hono: /formData/ }[name],
    )
    expect(logged.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(/POST \/opayo\/notify: the request body was already read/),
    ])
    expect(Object.values((await service.engine.status()).counts).every((n) => n === 0)).toBe(true)
  })
})

describe('a body read first but kept raw', () => {
  it.each(['express', 'hono'] as const)(
    'is reused in %s (a verify hook; c.req.parseBody())',
    async (name) => {
      const { url, service } = await start(name, {}, 'parser-keeping-raw')
      const response = await notify(url)
      expect(parseNotificationReply(await response.text(), response.status).status).toBe('OK')
      expect(await posted(service)).toBe(1)
    },
  )
})

describe('mountExpress', () => {
  it('claims only the service routes: an app route of the same prefix is passed on', async () => {
    const { url } = await start('express')
    // Express's own 404 page, not the service's JSON one.
    for (const response of [
      await fetch(`${url}/opayo/other`),
      await fetch(`${url}/pi/transactions`, { method: 'POST' }),
    ]) {
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toMatch(/text\/html/)
    }
  })
})
