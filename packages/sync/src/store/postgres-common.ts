// What everything kept in PostgreSQL shares: a transaction on a pooled client, and migrating a
// schema (one process at a time, under an advisory lock) with the one migration list.
import type { Pool, PoolClient } from 'pg'
import { migrate, postgresDialect } from './migrations.js'

/** Runs `fn` in BEGIN ... COMMIT on one pooled client; ROLLBACK (and rethrow) on any error. */
export async function pgTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

/**
 * Applies the migrations `schema` lacks, in one transaction, serialised across processes
 * sharing the schema by an advisory lock (the store and the rate budget migrate the same way).
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  const dialect = postgresDialect(schema)
  await migrate({
    dialect,
    apply: ({ before, plan }) =>
      pgTransaction(pool, async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${schema}:migrate`])
        for (const sql of before) await c.query(sql)
        const applied = await c.query<{ version: number }>(
          `SELECT version FROM ${dialect.table('schema_migrations')}`,
        )
        for (const sql of plan(applied.rows.map((r) => r.version))) await c.query(sql)
      }),
  })
}
