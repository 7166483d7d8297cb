// Matching reads a bounded number of open invoices: a payment without an email on a busy account
// does not read the whole ledger, and a search cut short never auto-posts.
import { describe, expect, it } from 'vitest'
import { MAX_CANDIDATE_ROWS } from '../src/engine/matching.js'
import { harness, payment } from './helpers.js'

describe('the candidate search', () => {
  it(`stops after ${MAX_CANDIDATE_ROWS} open invoices and then posts nothing, saying why`, async () => {
    // One exact candidate (10.00) among many others in the window; without the cap it would post.
    const others = Array.from({ length: MAX_CANDIDATE_ROWS + 50 }, (_, i) => ({
      number: 2000 + i,
      gross: 99,
      customerCode: 'X',
      issuedDate: '2026-10-28',
    }))
    const h = harness({
      seed: {
        invoices: [
          ...others,
          { number: 9000, gross: 10, customerCode: 'A', issuedDate: '2026-10-30' },
        ],
      },
      engine: { matching: { autoPost: { minScore: 40, requireUnique: true } } },
    })
    const p = payment(0, {
      source: {
        system: 'opayo',
        protocol: 'server',
        transactionId: '0B7F0000-0000-4000-8000-000000007777',
        vendorTxCode: 'ORDER-7777',
        verified: true,
      },
    })
    await h.engine.ingest(p)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({ state: 'dead', reason: 'unmatched_reference' })
    expect((dead?.detail as { matching: { truncated?: string } }).matching.truncated).toMatch(
      /only the first 1000 open invoices were read/,
    )
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBeUndefined()
    // 10 pages of 100, plus the one that showed there was more: never the whole list.
    expect(h.fake.requestCounts()['GET /invoices']).toBeLessThanOrEqual(11)
  })

  it('posts the unique candidate when the search was not cut short', async () => {
    const h = harness({
      seed: {
        invoices: [
          { number: 2000, gross: 99, customerCode: 'X', issuedDate: '2026-10-28' },
          { number: 9000, gross: 10, customerCode: 'A', issuedDate: '2026-10-30' },
        ],
      },
      engine: { matching: { autoPost: { minScore: 40, requireUnique: true } } },
    })
    const p = payment(0, {
      source: {
        system: 'opayo',
        protocol: 'server',
        transactionId: '0B7F0000-0000-4000-8000-000000007778',
        vendorTxCode: 'ORDER-7778',
        verified: true,
      },
    })
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({
      state: 'posted',
      detail: { match: { via: 'matching', invoiceNumber: 9000 } },
    })
  })
})
