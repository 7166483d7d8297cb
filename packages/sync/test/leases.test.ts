// Leases, one behaviour at a time: a worker id per loop, one claim per round, renewal while a
// KashFlow write is in flight, a taken-over event dropped without a write, and a 429 of any
// Retry-After returned to the engine's schedule. The concurrency proof is leases-concurrency.test.ts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient, createRateBudget } from '@opayo-kashflow/kashflow'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { createSyncEngine, memoryStore } from '../src/index.js'
import type { Store, SyncEngineOptions, SyncEvent } from '../src/index.js'
import { sqliteStore } from '../src/sqlite.js'
import { CREDENTIALS, payment } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-lease-unit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const stores: readonly (readonly [string, () => Promise<Store>])[] = [
  ['memory', () => Promise.resolve(memoryStore())],
  ['SQLite', () => sqliteStore({ path: join(dir, `unit-${(files += 1)}.db`) })],
]

const INVOICES = [1042, 1043, 1044, 1045, 1046, 1047]
const isPaymentWrite = (method: string, path: string) =>
  method === 'POST' && /invoices\/bulk\/payments\/?$/.test(path)

/** A store that reports what the engine asks of it. */
function spied(inner: Store) {
  const claims: { worker: string; limit: number; ids: string[] }[] = []
  const transitions: { worker: string; id: string; to: string }[] = []
  const heartbeats: { worker: string; ids: readonly string[]; held: readonly string[] }[] = []
  let beforeHeartbeat:
    ((input: { worker: string; ids: readonly string[] }) => Promise<void>) | undefined
  const store: Store = {
    ...inner,
    async claim(input) {
      const claimed = await inner.claim(input)
      claims.push({ worker: input.worker, limit: input.limit, ids: claimed.map((e) => e.id) })
      return claimed
    },
    async transition(input) {
      transitions.push({ worker: input.worker, id: input.id, to: input.to })
      return inner.transition(input)
    },
    async heartbeat(input) {
      await beforeHeartbeat?.(input)
      const held = await inner.heartbeat(input)
      heartbeats.push({ worker: input.worker, ids: input.ids, held })
      return held
    },
  }
  return {
    store,
    claims,
    transitions,
    heartbeats,
    onHeartbeat(hook: typeof beforeHeartbeat) {
      beforeHeartbeat = hook
    },
  }
}

interface World {
  readonly fake: FakeKashflow
  readonly clock: { now(): number }
  readonly advance: (ms: number) => void
  /** How the KashFlow rate budget waits: on the fake clock unless `realTime`. */
  readonly sleep: (ms: number) => Promise<void>
}

/** A fake KashFlow and a clock: fake unless `realTime`. */
function world(realTime = false): World {
  let t = Date.UTC(2026, 10, 2, 10, 0, 0)
  const clock = { now: () => (realTime ? Date.now() : t) }
  const fake = new FakeKashflow({
    now: clock.now,
    invoices: INVOICES.map((number) => ({ number, gross: 1_000 })),
  })
  const advance = (ms: number) => void (t += ms)
  const sleep = (ms: number) =>
    realTime ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve(advance(ms))
  return { fake, clock, advance, sleep }
}

/** An engine on `store` against a fake KashFlow (its own, or `shared`'s), on a fake clock unless `realTime`. */
function setup(
  store: Store,
  options: {
    engine?: Partial<SyncEngineOptions>
    realTime?: boolean
    fetch?: (fake: FakeKashflow) => typeof fetch
    shared?: World
  } = {},
) {
  const { fake, clock, advance, sleep } = options.shared ?? world(options.realTime)
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    fetch: options.fetch?.(fake) ?? fake.fetch,
    // The account's budget on the world's clock: a Retry-After is waited out in its time.
    rateBudget: createRateBudget({ limit: 1000, windowMs: 1000, now: () => clock.now(), sleep }),
    // The client returns a write's 429 or 5xx to the engine rather than waiting on it.
    retry: { limit: 0 },
  })
  const events: SyncEvent[] = []
  const warnings: string[] = []
  const engine = createSyncEngine({
    store,
    kashflow,
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    clock,
    logger: { warn: (message) => warnings.push(message) },
    workerId: 'w',
    ...options.engine,
  })
  engine.on('*', (e) => events.push(e))
  return {
    fake,
    engine,
    events,
    warnings,
    clock,
    advance,
    world: { fake, clock, advance, sleep },
    lines: () => [...fake.invoices.values()].flatMap((i) => i.PaymentLines),
    writes: () => fake.log.filter((r) => isPaymentWrite(r.method, r.path)),
  }
}

