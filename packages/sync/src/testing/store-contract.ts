// The Store contract: one suite every Store adapter must pass (memory, SQLite, PostgreSQL, and a
// user's own): duplicates, conflicts, claims, leases and their expiry, crash before commit, the
// ledger, dead letters, registrations, notification replies and fee statements. Published as
// @opayo-kashflow/sync/testing; the only module of the package that imports vitest.
import { describe, expect, it } from 'vitest'
import type { EventState, RegistrationRecord, Store } from '../store/store.js'

/**
 * Optional capabilities of the adapter under test, each adding the tests that need it.
 * @example
 * const options: StoreContractOptions = { reopen: () => sqliteStore({ path: './contract.db' }) }
 */
export interface StoreContractOptions {
  /**
   * A second handle on the data of the store `makeStore` returned last (as another process or
   * machine opens it), when the adapter has one: adds the test that two handles claiming at once
   * never get the same event.
   */
  readonly second?: () => Promise<Store>
  /**
   * The data of the store `makeStore` returned last, opened again after it was closed (a
   * restart), when the adapter is durable: adds the tests that registrations, replies and fee
   * statements survive it.
   */
  readonly reopen?: () => Promise<Store>
}

const T0 = 1_790_000_000_000
const registration = (n: number, extra: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  vendorTxCode: `INV-${1000 + n}-1`,
  securityKey: `KEY${String(n).padStart(7, '0')}`,
  amount: 100 * n,
  currency: 'GBP',
  txType: 'PAYMENT',
  createdAt: T0 + n,
  ...extra,
})
const FULL: RegistrationRecord = {
  vendorTxCode: 'INV-1042-7',
  securityKey: 'IK776BWNHN',
  amount: 12000,
  currency: 'EUR',
  txType: 'REFUND',
  relatedTransactionId: '{A9000000-0000-4000-8000-000000000001}',
  vpsTxId: '{B9000000-0000-4000-8000-000000000002}',
  customer: {
    reference: 'C-17',
    firstName: 'Zoë',
    email: 'zoe@example.com',
    billingAddress: {
      lines: ['1 High St'],
      city: 'Leeds',
      postalCode: 'LS1 1AA',
      countryCode: 'GB',
    },
  },
  invoiceReference: 'INV-1042',
  createdAt: T0,
}
// An Opayo Server notification reply: CRLF line ends, a URL with a query, a trailing CRLF.
const REPLY_BODY =
  'Status=OK\r\nStatusDetail=Notification received: £120.00 ✓\r\nRedirectURL=https://shop.example/thanks?o=INV-1042-7&x=1\r\n'

const payment = (n: number) => ({
  id: `opayo:TX${n}:payment`,
  amount: { amount: n, currency: 'GBP' },
})

