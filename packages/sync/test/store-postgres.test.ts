import { adminPool, connectionString, postgresReachable } from './support/postgres.js'
import { afterAll, describe, expect, it } from 'vitest'
import { postgresStore } from '../src/postgres.js'
import { describeStoreContract } from '@opayo-kashflow/sync/testing'

// PostgreSQL runs at 127.0.0.1:5432 on our machines and in CI (trust auth, database `test`).
// Each run creates its own schemas and drops them. In CI an unreachable server fails the run;
// on a machine without PostgreSQL the suite is reported as skipped with the reason below.
const admin = adminPool()
const reachable = await postgresReachable(admin)
const run = `okt_${process.pid}_${Date.now().toString(36)}`
const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas)
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
  await admin.end()
})

if (reachable) {
  let n = 0
  let current = ''
  describeStoreContract(
    'PostgreSQL (FOR UPDATE SKIP LOCKED, leases)',
    () => {
      n += 1
      current = `${run}_${n}`
      schemas.push(current)
      return postgresStore({ connectionString, schema: current })
    },
    {
      second: () => postgresStore({ connectionString, schema: current }),
      // A new store (new pool) on the same schema, as after a restart.
      reopen: () => postgresStore({ connectionString, schema: current }),
    },
  )

  describe('PostgreSQL latest-by-state reads', () => {
    it('reads at most N rows a state through the events_recent index (EXPLAIN ANALYZE)', async () => {
      const schema = `${run}_latest`
      schemas.push(schema)
      const pool = adminPool()
      const queries: { text: string; values: unknown[] }[] = []
      const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>
      pool.query = ((text: string, values?: unknown[]) => {
        if (typeof text === 'string') queries.push({ text, values: values ?? [] })
        return query(text, values)
      }) as typeof pool.query
      const store = await postgresStore({ pool, schema })
      await admin.query(
        `INSERT INTO ${schema}.events (id, payment, fingerprint, state, next_attempt_at, created_at, updated_at)
         SELECT 'p' || n, '{}', 'f', CASE WHEN n % 10 = 0 THEN 'skipped' ELSE 'posted' END, n, n, n
         FROM generate_series(1, 5000) AS n`,
      )
      await admin.query(`ANALYZE ${schema}.events`)
      const latest = await store.list({ states: ['posted', 'skipped'], order: 'latest', limit: 25 })
      expect(latest.map((e) => e.id)).toEqual(Array.from({ length: 25 }, (_, i) => `p${5000 - i}`))
      const read = queries.findLast((q) => q.text.includes('LATERAL'))!
      const explained = await admin.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${read.text}`,
        read.values,
      )
      interface PlanNode {
        'Node Type': string
        'Index Name'?: string
        'Relation Name'?: string
        'Actual Rows': number
        Plans?: PlanNode[]
      }
      const nodes: PlanNode[] = []
      const walk = (node: PlanNode) => {
        nodes.push(node)
        node.Plans?.forEach(walk)
      }
      walk((explained.rows[0]!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan)
      const scans = nodes.filter((node) => node['Relation Name'] === 'events')
      expect(scans.length).toBeGreaterThan(0)
      for (const scan of scans) {
        expect(scan['Node Type']).toMatch(/^Index (Only )?Scan/)
        expect(scan['Index Name']).toBe('events_recent')
        expect(scan['Actual Rows']).toBeLessThanOrEqual(25)
      }
      await store.close()
      await pool.end()
    })
  })

  describe('PostgreSQL store upgrades', () => {
    it('adds the registrations and reply tables to a schema made before them', async () => {
      const schema = `${run}_old`
      schemas.push(schema)
      await (await postgresStore({ connectionString, schema })).close()
      // Back to the first schema version, as a database from before registrations were stored.
      await admin.query(
        `DROP TABLE ${schema}.registrations; DROP TABLE ${schema}.notification_replies; DELETE FROM ${schema}.schema_migrations WHERE version > 1`,
      )
      const store = await postgresStore({ connectionString, schema })
      expect(
        await store.saveRegistration({
          vendorTxCode: 'INV-1-1',
          securityKey: 'K',
          amount: 1,
          currency: 'GBP',
          txType: 'PAYMENT',
          createdAt: 1,
        }),
      ).toBe('created')
      await store.saveReply({ key: 'K1', status: 'OK', body: 'Status=OK\r\n', now: 1 })
      expect(await store.getReply('K1')).toEqual({ status: 'OK', body: 'Status=OK\r\n' })
      await store.close()
    })
  })
} else {
  describe('Store contract: PostgreSQL', () => {
    it.skip(`skipped: PostgreSQL is not reachable at ${connectionString} on this machine (it is required when CI=true)`, () => {})
  })
}