const until = async (condition: () => boolean | Promise<boolean>, rounds = 400) => {
  for (let i = 0; i < rounds && !(await condition()); i += 1)
    await new Promise((r) => setTimeout(r, 10))
}

describe('leases: a worker id per loop, one claim per round', () => {
  it('gives each of start()’s loops its own id, `${workerId}/${n}`, and each transition comes from the loop that claimed the event', async () => {
    const spy = spied(memoryStore())
    const h = setup(spy.store, {
      realTime: true,
      engine: { pollIntervalMs: 5, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    })
    const payments = INVOICES.map((invoice) => payment(invoice))
    for (const p of payments) await h.engine.ingest(p)
    h.engine.start({ concurrency: 3 })
    await until(() => h.engine.idle())
    await h.engine.stop()

    expect(h.engine.workerId).toBe('w')
    expect(new Set(spy.claims.map((c) => c.worker))).toEqual(new Set(['w/1', 'w/2', 'w/3']))
    const claimer = new Map<string, string>()
    for (const c of spy.claims) for (const id of c.ids) claimer.set(id, c.worker)
    expect(spy.transitions.length).toBeGreaterThan(0)
    for (const t of spy.transitions) expect(t.worker, t.id).toBe(claimer.get(t.id))
    expect(h.lines()).toHaveLength(payments.length)
  })

  it('claims one event per round by default, as `${workerId}/0` when runOnce() is called directly', async () => {
    const spy = spied(memoryStore())
    const h = setup(spy.store)
    for (const invoice of INVOICES.slice(0, 3)) await h.engine.ingest(payment(invoice))
    expect(await h.engine.runOnce()).toBe(1)
    expect(spy.claims).toEqual([{ worker: 'w/0', limit: 1, ids: [expect.any(String)] }])
    const states = (await spy.store.list()).map((e) => [e.state, e.claimedBy])
    expect(states.sort()).toEqual([
      ['posted', undefined],
      ['received', undefined],
      ['received', undefined],
    ])
    await h.engine.drain()
    expect(h.lines()).toHaveLength(3)
  })
})

describe.each(stores)('leases on the %s store', (_name, make) => {
  it('a loop whose lease was taken over before its write drops the event: no KashFlow write, no transition, no attempt spent; the new holder posts it once', async () => {
    const spy = spied(await make())
    const h = setup(spy.store, { engine: { leaseMs: 60_000 } })
    const p = payment(1042)
    await h.engine.ingest(p)
    // Right before the write's lease check, the loop stalls past its lease and another worker
    // claims the event.
    let takenOver = false
    spy.onHeartbeat(async ({ worker }) => {
      if (takenOver || worker !== 'w/0') return
      takenOver = true
      h.advance(60_001)
      const claimed = await spy.store.claim({
        worker: 'other/0',
        now: h.clock.now(),
        leaseMs: 60_000,
        limit: 1,
      })
      expect(claimed.map((e) => e.id)).toEqual([p.id])
    })
    expect(await h.engine.runOnce()).toBe(1)

    expect(takenOver).toBe(true)
    expect(h.writes()).toEqual([])
    expect(await spy.store.get(p.id)).toMatchObject({ state: 'posting', claimedBy: 'other/0' })
    expect((await spy.store.attempts(p.id)).map((a) => a.outcome)).toEqual(['planned', 'posting'])
    expect(spy.heartbeats.filter((b) => b.worker === 'w/0')).toEqual([
      { worker: 'w/0', ids: [p.id], held: [] },
    ])
    expect(h.events.map((e) => e.type)).toEqual(['received', 'planned'])
    expect((await h.engine.status()).lastErrors).toEqual([])
    expect(h.warnings).toContain('sync lease lost')

    // The other worker, here once its own lease has run out, carries on from the ledger.
    const other = setup(spy.store, {
      engine: { workerId: 'other', leaseMs: 60_000 },
      shared: h.world,
    })
    h.advance(60_001)
    await other.engine.drain()
    expect(await spy.store.get(p.id)).toMatchObject({ state: 'posted', claimedBy: undefined })
    expect(other.lines()).toHaveLength(1)
    await spy.store.close()
  })

  it.each(['1', '600'])(
    'a 429 on a write with Retry-After %s s (a lease is 1 s) releases the claim until then and spends no attempt',
    async (retryAfter) => {
      const store = await make()
      let refuse = true
      const h = setup(store, {
        engine: { leaseMs: 1_000 },
        fetch: (fake) => async (input, init) => {
          const request = new Request(input, init)
          if (refuse && isPaymentWrite(request.method, new URL(request.url).pathname)) {
            refuse = false
            return new Response(
              JSON.stringify({ Error: 'TooManyRequests', Message: 'Slow down' }),
              {
                status: 429,
                headers: { 'content-type': 'application/json', 'retry-after': retryAfter },
              },
            )
          }
          return fake.fetch(request)
        },
      })
      const p = payment(1043)
      await h.engine.ingest(p)
      const before = h.clock.now()
      await h.engine.runOnce()
      const waiting = await store.get(p.id)
      expect(waiting).toMatchObject({
        state: 'waiting',
        attempts: 0,
        claimedBy: undefined,
        leaseUntil: undefined,
        lastError: { name: 'KashflowRateLimitError' },
      })
      expect(waiting!.nextAttemptAt).toBeGreaterThanOrEqual(before + Number(retryAfter) * 1000)
      expect(h.lines()).toEqual([])

      h.advance(Number(retryAfter) * 1000 - 1)
      expect(await h.engine.runOnce()).toBe(0)
      h.advance(waiting!.nextAttemptAt - h.clock.now())
      await h.engine.drain()
      expect(await store.get(p.id)).toMatchObject({ state: 'posted', attempts: 0 })
      expect(h.lines()).toHaveLength(1)
      await store.close()
    },
  )

  it('renews the lease of the event in hand while its KashFlow write is in flight, so no other worker can claim it, and stops renewing on stop()', async () => {
    const spy = spied(await make())
    let releaseWrite: () => void = () => undefined
    const held = new Promise<void>((r) => (releaseWrite = r))
    let writing = false
    const h = setup(spy.store, {
      realTime: true,
      engine: { leaseMs: 600, pollIntervalMs: 5 },
      fetch: (fake) => async (input, init) => {
        const request = new Request(input, init)
        if (isPaymentWrite(request.method, new URL(request.url).pathname)) {
          writing = true
          await held
        }
        return fake.fetch(request)
      },
    })
    const p = payment(1044)
    await h.engine.ingest(p)
    h.engine.start({ concurrency: 1 })
    await until(() => writing)
    expect(writing).toBe(true)
    // Two and a half leases' worth of a write in flight: the lease never lapses, and nobody else
    // gets the event.
    const stolen: string[] = []
    for (let i = 0; i < 10; i += 1) {
      await new Promise((r) => setTimeout(r, 150))
      const claimed = await spy.store.claim({
        worker: 'thief/1',
        now: Date.now(),
        leaseMs: 600,
        limit: 1,
      })
      stolen.push(...claimed.map((e) => e.id))
    }
    expect(stolen).toEqual([])
    expect(spy.heartbeats.some((b) => b.worker === 'w/1' && b.held.includes(p.id))).toBe(true)

    const stopped = h.engine.stop()
    releaseWrite()
    await stopped
    const renewals = spy.heartbeats.length
    await new Promise((r) => setTimeout(r, 400))
    expect(spy.heartbeats).toHaveLength(renewals)
    expect(await spy.store.get(p.id)).toMatchObject({ state: 'posted', claimedBy: undefined })
    expect(h.lines()).toHaveLength(1)
    await spy.store.close()
  })
})
