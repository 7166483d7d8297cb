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
  /**
   * How a migration adds a column: PostgreSQL skips one already there (`IF NOT EXISTS`); SQLite
   * has no such clause, and needs none (no column was ever added outside a migration there).
   */
  readonly addColumn: string
}

/** SQLite through better-sqlite3: one file, every table in it. */
export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  table: (name) => name,
  json: 'TEXT',
  int64: 'INTEGER',
  serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  setup: [],
  addColumn: 'ADD COLUMN',
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
    addColumn: 'ADD COLUMN IF NOT EXISTS',
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
  {
    version: 3,
    // One row per KashFlow account: the token bucket every worker takes from (PostgreSQL's
    // postgresRateBudget). Created in every dialect so one schema serves all stores.
    description: 'rate budgets shared by workers',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS ${d.table('rate_budgets')} (
         account TEXT PRIMARY KEY,
         tokens DOUBLE PRECISION NOT NULL,
         updated_at ${d.int64} NOT NULL,
         limit_count DOUBLE PRECISION NOT NULL,
         window_ms ${d.int64} NOT NULL,
         capacity DOUBLE PRECISION NOT NULL,
         rate_per_ms DOUBLE PRECISION NOT NULL,
         shrunk_at ${d.int64} NOT NULL
       )`,
    ],
  },
  {
    version: 4,
    // Clearing mode: acquirer fee statements (`fees import`), one row per file, keyed by its digest.
    description: 'imported fee statements',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS ${d.table('fee_statements')} (
         digest TEXT PRIMARY KEY,
         fee_rows ${d.json} NOT NULL,
         imported_at ${d.int64} NOT NULL
       )`,
    ],
  },
  {
    version: 5,
    // create-invoice: the order as sent at registration (Basket or BasketXML), for invoice lines.
    description: 'the basket of a registration',
    statements: (d) => [
      `ALTER TABLE ${d.table('registrations')} ADD COLUMN basket TEXT`,
      `ALTER TABLE ${d.table('registrations')} ADD COLUMN basket_xml TEXT`,
    ],
  },
  {
    version: 6,
    // The status page's "latest N by state" (`list({ order: 'latest' })`): a backward range scan
    // per state that stops after N rows, instead of reading every posted event to show 25.
    description: 'events by state and last change',
    statements: (d) => [
      `CREATE INDEX IF NOT EXISTS events_recent ON ${d.table('events')} (state, updated_at, id)`,
    ],
  },
  {
    version: 7,
    // What a shared rate budget's recovery keeps: the limit to grow back to, the floor, the
    // incident a 429 belongs to, and the start of the quiet stretch (http-core `learnRate`).
    // PostgreSQL: IF NOT EXISTS (`addColumn`), for a schema where postgresRateBudget added them
    // itself before this migration existed.
    description: 'rate budget recovery',
    statements: (d) =>
      [
        ['ceiling', 'DOUBLE PRECISION'],
        ['floor_count', 'DOUBLE PRECISION'],
        ['incident_until', d.int64],
        ['calm_since', d.int64],
      ].map(
        ([column, type]) =>
          `ALTER TABLE ${d.table('rate_budgets')} ${d.addColumn} ${column} ${type}`,
      ),
  },
  {
    version: 8,
    // Clearing mode: bank statement exports (`deposits import`), the lines a batch's deposit and a
    // direct debit are matched among; one row per line, so overlapping exports store a line once.
    description: 'imported bank statement lines',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS ${d.table('bank_statement_lines')} (
         bank_account_id ${d.int64} NOT NULL,
         line_id TEXT NOT NULL,
         day TEXT NOT NULL,
         amount ${d.int64} NOT NULL,
         currency TEXT NOT NULL,
         description TEXT NOT NULL,
         imported_at ${d.int64} NOT NULL,
         PRIMARY KEY (bank_account_id, line_id)
       )`,
      `CREATE INDEX IF NOT EXISTS bank_statement_lines_by_day ON ${d.table('bank_statement_lines')} (bank_account_id, day)`,
    ],
  },
]

/** The work of one migration run, for a target to carry out inside one exclusive transaction. */
export interface MigrationWork {
  /** Statements to run first (the schema, `schema_migrations`); safe to repeat. */
  readonly before: readonly string[]
  /**
   * Given the versions recorded in `schema_migrations` (read after `before`, inside the same
   * transaction), the statements that apply the rest and record them. Pure.
   */
  readonly plan: (applied: readonly number[]) => readonly string[]
}

/** A database to migrate: a dialect and a way to carry out {@link MigrationWork}. */
export interface MigrationTarget {
  readonly dialect: SqlDialect
  /**
   * Carries out `work` in one transaction that no other process migrating the same database runs
   * at the same time (SQLite: BEGIN IMMEDIATE, with no await inside, so another connection of
   * the same process cannot be kept waiting on it; PostgreSQL: an advisory lock); rolls back on
   * a throw.
   */
  readonly apply: (work: MigrationWork) => Promise<void>
}

/**
 * Brings a database up to date: in one exclusive transaction, creates `schema_migrations` if
 * missing, then applies, in version order, each migration whose version is not recorded there,
 * and records it. A failure rolls everything back. Returns the versions applied.
 * @example
 * // A dry run: a target that only collects the SQL a new PostgreSQL database would get
 * const statements: string[] = []
 * const target: MigrationTarget = {
 *   dialect: postgresDialect('opayo_kashflow'),
 *   apply: async ({ before, plan }) => void statements.push(...before, ...plan([])),
 * }
 * const versions = await migrate(target) // every version, in order
 */
export async function migrate(
  target: MigrationTarget,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): Promise<number[]> {
  const d = target.dialect
  let applied: number[] = []
  await target.apply({
    before: [
      ...d.setup,
      `CREATE TABLE IF NOT EXISTS ${d.table('schema_migrations')} (version INTEGER PRIMARY KEY, applied_at ${d.int64} NOT NULL)`,
    ],
    plan: (done) => {
      const recorded = new Set(done)
      const pending = [...migrations]
        .sort((a, b) => a.version - b.version)
        .filter((m) => !recorded.has(m.version))
      applied = pending.map((m) => m.version)
      const at = Math.trunc(now())
      return pending.flatMap((m) => [
        ...m.statements(d),
        // Both are integers the code chose, never input: safe to write inline.
        `INSERT INTO ${d.table('schema_migrations')} (version, applied_at) VALUES (${Math.trunc(m.version)}, ${at})`,
      ])
    },
  })
  return applied
}
