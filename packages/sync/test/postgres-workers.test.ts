// Two workers on PostgreSQL drain one backlog against the same KashFlow: no event is posted twice.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { adminPool, connectionString, postgresReachable } from './support/postgres.js'
import { afterAll, describe, expect, it } from 'vitest'
import { createSyncEngine } from '../src/index.js'
import { postgresStore } from '../src/postgres.js'
import { CREDENTIALS, payment } from './helpers.js'

const admin = adminPool()
const reachable = await postgresReachable(admin)
const schema = `okw_${process.pid}_${Date.now().toString(36)}`
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
  await admin.end()
})

describe('two workers on PostgreSQL', () => {
  it.skipIf(!reachable)(
    'drain the same backlog without posting any event twice (skipped only when PostgreSQL is unreachable outside CI)',
    async () => {
      const fake = new FakeKashflow({
        invoices: Array.from({ length: 8 }, (_, i) => ({ number: 6000 + i, gross: 10_000 })),
      })
      fake.latencyMs = 2 // interleave the two workers' requests
      const engines = await Promise.all(
        ['worker-a', 'worker-b'].map(async (workerId) => {
          const store = await postgresStore({ connectionString, schema })
          const engine = createSyncEngine({
            store,
            kashflow: createKashflowClient({ ...CREDENTIALS, fetch: fake.fetch }),
            rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
            references: createReferenceParser(['INV-{invoice}-{*}']),
            workerId,
            pollIntervalMs: 5,
          })
          let posted = 0
          engine.on('posted', () => (posted += 1))
          return { store, engine, posted: () => posted }
        }),
      )
      const payments = Array.from({ length: 60 }, (_, i) =>
        payment(6000 + (i % 8), { amount: { amount: 100 + i, currency: 'GBP' } }),
      )
      for (const p of payments) await engines[0]!.engine.ingest(p)
      for (const { engine } of engines) engine.start({ concurrency: 2 })
      for (let i = 0; i < 1000 && !(await engines[0]!.engine.idle()); i += 1)
        await new Promise((r) => setTimeout(r, 20))
      for (const { engine } of engines) await engine.stop()

      const lines = [...fake.invoices.values()].flatMap((inv) => inv.PaymentLines)
      for (const p of payments)
        expect(fake.linesSentWith(p.id.replace(/^opayo:/, 'OPAYO:'))).toHaveLength(1)
      expect(lines).toHaveLength(payments.length)
      expect(engines[0]!.posted() + engines[1]!.posted()).toBe(payments.length)
      expect(engines[0]!.posted()).toBeGreaterThan(0)
      expect(engines[1]!.posted()).toBeGreaterThan(0)
      for (const { store } of engines) await store.close()
    },
    60_000,
  )
})
