import { CanonicalPaymentSchema } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_SCHEDULE } from '../src/index.js'
import type { PaymentHint } from '../src/index.js'
import { harness, payment } from './helpers.js'

const invoices = [
  { number: 1042, gross: 120 },
  { number: 1043, gross: 50 },
]
const marker = (p: { id: string }) => p.id.replace(/^opayo:/, 'OPAYO:')

describe('ingest', () => {
  it('stores an event once: the same again is a duplicate, a different payload a conflict', async () => {
    const { engine, events } = harness()
    const p = payment(1042)
    expect(await engine.ingest(p)).toEqual({ outcome: 'received', id: p.id })
    expect(await engine.ingest(p)).toEqual({ outcome: 'duplicate', id: p.id })
    expect(await engine.ingest({ ...p, amount: { amount: 999, currency: 'GBP' } })).toEqual({
      outcome: 'conflict',
      id: p.id,
    })
    expect(events.map((e) => e.type)).toEqual(['received', 'duplicate', 'conflict'])
    expect((await engine.status()).conflicts).toBe(1)
  })

  it('lets a PENDING payment move on to its final status (not a conflict), and posts it then', async () => {
    const { engine, store, linesWith } = harness({ seed: { invoices } })
    const settled = payment(1042)
    const pending = { ...settled, status: 'pending' as const }
    expect(await engine.ingest(pending)).toEqual({ outcome: 'received', id: settled.id })
    await engine.drain()
    expect(await store.get(settled.id)).toMatchObject({ state: 'skipped', reason: 'not_succeeded' })
    expect(await engine.ingest(settled)).toEqual({ outcome: 'received', id: settled.id })
    await engine.drain()
    expect(await store.get(settled.id)).toMatchObject({ state: 'posted' })
    expect(linesWith(marker(settled))).toHaveLength(1)
    // A final status changing afterwards is a conflict, recorded and not applied.
    expect(await engine.ingest({ ...settled, status: 'declined' })).toEqual({
      outcome: 'conflict',
      id: settled.id,
    })
  })

  it('dead-letters invalid Opayo data at once, with the issues, and never drops it', async () => {
    const { engine, fake } = harness({ seed: { invoices } })
    const p = payment(1042)
    const broken = { ...p, source: { ...p.source, vendorTxCode: '' } }
    expect(await engine.ingest(broken)).toEqual({ outcome: 'dead', id: p.id })
    expect(await engine.ingest({ nonsense: true })).toMatchObject({
      outcome: 'dead',
      id: expect.stringMatching(/^invalid:/),
    })
    await engine.drain()
    const letter = await engine.deadLetters.get(p.id)
    expect(letter).toMatchObject({
      reason: 'invalid_payment',
      detail: { issues: [{ path: ['source', 'vendorTxCode'] }] },
    })
    expect(fake.log).toEqual([])
  })
})

