// Leases under real concurrency, on SQLite and PostgreSQL: engines with 1-2 s leases work through
// a backlog while KashFlow answers the first write on each invoice with a 429 whose Retry-After is
// 1 s or twice a lease, lets a write take twice a lease to land, or tells a read to wait that long.
// However long a write (or the wait before it) takes, each payment ends as exactly one KashFlow
// payment line. Real time, bounded loops, no timing assertions.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { createSyncEngine } from '../src/index.js'
import type { Store } from '../src/index.js'
import { postgresStore } from '../src/postgres.js'
import { sqliteStore } from '../src/sqlite.js'
import { CREDENTIALS, payment } from './helpers.js'
import { adminPool, connectionString, postgresReachable } from './support/postgres.js'

const admin = adminPool()
const reachable = await postgresReachable(admin)
const run = `okl_${process.pid}_${Date.now().toString(36)}`
const schemas: string[] = []
const dir = mkdtempSync(join(tmpdir(), 'ok-leases-'))
afterAll(async () => {
  for (const schema of schemas)
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
  await admin.end()
  rmSync(dir, { recursive: true, force: true })
})

/** Opens `count` handles on one fresh database, as `count` processes would. */
type Backend = (count: number) => Promise<Store[]>
let n = 0
const sqlite: Backend = async (count) => {
  const path = join(dir, `leases-${(n += 1)}.db`)
  return Promise.all(Array.from({ length: count }, () => sqliteStore({ path })))
}
const postgres: Backend = async (count) => {
  const schema = `${run}_${(n += 1)}`
  schemas.push(schema)
  const first = await postgresStore({ connectionString, schema })
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, () => postgresStore({ connectionString, schema })),
  )
  return [first, ...rest]
}

const BULK_PAYMENTS = /\/v2\/invoices\/bulk\/payments\/?$/
const INVOICE_READ = /\/v2\/invoices\/(\d+)\/?$/
const FIRST_INVOICE = 9100

/** What KashFlow does to the first payment write (or invoice read) on an invoice. */
type Fault =
  | {
      readonly on: 'write' | 'read'
      readonly kind: 'rate-limit'
      readonly retryAfterSeconds: number
    }
  | { readonly on: 'write'; readonly kind: 'slow'; readonly ms: number }

const tooManyRequests = (retryAfterSeconds: number) =>
  new Response(JSON.stringify({ Error: 'TooManyRequests', Message: 'Slow down' }), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
  })

/**
 * The fake KashFlow, with one fault per invoice, cycling through `faults` from one invoice to
 * the next: a 429 with a Retry-After on the first payment write (or the first invoice read, which
 * the client waits out), or a first write that lands only after `ms`. Everything else is the fake's.
 */
function faultyKashflow(fake: FakeKashflow, faults: readonly Fault[]) {
  const served = new Set<number>()
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const path = new URL(request.url).pathname
    let on: 'write' | 'read' | undefined
    let invoice = NaN
    if (request.method === 'POST' && BULK_PAYMENTS.test(path)) {
      const body = (await request.clone().json()) as { PaymentItems?: { ObjectNumber?: number }[] }
      on = 'write'
      invoice = Number(body.PaymentItems?.[0]?.ObjectNumber)
    } else if (request.method === 'GET' && INVOICE_READ.test(path)) {
      on = 'read'
      invoice = Number(INVOICE_READ.exec(path)![1])
    }
    const fault = faults[(invoice - FIRST_INVOICE) % faults.length]
    if (on && fault?.on === on && !served.has(invoice)) {
      served.add(invoice)
      if (fault.kind === 'rate-limit') return tooManyRequests(fault.retryAfterSeconds)
      await new Promise((r) => setTimeout(r, fault.ms))
    }
    return fake.fetch(request)
  }
}

const invoiceOf = (p: CanonicalPayment) => Number(/^INV-(\d+)-/.exec(p.source.vendorTxCode)![1])
const markerOf = (p: CanonicalPayment) => p.id.replace(/^opayo:/, 'OPAYO:')

/**
 * KashFlow's payment lines against the payments, counted two ways: by amount on the payment's
 * invoice (each payment has a distinct amount), and by the marker each bulk payment was sent with
 * (`linesSentWith`; the fake does not copy the Comment to the line's Note by default).
 */
function linesPerPayment(fake: FakeKashflow, payments: readonly CanonicalPayment[]) {
  const all = [...fake.invoices.values()].flatMap((i) => i.PaymentLines)
  const byAmount = payments.map((p) => {
    const lines = fake.invoices.get(invoiceOf(p))?.PaymentLines ?? []
    return lines.filter((l) => Math.round(l.Amount * 100) === p.amount.amount).length
  })
  const byMarker = payments.map((p) => fake.linesSentWith(markerOf(p)).length)
  return {
    totalLines: all.length,
    paymentsWithoutOneLine: payments.filter((_, i) => byAmount[i] !== 1).map((p) => p.id),
    paymentsWithoutOneMarkedLine: payments.filter((_, i) => byMarker[i] !== 1).map((p) => p.id),
  }
}

