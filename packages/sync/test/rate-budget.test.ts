import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient, createRateBudget } from '@opayo-kashflow/kashflow'
import type { RateBudget } from '@opayo-kashflow/kashflow'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createSyncEngine, memoryStore } from '../src/index.js'
import type { SyncEvent } from '../src/index.js'
import { CREDENTIALS, payment } from './helpers.js'
import { virtualTime as fakeTime } from '../../../test/support/virtual-time.js'

/** An engine with `loops` loops, one KashFlow client and its budget, and a budgeted fake. */
function rig(input: { readonly invoices: number; readonly limit: number }) {
  const time = fakeTime(Date.UTC(2026, 10, 2, 10, 0, 0))
  const fake = new FakeKashflow({
    now: time.now,
    invoices: Array.from({ length: input.invoices }, (_, i) => ({ number: 2000 + i, gross: 500 })),
  })
  fake.requestBudget(input.limit, 1000)
  const inner = createRateBudget({
    limit: input.limit,
    windowMs: 1000,
    now: time.now,
    sleep: time.sleep,
  })
  let takes = 0
  const rateBudget: RateBudget = {
    take: (n, signal) => {
      takes += 1
      return inner.take(n, signal)
    },
    learn: (signal) => inner.learn(signal),
  }
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    fetch: fake.fetch,
    rateBudget,
    retry: { limit: 0 },
    sleep: time.sleep,
  })
  const store = memoryStore()
  const engine = createSyncEngine({
    store,
    kashflow,
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    clock: { now: time.now },
    sleep: time.sleep,
    pollIntervalMs: 100,
  })
  const events: SyncEvent[] = []
  engine.on('*', (e) => events.push(e))
  /** Starts `loops` loops, runs until nothing is left to do, and stops them. */
  const drainWith = (loops: number) =>
    time.run(async () => {
      engine.start({ concurrency: loops })
      while (!(await engine.idle())) await time.sleep(100)
      await engine.stop()
    })
  return { fake, engine, store, events, drainWith, takes: () => takes, now: time.now }
}

const total = (counts: Record<string, number>, pattern: RegExp): number =>
  Object.entries(counts)
    .filter(([key]) => pattern.test(key))
    .reduce((sum, [, n]) => sum + n, 0)

describe('the engine and the KashFlow rate budget', () => {
  it('keeps four loops within one shared budget: every payment posted, no 429', async () => {
    const h = rig({ invoices: 60, limit: 10 })
    for (let i = 0; i < 60; i += 1) await h.engine.ingest(payment(2000 + i))
    await h.drainWith(4)
    const posted = (await h.store.list({ states: ['posted'] })).length
    expect(posted).toBe(60)
    expect(h.fake.log.filter((r) => r.status === 429)).toHaveLength(0)
    // Every request (the login's two steps too) went through the one budget.
    expect(h.takes()).toBe(h.fake.log.length)
  })

  it('costs one invoice read and one write per payment, plus the login and one settings read', async () => {
    const h = rig({ invoices: 30, limit: 10 })
    for (let i = 0; i < 30; i += 1) await h.engine.ingest(payment(2000 + i))
    await h.drainWith(3)
    const counts = h.fake.requestCounts()
    expect(total(counts, /^GET \/invoices\/\d+$/)).toBe(30)
    expect(total(counts, /^POST \/invoices\/bulk\/payments$/)).toBe(30)
    expect(total(counts, /sessiontoken/)).toBe(2)
    expect(total(counts, /settings/)).toBeLessThanOrEqual(1)
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30 * 2 + 3)
  })

  it('does not count a wait for the budget as a failed attempt, and does not pause', async () => {
    const h = rig({ invoices: 40, limit: 5 })
    for (let i = 0; i < 40; i += 1) await h.engine.ingest(payment(2000 + i))
    await h.drainWith(4)
    const events = await h.store.list({ states: ['posted'] })
    expect(events).toHaveLength(40)
    expect(events.every((e) => e.attempts === 0)).toBe(true)
    expect(h.events.filter((e) => e.type === 'retry-scheduled' || e.type === 'paused')).toEqual([])
    // The budget made them wait: 40 payments at under 5 requests a second take over 15 s.
    expect(h.now() - Date.UTC(2026, 10, 2, 10, 0, 0)).toBeGreaterThan(15_000)
  })

  it('waits out a 429 on a write without spending an attempt, then posts', async () => {
    const h = rig({ invoices: 3, limit: 50 })
    for (let i = 0; i < 3; i += 1) await h.engine.ingest(payment(2000 + i))
    // The first write meets a 429: it is planned after its invoice read, so the next request is
    // the write.
    let seen = 0
    h.engine.on('planned', () => {
      seen += 1
      if (seen === 1) h.fake.rateLimitNext(1, '3')
    })
    await h.drainWith(1)
    const events = await h.store.list({ states: ['posted'] })
    expect(events).toHaveLength(3)
    expect(events.every((e) => e.attempts === 0)).toBe(true)
    expect(h.events.filter((e) => e.type === 'retry-scheduled')).toMatchObject([
      { cause: 'rate-limited' },
    ])
    expect(h.fake.log.filter((r) => r.status === 429)).toHaveLength(1)
  })
})