describe('posting', () => {
  it('posts a payment exactly once and records it in the ledger', async () => {
    const { engine, fake, store, linesWith } = harness({ seed: { invoices } })
    const p = payment(1042, { amount: { amount: 12000, currency: 'GBP' } })
    await engine.ingest(p)
    expect(await engine.runOnce()).toBe(1)
    expect((await store.get(p.id))?.state).toBe('posted')
    expect(linesWith(marker(p))).toHaveLength(1)
    expect(fake.invoiceView(fake.invoices.get(1042)!)).toMatchObject({ Status: 'Paid' })
    expect(await store.ledger(p.id)).toMatchObject([
      { marker: marker(p), state: 'done', kind: 'invoice-payment' },
    ])
    await engine.ingest(p)
    await engine.drain()
    expect(linesWith(marker(p))).toHaveLength(1)
  })

  it('posts a refund as a negative payment where KashFlow accepts a negative bulk amount', async () => {
    // UNCONFIRMED: whether the bulk route takes a negative Amount; the optimistic switch here.
    const { engine, linesWith } = harness({
      seed: { invoices, unconfirmed: { negativeBulkAmounts: 'accepted' } },
    })
    const r = payment(1042, { kind: 'refund', amount: { amount: 500, currency: 'GBP' } })
    await engine.ingest(r)
    await engine.drain()
    expect(linesWith(marker(r))).toMatchObject([{ Amount: -5 }])
  })

  it("dead-letters a refund with KashFlow's reason where a negative bulk amount is refused (never lost)", async () => {
    const { engine, store, fake } = harness({ seed: { invoices } })
    const r = payment(1042, { kind: 'refund', amount: { amount: 500, currency: 'GBP' } })
    await engine.ingest(r)
    await engine.drain()
    expect(await store.get(r.id)).toMatchObject({ state: 'dead', reason: 'kashflow_rejected' })
    expect(fake.invoices.get(1042)!.PaymentLines).toEqual([])
  })

  it('skips declines and authorisations with the reason', async () => {
    const { engine, store } = harness({ seed: { invoices } })
    const declined = payment(1042, { status: 'declined' })
    const held = payment(1042, { kind: 'authorisation' })
    await engine.ingest(declined)
    await engine.ingest(held)
    await engine.drain()
    expect(await store.get(declined.id)).toMatchObject({
      state: 'skipped',
      reason: 'not_succeeded',
    })
    expect(await store.get(held.id)).toMatchObject({
      state: 'skipped',
      reason: 'no_money_movement',
    })
  })

  it('dead-letters an unparseable reference with the rule that decided', async () => {
    const { engine, store } = harness({ seed: { invoices } })
    const p = payment(1042)
    const stray = { ...p, source: { ...p.source, vendorTxCode: 'demotransaction-100092813' } }
    await engine.ingest(stray)
    await engine.drain()
    expect(await store.get(p.id)).toMatchObject({ state: 'dead', reason: 'unmatched_reference' })
  })

  it('converts a foreign-currency payment at the configured rate and records the rate on the ledger', async () => {
    const { engine, store, linesWith } = harness({ seed: { invoices } })
    const p = payment(1042, { amount: { amount: 10000, currency: 'EUR' } })
    await engine.ingest(p)
    await engine.drain()
    expect(linesWith(marker(p))).toMatchObject([{ Amount: 85.84 }])
    const [entry] = await store.ledger(p.id)
    expect(entry?.request).toMatchObject({
      amount: { amount: 8584, currency: 'GBP' },
      conversion: {
        original: { amount: 10000, currency: 'EUR' },
        rate: { from: 'EUR', to: 'GBP', source: 'test table (inverse)' },
      },
    })
  })

  it('serialises postings for the same invoice: one claim per invoice at a time', async () => {
    const { engine, store } = harness({ seed: { invoices } })
    await engine.ingest(payment(1042))
    await engine.ingest(payment(1042))
    await engine.ingest(payment(1043))
    const claimed = await store.claim({
      worker: 'w',
      now: Date.UTC(2026, 10, 2, 11),
      leaseMs: 60_000,
      limit: 10,
    })
    expect(claimed.map((e) => e.partition).sort()).toEqual(['invoice:1042', 'invoice:1043'])
  })
})

describe('hints: unsigned claims are confirmed with Opayo before anything posts', () => {
  const unverified = (invoice: number) => {
    const p = payment(invoice)
    return { ...p, source: { ...p.source, protocol: 'form' as const, verified: false } }
  }

  it('stores an unverified payment as a hint and posts only what confirmHint returns', async () => {
    const claim = unverified(1042)
    const opayoSays = {
      ...claim,
      amount: { amount: 900, currency: 'GBP' },
      source: { ...claim.source, protocol: 'reporting' as const, verified: true },
    }
    const asked: PaymentHint[] = []
    const { engine, store, settle, linesWith } = harness({
      seed: { invoices: [{ number: 1042, gross: 120 }] },
      engine: {
        confirmHint: (hint) => {
          asked.push(hint)
          return Promise.resolve({
            outcome: 'confirmed',
            payment: CanonicalPaymentSchema.parse(opayoSays),
          })
        },
      },
    })
    const result = await engine.ingest(claim)
    expect(result.id).toBe(`hint:form:${claim.source.vendorTxCode}`)
    expect(await store.get(claim.id)).toBeUndefined()
    await settle()
    expect(asked).toHaveLength(1)
    expect(asked[0]?.claimed?.amount).toEqual({ amount: 1000, currency: 'GBP' })
    expect(await store.get(result.id)).toMatchObject({ state: 'skipped', reason: 'confirmed' })
    expect(await store.get(claim.id)).toMatchObject({ state: 'posted' })
    expect(linesWith(claim.source.transactionId).map((l) => l.Amount)).toEqual([9])
  })

  it('dead-letters a hint as unconfirmed when no confirmHint is configured, posting nothing', async () => {
    const claim = unverified(1042)
    const { engine, store, settle, fake } = harness({
      seed: { invoices: [{ number: 1042, gross: 120 }] },
    })
    const { id } = await engine.ingest(claim)
    await settle()
    expect(await store.get(id)).toMatchObject({ state: 'dead', reason: 'unconfirmed' })
    expect(fake.invoices.get(1042)!.PaymentLines).toEqual([])
  })

  it('refuses a confirmation that is not a record read from Opayo, or is another transaction', async () => {
    const claim = unverified(1042)
    const other = payment(1042)
    const { engine, store, settle, fake } = harness({
      seed: { invoices: [{ number: 1042, gross: 120 }] },
      engine: {
        retry: { confirmDelaysMs: [0] },
        confirmHint: () => Promise.resolve({ outcome: 'confirmed', payment: other }),
      },
    })
    const { id } = await engine.ingest(claim)
    await settle()
    expect(await store.get(id)).toMatchObject({
      state: 'dead',
      reason: 'unconfirmed',
      detail: { reason: 'Opayo answered with a different transaction.' },
    })
    expect(fake.invoices.get(1042)!.PaymentLines).toEqual([])
  })

  it("replaces an unverified event stored under the payment's own id with Opayo's record", async () => {
    const claim = unverified(1042)
    const opayoSays = CanonicalPaymentSchema.parse({
      ...claim,
      source: { ...claim.source, protocol: 'reporting', verified: true },
    })
    const { engine, store, settle, linesWith } = harness({
      seed: { invoices: [{ number: 1042, gross: 120 }] },
      engine: { confirmHint: () => Promise.resolve({ outcome: 'confirmed', payment: opayoSays }) },
    })
    // As an older version stored it: the unverified payment under its own id.
    await store.ingest({ id: claim.id, payment: claim, fingerprint: 'legacy', now: 0 })
    await settle()
    expect(await store.get(claim.id)).toMatchObject({
      state: 'posted',
      payment: { source: { verified: true } },
    })
    expect(linesWith(claim.source.transactionId)).toHaveLength(1)
    expect(await engine.idle()).toBe(true)
  })
})