async function drainWith(
  backend: Backend,
  workers: readonly { workerId: string; leaseMs: number; concurrency: number }[],
  faults: readonly Fault[],
  invoiceCount: number,
  perInvoice: number,
) {
  const invoices = Array.from({ length: invoiceCount }, (_, i) => FIRST_INVOICE + i)
  const fake = new FakeKashflow({
    invoices: invoices.map((number) => ({ number, gross: 100_000 })),
  })
  fake.latencyMs = 5 // interleave the loops' requests
  const fetch = faultyKashflow(fake, faults)
  const payments = Array.from({ length: invoiceCount * perInvoice }, (_, i) =>
    payment(invoices[i % invoiceCount]!, { amount: { amount: 1_000 + i, currency: 'GBP' } }),
  )
  const stores = await backend(workers.length)
  const engines = workers.map((worker, i) =>
    createSyncEngine({
      store: stores[i]!,
      // The client's default retry policy, as the CLI builds it.
      kashflow: createKashflowClient({ ...CREDENTIALS, fetch }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      workerId: worker.workerId,
      leaseMs: worker.leaseMs,
      pollIntervalMs: 20,
    }),
  )
  try {
    for (const p of payments) await engines[0]!.ingest(p)
    engines.forEach((engine, i) => engine.start({ concurrency: workers[i]!.concurrency }))
    const deadline = Date.now() + 17_000
    while (Date.now() < deadline && !(await engines[0]!.idle()))
      await new Promise((r) => setTimeout(r, 50))
  } finally {
    for (const engine of engines) await engine.stop()
  }
  const states = (await stores[0]!.list()).map((e) => e.state)
  for (const store of stores) await store.close()
  return { payments, states, lines: linesPerPayment(fake, payments) }
}

const skipNote = (name: string, available: boolean) =>
  `${name}${available ? '' : ': skipped, PostgreSQL is unreachable outside CI'}`

describe.each([
  ['SQLite', sqlite, true],
  ['PostgreSQL', postgres, reachable],
] as const)('leases on %s', (name, backend, available) => {
  it.skipIf(!available)(
    `one engine with four loops and a 1.5 s lease posts exactly one KashFlow line per payment while writes get 429s asking for 1 s and for 3 s (twice the lease), writes take 3 s to land, and an invoice read is told to wait 3 s (${skipNote(name, available)})`,
    async () => {
      const { payments, states, lines } = await drainWith(
        backend,
        [{ workerId: 'solo', leaseMs: 1_500, concurrency: 4 }],
        [
          { on: 'write', kind: 'rate-limit', retryAfterSeconds: 1 },
          { on: 'write', kind: 'rate-limit', retryAfterSeconds: 3 },
          { on: 'write', kind: 'slow', ms: 3_000 },
          { on: 'read', kind: 'rate-limit', retryAfterSeconds: 3 },
          { on: 'write', kind: 'slow', ms: 3_000 },
        ],
        5,
        4,
      )
      expect(lines).toEqual({
        totalLines: payments.length,
        paymentsWithoutOneLine: [],
        paymentsWithoutOneMarkedLine: [],
      })
      expect(states.every((s) => s === 'posted')).toBe(true)
    },
    25_000,
  )

  it.skipIf(!available)(
    `two workers with 1 s and 2 s leases on one store post exactly one KashFlow line per payment while writes get 429s asking for 1 s and for twice either lease, a write takes 4 s to land, and an invoice read is told to wait 4 s (${skipNote(name, available)})`,
    async () => {
      const { payments, states, lines } = await drainWith(
        backend,
        [
          { workerId: 'worker-a', leaseMs: 1_000, concurrency: 2 },
          { workerId: 'worker-b', leaseMs: 2_000, concurrency: 2 },
        ],
        [
          { on: 'write', kind: 'rate-limit', retryAfterSeconds: 1 },
          { on: 'write', kind: 'rate-limit', retryAfterSeconds: 2 },
          { on: 'write', kind: 'rate-limit', retryAfterSeconds: 4 },
          { on: 'write', kind: 'slow', ms: 4_000 },
          { on: 'read', kind: 'rate-limit', retryAfterSeconds: 4 },
        ],
        5,
        4,
      )
      expect(lines).toEqual({
        totalLines: payments.length,
        paymentsWithoutOneLine: [],
        paymentsWithoutOneMarkedLine: [],
      })
      expect(states.every((s) => s === 'posted')).toBe(true)
    },
    25_000,
  )
})
