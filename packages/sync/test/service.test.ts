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
  parseNotificationReply,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import {
  createSyncService,
  memoryStore,
  reconciliationCsv,
  reconciliationHtml,
} from '../src/index.js'
import type { ServiceRegistration } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const TX = 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2'
const KEY = 'IK776BWNHN'

function setup() {
  const kashflowFake = new FakeKashflow({
    invoices: [
      { number: 1042, gross: 120 },
      { number: 1043, gross: 5000 },
      { number: 1044, gross: 90 },
    ],
  })
  const opayoFake = new FakeOpayo({
    vendorName: 'myshop',
    reporting: { vendor: 'myshop', user: 'r', password: 'p' },
  })
  const registrations = new Map<string, ServiceRegistration>([
    ['INV-1042-1', { securityKey: KEY, amount: money(12000, 'GBP') }],
  ])
  const store = memoryStore()
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
    opayo: {
      vendorName: 'myshop',
      lookupRegistration: (code) => registrations.get(code),
      formPassword: 'DemoFormKey12345',
      reporting,
    },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
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
  return { service, store, kashflowFake, opayoFake, registrations, call, notify, reporting }
}

const signed = (overrides: Record<string, string> = {}) =>
  signServerNotification(
    buildServerNotification({ VendorTxCode: 'INV-1042-1', VPSTxId: `{${TX}}`, ...overrides }),
    { vendorName: 'myshop', securityKey: KEY },
  )