describe('journals and customers', () => {
  it('posts an unmatched payment to suspense with a journal, once, even after a dropped connection', async () => {
    const { definePostingRules } = await import('@opayo-kashflow/core')
    const h = harness({
      seed: { invoices },
      engine: {
        rules: definePostingRules({
          bankAccountId: 55166,
          paymentMethodId: 409844,
          unmatchedReference: {
            action: 'suspense-journal',
            suspenseNominalCode: 9999,
            bankNominalCode: 1200,
          },
        }),
      },
    })
    await h.engine.ingest(payment(1043))
    await h.engine.runOnce()
    const p = payment(1042)
    const stray = { ...p, source: { ...p.source, vendorTxCode: 'phone-order-7' } }
    await h.engine.ingest(stray)
    h.fake.commitThenDropNextWrite()
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(
      [...h.fake.journals.values()].filter(
        (j) => typeof j['JournalName'] === 'string' && j['JournalName'].includes(marker(p)),
      ),
    ).toHaveLength(1)
  })

  it('creates the customer once, then updates it by email, with customer custom fields', async () => {
    const { customFieldPresets, defineCustomFieldMappings, definePostingRules } =
      await import('@opayo-kashflow/core')
    const h = harness({
      seed: { invoices },
      engine: {
        rules: definePostingRules({
          bankAccountId: 55166,
          paymentMethodId: 409844,
          upsertCustomers: true,
        }),
        customFields: defineCustomFieldMappings([
          customFieldPresets.opayoTransactionId({ target: 'customer', name: 'Last Opayo tx' }),
        ]),
      },
    })
    const customer = { firstName: 'Sam', lastName: 'Jones', email: 'sam@example.co.uk' }
    const first = payment(1042, { customer })
    const second = payment(1043, { customer })
    await h.engine.ingest(first)
    await h.engine.ingest(second)
    await h.settle()
    const customers = [...h.fake.customers.values()]
    expect(customers).toHaveLength(1)
    expect(customers[0]).toMatchObject({
      Name: 'Sam Jones',
      CustomTextBoxes: [{ Name: 'Last Opayo tx' }],
    })
    expect((await h.engine.status()).counts.posted).toBe(2)
  })
})

