// When the reference fails: candidates read through the KashFlow client and ranked by core, the
// matching policy (auto-post only on one clear candidate), and a person's resolution, all posted
// through the ledger exactly once.
import { InvalidArgumentError, MatchingPolicyError, postingMarker } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { createSyncAdmin } from '../src/index.js'
import type { LedgerEntry, MatchRecord } from '../src/index.js'
import { harness, payment } from './helpers.js'

const jane = {
  Code: 'SMITH01',
  Name: 'Jane Smith',
  Contacts: [{ IsPrimary: true, Email: 'jane.smith@example.com' }],
  Addresses: [{ Line1: '1 High Street', PostCode: 'SW1A 1AA' }],
}
const janeInvoices = [
  { number: 1042, gross: 10, customerCode: 'SMITH01', issuedDate: '2026-10-20' },
  { number: 1051, gross: 45, customerCode: 'SMITH01', issuedDate: '2026-10-28' },
]
let paid = 0
const janePays = (vendorTxCode: string) =>
  payment(0, {
    source: {
      system: 'opayo',
      protocol: 'server',
      transactionId: `6E6A5B1C-0000-4000-8000-${String((paid += 1)).padStart(12, '0')}`,
      vendorTxCode,
      verified: true,
    },
    customer: { firstName: 'Jane', lastName: 'Smith', email: 'Jane.Smith@example.com' },
  })
const marker = (tx: string) => postingMarker(tx, 'payment')
const requestOf = (ledger: readonly LedgerEntry[], kind: string) =>
  ledger.find((l) => l.kind === kind)?.request as { invoiceNumber?: number; match?: MatchRecord }

