// The store-only admin (what the CLI's status and dead-letters commands use) is the engine's own
// admin code: it sees what a running engine sees, and its replays post through the engine.
import { describe, expect, it } from 'vitest'
import { createSyncAdmin } from '../src/index.js'
import { harness, payment } from './helpers.js'

const invoices = [{ number: 1042, gross: 120 }]

describe('createSyncAdmin', () => {
  it('reads the backlog and the dead letters the engine left, with no KashFlow client', async () => {
    const h = harness({ seed: { invoices }, engine: { retry: { notFoundDelaysMs: [] } } })
    const missing = payment(4004)
    await h.engine.ingest(payment(1042))
    await h.engine.ingest(missing)
    await h.settle()
    h.advance(1_000)
    await h.engine.ingest(payment(1042)) // still received: the backlog's oldest
    h.advance(30_000)

    const admin = createSyncAdmin({ store: h.store, clock: h.clock })
    // Pause, last errors and the hint refusals are the running engine's memory, not the store's.
    const {
      paused: _paused,
      lastErrors: _errors,
      hints: _hints,
      ...engineBacklog
    } = await h.engine.status()
    expect(await admin.backlog()).toEqual(engineBacklog)
    expect((await admin.backlog()).oldestPendingAgeMs).toBe(30_000)
    expect((await admin.deadLetters.list()).map((e) => e.id)).toEqual([missing.id])
    expect(await admin.deadLetters.get(missing.id)).toEqual(
      await h.engine.deadLetters.get(missing.id),
    )
  })

  it('replays through the same exactly-once path: the engine posts it once', async () => {
    const h = harness({ seed: { invoices }, engine: { retry: { notFoundDelaysMs: [] } } })
    const late = payment(4004)
    await h.engine.ingest(late)
    await h.settle()
    const admin = createSyncAdmin({ store: h.store, clock: h.clock })
    expect((await admin.deadLetters.list()).map((e) => e.reason)).toEqual(['invoice_not_found'])

    h.fake.addInvoice({ number: 4004, gross: 10 })
    expect(await admin.deadLetters.replay([late.id])).toEqual({
      replayed: [late.id],
      dryRun: false,
    })
    await h.settle()
    expect(await h.store.get(late.id)).toMatchObject({ state: 'posted' })
    expect(await admin.deadLetters.replay([late.id])).toEqual({ replayed: [], dryRun: false })
    expect(await admin.deadLetters.list()).toEqual([])
  })

  it('discards with the reason kept, and only dead letters', async () => {
    const h = harness({ seed: { invoices }, engine: { retry: { notFoundDelaysMs: [] } } })
    const late = payment(4004)
    const posted = payment(1042)
    await h.engine.ingest(late)
    await h.engine.ingest(posted)
    await h.settle()
    const admin = createSyncAdmin({ store: h.store })
    expect(await admin.deadLetters.discard(posted.id, 'not dead')).toBe(false)
    expect(await h.store.get(posted.id)).toMatchObject({ state: 'posted' })
    expect(await admin.deadLetters.discard(late.id, 'invoice cancelled')).toBe(true)
    expect(await h.store.get(late.id)).toMatchObject({ state: 'discarded' })
  })
})