describe('the sync service', () => {
  it('ingests a Server notification durably before replying OK; a repeat gets the same reply', async () => {
    const { notify, store, service, kashflowFake } = setup()
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

  it('answers INVALID for a tampered notification and stores nothing', async () => {
    const { notify, store } = setup()
    expect((await notify({ ...signed(), Status: 'NOTAUTHED' })).status).toBe('INVALID')
    expect(await store.list()).toEqual([])
  })

  it('takes the amount from the Reporting API when the registration has none', async () => {
    const { notify, store, registrations, opayoFake } = setup()
    registrations.set('INV-1043-7', { securityKey: KEY })
    opayoFake.seed({
      transactionId: 'AAAA0000-0000-4000-8000-000000001043',
      vendorTxCode: 'INV-1043-7',
      amount: 4321,
    })
    const fields = signServerNotification(
      buildServerNotification({
        VendorTxCode: 'INV-1043-7',
        VPSTxId: '{AAAA0000-0000-4000-8000-000000001043}',
      }),
      { vendorName: 'myshop', securityKey: KEY },
    )
    expect((await notify(fields)).status).toBe('OK')
    expect(
      (await store.get('opayo:AAAA0000-0000-4000-8000-000000001043:payment'))?.payment,
    ).toMatchObject({ amount: { amount: 4321 } })
  })

  it('accepts a Form return (browser-borne, unverified) and redirects the shopper', async () => {
    const { call, store } = setup()
    const crypt = encryptFormCrypt(
      {
        VendorTxCode: 'INV-1043-F1',
        VPSTxId: '{BBBB0000-0000-4000-8000-000000000001}',
        Status: 'OK',
        Amount: '1,231.47',
      },
      'DemoFormKey12345',
    )
    const response = await call(`/opayo/form-return?crypt=${encodeURIComponent(crypt)}`)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('https://shop.example/thanks?order=INV-1043-F1')
    expect(
      (await store.get('opayo:BBBB0000-0000-4000-8000-000000000001:payment'))?.payment,
    ).toMatchObject({ source: { verified: false }, amount: { amount: 123147 } })
    expect((await call('/opayo/form-return?crypt=@ABAB')).status).toBe(400)
  })

  it("confirms a Form return through the Reporting API: Opayo's record wins over the browser's", async () => {
    const { call, store, opayoFake } = setup()
    opayoFake.seed({
      transactionId: 'BBBB0000-0000-4000-8000-000000000002',
      vendorTxCode: 'INV-1043-F2',
      amount: 5000,
    })
    // The crypt claims 1,231.47; Opayo says 50.00 (a forged or altered crypt).
    const crypt = encryptFormCrypt(
      {
        VendorTxCode: 'INV-1043-F2',
        VPSTxId: '{BBBB0000-0000-4000-8000-000000000002}',
        Status: 'OK',
        Amount: '1,231.47',
      },
      'DemoFormKey12345',
    )
    expect((await call(`/opayo/form-return?crypt=${encodeURIComponent(crypt)}`)).status).toBe(303)
    expect(
      (await store.get('opayo:BBBB0000-0000-4000-8000-000000000002:payment'))?.payment,
    ).toMatchObject({
      source: { protocol: 'reporting', verified: true },
      amount: { amount: 5000 },
    })
  })

  it('guards the Pi hand-over with a token and re-reads the transaction from Opayo when a Pi client is given', async () => {
    const opayoFake = new FakeOpayo({ vendorName: 'myshop' })
    const pi = createOpayoPiClient({
      integrationKey: opayoFake.options.integrationKey,
      integrationPassword: opayoFake.options.integrationPassword,
      vendorName: 'myshop',
      fetch: opayoFake.fetch,
    })
    const store = memoryStore()
    const service = createSyncService({
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: new FakeKashflow().fetch }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      opayo: { vendorName: 'myshop', lookupRegistration: () => undefined, pi },
      handoverToken: 's3cret-token',
      redirectUrl: 'https://shop.example/',
      poll: false,
    })
    const real = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card: { merchantSessionKey: 'M', cardIdentifier: 'c' } },
      vendorTxCode: 'INV-1042-P1',
      amount: 1200,
      currency: 'GBP',
      description: 'd',
    })
    const hand = (body: unknown, token?: string) =>
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
    expect((await hand({ transaction: real, vendorTxCode: 'INV-1042-P1' })).status).toBe(401)
    expect((await hand({ transaction: real, vendorTxCode: 'INV-1042-P1' }, 'wrong')).status).toBe(
      401,
    )
    // A caller that inflates the amount does not get its way: Opayo's record is used.
    const inflated = {
      ...real,
      amount: { totalAmount: 999_999, saleAmount: 999_999, surchargeAmount: 0 },
    }
    expect(
      (await hand({ transaction: inflated, vendorTxCode: 'INV-1042-P1' }, 's3cret-token')).status,
    ).toBe(202)
    expect((await service.engine.status()).counts.received).toBe(1)
    expect((await store.get(`opayo:${real.transactionId}:payment`))?.payment).toMatchObject({
      amount: { amount: 1200 },
    })
    const fabricated = { ...real, transactionId: '00000000-0000-4000-8000-00000000DEAD' }
    expect(
      (await hand({ transaction: fabricated, vendorTxCode: 'INV-1042-P9' }, 's3cret-token')).status,
    ).toBe(422)
  })

  it('takes Pi results handed over by the app, including a release as a capture', async () => {
    const { call, store, opayoFake, service } = setup()
    const pi = createOpayoPiClient({
      integrationKey: opayoFake.options.integrationKey,
      integrationPassword: opayoFake.options.integrationPassword,
      vendorName: 'myshop',
      fetch: opayoFake.fetch,
    })
    const tx = await pi.transactions.create({
      transactionType: 'Deferred',
      paymentMethod: { card: { merchantSessionKey: 'M', cardIdentifier: 'c' } },
      vendorTxCode: 'INV-1044-D1',
      amount: 9000,
      currency: 'GBP',
      description: 'd',
    })
    const hand = (body: unknown) =>
      call('/pi/transactions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await hand({ transaction: tx, vendorTxCode: 'INV-1044-D1' })).status).toBe(202)
    expect(
      (await hand({ transaction: tx, vendorTxCode: 'INV-1044-D1', release: { amount: 9000 } }))
        .status,
    ).toBe(202)
    expect((await hand({ nope: true })).status).toBe(400)
    await service.engine.drain()
    expect(await store.get(`opayo:${tx.transactionId}:authorisation`)).toMatchObject({
      state: 'skipped',
      reason: 'no_money_movement',
    })
    expect(await store.get(`opayo:${tx.transactionId}:capture`)).toMatchObject({ state: 'posted' })
  })

  it('serves health as JSON and a status page that shows dead letters with their explanation', async () => {
    const { call, service, notify, registrations } = setup()
    registrations.set('INV-9999-1', { securityKey: KEY, amount: money(100, 'GBP') })
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
    const health = await call('/health')
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true, counts: { dead: 1, waiting: 1 } })
    const page = await (await call('/')).text()
    expect(page).toContain('<h2>Dead letters (1)</h2>')
    expect(page).toContain('invalid_payment')
    expect((await call('/nowhere')).status).toBe(404)
  })

  it('backfills from the Reporting API and recognises payments already pushed as duplicates', async () => {
    const { service, notify, opayoFake } = setup()
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

  it('reconciles: matched, missing in KashFlow, amount mismatch and orphan KashFlow payments', async () => {
    const { service, opayoFake, kashflowFake } = setup()
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
    lines.find((l) => l.Note.includes('000000000002'))!.Amount = 19.99 // someone edited it in KashFlow
    kashflowFake.invoices.get(1043)!.PaymentLines = lines.filter(
      (l) => !l.Note.includes('000000000003'),
    ) // deleted
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
