// Issue 19, finding 5: whoever can register or import a registration decides the amount a
// genuinely signed notification posts. The amount ceiling bounds it by what the invoice owes.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import type { PostingRulesInput } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import {
  FakeKashflow,
  buildServerNotification,
  parseNotificationReply,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { memoryStore } from '@opayo-kashflow/sync'
import { describe, expect, it } from 'vitest'
import { parseRegistrations } from '../src/cli/registrations-command.js'
import { createSyncService } from '../src/index.js'
import { explain } from '../src/service/explain.js'
import { CREDENTIALS } from './helpers.js'

const TX = 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2'
const OWN_KEY = 'OWNKEY0001'

async function importAndNotify(
  amount: number,
  rules: Partial<PostingRulesInput> = {},
  wrap: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch = (fetch) => fetch,
) {
  const kashflowFake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
  const store = memoryStore()
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({ ...CREDENTIALS, fetch: wrap(kashflowFake.fetch) }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844, ...rules }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
  })
  // A new VendorTxCode naming invoice 1042, with the importer's own (well-formed) key.
  const parsed = parseRegistrations(
    { 'INV-1042-9': { securityKey: OWN_KEY, amount, currency: 'GBP' } },
    0,
  )
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  expect(await store.importRegistrations(parsed.records)).toMatchObject({ created: 1 })
  const fields = signServerNotification(
    buildServerNotification({ VendorTxCode: 'INV-1042-9', VPSTxId: `{${TX}}` }),
    { vendorName: 'myshop', securityKey: OWN_KEY },
  )
  const response = await service.handler(
    new Request('http://service.local/opayo/notify', {
      method: 'POST',
      body: new URLSearchParams(fields),
    }),
  )
  expect(parseNotificationReply(await response.text(), response.status).status).toBe('OK')
  await service.engine.drain()
  const [event] = await store.list()
  const paid = kashflowFake.invoices.get(1042)!.PaymentLines.map((l) => l.Amount)
  return { event, paid, service, store, kashflowFake }
}

describe('the amount ceiling (rules.overpayments)', () => {
  it('does not post a 7,777.00 registration to a 120.00 invoice: dead letter overpayment, with the reason', async () => {
    const { event, paid } = await importAndNotify(777700)
    expect(paid).toEqual([])
    expect(event).toMatchObject({ state: 'dead', reason: 'overpayment' })
    expect(explain(event!)).toMatch(
      /7777\.00 GBP is more than the 120\.00 GBP invoice 1042 still owes, so nothing was posted/,
    )
  })

  it('posts a 120.00 registration to the 120.00 invoice', async () => {
    const { event, paid } = await importAndNotify(12000)
    expect(event).toMatchObject({ state: 'posted' })
    expect(paid).toEqual([120])
  })

  it('posts the overpayment once a person resolves it to the invoice', async () => {
    const { event, service, kashflowFake } = await importAndNotify(777700)
    const resolved = await service.engine.deadLetters.resolve(event!.id, {
      invoiceNumber: 1042,
      by: 'jo',
      reason: 'the customer paid ahead for two orders',
    })
    expect(resolved.resolved).toBe(true)
    await service.engine.drain()
    expect(kashflowFake.invoices.get(1042)!.PaymentLines.map((l) => l.Amount)).toEqual([7777])
  })

  it("posts it when the operator turns the ceiling off (overpayments: 'post')", async () => {
    const { paid } = await importAndNotify(777700, { overpayments: 'post' })
    expect(paid).toEqual([7777])
  })

  it('does not post when what is owed cannot be told (the invoice has no amounts to tell it by)', async () => {
    const { event, paid } = await importAndNotify(12000, {}, (fetch) => async (input, init) => {
      const answer = await fetch(input, init)
      const request = input instanceof Request ? input : new Request(input, init)
      if (request.method !== 'GET' || !new URL(request.url).pathname.endsWith('/invoices/1042'))
        return answer
      const {
        GrossAmount: _g,
        TotalPaidAmount: _t,
        ...row
      } = (await answer.json()) as Record<string, unknown>
      return new Response(JSON.stringify({ ...row, DueAmount: 0 }), {
        status: answer.status,
        headers: answer.headers,
      })
    })
    expect(paid).toEqual([])
    expect(event).toMatchObject({ state: 'dead', reason: 'overpayment' })
    expect(explain(event!)).toMatch(/What invoice 1042 still owes cannot be told/)
  })
})
