// Attacks on the sync service, run over real HTTP on loopback the way an attacker would run them.
import { createDecipheriv } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { createReferenceParser, definePostingRules, money } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import {
  createOpayoPiClient,
  createOpayoReportingClient,
  encryptFormCrypt,
} from '@opayo-kashflow/opayo'
import {
  FakeKashflow,
  FakeOpayo,
  buildServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { memoryStore } from '@opayo-kashflow/sync'
import type { Store } from '@opayo-kashflow/sync'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { createSyncService } from '../src/index.js'
import type { SyncServiceOptions } from '../src/index.js'
import { listen } from '../src/node.js'
import type { Listening } from '../src/node.js'
import { CREDENTIALS } from './helpers.js'

const FORM_PASSWORD = 'DemoFormKey12345'
const HANDOVER = 'handover-token-SENTINEL'
const ADMIN = 'admin-token-SENTINEL'
const KEY = 'IK776BWNHN'
const open: Listening[] = []
const stores: Store[] = []

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
  await Promise.all(stores.splice(0).map((s) => s.close()))
})

async function setup(
  input: {
    store?: Store
    listen?: Parameters<typeof listen>[1]
    service?: Partial<SyncServiceOptions>
  } = {},
) {
  const kashflowFake = new FakeKashflow({
    invoices: [
      { number: 1042, gross: 120 },
      { number: 1043, gross: 100_000 },
    ],
  })
  const opayoFake = new FakeOpayo({
    vendorName: 'myshop',
    reporting: { vendor: 'myshop', user: 'r', password: 'p' },
  })
  const reporting = createOpayoReportingClient({
    vendor: 'myshop',
    user: 'r',
    password: 'p',
    fetch: opayoFake.fetch,
    retry: { limit: 0 },
  })
  const pi = createOpayoPiClient({
    integrationKey: opayoFake.options.integrationKey,
    integrationPassword: opayoFake.options.integrationPassword,
    vendorName: 'myshop',
    fetch: opayoFake.fetch,
  })
  const store = input.store ?? memoryStore()
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({ ...CREDENTIALS, fetch: kashflowFake.fetch }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop', formPassword: FORM_PASSWORD, reporting, pi },
    handoverToken: HANDOVER,
    adminToken: ADMIN,
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    ...input.service,
  })
  const server = await listen(service.handler, input.listen)
  open.push(server)
  const lines = () => [...kashflowFake.invoices.values()].flatMap((i) => i.PaymentLines)
  return { service, store, server, opayoFake, kashflowFake, pi, lines }
}

