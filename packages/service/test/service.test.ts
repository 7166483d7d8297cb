import { createReferenceParser, definePostingRules, money } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import {
  createOpayoServerClient,
  createOpayoPiClient,
  createOpayoReportingClient,
  encryptFormCrypt,
} from '@opayo-kashflow/opayo'
import type { FakeKashflowSeed } from '@opayo-kashflow/testkit'
import {
  FakeKashflow,
  FakeOpayo,
  buildServerNotification,
  parseNotificationReply,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { memoryStore } from '@opayo-kashflow/sync'
import type { RegistrationRecord } from '@opayo-kashflow/sync'
import { createSyncService, reconciliationCsv, reconciliationHtml } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const TX = 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2'
const KEY = 'IK776BWNHN'

function setup(
  overrides: Partial<Parameters<typeof createSyncService>[0]> = {},
  kashflowSeed: FakeKashflowSeed = {},
) {
  const kashflowFake = new FakeKashflow({
    invoices: [
      { number: 1042, gross: 120 },
      { number: 1043, gross: 5000 },
      { number: 1044, gross: 90 },
    ],
    ...kashflowSeed,
  })
  const opayoFake = new FakeOpayo({
    vendorName: 'myshop',
    reporting: { vendor: 'myshop', user: 'r', password: 'p' },
  })
  const store = memoryStore()
  const register = (code: string, amount: number, extra: Partial<RegistrationRecord> = {}) =>
    store.saveRegistration({
      vendorTxCode: code,
      securityKey: KEY,
      amount,
      currency: 'GBP',
      txType: 'PAYMENT',
      createdAt: 0,
      ...extra,
    })
  const reporting = createOpayoReportingClient({
    vendor: 'myshop',
    user: 'r',
    password: 'p',
    fetch: opayoFake.fetch,
    retry: { limit: 0 },
  })
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({ ...CREDENTIALS, fetch: kashflowFake.fetch }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop', formPassword: 'DemoFormKey12345', reporting },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    ...overrides,
  })
  const call = (path: string, init?: RequestInit) =>
    service.handler(new Request(`http://service.local${path}`, init))
  const notify = async (fields: Record<string, string>) => {
    const response = await call('/opayo/notify', {
      method: 'POST',
      body: new URLSearchParams(fields),
    })
    return parseNotificationReply(await response.text(), response.status)
  }
  /** Waits until the Form returns handed to the service have been recorded. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20))
  return { service, store, kashflowFake, opayoFake, register, call, notify, reporting, settle }
}

const signed = (overrides: Record<string, string> = {}) =>
  signServerNotification(
    buildServerNotification({ VendorTxCode: 'INV-1042-1', VPSTxId: `{${TX}}`, ...overrides }),
    { vendorName: 'myshop', securityKey: KEY },
  )

describe('the sync service', () => {
  it('ingests a Server notification durably before replying OK; a repeat gets the same reply', async () => {
    const { notify, store, service, kashflowFake, register } = setup()
    await register('INV-1042-1', 12000)
    const reply = await notify(signed())
    expect(reply).toMatchObject({
      status: 'OK',
      redirectUrl: 'https://shop.example/thanks?order=INV-1042-1',
    })
    expect(await store.get(`opayo:${TX}:payment`)).toMatchObject({ state: 'received' })
    expect((await notify(signed())).body).toBe(reply.body)
    await service.engine.drain()
    expect(kashflowFake.invoiceView(kashflowFake.invoices.get(1042)!)).toMatchObject({
      Status: 'Paid',
    })
  })

  it('registers a Server transaction with Opayo, stores the registration, and posts its notification', async () => {
    const opayoFake = new FakeOpayo({ vendorName: 'myshop' })
    const kashflowFake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
    const store = memoryStore()
    const service = createSyncService({
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: kashflowFake.fetch }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      opayo: {
        vendorName: 'myshop',
        server: createOpayoServerClient({ vendorName: 'myshop', fetch: opayoFake.fetch }),
      },
      redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
      poll: false,
    })
    const { nextUrl } = await service.registerServerTransaction({
      vendorTxCode: 'INV-1042-7',
      amount: money(12000, 'GBP'),
      description: 'Invoice 1042',
      notificationUrl: 'https://pay.example/opayo/notify',
      billing: {
        firstnames: 'Sam',
        surname: 'Jones',
        address: { lines: ['1 High St'], city: 'Bath', postalCode: 'BA1 1AA', country: 'GB' },
      },
    })
    expect(nextUrl).toMatch(/^https:\/\//)
    expect(await store.getRegistration('INV-1042-7')).toMatchObject({
      amount: 12000,
      currency: 'GBP',
      txType: 'PAYMENT',
    })
    // Opayo takes the card and posts its signed notification to the service.
    const completed = opayoFake.completeServerTransaction('INV-1042-7')
    const response = await service.handler(
      new Request('http://service.local/opayo/notify', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: completed.body,
      }),
    )
    expect(parseNotificationReply(await response.text()).status).toBe('OK')
    await service.engine.drain()
    expect(kashflowFake.invoices.get(1042)!.PaymentLines.map((l) => l.Amount)).toEqual([120])
  })

  it('answers INVALID for a tampered notification and stores nothing', async () => {
    const { notify, store, register } = setup()
    await register('INV-1042-1', 12000)
    expect((await notify({ ...signed(), Status: 'NOTAUTHED' })).status).toBe('INVALID')
    expect(await store.list()).toEqual([])
  })

  it('answers INVALID for a VendorTxCode with no registration, and for a Form registration (no SecurityKey)', async () => {
    const { notify, store, service } = setup()
    expect((await notify(signed())).status).toBe('INVALID')
    await service.recordFormTransaction({ vendorTxCode: 'INV-1042-1', amount: money(12000, 'GBP') })
    // A Form record has an empty SecurityKey: a notification "signed" with it must not verify.
    const forged = signServerNotification(
      buildServerNotification({ VendorTxCode: 'INV-1042-1', VPSTxId: `{${TX}}` }),
      { vendorName: 'myshop', securityKey: '' },
    )
    expect((await notify(forged)).status).toBe('INVALID')
    expect(await store.list()).toEqual([])
  })

  it('refuses to record a Form transaction Opayo would not take: a REFUND TxType, a code with a space (issue 19)', async () => {
    const { store, service } = setup()
    await expect(
      service.recordFormTransaction({
        vendorTxCode: 'INV-1042-R1',
        amount: money(12000, 'GBP'),
        txType: 'REFUND' as 'PAYMENT',
      }),
    ).rejects.toThrow(/txType: Must be one of PAYMENT, DEFERRED, AUTHENTICATE/)
    await expect(
      service.recordFormTransaction({ vendorTxCode: 'INV-1042-1 ', amount: money(12000, 'GBP') }),
    ).rejects.toThrow(/vendorTxCode: 1-40 characters/)
    expect(await store.getRegistration('INV-1042-R1')).toBeUndefined()
    expect(await store.getRegistration('INV-1042-1 ')).toBeUndefined()
  })

  it('records a Form return as a hint and posts what the Reporting API says, not what the crypt claims', async () => {
    const { call, store, opayoFake, service, settle, kashflowFake } = setup()
    await service.recordFormTransaction({ vendorTxCode: 'INV-1043-F2', amount: money(5000, 'GBP') })
    opayoFake.seed({
      transactionId: 'BBBB0000-0000-4000-8000-000000000002',
      vendorTxCode: 'INV-1043-F2',
      amount: 5000,
    })
    // The crypt claims 1,231.47; Opayo says 50.00.
    const crypt = encryptFormCrypt(
      {
        VendorTxCode: 'INV-1043-F2',
        VPSTxId: '{BBBB0000-0000-4000-8000-000000000002}',
        Status: 'OK',
        Amount: '1,231.47',
      },
      'DemoFormKey12345',
    )
    const response = await call(`/opayo/form-return?order=7&crypt=${encodeURIComponent(crypt)}`)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('https://shop.example/thanks?order=&order=7')
    await settle()
    expect(await store.get('hint:form:INV-1043-F2')).toMatchObject({
      state: 'received',
    })
    expect(await store.get('opayo:BBBB0000-0000-4000-8000-000000000002:payment')).toBeUndefined()
    await service.engine.drain()
    expect(await store.get('hint:form:INV-1043-F2')).toMatchObject({
      state: 'skipped',
      reason: 'confirmed',
    })
    expect(
      (await store.get('opayo:BBBB0000-0000-4000-8000-000000000002:payment'))?.payment,
    ).toMatchObject({ source: { protocol: 'reporting', verified: true }, amount: { amount: 5000 } })
    expect(kashflowFake.invoices.get(1043)!.PaymentLines.map((l) => l.Amount)).toEqual([50])
  })

  it('never posts a Form return Opayo cannot confirm: retried, then dead-lettered as unconfirmed', async () => {
    const { call, store, service, settle, kashflowFake } = setup({
      retry: { confirmDelaysMs: [0, 0] },
    })
    await service.recordFormTransaction({ vendorTxCode: 'INV-1043-F3', amount: money(5000, 'GBP') })
    const crypt = encryptFormCrypt(
      {
        VendorTxCode: 'INV-1043-F3',
        VPSTxId: '{BBBB0000-0000-4000-8000-000000000003}',
        Status: 'OK',
        Amount: '50.00',
      },
      'DemoFormKey12345',
    )
    await call(`/opayo/form-return?crypt=${encodeURIComponent(crypt)}`)
    await settle()
    await service.engine.drain()
    const id = 'hint:form:INV-1043-F3'
    // Asked once per attempt (no wait in this test's schedule), then dead with the reason.
    expect(await store.get(id)).toMatchObject({ state: 'dead', reason: 'unconfirmed', attempts: 3 })
    expect((await store.get(id))?.detail).toMatchObject({
      reason: 'The Reporting API has no such transaction.',
    })
    expect(kashflowFake.invoices.get(1043)!.PaymentLines).toEqual([])
  })

  it('refuses to start with a Form password but no Reporting client, naming the fix', () => {
    expect(() =>
      createSyncService({
        store: memoryStore(),
        kashflow: createKashflowClient({ ...CREDENTIALS, fetch: new FakeKashflow().fetch }),
        rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
        references: createReferenceParser(['INV-{invoice}-{*}']),
        opayo: { vendorName: 'myshop', formPassword: 'DemoFormKey12345' },
        redirectUrl: 'https://shop.example/',
      }),
    ).toThrow(/no Reporting client.*Configure opayo\.reporting/)
  })

  it('offers the Pi hand-over only with a Pi client and a token, and posts what Pi says', async () => {
    const opayoFake = new FakeOpayo({ vendorName: 'myshop' })
    const pi = createOpayoPiClient({
      integrationKey: opayoFake.options.integrationKey,
      integrationPassword: opayoFake.options.integrationPassword,
      vendorName: 'myshop',
      fetch: opayoFake.fetch,
    })
    const make = (extra: { handoverToken?: string; pi?: typeof pi }) => {
      const store = memoryStore()
      const service = createSyncService({
        store,
        kashflow: createKashflowClient({
          ...CREDENTIALS,
          fetch: new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] }).fetch,
        }),
        rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
        references: createReferenceParser(['INV-{invoice}-{*}']),
        opayo: { vendorName: 'myshop', ...(extra.pi ? { pi: extra.pi } : {}) },
        ...(extra.handoverToken ? { handoverToken: extra.handoverToken } : {}),
        redirectUrl: 'https://shop.example/',
        poll: false,
      })
      return { store, service }
    }
    const real = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card: { merchantSessionKey: 'M', cardIdentifier: 'c' } },
      vendorTxCode: 'INV-1042-P1',
      amount: 1200,
      currency: 'GBP',
      description: 'd',
    })
    const hand = (
      service: { handler: (r: Request) => Promise<Response> },
      body: unknown,
      token?: string,
    ) =>
      service.handler(
        new Request('http://service.local/pi/transactions', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        }),
      )
    const body = { transactionId: real.transactionId, vendorTxCode: 'INV-1042-P1' }
    // No route without both a Pi client and a token.
    expect((await hand(make({ pi }).service, body, 'x')).status).toBe(404)
    expect((await hand(make({ handoverToken: 'x' }).service, body, 'x')).status).toBe(404)
    const { service, store } = make({ pi, handoverToken: 's3cret-token' })
    expect((await hand(service, body)).status).toBe(401)
    expect((await hand(service, body, 'wrong')).status).toBe(401)
    // The caller's amount, status and type are ignored: only Opayo's record posts.
    const inflated = {
      transaction: { ...real, amount: { totalAmount: 999_999 }, transactionType: 'Refund' },
      vendorTxCode: 'INV-1042-P1',
    }
    expect((await hand(service, inflated, 's3cret-token')).status).toBe(202)
    await service.engine.drain()
    expect((await store.get(`opayo:${real.transactionId}:payment`))?.payment).toMatchObject({
      amount: { amount: 1200 },
      source: { protocol: 'pi', verified: true },
    })
    expect(await store.get(`opayo:${real.transactionId}:refund`)).toBeUndefined()
    expect((await hand(service, { nope: true }, 's3cret-token')).status).toBe(400)
  })

  it('serves health as JSON and a status page that shows dead letters with their explanation', async () => {
    const { call, service, notify, register } = setup()
    await register('INV-9999-1', 100)
    await notify(
      signServerNotification(
        buildServerNotification({
          VendorTxCode: 'INV-9999-1',
          VPSTxId: '{CCCC0000-0000-4000-8000-000000000009}',
        }),
        { vendorName: 'myshop', securityKey: KEY },
      ),
    )
    await service.engine.ingest({ broken: true })
    await service.engine.drain()
    // A dead letter waits for a person: degraded, but still taking notifications (200).
    const health = await call('/health')
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'degraded', reasons: ['dead_letters'] })
    // The details are admin routes: not on the public handler without a token.
    expect((await call('/admin/health')).status).toBe(404)
    expect((await call('/admin')).status).toBe(404)
    // In-process, the admin handler answers only a loopback URL with its own Host (admin-guard.ts).
    const admin = (path: string) =>
      service.adminHandler(
        new Request(`http://127.0.0.1:8081${path}`, { headers: { host: 'localhost:8081' } }),
      )
    expect(
      (await service.adminHandler(new Request('http://admin.local/admin/health'))).status,
    ).toBe(401)
    expect(await (await admin('/admin/health')).json()).toMatchObject({
      ok: true,
      counts: { dead: 1, waiting: 1 },
    })
    const page = await (await admin('/admin')).text()
    expect(page).toContain('<h2>Dead letters (1)</h2>')
    expect(page).toContain('invalid_payment')
    expect((await call('/nowhere')).status).toBe(404)
  })

  it('answers 503 degraded on /health while posting is paused', async () => {
    const { notify, register, service, call } = setup({
      kashflow: createKashflowClient({
        ...CREDENTIALS,
        password: 'not-the-password',
        fetch: new FakeKashflow().fetch,
      }),
    })
    await register('INV-1042-1', 12000)
    await notify(signed())
    await service.engine.drain()
    const health = await call('/health')
    expect(health.status).toBe(503)
    expect(await health.json()).toEqual({ status: 'degraded', reasons: ['posting_paused'] })
  })

  it('backfills from the Reporting API and recognises payments already pushed as duplicates', async () => {
    const { service, notify, opayoFake, register } = setup()
    await register('INV-1042-1', 12000)
    opayoFake.seed({ transactionId: TX, vendorTxCode: 'INV-1042-1', amount: 12000 })
    opayoFake.seed({
      transactionId: 'DDDD0000-0000-4000-8000-000000001043',
      vendorTxCode: 'INV-1043-2',
      amount: 2500,
    })
    await notify(signed())
    const totals = await service.backfill({
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
    })
    expect(totals).toEqual({ seen: 2, received: 1, duplicates: 1, invalid: 0 })
  })

  it('reconciles what Opayo took against KashFlow, so a registered amount that differs shows as a mismatch', async () => {
    const { service, notify, opayoFake, register } = setup()
    await register('INV-1042-1', 12000)
    // Opayo took 125.00 (a surcharge, unsigned in the notification); the registration said 120.00.
    opayoFake.seed({ transactionId: TX, vendorTxCode: 'INV-1042-1', amount: 12500 })
    expect((await notify(signed({ Surcharge: '5.00' }))).status).toBe('OK')
    await service.engine.drain()
    const result = await service.reconcile({
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
    })
    expect(result.rows).toMatchObject([
      { status: 'amount_mismatch', opayoAmount: 12500, kashflowAmount: 12000 },
    ])
  })

  it('reconciles: matched, missing in KashFlow, amount mismatch and orphan KashFlow payments', async () => {
    // Orphans are lines carrying a marker no movement explains: visible only where KashFlow keeps
    // the bulk Comment as the line's Note (UNCONFIRMED), so this test switches that on.
    const { service, opayoFake, kashflowFake } = setup({}, { unconfirmed: { commentToNote: true } })
    const seed = (id: string, code: string, amount: number) =>
      opayoFake.seed({ transactionId: id, vendorTxCode: code, amount })
    seed('E0000000-0000-4000-8000-000000000001', 'INV-1043-1', 1000)
    seed('E0000000-0000-4000-8000-000000000002', 'INV-1043-2', 2000)
    seed('E0000000-0000-4000-8000-000000000003', 'INV-1043-3', 3000)
    seed('E0000000-0000-4000-8000-000000000004', 'INV-1043-4', 4000)
    await service.backfill({
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
    })
    await service.engine.drain()
    const lines = kashflowFake.invoices.get(1043)!.PaymentLines
    kashflowFake.linesSentWith('000000000002')[0]!.Amount = 19.99 // someone edited it in KashFlow
    const deleted = kashflowFake.linesSentWith('000000000003')
    kashflowFake.invoices.get(1043)!.PaymentLines = lines.filter((l) => !deleted.includes(l))
    opayoFake.transactions.delete('E0000000-0000-4000-8000-000000000004') // unknown to Opayo in this range
    const result = await service.reconcile({
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
    })
    expect(result.summary).toEqual({
      matched: 1,
      missing_in_kashflow: 1,
      amount_mismatch: 1,
      orphan_in_kashflow: 1,
      unknown: 0,
    })
    expect(result.rows.find((r) => r.status === 'amount_mismatch')).toMatchObject({
      opayoAmount: 2000,
      kashflowAmount: 1999,
    })
    expect(reconciliationCsv(result).split('\r\n')[0]).toBe(
      'status,transactionId,vendorTxCode,kind,invoiceNumber,opayoAmount,kashflowAmount,currency,engineState,note',
    )
    expect(reconciliationHtml(result)).toContain('amount mismatch')
  })
})
