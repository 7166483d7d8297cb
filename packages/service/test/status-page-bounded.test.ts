// GET /admin reads only what the status page shows: the latest 25 posted or skipped events (not
// every one), the waiting payments (bounded), each with why it waits, its invoice and when it
// is tried next.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { memoryStore } from '@opayo-kashflow/sync'
import type { Store } from '@opayo-kashflow/sync'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const T0 = Date.parse('2026-11-02T10:00:00Z')
const payment = (vendorTxCode: string, n: number) => ({
  id: `opayo:TX${n}:payment`,
  source: { system: 'opayo', protocol: 'server', transactionId: `TX${n}`, vendorTxCode },
  kind: 'payment',
  status: 'succeeded',
  amount: { amount: 4500, currency: 'GBP' },
})

/** A store that counts the events its `list` hands back, and every list call without a limit. */
function counting(store: Store) {
  const reads = { rows: 0, unbounded: 0 }
  const wrapped: Store = {
    ...store,
    list: async (filter) => {
      if (filter?.limit === undefined) reads.unbounded += 1
      const rows = await store.list(filter)
      reads.rows += rows.length
      return rows
    },
  }
  return { store: wrapped, reads }
}

async function seed(store: Store): Promise<void> {
  const move = async (id: string, now: number, to: 'posted' | 'waiting', extra = {}) => {
    await store.claim({ worker: 'seed', now, leaseMs: 1000, limit: 1 })
    await store.transition({ id, worker: 'seed', now, to, outcome: 'seeded', ...extra })
  }
  for (let n = 1; n <= 1000; n += 1) {
    const p = payment(`ORDER-${n}`, n)
    await store.ingest({ id: p.id, payment: p, fingerprint: `f${n}`, now: T0 + n })
    await move(p.id, T0 + n, 'posted')
  }
  const waiting = payment('INV-1042-1', 2001)
  await store.ingest({ id: waiting.id, payment: waiting, fingerprint: 'w1', now: T0 + 2000 })
  await move(waiting.id, T0 + 2001, 'waiting', {
    attempts: 2,
    nextAttemptAt: Date.parse('2026-11-02T10:05:00Z'),
    lastError: { name: 'KashflowServerError', code: 'kashflow_server_error', message: 'HTTP 503' },
  })
  // A reference the parser cannot read, placed on invoice 1051 by a person's resolution.
  const resolved = payment('ORDER-5531', 2002)
  await store.ingest({ id: resolved.id, payment: resolved, fingerprint: 'w2', now: T0 + 2002 })
  await store.ledgerBegin({
    eventId: resolved.id,
    marker: 'resolution:1',
    kind: 'resolution',
    request: { invoiceNumber: 1051, by: 'jo', reason: 'typo', at: T0 + 2003 },
    now: T0 + 2003,
  })
  await move(resolved.id, T0 + 2004, 'waiting', {
    attempts: 1,
    nextAttemptAt: Date.parse('2026-11-02T10:06:00Z'),
    lastError: { name: 'RateLimited', message: 'KashFlow answered 429' },
  })
}

describe('the status page at GET /admin', () => {
  it('reads the latest 25 of 1,000 posted events only, and shows each waiting payment with its reason, invoice and next attempt', async () => {
    const { store, reads } = counting(memoryStore())
    await seed(store)
    reads.rows = 0
    const service = createSyncService({
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: new FakeKashflow().fetch }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      opayo: { vendorName: 'myshop' },
      redirectUrl: 'https://shop.example/thanks',
      poll: false,
      clock: { now: () => T0 + 3000 },
    })
    const response = await service.adminHandler(
      new Request('http://127.0.0.1:8081/admin', { headers: { host: 'localhost:8081' } }),
    )
    expect(response.status).toBe(200)
    const page = await response.text()
    // 25 posted and 2 waiting events read; no list without a limit.
    expect(reads).toEqual({ rows: 27, unbounded: 0 })
    const recent = page.slice(page.indexOf('<h2>Recent</h2>'))
    expect(recent.match(/<tr><td>/g)).toHaveLength(25)
    expect(recent).toContain('<code>ORDER-1000</code>')
    expect(recent).toContain('<code>ORDER-976</code>')
    expect(recent).not.toContain('<code>ORDER-975</code>')

    const waiting = page.slice(page.indexOf('<h2>Waiting (2)</h2>'), page.indexOf('<h2>Recent'))
    const rows = waiting.split('<tr><td>').slice(1)
    expect(rows).toHaveLength(2)
    // Newest change first.
    expect(rows[0]).toContain('<code>ORDER-5531</code>')
    expect(rows[0]).toContain('<td>1051</td>')
    expect(rows[0]).toContain('RateLimited: KashFlow answered 429')
    expect(rows[0]).toContain('2026-11-02 10:06:00')
    expect(rows[1]).toContain('<code>INV-1042-1</code>')
    expect(rows[1]).toContain('<td>1042</td>')
    expect(rows[1]).toContain('KashflowServerError (kashflow_server_error): HTTP 503')
    expect(rows[1]).toContain('<td>2</td><td>2026-11-02 10:05:00</td>')
  })

  it('says how many are shown when there are more waiting than the page lists', async () => {
    const { store } = counting(memoryStore())
    for (let n = 1; n <= 60; n += 1) {
      const p = payment(`INV-${1000 + n}-1`, n)
      await store.ingest({ id: p.id, payment: p, fingerprint: `f${n}`, now: T0 })
      await store.claim({ worker: 'seed', now: T0 + n, leaseMs: 1000, limit: 1 })
      await store.transition({
        id: p.id,
        worker: 'seed',
        now: T0 + n,
        to: 'waiting',
        nextAttemptAt: T0 + 60_000,
        outcome: 'seeded',
      })
    }
    const service = createSyncService({
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch: new FakeKashflow().fetch }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      opayo: { vendorName: 'myshop' },
      redirectUrl: 'https://shop.example/thanks',
      poll: false,
      clock: { now: () => T0 + 3000 },
    })
    const page = await (
      await service.adminHandler(
        new Request('http://127.0.0.1:8081/admin', { headers: { host: 'localhost:8081' } }),
      )
    ).text()
    expect(page).toContain('<h2>Waiting (50 of 60)</h2>')
    expect(page).toContain('<td>1060</td>')
    expect(page).not.toContain('<td>1010</td>')
  })
})