/**
 * Registers the Store contract as vitest `describe`/`it` blocks (one `describe` named
 * `Store contract: <name>`), so a Store adapter proves it behaves as the engine needs. Call it at
 * the top level of a test file run by vitest (an optional peer dependency of this package).
 * `makeStore` must return a fresh, empty store each time; each test closes the store it made.
 * @example
 * // A test file of your own adapter, run by vitest (here the memory store stands in for it):
 * describeStoreContract('memory', () => Promise.resolve(memoryStore()))
 * // A durable adapter adds a reopen (and, when it has one, a second handle on the same data):
 * let path = ''
 * describeStoreContract(
 *   'SQLite',
 *   () => sqliteStore({ path: (path = `./contract-${Date.now()}.db`) }),
 *   { reopen: () => sqliteStore({ path }), second: () => sqliteStore({ path }) },
 * )
 */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  options: StoreContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    const fresh = async () => makeStore()
    const { reopen: reopenStore, second: secondHandle } = options
    const add = (store: Store, n: number, extra: { partition?: string; now?: number } = {}) =>
      store.ingest({
        id: `e${n}`,
        payment: payment(n),
        fingerprint: `f${n}`,
        partition: extra.partition,
        now: extra.now ?? T0,
      })

    it('ingests once: duplicate for the same payload, conflict (recorded, not applied) for another', async () => {
      const store = await fresh()
      expect((await add(store, 1)).outcome).toBe('received')
      expect((await add(store, 1)).outcome).toBe('duplicate')
      const conflict = await store.ingest({
        id: 'e1',
        payment: { other: true },
        fingerprint: 'other',
        now: T0,
      })
      expect(conflict.outcome).toBe('conflict')
      expect((await store.get('e1'))?.payment).toEqual(payment(1))
      expect((await store.stats()).conflicts).toBe(1)
      await store.close()
    })

    it('stores invalid data straight as dead, with its reason', async () => {
      const store = await fresh()
      await store.ingest({
        id: 'bad',
        payment: { nonsense: 1 },
        fingerprint: 'x',
        now: T0,
        dead: { reason: 'invalid_payment', detail: { issues: [1] } },
      })
      expect(await store.get('bad')).toMatchObject({
        state: 'dead',
        reason: 'invalid_payment',
        detail: { issues: [1] },
      })
      expect(await store.claim({ worker: 'w', now: T0 + 1, leaseMs: 1000, limit: 10 })).toEqual([])
      await store.close()
    })

    it("claims only due events, leases them, and gives a dead worker's claims back after the lease", async () => {
      const store = await fresh()
      await add(store, 1)
      await add(store, 2, { now: T0 + 5000 })
      const first = await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 10 })
      expect(first.map((e) => e.id)).toEqual(['e1'])
      expect(first[0]).toMatchObject({ claimedBy: 'a', leaseUntil: T0 + 1001 })
      expect(await store.claim({ worker: 'b', now: T0 + 500, leaseMs: 1000, limit: 10 })).toEqual(
        [],
      )
      // Worker a died (no transition): after the lease, b gets it, state untouched (crash before commit).
      const second = await store.claim({ worker: 'b', now: T0 + 1002, leaseMs: 1000, limit: 10 })
      expect(second.map((e) => e.id)).toEqual(['e1'])
      expect(second[0]?.state).toBe('received')
      expect(
        await store.transition({
          id: 'e1',
          worker: 'a',
          now: T0 + 1003,
          to: 'posted',
          outcome: 'late',
        }),
      ).toBe(false)
      await store.close()
    })

    it('claims at most one event per partition, and none from a partition another lease holds', async () => {
      const store = await fresh()
      await add(store, 1, { partition: 'invoice:1' })
      await add(store, 2, { partition: 'invoice:1' })
      await add(store, 3, { partition: 'invoice:2' })
      await add(store, 4)
      const a = await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 10 })
      expect(a.map((e) => e.id).sort()).toEqual(['e1', 'e3', 'e4'])
      expect(await store.claim({ worker: 'b', now: T0 + 2, leaseMs: 1000, limit: 10 })).toEqual([])
      await store.transition({ id: 'e1', worker: 'a', now: T0 + 3, to: 'posted', outcome: 'ok' })
      expect(
        (await store.claim({ worker: 'b', now: T0 + 4, leaseMs: 1000, limit: 10 })).map(
          (e) => e.id,
        ),
      ).toEqual(['e2'])
      await store.close()
    })

    it('moves a claimed event atomically with its attempt record; keeps or releases the claim', async () => {
      const store = await fresh()
      await add(store, 1)
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 1 })
      expect(
        await store.transition({
          id: 'e1',
          worker: 'a',
          now: T0 + 2,
          to: 'planned',
          outcome: 'planned',
          keepClaim: true,
        }),
      ).toBe(true)
      expect(await store.get('e1')).toMatchObject({ state: 'planned', claimedBy: 'a' })
      const error = {
        name: 'KashflowServerError',
        code: 'kashflow_server_error',
        message: 'HTTP 503',
      }
      expect(
        await store.transition({
          id: 'e1',
          worker: 'a',
          now: T0 + 3,
          to: 'waiting',
          attempts: 1,
          nextAttemptAt: T0 + 5003,
          lastError: error,
          outcome: 'retry',
        }),
      ).toBe(true)
      expect(await store.get('e1')).toMatchObject({
        state: 'waiting',
        attempts: 1,
        nextAttemptAt: T0 + 5003,
        lastError: error,
        claimedBy: undefined,
        leaseUntil: undefined,
      })
      expect((await store.attempts('e1')).map((x) => [x.from, x.to, x.outcome])).toEqual([
        ['received', 'planned', 'planned'],
        ['planned', 'waiting', 'retry'],
      ])
      expect(await store.claim({ worker: 'a', now: T0 + 5000, leaseMs: 1000, limit: 1 })).toEqual(
        [],
      )
      expect(
        await store.claim({ worker: 'a', now: T0 + 5003, leaseMs: 1000, limit: 1 }),
      ).toHaveLength(1)
      await store.close()
    })

    it('extends leases on heartbeat and releases them on stop', async () => {
      const store = await fresh()
      await add(store, 1)
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 1 })
      await store.heartbeat({ worker: 'a', ids: ['e1'], now: T0 + 2, until: T0 + 9000 })
      expect(await store.claim({ worker: 'b', now: T0 + 5000, leaseMs: 1000, limit: 1 })).toEqual(
        [],
      )
      await store.release({ worker: 'a' })
      expect(
        await store.claim({ worker: 'b', now: T0 + 5001, leaseMs: 1000, limit: 1 }),
      ).toHaveLength(1)
      await store.close()
    })

    it('a heartbeat renews only the leases the worker holds and returns exactly those ids', async () => {
      const store = await fresh()
      for (const n of [1, 2, 3]) await add(store, n, { partition: `invoice:${n}` })
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 1 }) // e1
      await store.claim({ worker: 'b', now: T0 + 1, leaseMs: 1000, limit: 1 }) // e2
      const held = await store.heartbeat({
        worker: 'a',
        ids: ['e1', 'e2', 'e3', 'e1', 'missing'],
        now: T0 + 500,
        until: T0 + 9000,
      })
      expect([...held]).toEqual(['e1'])
      expect(await store.get('e1')).toMatchObject({ claimedBy: 'a', leaseUntil: T0 + 9000 })
      expect(await store.get('e2')).toMatchObject({ claimedBy: 'b', leaseUntil: T0 + 1001 })
      expect((await store.get('e3'))?.claimedBy).toBeUndefined()
      expect(
        await store.heartbeat({ worker: 'a', ids: [], now: T0 + 501, until: T0 + 9000 }),
      ).toEqual([])
      await store.close()
    })

    it('a heartbeat on a lease that expired and was re-claimed by another worker reports it lost and leaves the new lease alone', async () => {
      const store = await fresh()
      await add(store, 1, { partition: 'invoice:1' })
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 1 })
      // a stalls past its lease; b takes the event over.
      expect(
        await store.claim({ worker: 'b', now: T0 + 1002, leaseMs: 1000, limit: 1 }),
      ).toHaveLength(1)
      expect(
        await store.heartbeat({ worker: 'a', ids: ['e1'], now: T0 + 1100, until: T0 + 60_000 }),
      ).toEqual([])
      expect(await store.get('e1')).toMatchObject({ claimedBy: 'b', leaseUntil: T0 + 2002 })
      // a's transition fails too; b's lease still keeps other workers off the invoice.
      expect(
        await store.transition({
          id: 'e1',
          worker: 'a',
          now: T0 + 1101,
          to: 'posted',
          outcome: 'x',
        }),
      ).toBe(false)
      expect(await store.claim({ worker: 'c', now: T0 + 1500, leaseMs: 1000, limit: 1 })).toEqual(
        [],
      )
      expect(
        await store.heartbeat({ worker: 'b', ids: ['e1'], now: T0 + 1500, until: T0 + 3000 }),
      ).toEqual(['e1'])
      await store.close()
    })

    it('a heartbeat after the lease expired reports it lost even when nobody took it over, and does not revive it', async () => {
      const store = await fresh()
      await add(store, 1, { partition: 'invoice:1' })
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 1 })
      expect(
        await store.heartbeat({ worker: 'a', ids: ['e1'], now: T0 + 1001, until: T0 + 60_000 }),
      ).toEqual([])
      expect((await store.get('e1'))?.leaseUntil).toBe(T0 + 1001)
      expect(
        await store.claim({ worker: 'b', now: T0 + 1002, leaseMs: 1000, limit: 1 }),
      ).toHaveLength(1)
      await store.close()
    })

    it('a heartbeat on an event whose claim was released by a transition reports it lost', async () => {
      const store = await fresh()
      await add(store, 1)
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 1 })
      await store.transition({
        id: 'e1',
        worker: 'a',
        now: T0 + 2,
        to: 'posting',
        keepClaim: true,
        outcome: 'posting',
      })
      expect(
        await store.heartbeat({ worker: 'a', ids: ['e1'], now: T0 + 3, until: T0 + 5000 }),
      ).toEqual(['e1'])
      await store.transition({ id: 'e1', worker: 'a', now: T0 + 4, to: 'posted', outcome: 'ok' })
      expect(
        await store.heartbeat({ worker: 'a', ids: ['e1'], now: T0 + 5, until: T0 + 9000 }),
      ).toEqual([])
      expect(await store.get('e1')).toMatchObject({
        state: 'posted',
        claimedBy: undefined,
        leaseUntil: undefined,
      })
      await store.close()
    })

    it('keeps a ledger: an intent once, then its outcome; a second begin reports the first', async () => {
      const store = await fresh()
      await add(store, 1)
      const first = await store.ledgerBegin({
        eventId: 'e1',
        marker: 'OPAYO:TX1:payment',
        kind: 'invoice-payment',
        request: { amount: 1 },
        now: T0,
      })
      expect(first).toMatchObject({
        created: true,
        entry: { state: 'intent', request: { amount: 1 } },
      })
      const again = await store.ledgerBegin({
        eventId: 'e1',
        marker: 'OPAYO:TX1:payment',
        kind: 'invoice-payment',
        request: { amount: 2 },
        now: T0 + 1,
      })
      expect(again).toMatchObject({
        created: false,
        entry: { state: 'intent', request: { amount: 1 } },
      })
      await store.ledgerComplete({
        eventId: 'e1',
        marker: 'OPAYO:TX1:payment',
        result: { bulk: 7 },
        now: T0 + 2,
      })
      expect(await store.ledger('e1')).toMatchObject([
        { marker: 'OPAYO:TX1:payment', state: 'done', result: { bulk: 7 } },
      ])
      await store.close()
    })

    it('begins a refused entry afresh with the new request; a done entry is never marked refused', async () => {
      const store = await fresh()
      await add(store, 1)
      const marker = 'OPAYO:TX1:payment'
      const begin = (amount: number, now: number) =>
        store.ledgerBegin({
          eventId: 'e1',
          marker,
          kind: 'invoice-payment',
          request: { preImage: [amount] },
          now,
        })
      await begin(1, T0)
      await store.ledgerRefused({ eventId: 'e1', marker, now: T0 + 1 })
      expect(await store.ledger('e1')).toMatchObject([{ state: 'refused' }])
      // The next attempt's pre-image replaces the first: created, as no write of it can exist.
      expect(await begin(2, T0 + 2)).toMatchObject({
        created: true,
        entry: { state: 'intent', request: { preImage: [2] }, updatedAt: T0 + 2 },
      })
      // An intent begun afresh and not refused again is reported as before.
      expect(await begin(3, T0 + 3)).toMatchObject({
        created: false,
        entry: { state: 'intent', request: { preImage: [2] } },
      })
      await store.ledgerComplete({ eventId: 'e1', marker, result: { bulk: 7 }, now: T0 + 4 })
      await store.ledgerRefused({ eventId: 'e1', marker, now: T0 + 5 })
      expect(await store.ledger('e1')).toMatchObject([{ state: 'done', result: { bulk: 7 } }])
      await store.close()
    })

    it('keeps ledger entries under a key that is no event, first claim wins (deposit claims)', async () => {
      const store = await fresh()
      const claim = (batchId: string, now: number) =>
        store.ledgerBegin({
          eventId: 'deposit:55166:8001',
          marker: 'OPAYO-DEPOSIT',
          kind: 'deposit-claim',
          request: { batchId },
          now,
        })
      expect(await claim('B-1', T0)).toMatchObject({ created: true })
      expect(await claim('B-2', T0 + 1)).toMatchObject({
        created: false,
        entry: { request: { batchId: 'B-1' } },
      })
      expect(await store.ledger('deposit:55166:8001')).toMatchObject([
        { marker: 'OPAYO-DEPOSIT', request: { batchId: 'B-1' } },
      ])
      expect(await store.get('deposit:55166:8001')).toBeUndefined()
      await store.close()
    })

    it("supersedes an unclaimed event's payload and queues it again, but not a claimed one", async () => {
      const store = await fresh()
      await add(store, 1)
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 1 })
      expect(
        await store.supersede({
          id: 'e1',
          payment: { settled: true },
          fingerprint: 'f1b',
          now: T0 + 2,
        }),
      ).toBe(false)
      await store.transition({
        id: 'e1',
        worker: 'a',
        now: T0 + 3,
        to: 'skipped',
        reason: 'not_succeeded',
        outcome: 'skipped',
      })
      expect(
        await store.supersede({
          id: 'e1',
          payment: { settled: true },
          fingerprint: 'f1b',
          now: T0 + 4,
        }),
      ).toBe(true)
      expect(await store.get('e1')).toMatchObject({
        state: 'received',
        payment: { settled: true },
        fingerprint: 'f1b',
        nextAttemptAt: T0 + 4,
        reason: undefined,
      })
      expect((await store.attempts('e1')).at(-1)).toMatchObject({
        from: 'skipped',
        to: 'received',
        outcome: 'superseded',
      })
      await store.close()
    })

    it('replays and discards dead letters only', async () => {
      const store = await fresh()
      await add(store, 1)
      await add(store, 2)
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 1000, limit: 10 })
      await store.transition({
        id: 'e1',
        worker: 'a',
        now: T0 + 2,
        to: 'dead',
        attempts: 3,
        reason: 'retries_exhausted',
        outcome: 'dead',
      })
      await store.transition({
        id: 'e2',
        worker: 'a',
        now: T0 + 2,
        to: 'dead',
        reason: 'invoice_not_found',
        detail: { invoiceNumber: 9 },
        outcome: 'dead',
      })
      expect((await store.list({ states: ['dead'] })).map((e) => e.id)).toEqual(['e1', 'e2'])
      expect(await store.requeue({ id: 'e1', now: T0 + 3 })).toBe(true)
      expect(await store.get('e1')).toMatchObject({
        state: 'received',
        attempts: 0,
        nextAttemptAt: T0 + 3,
      })
      expect(await store.requeue({ id: 'e1', now: T0 + 4 })).toBe(false)
      expect(await store.discard({ id: 'e2', reason: 'cancelled', now: T0 + 5 })).toBe(true)
      expect(await store.get('e2')).toMatchObject({
        state: 'discarded',
        detail: { invoiceNumber: 9, discardReason: 'cancelled' },
      })
      expect(await store.discard({ id: 'e1', reason: 'x', now: T0 + 6 })).toBe(false)
      await store.close()
    })

    it('counts states and reports the oldest unfinished event', async () => {
      const store = await fresh()
      await add(store, 1, { now: T0 })
      await add(store, 2, { now: T0 + 10 })
      await store.claim({ worker: 'a', now: T0 + 20, leaseMs: 1000, limit: 10 })
      await store.transition({ id: 'e1', worker: 'a', now: T0 + 30, to: 'posted', outcome: 'ok' })
      const stats = await store.stats()
      expect(stats.counts).toMatchObject({ posted: 1, received: 1, dead: 0 })
      expect(stats.oldestPendingAt).toBe(T0 + 10)
      await store.close()
    })

    it("lists the latest events by state: newest change first, ties by id, at most the limit; 'created' order unchanged", async () => {
      const store = await fresh()
      const latest = (states: readonly EventState[], limit?: number) =>
        store
          .list({ states, order: 'latest', ...(limit === undefined ? {} : { limit }) })
          .then((events) => events.map((e) => e.id))
      expect(await latest(['posted', 'skipped', 'waiting'], 25)).toEqual([])
      for (const n of [1, 2, 3, 4, 5, 6]) await add(store, n)
      await store.claim({ worker: 'a', now: T0 + 1, leaseMs: 60_000, limit: 10 })
      const move = (id: string, now: number, to: EventState) =>
        store.transition({ id, worker: 'a', now, to, outcome: 'test', nextAttemptAt: now + 1000 })
      await move('e1', T0 + 10, 'posted')
      await move('e2', T0 + 30, 'posted')
      await move('e3', T0 + 20, 'skipped')
      await move('e4', T0 + 30, 'waiting')
      await move('e5', T0 + 30, 'posted')
      const shown: EventState[] = ['posted', 'skipped', 'waiting']
      expect(await latest(shown)).toEqual(['e5', 'e4', 'e2', 'e3', 'e1'])
      expect(await latest(shown, 3)).toEqual(['e5', 'e4', 'e2'])
      expect(await latest(['posted'], 2)).toEqual(['e5', 'e2'])
      expect(await latest(['posted', 'posted'], 5)).toEqual(['e5', 'e2', 'e1'])
      expect(await latest(['dead'], 5)).toEqual([])
      expect(await latest([], 5)).toEqual([])
      // Without an order: oldest created first, as before.
      expect((await store.list({ states: ['posted'] })).map((e) => e.id)).toEqual([
        'e1',
        'e2',
        'e5',
      ])
      expect((await store.list({ states: shown, order: 'latest', limit: 1 }))[0]).toMatchObject({
        id: 'e5',
        state: 'posted',
        updatedAt: T0 + 30,
      })
      await store.close()
    })

    it('lists the latest 25 of 1,000 events in a state, and no more', async () => {
      const store = await fresh()
      const id = (n: number) => `d${String(n).padStart(4, '0')}`
      await Promise.all(
        Array.from({ length: 1000 }, (_, n) =>
          store.ingest({
            id: id(n),
            payment: payment(n),
            fingerprint: `f${n}`,
            // Ten events a millisecond: ties throughout.
            now: T0 + Math.floor(n / 10),
            dead: { reason: 'invalid_payment', detail: null },
          }),
        ),
      )
      await add(store, 1, { now: T0 + 5000 })
      const latest = await store.list({ states: ['dead'], order: 'latest', limit: 25 })
      expect(latest.map((e) => e.id)).toEqual(Array.from({ length: 25 }, (_, i) => id(999 - i)))
      expect((await store.list({ order: 'latest', limit: 3 })).map((e) => [e.id, e.state])).toEqual(
        [
          ['e1', 'received'],
          ['d0999', 'dead'],
          ['d0998', 'dead'],
        ],
      )
      await store.close()
    })

    it('saves a registration and reads back every field; absent optional fields stay absent', async () => {
      const store = await fresh()
      expect(await store.saveRegistration(FULL)).toBe('created')
      expect(await store.getRegistration(FULL.vendorTxCode)).toStrictEqual(FULL)
      const bare = registration(1)
      expect(await store.saveRegistration(bare)).toBe('created')
      const read = await store.getRegistration(bare.vendorTxCode)
      expect(read).toStrictEqual(bare)
      expect(Object.keys(read!).sort()).toEqual(
        ['amount', 'createdAt', 'currency', 'securityKey', 'txType', 'vendorTxCode'].sort(),
      )
      // Explicitly undefined optional fields are stored as absent.
      const explicit = registration(2, { vpsTxId: undefined, customer: undefined })
      await store.saveRegistration(explicit)
      expect(
        Object.keys((await store.getRegistration(explicit.vendorTxCode))!).sort(),
      ).not.toContain('vpsTxId')
      await store.close()
    })

    it('reads an unknown vendorTxCode as undefined', async () => {
      const store = await fresh()
      await store.saveRegistration(registration(1))
      expect(await store.getRegistration('INV-9999-1')).toBeUndefined()
      expect(await store.getRegistration('')).toBeUndefined()
      await store.close()
    })

    it('saves a registration once: the same again is a duplicate, different data a conflict that keeps the first SecurityKey', async () => {
      const store = await fresh()
      expect(await store.saveRegistration(FULL)).toBe('created')
      // A later save of the same data (createdAt aside) is a duplicate.
      expect(await store.saveRegistration({ ...FULL, createdAt: T0 + 60_000 })).toBe('duplicate')
      expect(await store.saveRegistration({ ...FULL, securityKey: 'ATTACKER01' })).toBe('conflict')
      expect(await store.saveRegistration({ ...FULL, amount: 1 })).toBe('conflict')
      expect(
        await store.saveRegistration({
          ...FULL,
          customer: { ...(FULL.customer as object), email: 'x@y.z' },
        }),
      ).toBe('conflict')
      expect(await store.getRegistration(FULL.vendorTxCode)).toStrictEqual(FULL)
      await store.close()
    })

    it('rejects a registration whose amount is not an integer of minor units, storing nothing', async () => {
      const store = await fresh()
      await expect(store.saveRegistration(registration(1, { amount: 12.5 }))).rejects.toThrow(
        /amount/,
      )
      expect(await store.getRegistration(registration(1).vendorTxCode)).toBeUndefined()
      await store.close()
    })

    it('imports 1,000 registrations in one transaction and reports the counts; a re-import is all duplicates', async () => {
      const store = await fresh()
      const batch = Array.from({ length: 1000 }, (_, i) => registration(i + 1))
      expect(await store.importRegistrations(batch)).toEqual({
        created: 1000,
        duplicates: 0,
        conflicts: [],
      })
      expect(await store.getRegistration(batch[999]!.vendorTxCode)).toStrictEqual(batch[999])
      expect(await store.importRegistrations(batch)).toEqual({
        created: 0,
        duplicates: 1000,
        conflicts: [],
      })
      // All or nothing: one bad record (the last) and none of the 1,000 new ones is kept.
      const next = Array.from({ length: 1000 }, (_, i) => registration(2000 + i))
      await expect(
        store.importRegistrations([...next, registration(3000, { amount: Number.NaN })]),
      ).rejects.toThrow(/amount/)
      expect(await store.getRegistration(next[0]!.vendorTxCode)).toBeUndefined()
      expect(await store.getRegistration(next[999]!.vendorTxCode)).toBeUndefined()
      expect(await store.importRegistrations([])).toEqual({
        created: 0,
        duplicates: 0,
        conflicts: [],
      })
      await store.close()
    })

    it('imports around a conflict: reports its vendorTxCode, keeps the first, and still stores the others', async () => {
      const store = await fresh()
      await store.saveRegistration(registration(1))
      const result = await store.importRegistrations([
        registration(1, { securityKey: 'CHANGED001' }),
        registration(2),
        registration(1),
        registration(3),
        registration(3),
        registration(4),
        registration(4, { amount: 999 }),
      ])
      expect(result).toEqual({
        created: 3,
        duplicates: 2,
        conflicts: [registration(1).vendorTxCode, registration(4).vendorTxCode],
      })
      expect((await store.getRegistration(registration(1).vendorTxCode))?.securityKey).toBe(
        registration(1).securityKey,
      )
      expect(await store.getRegistration(registration(2).vendorTxCode)).toStrictEqual(
        registration(2),
      )
      expect((await store.getRegistration(registration(4).vendorTxCode))?.amount).toBe(400)
      await store.close()
    })

    it('refuses a whole import when a vendorTxCode differs from a stored or earlier one only by case', async () => {
      const store = await fresh()
      await store.saveRegistration(registration(1))
      const stored = registration(1).vendorTxCode
      const result = await store.importRegistrations([
        registration(2),
        registration(1, { vendorTxCode: stored.toLowerCase(), securityKey: 'OWNKEY0001' }),
        registration(3),
        registration(3, { vendorTxCode: registration(3).vendorTxCode.toLowerCase() }),
      ])
      expect(result).toEqual({
        created: 0,
        duplicates: 0,
        conflicts: [],
        nearDuplicates: [
          { vendorTxCode: stored.toLowerCase(), other: stored, stored: true },
          {
            vendorTxCode: registration(3).vendorTxCode.toLowerCase(),
            other: registration(3).vendorTxCode,
            stored: false,
          },
        ],
      })
      expect(await store.getRegistration(registration(2).vendorTxCode)).toBeUndefined()
      expect(await store.getRegistration(stored.toLowerCase())).toBeUndefined()
      await store.close()
    })

    it('keeps a notification reply byte-identical, CRLF included; an unknown key has none', async () => {
      const store = await fresh()
      const key = 'B9000000-0000-4000-8000-000000000002'
      expect(await store.getReply(key)).toBeUndefined()
      await store.saveReply({ key, status: 'OK', body: REPLY_BODY, now: T0 })
      const reply = await store.getReply(key)
      expect(reply).toStrictEqual({ status: 'OK', body: REPLY_BODY })
      expect(Buffer.from(reply!.body, 'utf8').equals(Buffer.from(REPLY_BODY, 'utf8'))).toBe(true)
      expect(await store.getReply(key.toLowerCase())).toBeUndefined()
      await store.close()
    })

    it('replaces a reply on a second save (a PENDING transaction that settled)', async () => {
      const store = await fresh()
      const key = 'C9000000-0000-4000-8000-000000000003'
      await store.saveReply({
        key,
        status: 'PENDING',
        body: 'Status=OK\r\nStatusDetail=pending\r\n',
        now: T0,
      })
      await store.saveReply({ key, status: 'OK', body: REPLY_BODY, now: T0 + 1000 })
      expect(await store.getReply(key)).toStrictEqual({ status: 'OK', body: REPLY_BODY })
      await store.close()
    })

    it('stores the reply given with an ingest when it is received or a duplicate, never with a conflict', async () => {
      const store = await fresh()
      const reply = (key: string, body: string) => ({ key, status: 'OK', body })
      const base = { id: 'evt-r', payment: { a: 1 }, fingerprint: 'fp-r', now: T0 }
      expect((await store.ingest({ ...base, reply: reply('E1', REPLY_BODY) })).outcome).toBe(
        'received',
      )
      expect(await store.getReply('E1')).toStrictEqual({ status: 'OK', body: REPLY_BODY })
      expect((await store.ingest({ ...base, reply: reply('E2', 'again') })).outcome).toBe(
        'duplicate',
      )
      expect(await store.getReply('E2')).toStrictEqual({ status: 'OK', body: 'again' })
      const conflict = await store.ingest({
        ...base,
        fingerprint: 'fp-other',
        reply: reply('E3', 'no'),
      })
      expect(conflict.outcome).toBe('conflict')
      expect(await store.getReply('E3')).toBeUndefined()
      await store.close()
    })

    it('stores a fee statement once per digest and returns every row, oldest import first', async () => {
      const store = await fresh()
      const first = [
        { line: 2, batchId: '1001', fee: { amount: 35, currency: 'GBP' } },
        {
          line: 3,
          transactionId: 'F955C22E',
          vendorTxCode: 'INV-1-1',
          fee: { amount: 0, currency: 'GBP' },
        },
      ]
      const second = [{ line: 2, vendorTxCode: 'INV-2-1', fee: { amount: 120, currency: 'EUR' } }]
      expect(await store.feeStatementRows()).toStrictEqual([])
      expect(await store.importFeeStatement({ digest: 'd1', rows: first, now: T0 })).toBe('created')
      expect(await store.importFeeStatement({ digest: 'd1', rows: second, now: T0 + 1 })).toBe(
        'duplicate',
      )
      expect(await store.importFeeStatement({ digest: 'd2', rows: second, now: T0 + 2 })).toBe(
        'created',
      )
      expect(await store.feeStatementRows()).toStrictEqual([...first, ...second])
      await store.close()
    })

    it('stores bank statement lines once per account and id, and reads them by date', async () => {
      const store = await fresh()
      const line = (id: string, date: string, amount: number) => ({
        id,
        date,
        amount: { amount, currency: 'GBP' },
        description: `line ${id}`,
      })
      const october = [line('a', '2026-10-31', 965), line('b', '2026-11-03', -3000)]
      const overlap = [line('b', '2026-11-03', -3000), line('c', '2026-11-04', 14334)]
      expect(
        await store.importBankStatement({ bankAccountId: 1, lines: october, now: T0 }),
      ).toStrictEqual({ added: 2, known: 0 })
      expect(
        await store.importBankStatement({ bankAccountId: 1, lines: overlap, now: T0 + 1 }),
      ).toStrictEqual({ added: 1, known: 1 })
      // The same line id on another account is another line.
      expect(
        await store.importBankStatement({ bankAccountId: 2, lines: overlap, now: T0 + 2 }),
      ).toStrictEqual({ added: 2, known: 0 })
      expect(
        await store.bankStatementLines({ bankAccountId: 1, from: '2026-11-01', to: '2026-11-30' }),
      ).toStrictEqual(overlap)
      expect(
        await store.bankStatementLines({ bankAccountId: 1, from: '2026-10-01', to: '2026-12-31' }),
      ).toStrictEqual([october[0], ...overlap])
      expect(
        await store.bankStatementLines({ bankAccountId: 3, from: '2026-10-01', to: '2026-12-31' }),
      ).toStrictEqual([])
      await store.close()
    })

    if (reopenStore) {
      it('keeps fee statements across close and reopen', async () => {
        const store = await fresh()
        const rows = [{ line: 2, batchId: '7', fee: { amount: 5, currency: 'GBP' } }]
        await store.importFeeStatement({ digest: 'keep', rows, now: T0 })
        await store.close()
        const again = await reopenStore()
        expect(await again.feeStatementRows()).toStrictEqual(rows)
        expect(await again.importFeeStatement({ digest: 'keep', rows, now: T0 })).toBe('duplicate')
        await again.close()
      })

      it('keeps bank statement lines across close and reopen', async () => {
        const store = await fresh()
        const lines = [
          {
            id: 'x',
            date: '2026-11-04',
            amount: { amount: 14334, currency: 'GBP' },
            description: '',
          },
        ]
        await store.importBankStatement({ bankAccountId: 1, lines, now: T0 })
        await store.close()
        const again = await reopenStore()
        expect(
          await again.bankStatementLines({
            bankAccountId: 1,
            from: '2026-11-04',
            to: '2026-11-04',
          }),
        ).toStrictEqual(lines)
        await again.close()
      })

      it('keeps registrations and replies across close and reopen', async () => {
        const store = await fresh()
        await store.saveRegistration(FULL)
        await store.importRegistrations([registration(1), registration(2)])
        await store.saveReply({ key: 'D9000000', status: 'OK', body: REPLY_BODY, now: T0 })
        await store.close()
        const again = await reopenStore()
        expect(await again.getRegistration(FULL.vendorTxCode)).toStrictEqual(FULL)
        expect(await again.getRegistration(registration(2).vendorTxCode)).toStrictEqual(
          registration(2),
        )
        expect(await again.getReply('D9000000')).toStrictEqual({ status: 'OK', body: REPLY_BODY })
        expect(await again.saveRegistration(FULL)).toBe('duplicate')
        await again.close()
      })
    }

    if (secondHandle) {
      it('never gives one event to two handles claiming at once', async () => {
        const a = await fresh()
        const b = await secondHandle()
        for (let n = 1; n <= 40; n += 1) await add(a, n, { partition: `invoice:${n % 10}` })
        const seen: string[] = []
        for (let round = 0; round < 10; round += 1) {
          const [x, y] = await Promise.all([
            a.claim({ worker: 'a', now: T0 + round, leaseMs: 100_000, limit: 5 }),
            b.claim({ worker: 'b', now: T0 + round, leaseMs: 100_000, limit: 5 }),
          ])
          for (const e of [...x, ...y]) {
            seen.push(e.id)
            await (x.includes(e) ? a : b).transition({
              id: e.id,
              worker: x.includes(e) ? 'a' : 'b',
              now: T0 + round,
              to: 'posted',
              outcome: 'ok',
            })
          }
        }
        expect(seen).toHaveLength(new Set(seen).size)
        expect(seen).toHaveLength(40)
        await b.close()
        await a.close()
      })
    }
  })
}
