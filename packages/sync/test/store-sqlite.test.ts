import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStore } from '../src/sqlite.js'
import { describeStoreContract } from '@opayo-kashflow/sync/testing'

const dir = mkdtempSync(join(tmpdir(), 'ok-sqlite-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
let current = ''

describeStoreContract(
  'SQLite (WAL, synchronous FULL)',
  () => {
    n += 1
    current = join(dir, `store-${n}.db`)
    return sqliteStore({ path: current })
  },
  {
    // A second connection to the same file, as a second process would open it.
    second: () => sqliteStore({ path: current }),
    // The same file opened again after close, as after a restart.
    reopen: () => sqliteStore({ path: current }),
  },
)

describe('SQLite store upgrades', () => {
  it('migrates a new file once when two stores of one process open it at the same time', async () => {
    const path = join(dir, 'together.db')
    const stores = await Promise.all([sqliteStore({ path }), sqliteStore({ path })])
    await Promise.all(stores.map((store) => store.close()))
    const Database = (await import('better-sqlite3')).default
    const db = new Database(path)
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
      { version: 4 },
      { version: 5 },
      { version: 6 },
      { version: 7 },
      { version: 8 },
    ])
    db.close()
  })

  it('reads the latest N of each state through the events_recent index, also in a file made before it', async () => {
    const path = join(dir, 'plan.db')
    await (await sqliteStore({ path })).close()
    const Database = (await import('better-sqlite3')).default
    const db = new Database(path)
    // Without schema version 6, as a database from before the index.
    db.exec('DROP INDEX events_recent; DELETE FROM schema_migrations WHERE version = 6')
    const statements: string[] = []
    const prepare = db.prepare.bind(db)
    db.prepare = (sql: string) => (statements.push(sql), prepare(sql))
    const store = await sqliteStore({ database: db })
    await store.list({ states: ['posted', 'skipped'], order: 'latest', limit: 25 })
    const sql = statements.findLast((s) => s.includes('ORDER BY updated_at DESC'))
    const plan = (
      prepare(`EXPLAIN QUERY PLAN ${sql}`).all('posted', 25, 'skipped', 25, 25) as {
        detail: string
      }[]
    ).map((row) => row.detail)
    const reads = plan.filter((detail) => /\bevents\b/.test(detail))
    expect(reads).toHaveLength(2)
    for (const read of reads)
      expect(read).toMatch(/^SEARCH events USING INDEX events_recent \(state=\?\)$/)
    await store.close()
    db.close()
  })

  it('adds the registrations and reply tables to a database made before them', async () => {
    const path = join(dir, 'old.db')
    await (await sqliteStore({ path })).close()
    // Back to the first schema version, as a database from before registrations were stored.
    const Database = (await import('better-sqlite3')).default
    const old = new Database(path)
    old.exec(
      'DROP TABLE registrations; DROP TABLE notification_replies; DROP TABLE rate_budgets; DELETE FROM schema_migrations WHERE version > 1',
    )
    old.close()
    const store = await sqliteStore({ path })
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