describe('failures, one per seed error case', () => {
  it('KashFlow 5xx / downtime: retries on the schedule, then posts', async () => {
    const { engine, fake, store, events, advance, linesWith } = harness({ seed: { invoices } })
    const p = payment(1042)
    await engine.ingest(p)
    await engine.runOnce() // logs in
    fake.failNext(2, 503)
    const q = payment(1043)
    await engine.ingest(q)
    await engine.runOnce()
    expect(await store.get(q.id)).toMatchObject({ state: 'waiting', attempts: 1 })
    expect(events.find((e) => e.type === 'retry-scheduled')).toMatchObject({
      cause: 'retryable',
      attempt: 1,
    })
    advance(DEFAULT_RETRY_SCHEDULE.delaysMs[0]!)
    await engine.runOnce()
    expect(await store.get(q.id)).toMatchObject({ state: 'waiting', attempts: 2 })
    advance(DEFAULT_RETRY_SCHEDULE.delaysMs[1]!)
    await engine.runOnce()
    expect(await store.get(q.id)).toMatchObject({ state: 'posted' })
    expect(linesWith(marker(q))).toHaveLength(1)
  })

  it('pauses all posting after several consecutive failures, probes, and resumes by itself', async () => {
    const { engine, fake, events, advance, clock, settle } = harness({ seed: { invoices } })
    await engine.ingest(payment(1042))
    await engine.runOnce()
    fake.downtime(clock.now(), clock.now() + 10 * 60_000)
    for (let i = 0; i < 6; i += 1) await engine.ingest(payment(i % 2 ? 1042 : 1043))
    await engine.drain()
    expect(events.filter((e) => e.type === 'paused')).toMatchObject([
      { reason: 'kashflow_unavailable' },
    ])
    expect((await engine.status()).paused).toMatchObject({ reason: 'kashflow_unavailable' })
    const before = fake.log.length
    expect(await engine.runOnce()).toBe(0) // paused: no claims, no hammering
    expect(fake.log.length).toBe(before)
    advance(10 * 60_000)
    await settle()
    expect(events.some((e) => e.type === 'resumed')).toBe(true)
    expect((await engine.status()).counts.posted).toBe(7)
  })

  it('rate limits: waits for Retry-After without spending an attempt', async () => {
    const { engine, fake, store } = harness({ seed: { invoices } })
    const p = payment(1042)
    await engine.ingest(payment(1043))
    await engine.runOnce()
    fake.rateLimitNext(1, '30')
    await engine.ingest(p)
    const before = Date.UTC(2026, 10, 2, 10)
    await engine.runOnce()
    const event = await store.get(p.id)
    expect(event).toMatchObject({ state: 'waiting', attempts: 0 })
    expect(event!.nextAttemptAt - before).toBeGreaterThanOrEqual(30_000)
  })

  it('invoice not found: deferred on the longer schedule, posted when the invoice appears', async () => {
    const { engine, fake, store, advance, linesWith } = harness({ seed: { invoices } })
    const p = payment(2001)
    await engine.ingest(p)
    await engine.runOnce()
    expect(await store.get(p.id)).toMatchObject({
      state: 'waiting',
      attempts: 1,
      lastError: { name: 'InvoiceNotFoundYet' },
    })
    fake.addInvoice({ number: 2001, gross: 10 })
    advance(DEFAULT_RETRY_SCHEDULE.notFoundDelaysMs[0]!)
    await engine.runOnce()
    expect(await store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(linesWith(marker(p))).toHaveLength(1)
  })

  it('invoice never found: dead-lettered with the reference it looked for', async () => {
    const { engine, store, settle } = harness({
      seed: { invoices },
      engine: { retry: { notFoundDelaysMs: [1000, 2000] } },
    })
    const p = payment(3003)
    await engine.ingest(p)
    await settle()
    expect(await store.get(p.id)).toMatchObject({
      state: 'dead',
      reason: 'invoice_not_found',
      detail: { invoiceNumber: 3003, reference: p.source.vendorTxCode },
    })
  })

  it("validation errors are permanent: dead at once with KashFlow's message", async () => {
    const { engine, store } = harness({
      seed: { invoices, bankAccounts: [{ Id: 1, AccountName: 'Other', Code: 1200 }] },
    })
    const p = payment(1042)
    await engine.ingest(p)
    await engine.drain()
    expect(await store.get(p.id)).toMatchObject({
      state: 'dead',
      reason: 'kashflow_rejected',
      lastError: {
        name: 'KashflowValidationError',
        message: expect.stringContaining('Invalid bank account'),
      },
    })
  })

  it('authentication failures pause and alert, and never hammer a locked account', async () => {
    const { engine, fake, store, events, advance } = harness({
      seed: {
        invoices,
        user: {
          username: 'accounts@example.co.uk',
          password: 's3cret',
          memorableWord: 'pineapple',
          locked: true,
        },
      },
    })
    for (let i = 0; i < 5; i += 1) await engine.ingest(payment(1042))
    await engine.drain()
    expect(events.filter((e) => e.type === 'paused')).toMatchObject([{ reason: 'authentication' }])
    const logins = fake.log.filter((l) => l.path === 'sessiontoken').length
    expect(logins).toBe(1)
    for (let i = 0; i < 10; i += 1) {
      advance(60_000)
      await engine.runOnce()
    }
    expect(fake.log.filter((l) => l.path === 'sessiontoken').length).toBe(1)
    expect((await store.stats()).counts.waiting + (await store.stats()).counts.received).toBe(5)
    fake.user.locked = false
    engine.resume()
    await engine.drain()
    expect((await store.stats()).counts.posted).toBe(5)
  })

  it('an ambiguous write (committed, then the connection dropped) is read back, not posted again', async () => {
    const { engine, fake, store, linesWith } = harness({ seed: { invoices } })
    await engine.ingest(payment(1043))
    await engine.runOnce()
    const p = payment(1042)
    await engine.ingest(p)
    fake.commitThenDropNextWrite()
    await engine.runOnce()
    expect(await store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(linesWith(marker(p))).toHaveLength(1)
    expect(await store.ledger(p.id)).toMatchObject([
      { state: 'done', result: { readBack: { invoiceNumber: 1042, amount: { amount: 1000 } } } },
    ])
  })

  it('a crash between the KashFlow write and the ledger update is recovered by read-back after the lease expires', async () => {
    let crash = true
    const h = harness({
      seed: { invoices },
      engine: {
        leaseMs: 60_000,
        afterWrite: () => {
          if (crash) {
            crash = false
            throw new Error('simulated crash after the write')
          }
        },
      },
    })
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.engine.runOnce()
    // The "crash" left the event unfinished; a retry must read back, not post again.
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(h.linesWith(marker(p))).toHaveLength(1)
  })
})

describe('dead letters', () => {
  it('explains, replays (never duplicating) and discards', async () => {
    const { engine, fake, store, settle, linesWith } = harness({
      seed: { invoices },
      engine: { retry: { notFoundDelaysMs: [] } },
    })
    const a = payment(4004)
    const b = payment(5005)
    await engine.ingest(a)
    await engine.ingest(b)
    await settle()
    expect((await engine.deadLetters.list()).map((e) => e.id).sort()).toEqual([a.id, b.id].sort())
    const explained = await engine.deadLetters.get(a.id)
    expect(explained).toMatchObject({
      reason: 'invoice_not_found',
      lastError: { name: 'InvoiceNotFoundYet' },
    })
    expect(explained?.attempts.map((x) => x.to)).toEqual(['dead'])

    expect(await engine.deadLetters.replay([a.id], { dryRun: true })).toEqual({
      replayed: [a.id],
      dryRun: true,
    })
    expect((await store.get(a.id))?.state).toBe('dead')

    fake.addInvoice({ number: 4004, gross: 10 })
    expect(await engine.deadLetters.replay({ reason: 'invoice_not_found' })).toMatchObject({
      replayed: expect.arrayContaining([a.id, b.id]),
    })
    await settle()
    expect(await store.get(a.id)).toMatchObject({ state: 'posted' })
    expect(await engine.deadLetters.replay([a.id])).toEqual({ replayed: [], dryRun: false }) // only dead letters replay
    expect(linesWith(marker(a))).toHaveLength(1)

    expect(await engine.deadLetters.discard(b.id, 'invoice cancelled by accounts')).toBe(true)
    expect(await store.get(b.id)).toMatchObject({
      state: 'discarded',
      detail: { discardReason: 'invoice cancelled by accounts' },
    })
  })
})

describe('status and the worker loop', () => {
  it('reports counts per state and the age of the oldest pending event', async () => {
    const { engine, advance } = harness({ seed: { invoices } })
    await engine.ingest(payment(1042))
    advance(90_000)
    const status = await engine.status()
    expect(status.counts.received).toBe(1)
    expect(status.oldestPendingAgeMs).toBe(90_000)
    expect(status.paused).toBeUndefined()
  })

  it('start() works through the backlog; stop() is graceful and releases claims', async () => {
    const h = harness({
      seed: { invoices },
      engine: { sleep: () => new Promise((r) => setTimeout(r, 1)), pollIntervalMs: 1 },
    })
    for (let i = 0; i < 8; i += 1) await h.engine.ingest(payment(i % 2 ? 1042 : 1043))
    h.engine.start({ concurrency: 2 })
    for (let i = 0; i < 200 && !(await h.engine.idle()); i += 1)
      await new Promise((r) => setTimeout(r, 5))
    await h.engine.stop()
    expect((await h.engine.status()).counts.posted).toBe(8)
    expect((await h.store.list()).every((e) => e.claimedBy === undefined)).toBe(true)
  })
})
