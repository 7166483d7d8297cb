// An answer the client does not recognise is "cannot tell", never "absent": the engine stops
// writing that item and dead-letters it needs_review with what KashFlow answered.
import { describe, expect, it } from 'vitest'
import { harness, payment } from './helpers.js'

describe('an answer the client cannot read', () => {
  it('dead-letters needs_review, with the error and no write, when the invoice comes back in an unknown shape', async () => {
    const h = harness({
      seed: { invoices: [{ number: 1042, gross: 120 }] },
      wrapFetch: (fetch) => async (input, init) => {
        const request = new Request(input, init)
        if (request.method === 'GET' && new URL(request.url).pathname.endsWith('/invoices/1042'))
          return new Response(JSON.stringify({ Invoice: { No: 1042 } }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          })
        return fetch(request)
      },
    })
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.settle()
    const event = await h.store.get(p.id)
    expect(event).toMatchObject({ state: 'dead', reason: 'needs_review' })
    expect(event?.detail).toMatchObject({
      error: { name: 'KashflowResponseError', code: 'kashflow_unexpected_response' },
    })
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments'] ?? 0).toBe(0)
    expect(h.events.some((e) => e.type === 'dead-lettered')).toBe(true)
  })
})
