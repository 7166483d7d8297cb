import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { sqliteStore } from '../src/sqlite.js'
import { sqliteMigrationTarget } from '../src/store/sqlite-store.js'
import { MIGRATIONS, SQLITE_DIALECT, migrate, postgresDialect } from '../src/store/migrations.js'
import type { Migration, MigrationTarget } from '../src/store/migrations.js'

/** A target that records statements; `apply` commits them, or nothing when one fails. */
function recordingTarget(dialect = SQLITE_DIALECT) {
  const committed: string[] = []
  const versions: number[] = []
  const target: MigrationTarget = {
    dialect,
    apply({ before, plan }) {
      const pending = [...before, ...plan([...versions])]
      if (pending.some((sql) => sql.includes('FAIL')))
        return Promise.reject(new Error('statement failed'))
      committed.push(...pending)
      for (const sql of pending) {
        const version = /VALUES \((\d+),/.exec(sql)?.[1]
        if (version) versions.push(Number(version))
      }
      return Promise.resolve()
    },
  }
  return { target, committed, versions }
}

const migration = (version: number, sql: string): Migration => ({
  version,
  description: `test ${version}`,
  statements: () => [sql],
})

describe('the migration runner', () => {
  it('applies pending migrations in version order, records each, and applies nothing twice', async () => {
    const { target, versions } = recordingTarget()
    const list = [migration(2, 'CREATE TABLE b (x)'), migration(1, 'CREATE TABLE a (x)')]
    expect(await migrate(target, list, () => 7)).toEqual([1, 2])
    expect(versions).toEqual([1, 2])
    expect(await migrate(target, list, () => 8)).toEqual([])
    expect(await migrate(target, [...list, migration(3, 'CREATE TABLE c (x)')])).toEqual([3])
  })

  it('commits nothing when a statement fails', async () => {
    const { target, committed, versions } = recordingTarget()
    await expect(
      migrate(target, [migration(1, 'CREATE TABLE a (x)'), migration(2, 'FAIL')]),
    ).rejects.toThrow('statement failed')
    expect(committed).toEqual([])
    expect(versions).toEqual([])
  })

  it('writes one schema for both dialects, differing only in types and table names', async () => {
    const sqlite = recordingTarget(SQLITE_DIALECT)
    const postgres = recordingTarget(postgresDialect('okt'))
    await migrate(sqlite.target, MIGRATIONS, () => 1)
    await migrate(postgres.target, MIGRATIONS, () => 1)
    expect(postgres.committed[0]).toBe('CREATE SCHEMA IF NOT EXISTS okt')
    const normalise = (sql: string) =>
      sql
        .replace(/okt\./g, '')
        .replace(/JSONB/g, 'TEXT')
        .replace(/BIGSERIAL PRIMARY KEY/g, 'INTEGER PRIMARY KEY AUTOINCREMENT')
        .replace(/BIGINT/g, 'INTEGER')
        .replace(/ADD COLUMN IF NOT EXISTS/g, 'ADD COLUMN')
    expect(postgres.committed.slice(1).map(normalise)).toEqual(sqlite.committed)
    expect(sqlite.versions).toEqual(MIGRATIONS.map((m) => m.version))
  })

  it('refuses a PostgreSQL schema name that is not a plain identifier', () => {
    expect(() => postgresDialect('public; DROP TABLE x')).toThrow(/invalid schema name/)
  })

  it('rolls a failed SQLite migration back whole, leaving the database as it was', async () => {
    const db = new Database(':memory:')
    await (await sqliteStore({ database: db })).close()
    const target = sqliteMigrationTarget(db)
    await expect(
      migrate(target, [
        ...MIGRATIONS,
        {
          version: MIGRATIONS.length + 1,
          description: 'broken',
          statements: () => ['CREATE TABLE t3 (x)', 'NOT SQL'],
        },
      ]),
    ).rejects.toThrow()
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 't3'")
      .all()
    expect(tables).toEqual([])
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })))
    db.close()
  })
})
