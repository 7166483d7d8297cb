// The statements both SQL stores run that differ only by dialect: the table's name (PostgreSQL
// qualifies it with the store's schema) and the placeholder style (`?` in SQLite, `$1`...`$n` in
// PostgreSQL). Each takes its parameters in the same order in both stores. What differs in more
// than that (RETURNING, FOR UPDATE SKIP LOCKED, ANY($1) over arrays, ON CONFLICT, SQLite's named
// parameters and per-state unions) stays in its adapter. Internal.
import type { StoredBankLine } from './store.js'
import type { SqlDialect } from './migrations.js'
import { TERMINAL_SQL } from './common.js'

/** The shared statements, as SQL text for one dialect (each parameter listed in order). */
export interface SharedStatements {
  /** One event by id. Parameters: id. */
  readonly eventById: string
  /** Records an ingest whose payload differs from the stored one. Parameters: id, fingerprint, payment, at. */
  readonly conflictInsert: string
  /** The partitions a live lease holds. Parameters: now. */
  readonly heldPartitions: string
  /** Appends an event's attempt. Parameters: event_id, at, from_state, to_state, outcome, error. */
  readonly attemptInsert: string
  /** Gives back every claim of a worker. Parameters: worker. */
  readonly release: string
  /** One ledger entry. Parameters: event_id, marker. */
  readonly ledgerGet: string
  /** Marks an intent refused. Parameters: updated_at, event_id, marker. */
  readonly ledgerRefused: string
  /** Records a write's result. Parameters: result, updated_at, event_id, marker. */
  readonly ledgerDone: string
  /** An event's ledger entries in order. Parameters: event_id. */
  readonly ledgerList: string
  /** An event's attempts in order. Parameters: event_id. */
  readonly attemptList: string
  /** Events per state. No parameters. */
  readonly stateCounts: string
  /** When the oldest unfinished event was created. No parameters. */
  readonly oldestPending: string
  /** How many conflicts were recorded. No parameters. */
  readonly conflictCount: string
  /** One registration. Parameters: vendor_tx_code. */
  readonly registrationGet: string
  /** One stored notification reply. Parameters: reply_key. */
  readonly replyGet: string
  /** Every fee statement, oldest import first. No parameters. */
  readonly feeStatements: string
  readonly bankLineInsert: string
  readonly bankLines: string
}

/**
 * The statements both SQL stores share, written once for the given dialect.
 * @example
 * const dialect = {
 *   name: 'postgres',
 *   table: (name: string) => `okt.${name}`,
 *   json: 'JSONB',
 *   int64: 'BIGINT',
 *   serialKey: 'BIGSERIAL PRIMARY KEY',
 *   setup: ['CREATE SCHEMA IF NOT EXISTS okt'],
 *   addColumn: 'ADD COLUMN IF NOT EXISTS',
 * } as const // postgresDialect('okt')
 * const sql = sharedStatements(dialect)
 * sql.eventById // 'SELECT * FROM okt.events WHERE id = $1'
 */
export function sharedStatements(dialect: SqlDialect): SharedStatements {
  const t = dialect.table
  // The n-th parameter (from 1): positional `?` in SQLite, numbered in PostgreSQL.
  const p = (n: number) => (dialect.name === 'sqlite' ? '?' : `$${n}`)
  const list = (count: number) => Array.from({ length: count }, (_, i) => p(i + 1)).join(', ')
  return {
    eventById: `SELECT * FROM ${t('events')} WHERE id = ${p(1)}`,
    conflictInsert: `INSERT INTO ${t('conflicts')} (id, fingerprint, payment, at) VALUES (${list(4)})`,
    heldPartitions: `SELECT DISTINCT partition_key FROM ${t('events')} WHERE lease_until > ${p(1)} AND partition_key IS NOT NULL`,
    attemptInsert: `INSERT INTO ${t('attempts')} (event_id, at, from_state, to_state, outcome, error) VALUES (${list(6)})`,
    release: `UPDATE ${t('events')} SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = ${p(1)}`,
    ledgerGet: `SELECT * FROM ${t('ledger')} WHERE event_id = ${p(1)} AND marker = ${p(2)}`,
    ledgerRefused: `UPDATE ${t('ledger')} SET state = 'refused', updated_at = ${p(1)} WHERE event_id = ${p(2)} AND marker = ${p(3)} AND state = 'intent'`,
    ledgerDone: `UPDATE ${t('ledger')} SET state = 'done', result = ${p(1)}, updated_at = ${p(2)} WHERE event_id = ${p(3)} AND marker = ${p(4)}`,
    ledgerList: `SELECT * FROM ${t('ledger')} WHERE event_id = ${p(1)} ORDER BY created_at, marker`,
    attemptList: `SELECT * FROM ${t('attempts')} WHERE event_id = ${p(1)} ORDER BY seq`,
    stateCounts: `SELECT state, COUNT(*) AS n FROM ${t('events')} GROUP BY state`,
    oldestPending: `SELECT MIN(created_at) AS t FROM ${t('events')} WHERE state NOT IN ${TERMINAL_SQL}`,
    conflictCount: `SELECT COUNT(*) AS n FROM ${t('conflicts')}`,
    registrationGet: `SELECT * FROM ${t('registrations')} WHERE vendor_tx_code = ${p(1)}`,
    replyGet: `SELECT status, body FROM ${t('notification_replies')} WHERE reply_key = ${p(1)}`,
    feeStatements: `SELECT fee_rows FROM ${t('fee_statements')} ORDER BY imported_at, digest`,
    bankLineInsert: `INSERT INTO ${t('bank_statement_lines')} (bank_account_id, line_id, day, amount, currency, description, imported_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}) ON CONFLICT (bank_account_id, line_id) DO NOTHING`,
    bankLines: `SELECT line_id, day, amount, currency, description FROM ${t('bank_statement_lines')} WHERE bank_account_id = ${p(1)} AND day >= ${p(2)} AND day <= ${p(3)} ORDER BY day, line_id`,
  }
}

/** A row of `bank_statement_lines` as a stored bank line. */
export function bankLineFromRow(row: {
  line_id: string
  day: string
  amount: number | string
  currency: string
  description: string
}): StoredBankLine {
  return {
    id: row.line_id,
    date: row.day,
    amount: { amount: Number(row.amount), currency: row.currency },
    description: row.description,
  }
}
