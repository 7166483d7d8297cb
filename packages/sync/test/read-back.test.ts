// Exactly once on the weakest documented KashFlow: line notes may be empty (the bulk Comment is
// not copied), a write may commit and lose its response, and a restart may come at any point.
import { describe, expect, it } from 'vitest'
import { harness, payment } from './helpers.js'

const invoices = [
  { number: 1042, gross: 120 },
  { number: 1043, gross: 50 },
  { number: 1044, gross: 90 },
]

describe('read-back without the marker', () => {
  it('finds an ambiguous write by the pre-image when KashFlow keeps no note, and posts once', async () => {
    const { engine, fake, store } = harness({ seed: { invoices } })
    const p = payment(1042)
    await engine.ingest(p)
    fake.commitThenDropNextWrite()
    await engine.runOnce()
    expect(await store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(fake.invoices.get(1042)!.PaymentLines).toHaveLength(1)
    // The read-back found our line by amount, date, method and bank account: no note needed.
    expect(fake.invoices.get(1042)!.PaymentLines[0]?.Note ?? '').not.toContain('OPAYO:')
    expect(await store.ledger(p.id)).toMatchObject([
      {
        state: 'done',
        request: { preImage: [] },
        result: { readBack: { amount: { amount: 1000 } } },
      },
    ])
  })

  it('recovers a crash between the write and the ledger by the recorded pre-image, never posting twice', async () => {
    let crash = true
    const h = harness({
      seed: { invoices },
      engine: {
        leaseMs: 60_000,
        afterWrite: () => {
          if (!crash) return
          crash = false
          throw new Error('simulated crash after the write')
        },
      },
    })
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.engine.runOnce()
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(1)
  })

  it('dead-letters as needs_review, listing the candidates, when two new lines could be ours, and never writes again', async () => {
    let crash = true
    const h = harness({
      seed: { invoices },
      engine: {
        leaseMs: 60_000,
        afterWrite: () => {
          if (!crash) return
          crash = false
          // Someone records the same amount on the same invoice, same day, same method.
          const lines = h.fake.invoices.get(1042)!.PaymentLines
          lines.push({ ...lines[0]!, Id: 990_001, Note: 'paid by phone' })
          throw new Error('simulated crash after the write')
        },
      },
    })
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.engine.runOnce()
    await h.settle()
    const event = await h.store.get(p.id)
    expect(event).toMatchObject({ state: 'dead', reason: 'needs_review' })
    expect((event?.detail as { candidates: unknown[] }).candidates).toHaveLength(2)
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(2)
    await h.settle()
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(2)
  })

  it('does not take an older line with the same amount for ours: only lines new since the pre-image count', async () => {
    const h = harness({ seed: { invoices } })
    const first = payment(1042)
    await h.engine.ingest(first)
    await h.settle()
    // A second payment of the same amount on the same invoice: its write drops after committing.
    const second = payment(1042)
    await h.engine.ingest(second)
    h.fake.commitThenDropNextWrite()
    await h.settle()
    expect(await h.store.get(second.id)).toMatchObject({ state: 'posted' })
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(2)
  })
})

describe('after a write KashFlow refused', () => {
  /**
   * The first bulk payment POST is answered with `status` before reaching the fake; meanwhile a
   * stranger records an identical line (same amount, date, method, bank account) on the invoice.
   */
  const refusedOnce = (status: 429 | 400 | 503) => {
    let refused = false
    const h = harness({
      seed: { invoices },
      wrapFetch: (fetch) => async (input, init) => {
        const request = new Request(input, init)
        if (!refused && request.method === 'POST' && request.url.endsWith('/bulk/payments')) {
          refused = true
          const body = (await request.clone().json()) as {
            Date: string
            AccountId: number
            Method: number
            PaymentItems: { Amount: number }[]
          }
          const lines = h.fake.invoices.get(1042)!.PaymentLines
          lines.push({
            Id: 990_001,
            Date: `${body.Date.slice(0, 10)} 12:00:00`,
            Amount: body.PaymentItems[0]!.Amount,
            Method: body.Method,
            AccountId: body.AccountId,
            Note: 'paid by phone',
            Reference: '',
            IsExternalRefund: false,
            BulkId: 0,
            BulkPaymentNumber: 0,
          })
          return new Response(
            JSON.stringify(
              status === 400
                ? { Error: 'ValidationError', Message: 'Payment date is locked' }
                : { Error: 'Busy', Message: 'Try again later' },
            ),
            {
              status,
              headers: {
                'content-type': 'application/json',
                ...(status === 429 ? { 'retry-after': '1' } : {}),
              },
            },
          )
        }
        return fetch(request)
      },
    })
    return h
  }

  it('after a 429, takes a fresh pre-image and writes: a stranger’s identical line is never taken as ours', async () => {
    const h = refusedOnce(429)
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    const lines = h.fake.invoices.get(1042)!.PaymentLines
    // The stranger's line and ours: two lines, one of them written by us.
    expect(lines).toHaveLength(2)
    expect(h.linesWith(`OPAYO:${p.source.transactionId}:payment`)).toHaveLength(1)
    const [entry] = await h.store.ledger(p.id)
    expect(entry).toMatchObject({
      state: 'done',
      result: { bulkPaymentNumber: expect.any(Number) },
    })
    // The pre-image of the attempt that wrote holds the stranger's line.
    expect((entry?.request as { preImage: { id?: number }[] }).preImage).toMatchObject([
      { id: 990_001 },
    ])
  })

  it('after a 400 validation refusal, dead-letters kashflow_rejected and marks the intent refused', async () => {
    const h = refusedOnce(400)
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'dead', reason: 'kashflow_rejected' })
    expect(await h.store.ledger(p.id)).toMatchObject([{ state: 'refused' }])
    expect(h.linesWith(`OPAYO:${p.source.transactionId}:payment`)).toHaveLength(0)
  })

  it('after a 503 (ambiguous), still reads back against the first pre-image and never writes twice', async () => {
    const h = refusedOnce(503)
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.settle()
    // The new line could be ours (a 5xx may have applied the write): it is taken as ours, and
    // nothing more is written. Only a definite refusal lets the next attempt write again.
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(1)
    expect(await h.store.ledger(p.id)).toMatchObject([
      { state: 'done', request: { preImage: [] }, result: { readBack: { id: 990_001 } } },
    ])
  })
})