describe('matching when the reference fails', () => {
  it('by default never posts: the dead letter lists the ranked candidates and their reasons', async () => {
    const h = harness({ seed: { customers: [jane], invoices: janeInvoices } })
    const p = janePays('WEB-ORDER-77')
    await h.engine.ingest(p)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({ state: 'dead', reason: 'unmatched_reference' })
    const detail = dead?.detail as {
      issues: unknown[]
      matching: {
        decision: string
        query: string
        candidates: { invoiceNumber: number; score: number; reasons: { code: string }[] }[]
      }
    }
    expect(detail.issues.length).toBeGreaterThan(0)
    expect(detail.matching.decision).toBe('auto_post_disabled')
    expect(detail.matching.query).toBe('the open invoices of customer jane.smith@example.com')
    expect(detail.matching.candidates.map((c) => c.invoiceNumber)).toEqual([1042, 1051])
    expect(detail.matching.candidates[0]?.reasons.map((r) => r.code)).toContain(
      'amount_due_equals_payment',
    )
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBeUndefined()
  })

  it('auto-posts to the one candidate that clears minScore, recording the choice and its reasons', async () => {
    const h = harness({
      seed: { customers: [jane], invoices: janeInvoices },
      engine: { matching: { autoPost: { minScore: 74, requireUnique: true } } },
    })
    const p = janePays('WEB-ORDER-77')
    await h.engine.ingest(p)
    await h.settle()
    const posted = await h.store.get(p.id)
    expect(posted).toMatchObject({
      state: 'posted',
      detail: { match: { via: 'matching', invoiceNumber: 1042 } },
    })
    const lines = h.linesWith(marker(p.source.transactionId))
    expect(lines).toHaveLength(1)
    expect(h.fake.invoices.get(1042)?.PaymentLines).toHaveLength(1)
    const request = requestOf(await h.store.ledger(p.id), 'invoice-payment')
    expect(request.invoiceNumber).toBe(1042)
    expect(request.match).toMatchObject({ via: 'matching', invoiceNumber: 1042 })
    expect(
      (request.match as { reasons: readonly { code: string }[] }).reasons.map((r) => r.code),
    ).toEqual(expect.arrayContaining(['amount_due_equals_payment', 'customer_email_matches']))
  })

  it('leaves an ambiguous payment to a person: two candidates clear the bar, nothing posts', async () => {
    const h = harness({
      seed: {
        invoices: [
          { number: 1051, gross: 10, customerCode: 'A', issuedDate: '2026-10-28' },
          { number: 1060, gross: 10, customerCode: 'B', issuedDate: '2026-10-30' },
          { number: 1070, gross: 99, customerCode: 'C', issuedDate: '2026-10-30' },
        ],
      },
      engine: { matching: { autoPost: { minScore: 40, requireUnique: true } } },
    })
    const p = payment(0, {
      source: {
        system: 'opayo',
        protocol: 'server',
        transactionId: '0B7F0000-0000-4000-8000-000000005531',
        vendorTxCode: 'ORDER-5531',
        verified: true,
      },
    })
    await h.engine.ingest(p)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({ state: 'dead', reason: 'unmatched_reference' })
    const matching = (
      dead?.detail as { matching: { decision: string; candidates: { invoiceNumber: number }[] } }
    ).matching
    expect(matching.decision).toBe('not_unique')
    // Only the invoices due the payment's amount are candidates (the amount-and-dates read).
    expect(matching.candidates.map((c) => c.invoiceNumber)).toEqual([1051, 1060])
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBeUndefined()
  })

  it('a missing invoice is matched only when the not-found schedule gives up', async () => {
    const h = harness({
      seed: { customers: [jane], invoices: janeInvoices },
      engine: {
        retry: { notFoundDelaysMs: [60_000] },
        matching: { autoPost: { minScore: 80, requireUnique: true } },
      },
    })
    const p = janePays('INV-1402-1') // 1042 with two digits swapped: invoice 1402 does not exist
    await h.engine.ingest(p)
    await h.engine.drain()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'waiting' })
    expect(h.fake.requestCounts()['GET /customers/search']).toBeUndefined() // no candidate read yet
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({
      state: 'posted',
      // 40 amount + 35 email + 5 reference resembles 1042 + 3 date + 2 currency
      detail: { match: { via: 'matching', invoiceNumber: 1042, score: 85 } },
    })
    const match = ((await h.store.get(p.id))?.detail as { match: { reasons: { code: string }[] } })
      .match
    expect(match.reasons.map((r) => r.code)).toContain('reference_resembles_invoice')
    expect(h.linesWith(marker(p.source.transactionId))).toHaveLength(1)
  })

  it('matching finds the unpaid invoice when the fake reports DueAmount 0 (default switch)', async () => {
    const h = harness({
      seed: { customers: [jane], invoices: janeInvoices },
      engine: { matching: { autoPost: { minScore: 74, requireUnique: true } } },
    })
    expect(h.fake.unconfirmed.dueAmountOnUnpaid).toBe('zero')
    const rows = []
    for await (const row of h.kashflow.invoices.list({ customerCode: 'SMITH01' })) rows.push(row)
    expect(rows.map((r) => [r.Number, r.DueAmount])).toEqual([
      [1042, 0],
      [1051, 0],
    ])
    const p = janePays('WEB-ORDER-78')
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({
      state: 'posted',
      detail: { match: { via: 'matching', invoiceNumber: 1042 } },
    })
    expect(h.linesWith(marker(p.source.transactionId))).toHaveLength(1)
  })

  it('keeps an invoice whose row cannot tell what is owed as a candidate for a person, never posting it', async () => {
    // List rows without GrossAmount and TotalPaidAmount: with DueAmount 0, what is owed is unknown.
    const stripOwed =
      (fetch: typeof globalThis.fetch): typeof globalThis.fetch =>
      async (input, init) => {
        const answer = await fetch(input, init)
        const request = input instanceof Request ? input : new Request(input, init)
        if (request.method !== 'GET' || !new URL(request.url).pathname.endsWith('/invoices'))
          return answer
        const body = (await answer.json()) as { Data?: Record<string, unknown>[] }
        const strip = ({ GrossAmount: _g, TotalPaidAmount: _t, ...row }: Record<string, unknown>) =>
          row
        return new Response(JSON.stringify({ ...body, Data: (body.Data ?? []).map(strip) }), {
          status: answer.status,
          headers: answer.headers,
        })
      }
    const h = harness({
      seed: { customers: [jane], invoices: janeInvoices },
      engine: { matching: { autoPost: { minScore: 40, requireUnique: true } } },
      wrapFetch: stripOwed,
    })
    const p = janePays('WEB-ORDER-79')
    await h.engine.ingest(p)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({ state: 'dead', reason: 'unmatched_reference' })
    const matching = (
      dead?.detail as {
        matching: {
          decision: string
          candidates: { invoiceNumber: number; amountDueUnknown?: string }[]
          amountDueUnknown: { invoiceNumber: number; reason: string }[]
        }
      }
    ).matching
    expect(matching.decision).toBe('amount_due_unknown')
    expect(matching.candidates.map((c) => c.invoiceNumber)).toEqual([1042, 1051])
    expect(matching.candidates[0]?.amountDueUnknown).toMatch(
      /^invoice 1042: DueAmount reads 0 or less and the row has no GrossAmount/,
    )
    expect(matching.amountDueUnknown.map((u) => u.invoiceNumber)).toEqual([1042, 1051])
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBeUndefined()
  })

  it('refuses a matching policy that does not fit the schema when the engine is made', () => {
    expect(() =>
      harness({ engine: { matching: { autoPost: { minScore: 0, requireUnique: true } } } }),
    ).toThrow(MatchingPolicyError)
  })
})

