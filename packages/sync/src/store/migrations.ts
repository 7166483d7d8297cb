// One SQL schema for every SQL store: a versioned list of migrations written once, with the few
// differences between SQLite and PostgreSQL given as data (column types, table names), and one
// runner that applies what a database lacks.

/** What differs between the SQL dialects the stores speak. */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres'
  /** A table's name as written in statements (PostgreSQL: qualified by the store's schema). */
  readonly table: (name: string) => string
  /** A JSON column: text in SQLite, JSONB in PostgreSQL. */
  readonly json: string
  /** A 64-bit integer column: times in ms since the epoch, amounts in minor units. */
  readonly int64: string
  /** An auto-incrementing primary key column. */
  readonly serialKey: string
  /** Statements run before any migration, in the same transaction (PostgreSQL: the schema). */
  readonly setup: readonly string[]
}

/** SQLite through better-sqlite3: one file, every table in it. */
export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  table: (name) => name,
  json: 'TEXT',
  int64: 'INTEGER',
  serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  setup: [],
}

/** PostgreSQL through pg: every table in `schema`, created if missing. */
export function postgresDialect(schema: string): SqlDialect {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`postgresStore(): invalid schema name "${schema}".`)
  return {
    name: 'postgres',
    table: (name) => `${schema}.${name}`,
    json: 'JSONB',
    int64: 'BIGINT',
    serialKey: 'BIGSERIAL PRIMARY KEY',
    setup: [`CREATE SCHEMA IF NOT EXISTS ${schema}`],
  }
}

/** One schema change, applied once, in order, and recorded in `schema_migrations`. */
export interface Migration {
  /** 1, 2, 3...: never reused, never reordered. */
  readonly version: number
  readonly description: string
  /** The statements, written once for every dialect. */
  readonly statements: (d: SqlDialect) => readonly string[]
}

/** The schema, as it grew. Append only: a released migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, their attempts, the ledger and conflicts',
    statements: (d) => [
      `CREATE TABLE ${d.table('events')} (
         id TEXT PRIMARY KEY,
         payment ${d.json} NOT NULL,
         fingerprint TEXT NOT NULL,
         state TEXT NOT NULL,
         attempts INTEGER NOT NULL DEFAULT 0,
         next_attempt_at ${d.int64} NOT NULL,
         partition_key TEXT,
         last_error ${d.json},
         reason TEXT,
         detail ${d.json},
         created_at ${d.int64} NOT NULL,
         updated_at ${d.int64} NOT NULL,
         claimed_by TEXT,
         lease_until ${d.int64}
       )`,
      `CREATE INDEX events_due ON ${d.table('events')} (state, next_attempt_at)`,
      `CREATE INDEX events_lease ON ${d.table('events')} (lease_until)`,
      `CREATE TABLE ${d.table('attempts')} (
         seq ${d.serialKey},
         event_id TEXT NOT NULL,
         at ${d.int64} NOT NULL,
         from_state TEXT NOT NULL,
         to_state TEXT NOT NULL,
         outcome TEXT NOT NULL,
         error ${d.json}
       )`,
      `CREATE INDEX attempts_event ON ${d.table('attempts')} (event_id)`,
      `CREATE TABLE ${d.table('ledger')} (
         event_id TEXT NOT NULL,
         marker TEXT NOT NULL,
         kind TEXT NOT NULL,
         state TEXT NOT NULL,
         request ${d.json},
         result ${d.json},
         created_at ${d.int64} NOT NULL,
         updated_at ${d.int64} NOT NULL,
         PRIMARY KEY (event_id, marker)
       )`,
      `CREATE TABLE ${d.table('conflicts')} (
         seq ${d.serialKey},
         id TEXT NOT NULL,
         fingerprint TEXT NOT NULL,
         payment ${d.json} NOT NULL,
         at ${d.int64} NOT NULL
       )`,
    ],
  },
  {
    version: 2,
    // Read on every Server notification; the replies make a repeated notification's answer stable.
    description: 'registrations and the replies given to notifications',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS ${d.table('registrations')} (
         vendor_tx_code TEXT PRIMARY KEY,
         security_key TEXT NOT NULL,
         amount ${d.int64} NOT NULL,
         currency TEXT NOT NULL,
         tx_type TEXT NOT NULL,
         related_transaction_id TEXT,
         vps_tx_id TEXT,
         customer ${d.json},
         invoice_reference TEXT,
         created_at ${d.int64} NOT NULL
       )`,
      `CREATE TABLE IF NOT EXISTS ${d.table('notification_replies')} (
         reply_key TEXT PRIMARY KEY,
         status TEXT NOT NULL,
         body TEXT NOT NULL,
         created_at ${d.int64} NOT NULL,
         updated_at ${d.int64} NOT NULL
       )`,
    ],
  },
]

/** What the runner needs from a store's driver, inside one transaction. */
export interface MigrationSession {
  /** Runs one statement without parameters. */
  readonly exec: (sql: string) => Promise<void>
  /** The versions recorded in `schema_migrations`. */
  readonly applied: () => Promise<readonly number[]>
}

/** A database to migrate: a dialect and a way to run work in one exclusive transaction. */
export interface MigrationTarget {
  readonly dialect: SqlDialect
  /**
   * Runs `work` in one transaction that no other process migrating the same database runs at
   * the same time (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock); rolls back on a throw.
   */
  readonly transaction: (work: (session: MigrationSession) => Promise<void>) => Promise<void>
}

/**
 * Brings a database up to date: in one exclusive transaction, creates `schema_migrations` if
 * missing, then applies, in order, each migration whose version is not recorded there, and
 * records it. A failure rolls everything back. Returns the versions applied.
 * @example await migrate({ dialect: SQLITE_DIALECT, transaction })
 */
export async function migrate(
  target: MigrationTarget,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): Promise<number[]> {
  const d = target.dialect
  const applied: number[] = []
  await target.transaction(async (session) => {
    for (const sql of d.setup) await session.exec(sql)
    await session.exec(
      `CREATE TABLE IF NOT EXISTS ${d.table('schema_migrations')} (version INTEGER PRIMARY KEY, applied_at ${d.int64} NOT NULL)`,
    )
    const done = new Set(await session.applied())
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue
      for (const sql of migration.statements(d)) await session.exec(sql)
      // Both are integers the code chose, never input: safe to write inline.
      await session.exec(
        `INSERT INTO ${d.table('schema_migrations')} (version, applied_at) VALUES (${Math.trunc(migration.version)}, ${Math.trunc(now())})`,
      )
      applied.push(migration.version)
    }
  })
  return applied
}