describe('requests', () => {
  it('costs one invoice read and one write per payment on the happy path (plus the login)', async () => {
    const { engine, fake, settle } = harness({ seed: { invoices } })
    for (const invoice of [1042, 1043, 1044]) await engine.ingest(payment(invoice))
    await settle()
    const counts = fake.requestCounts()
    const total = (pattern: RegExp) =>
      Object.entries(counts)
        .filter(([key]) => pattern.test(key))
        .reduce((sum, [, n]) => sum + n, 0)
    expect(total(/^GET \/?invoices\/\d+$/)).toBe(3)
    expect(total(/^POST \/?invoices\/bulk\/payments$/)).toBe(3)
    // The rest: the login (two steps) and, once per client, the home currency from KashFlow.
    const other = Object.entries(counts)
      .filter(([key]) => !/invoices\/(\d+|bulk\/payments)$/.test(key))
      .map(([key, n]) => `${key} x${n}`)
      .sort()
    expect(other).toHaveLength(3)
    expect(other.join(', ')).toMatch(/settings\/customerandsupplier x1/)
  })
})

describe('the home currency', () => {
  it('posts to an invoice without a currency in a non-GBP account, reading the home currency from KashFlow', async () => {
    const { engine, store, fake, settle } = harness({
      seed: { homeCurrency: 'EUR', invoices: [{ number: 1042, gross: 120, omitCurrency: true }] },
    })
    const p = payment(1042, { amount: { amount: 1000, currency: 'EUR' } })
    await engine.ingest(p)
    await settle()
    expect(await store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(fake.invoices.get(1042)!.PaymentLines.map((l) => l.Amount)).toEqual([10])
  })
})