describe('deadLetters.resolve', () => {
  it('posts the payment to the invoice a person chose, once, and keeps who, why and when', async () => {
    const h = harness({ seed: { customers: [jane], invoices: janeInvoices } })
    const p = janePays('WEB-ORDER-77')
    await h.engine.ingest(p)
    await h.settle()
    const admin = createSyncAdmin({ store: h.store, clock: h.clock })
    const result = await admin.deadLetters.resolve(p.id, {
      invoiceNumber: 1051,
      by: 'jo',
      reason: 'Jane paid the mug order early',
    })
    expect(result).toMatchObject({
      resolved: true,
      resolution: { invoiceNumber: 1051, by: 'jo', reason: 'Jane paid the mug order early' },
    })
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({
      state: 'posted',
      detail: { match: { via: 'resolution', invoiceNumber: 1051, resolution: { by: 'jo' } } },
    })
    expect(h.fake.invoices.get(1051)?.PaymentLines).toHaveLength(1)
    expect(h.fake.invoices.get(1042)?.PaymentLines).toHaveLength(0)
    const ledger = await h.store.ledger(p.id)
    expect(ledger.filter((l) => l.kind === 'resolution')).toHaveLength(1)
    expect(requestOf(ledger, 'invoice-payment').match).toMatchObject({ via: 'resolution' })

    // Resolving again or replaying: not a dead letter any more, nothing is written again.
    expect(
      await h.engine.deadLetters.resolve(p.id, { invoiceNumber: 1042, by: 'jo', reason: 'again' }),
    ).toMatchObject({ resolved: false })
    expect(await admin.deadLetters.replay([p.id])).toEqual({ replayed: [], dryRun: false })
    await h.settle()
    expect(h.linesWith(marker(p.source.transactionId))).toHaveLength(1)
  })

  it('resolves an invoice_not_found dead letter, and a crash after the write does not post twice', async () => {
    let crash = true
    const h = harness({
      seed: { invoices: janeInvoices },
      engine: {
        retry: { notFoundDelaysMs: [] },
        afterWrite: () => {
          if (crash) {
            crash = false
            throw new Error('crash after the KashFlow write, before the ledger outcome')
          }
        },
      },
    })
    const p = payment(4004)
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'dead', reason: 'invoice_not_found' })
    await h.engine.deadLetters.resolve(p.id, { invoiceNumber: 1042, by: 'jo', reason: 'typo' })
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(h.linesWith(marker(p.source.transactionId))).toHaveLength(1)
    expect(h.fake.invoices.get(1042)?.PaymentLines).toHaveLength(1)
  })

  it('refuses what it cannot do safely, and bad input with a typed error', async () => {
    const h = harness({
      seed: { invoices: janeInvoices },
      engine: { retry: { notFoundDelaysMs: [] } },
    })
    const posted = payment(1042)
    const missing = payment(4004)
    const voided = payment(1051, { kind: 'void' })
    await h.engine.ingest(posted)
    await h.engine.ingest(missing)
    await h.engine.ingest(voided)
    await h.settle()
    const resolve = (id: string, invoiceNumber = 1051) =>
      h.engine.deadLetters.resolve(id, { invoiceNumber, by: 'jo', reason: 'why' })
    expect(await resolve('no-such-id')).toMatchObject({ resolved: false })
    expect(await resolve(posted.id)).toMatchObject({ resolved: false })
    expect(await h.store.get(voided.id)).toMatchObject({
      state: 'dead',
      reason: 'void_needs_review',
    })
    expect((await resolve(voided.id)).message).toMatch(
      /only unmatched_reference or invoice_not_found/,
    )
    await expect(
      h.engine.deadLetters.resolve(missing.id, { invoiceNumber: 0, by: 'jo', reason: 'x' }),
    ).rejects.toThrow(InvalidArgumentError)
    await expect(
      h.engine.deadLetters.resolve(missing.id, { invoiceNumber: 1051, by: ' ', reason: 'x' }),
    ).rejects.toThrow(InvalidArgumentError)
    await expect(
      h.engine.deadLetters.resolve(missing.id, { invoiceNumber: 1051, by: 'jo', reason: '' }),
    ).rejects.toThrow(InvalidArgumentError)

    // A write to another invoice was begun (it may be in KashFlow): resolving elsewhere is refused.
    await h.store.ledgerBegin({
      eventId: missing.id,
      marker: marker(missing.source.transactionId),
      kind: 'invoice-payment',
      request: { invoiceNumber: 1042 },
      now: h.clock.now(),
    })
    const refused = await resolve(missing.id, 1051)
    expect(refused.resolved).toBe(false)
    expect(refused.message).toMatch(/invoice 1042 was begun/)
    expect(await h.store.get(missing.id)).toMatchObject({ state: 'dead' })
  })
})