/** Everything a client can observe of a response except the Date header. */
async function observe(response: Response): Promise<string> {
  const headers = [...response.headers].filter(([name]) => name !== 'date')
  return JSON.stringify({ status: response.status, headers, body: await response.text() })
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('Form returns give an attacker nothing', () => {
  it('answers every crypt, valid or not, with one byte-identical reply', async () => {
    const { server, service } = await setup()
    await service.recordFormTransaction({
      vendorTxCode: 'INV-1042-F1',
      amount: money(12000, 'GBP'),
    })
    const genuine = encryptFormCrypt(
      {
        VendorTxCode: 'INV-1042-F1',
        VPSTxId: '{BBBB0000-0000-4000-8000-000000000001}',
        Status: 'OK',
        Amount: '120.00',
      },
      FORM_PASSWORD,
    )
    const cases = {
      genuine,
      noAt: genuine.slice(1),
      badHex: '@ababxx',
      oddLength: '@ababa',
      notABlock: '@ababab',
      badPadding: `${genuine.slice(0, -2)}${genuine.slice(-2) === '00' ? '01' : '00'}`,
      wrongKey: encryptFormCrypt(
        { VendorTxCode: 'INV-1042-F1', VPSTxId: '{X}', Status: 'OK', Amount: '1' },
        'WrongFormKey0000',
      ),
      badEncoding: encryptFormCrypt(
        { VendorTxCode: 'INV-1042-F1\u0000', Status: 'OK' },
        FORM_PASSWORD,
      ),
      badFields: encryptFormCrypt({ Nonsense: 'yes' }, FORM_PASSWORD),
      unknownVendorTxCode: encryptFormCrypt(
        {
          VendorTxCode: 'INV-1042-NOPE',
          VPSTxId: '{BBBB0000-0000-4000-8000-000000000002}',
          Status: 'OK',
          Amount: '120.00',
        },
        FORM_PASSWORD,
      ),
      empty: '',
      long: `@${'AB'.repeat(5_000)}`,
    }
    const seen = new Set<string>()
    for (const crypt of Object.values(cases)) {
      const response = await fetch(
        `${server.url}/opayo/form-return?crypt=${encodeURIComponent(crypt)}`,
        { redirect: 'manual' },
      )
      seen.add(await observe(response))
    }
    expect([...seen]).toHaveLength(1)
    expect(JSON.parse([...seen][0]!)).toMatchObject({ status: 303 })
  })

  it('defeats the CBC padding-oracle attack: the last byte cannot be learned', async () => {
    const { server, service, store, lines } = await setup()
    await service.recordFormTransaction({
      vendorTxCode: 'INV-1042-A1',
      amount: money(12000, 'GBP'),
    })
    // One crypt of an aborted checkout, as the attacker captured it from the browser.
    const captured = encryptFormCrypt(
      {
        VendorTxCode: 'INV-1042-A1',
        VPSTxId: '{AAAA0000-0000-4000-8000-0000000000A1}',
        Status: 'ABORT',
        StatusDetail: '2013 : The Transaction was cancelled by the customer.',
        Amount: '120.00',
      },
      FORM_PASSWORD,
    )
    const bytes = Buffer.from(captured.slice(1), 'hex')
    const blocks = bytes.length / 16
    // The classic attack on the last byte of the last block: vary the byte before it in the
    // previous block and watch which guess the receiver accepts as padded.
    const probe = (guess: number) => {
      const forged = Buffer.from(bytes)
      forged[(blocks - 1) * 16 - 1] = guess
      return `@${forged.toString('hex').toUpperCase()}`
    }
    // Control: against a receiver that tells padding errors apart, the attack finds its answer.
    const paddingOracle = (crypt: string) => {
      const d = createDecipheriv(
        'aes-128-cbc',
        Buffer.from(FORM_PASSWORD),
        Buffer.from(FORM_PASSWORD),
      )
      try {
        d.update(Buffer.from(crypt.slice(1), 'hex'))
        d.final()
        return true
      } catch {
        return false
      }
    }
    const acceptedByOracle = Array.from({ length: 256 }, (_, g) => g).filter((g) =>
      paddingOracle(probe(g)),
    )
    expect(acceptedByOracle.length).toBeGreaterThan(0)
    expect(acceptedByOracle.length).toBeLessThan(256)

    // The service: 256 probes, 256 identical answers, nothing to tell the guesses apart.
    const answers = new Map<string, number[]>()
    for (let guess = 0; guess < 256; guess += 1) {
      const response = await fetch(
        `${server.url}/opayo/form-return?crypt=${encodeURIComponent(probe(guess))}`,
        { redirect: 'manual' },
      )
      const seen = await observe(response)
      answers.set(seen, [...(answers.get(seen) ?? []), guess])
    }
    expect(answers.size).toBe(1)
    await settle()
    await service.engine.drain()
    expect(lines()).toEqual([])
    expect((await store.list()).filter((e) => e.id.startsWith('opayo:'))).toEqual([])
  })

  it('posts nothing on forged Form returns, even when the Form password is known', async () => {
    const { server, service, store, opayoFake, lines } = await setup()
    await service.recordFormTransaction({
      vendorTxCode: 'INV-1043-X1',
      amount: money(12000, 'GBP'),
    })
    await service.recordFormTransaction({
      vendorTxCode: 'INV-1043-X2',
      amount: money(12000, 'GBP'),
    })
    // X1: a transaction Opayo never saw, claimed at £99,999.00.
    // X2: an aborted order (Opayo says NOTAUTHED) claimed as paid.
    opayoFake.seed({
      transactionId: 'CCCC0000-0000-4000-8000-0000000000F2',
      vendorTxCode: 'INV-1043-X2',
      amount: 12000,
      status: 'NotAuthed',
      statusCode: '2000',
    })
    const forge = (code: string, tx: string, amount: string) =>
      encryptFormCrypt(
        { VendorTxCode: code, VPSTxId: `{${tx}}`, Status: 'OK', Amount: amount },
        FORM_PASSWORD,
      )
    for (const crypt of [
      forge('INV-1043-X1', 'CCCC0000-0000-4000-8000-0000000000F1', '99,999.00'),
      forge('INV-1043-X2', 'CCCC0000-0000-4000-8000-0000000000F2', '120.00'),
    ]) {
      await fetch(`${server.url}/opayo/form-return?crypt=${encodeURIComponent(crypt)}`, {
        redirect: 'manual',
      })
    }
    await settle()
    await service.engine.drain()
    expect(lines()).toEqual([])
    expect(await store.get('hint:form:INV-1043-X1')).toMatchObject({
      state: 'waiting',
    })
    expect(await store.get('opayo:CCCC0000-0000-4000-8000-0000000000F2:payment')).toMatchObject({
      state: 'skipped',
      payment: { status: 'declined' },
    })
  })
})

describe('the Pi hand-over moves only what Opayo says', () => {
  const post = (url: string, body: unknown, token?: string) =>
    fetch(`${url}/pi/transactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    })

  it('rejects no token and a wrong token, and posts nothing for a transaction Opayo does not know', async () => {
    const { server, service, store, lines } = await setup()
    const forged = {
      transactionId: '00000000-0000-4000-8000-00000000DEAD',
      vendorTxCode: 'INV-1042-P9',
      amount: 777_700,
    }
    expect((await post(server.url, forged)).status).toBe(401)
    expect((await post(server.url, forged, 'wrong')).status).toBe(401)
    expect((await post(server.url, forged, `${HANDOVER}x`)).status).toBe(401)
    expect(await store.list()).toEqual([])
    expect((await post(server.url, forged, HANDOVER)).status).toBe(202)
    await service.engine.drain()
    expect(lines()).toEqual([])
    expect(await store.get('hint:pi:INV-1042-P9')).toMatchObject({
      state: 'waiting',
      lastError: { message: 'Opayo Pi has no such transaction.' },
    })
  })

  it("ignores the caller's amount, status and type: what posts is Opayo's record", async () => {
    const { server, service, pi, lines } = await setup()
    const real = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card: { merchantSessionKey: 'M', cardIdentifier: 'c' } },
      vendorTxCode: 'INV-1042-P1',
      amount: 1200,
      currency: 'GBP',
      description: 'd',
    })
    const response = await post(
      server.url,
      {
        transaction: {
          ...real,
          amount: { totalAmount: 100_000_000 },
          transactionType: 'Refund',
          status: 'Ok',
        },
        vendorTxCode: 'INV-1042-P1',
        requested: { amount: -5000, currency: 'GBP' },
        release: { amount: 100_000_000 },
      },
      HANDOVER,
    )
    expect(response.status).toBe(202)
    await service.engine.drain()
    expect(lines().map((l) => l.Amount)).toEqual([12])
  })
})

describe('a hand-over cannot move a genuine transaction to another invoice', () => {
  it('is unconfirmed when the Reporting API records the transaction under another VendorTxCode', async () => {
    const { server, service, pi, lines, store } = await setup()
    const real = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card: { merchantSessionKey: 'M', cardIdentifier: 'c' } },
      vendorTxCode: 'INV-1042-P2',
      amount: 1200,
      currency: 'GBP',
      description: 'd',
    })
    const response = await fetch(`${server.url}/pi/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${HANDOVER}` },
      body: JSON.stringify({ transactionId: real.transactionId, vendorTxCode: 'INV-1043-P2' }),
    })
    expect(response.status).toBe(202)
    await service.engine.drain()
    expect(lines()).toEqual([])
    expect((await store.get('hint:pi:INV-1043-P2'))?.lastError?.message).toContain(
      'Opayo records this transaction under VendorTxCode INV-1042-P2, not INV-1043-P2.',
    )
  })
})

describe('notifications: only signed fields and the stored registration count', () => {
  it('answers a replay after a restart, with unsigned fields altered, with the same bytes and changes nothing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'okf-security-')), 'store.db')
    const first = await setup({ store: await sqliteStore({ path }) })
    await first.store.saveRegistration({
      vendorTxCode: 'INV-1042-1',
      securityKey: KEY,
      amount: 12000,
      currency: 'GBP',
      txType: 'PAYMENT',
      createdAt: 0,
    })
    const genuine = signServerNotification(
      buildServerNotification({
        VendorTxCode: 'INV-1042-1',
        VPSTxId: '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}',
      }),
      { vendorName: 'myshop', securityKey: KEY },
    )
    const send = (url: string, fields: Record<string, string>) =>
      fetch(`${url}/opayo/notify`, { method: 'POST', body: new URLSearchParams(fields) })
    const reply = await (await send(first.server.url, genuine)).text()
    await first.service.engine.drain()
    const before = JSON.stringify(await first.store.list())
    await first.server.close()
    await first.store.close()
    open.splice(0)

    const restarted = await setup({ store: await sqliteStore({ path }) })
    stores.push(restarted.store)
    const replayed = await send(restarted.server.url, {
      ...genuine,
      TxType: 'REFUND',
      Surcharge: '500.00',
      StatusDetail: 'changed',
      VPSProtocol: '3.00',
    })
    expect(await replayed.text()).toBe(reply)
    await restarted.service.engine.drain()
    expect(JSON.stringify(await restarted.store.list())).toBe(before)
  })
})

describe('a genuine notification cannot be replayed under another transaction id', () => {
  it('refuses VPSTxId variants that hash like the genuine one (characters beyond ISO-8859-1)', async () => {
    const { server, service, store, lines } = await setup()
    await store.saveRegistration({
      vendorTxCode: 'INV-1042-9',
      securityKey: KEY,
      amount: 12000,
      currency: 'GBP',
      txType: 'PAYMENT',
      createdAt: 0,
    })
    const id = '{A9000000-0000-4000-8000-000000000009}'
    const genuine = signServerNotification(
      buildServerNotification({ VendorTxCode: 'INV-1042-9', VPSTxId: id }),
      { vendorName: 'myshop', securityKey: KEY },
    )
    const send = (fields: Record<string, string>) =>
      fetch(`${server.url}/opayo/notify`, { method: 'POST', body: new URLSearchParams(fields) })
    expect(await (await send(genuine)).text()).toMatch(/^Status=OK/)
    for (let i = 1; i <= 5; i += 1) {
      // U+0100 + c hashes as c under MD5-over-Latin-1.
      const variant =
        id.slice(0, i) + String.fromCharCode(0x100 + id.charCodeAt(i)) + id.slice(i + 1)
      expect(await (await send({ ...genuine, VPSTxId: variant })).text()).toMatch(/^Status=INVALID/)
    }
    await service.engine.drain()
    expect(lines()).toHaveLength(1)
  })
})

describe('HTTP hardening', () => {
  it('answers 413 to an oversized body, declared or streamed, without reading it all', async () => {
    const { server } = await setup()
    const big = 'a'.repeat(200 * 1024)
    const declared = await fetch(`${server.url}/opayo/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    })
    expect(declared.status).toBe(413)
    // Chunked: no Content-Length, the limit is enforced while reading.
    const streamed = await fetch(`${server.url}/pi/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${HANDOVER}` },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 200; i += 1)
            controller.enqueue(new TextEncoder().encode('a'.repeat(1024)))
          controller.close()
        },
      }),
      duplex: 'half',
    })
    expect(streamed.status).toBe(413)
  })

  it('enforces the limit in the web handler too (mounted in another framework)', async () => {
    const { service } = await setup({ service: { bodyLimitBytes: 1024 } })
    const response = await service.handler(
      new Request('http://x/opayo/notify', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a'.repeat(2048),
      }),
    )
    expect(response.status).toBe(413)
  })

  it('cuts off a client that sends its body a byte at a time', async () => {
    const { server } = await setup({ listen: { requestTimeoutMs: 500, headersTimeoutMs: 500 } })
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(
          'POST /opayo/notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
        )
        const drip = setInterval(() => socket.write('a'), 200)
        // A bounded wait: the server must close the connection long before the body is complete.
        const giveUp = setTimeout(() => {
          clearInterval(drip)
          socket.destroy()
          resolve(false)
        }, 8_000)
        socket.on('close', () => {
          clearInterval(drip)
          clearTimeout(giveUp)
          resolve(true)
        })
        socket.on('error', () => undefined)
      })
    })
    expect(closed).toBe(true)
  })

  it('accepts money routes only with their method and content type', async () => {
    const { server } = await setup()
    expect((await fetch(`${server.url}/opayo/notify`)).status).toBe(405)
    expect(
      (
        await fetch(`${server.url}/opayo/notify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(415)
    expect(
      (
        await fetch(`${server.url}/pi/transactions`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', authorization: `Bearer ${HANDOVER}` },
          body: '{}',
        })
      ).status,
    ).toBe(415)
    expect((await fetch(`${server.url}/opayo/form-return`, { method: 'POST' })).status).toBe(405)
  })

  it('serves nothing outside basePath, and refuses TRACE', async () => {
    const { server } = await setup({ service: { basePath: '/pay' } })
    expect((await fetch(`${server.url}/health`)).status).toBe(404)
    expect((await fetch(`${server.url}/payhealth`)).status).toBe(404)
    expect((await fetch(`${server.url}/pay/health`)).status).toBe(200)
    const trace = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write('TRACE /pay/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      )
      let text = ''
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
      socket.on('close', () => resolve(text))
    })
    expect(trace).toMatch(/^HTTP\/1\.1 405/)
  })

  it('keeps the status page and detailed health behind the admin token', async () => {
    const { server } = await setup()
    const health = await fetch(`${server.url}/health`)
    expect(await health.json()).toEqual({ status: 'ok' })
    expect((await fetch(`${server.url}/admin`)).status).toBe(404)
    expect((await fetch(`${server.url}/`)).status).toBe(404)
    const wrong = await fetch(`${server.url}/admin/health`, {
      headers: { authorization: 'Bearer nope' },
    })
    expect(wrong.status).toBe(404)
    const right = await fetch(`${server.url}/admin/health`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    })
    expect(await right.json()).toMatchObject({ ok: true, counts: { received: 0 } })
  })

  it('shows no token in the service object or its errors', async () => {
    const { service } = await setup()
    const shown = inspect(service, { depth: 6, showHidden: true })
    expect(shown).not.toContain(HANDOVER)
    expect(shown).not.toContain(ADMIN)
    expect(shown).not.toContain(FORM_PASSWORD)
  })
})
