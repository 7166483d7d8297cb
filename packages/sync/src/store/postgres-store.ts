import type { Pool, PoolClient } from 'pg'
import {
  CLAIMABLE_SQL,
  REGISTRATION_COLUMNS,
  attemptFromRow,
  eventFromRow,
  importOutcome,
  nearDuplicatesIn,
  ledgerFromRow,
  normaliseRegistration,
  pickClaims,
  registrationFromRow,
  registrationValues,
  sameRegistration,
  settle,
  toJson,
} from './common.js'
import { postgresDialect } from './migrations.js'
import { migratePostgres, pgTransaction } from './postgres-common.js'
import { bankLineFromRow, sharedStatements } from './sql-statements.js'
import { EVENT_STATES } from './store.js'
import type { EventState, RegistrationRecord, Store, StoredFeeRow } from './store.js'
import { loadStoreDriver } from './store-driver-missing-error.js'

export interface PostgresStoreOptions {
  /** e.g. `postgres://user@127.0.0.1:5432/opayo`. One of connectionString or pool. */
  readonly connectionString?: string
  /** Your own pg Pool (closed by you, not by the store). */
  readonly pool?: Pool
  /** Schema holding the tables (created if missing). @default 'opayo_kashflow' */
  readonly schema?: string
}

// JSONB hands back parsed values; the shared row mappers expect JSON text.
const textRow = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      ['payment', 'last_error', 'detail', 'request', 'result', 'error', 'customer'].includes(k) &&
      v !== null
        ? JSON.stringify(v)
        : v,
    ]),
  )

/**
 * The {@link Store} for several workers on several machines: PostgreSQL through `pg`. Claims take
 * rows `FOR UPDATE SKIP LOCKED` inside a short transaction serialised by an advisory lock (so the
 * one-claim-per-invoice rule holds across workers); leases expire, so a dead worker's claims
 * return; `heartbeat` renews them while work is in flight and reports any that were lost.
 * @example const store = await postgresStore({ connectionString: process.env.DATABASE_URL ?? 'postgres://localhost/opayo_kashflow' })
 */
export async function postgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pg = await loadStoreDriver('pg', () => import('pg'))
  const PoolCtor = pg.default?.Pool ?? (pg as unknown as { Pool: typeof Pool }).Pool
  const pool = options.pool ?? new PoolCtor({ connectionString: options.connectionString })
  const schema = options.schema ?? 'opayo_kashflow'
  const dialect = postgresDialect(schema)
  const t = dialect.table
  const sql = sharedStatements(dialect)
  const REPLY_PUT = `INSERT INTO ${t('notification_replies')} (reply_key, status, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (reply_key) DO UPDATE SET status = EXCLUDED.status, body = EXCLUDED.body, updated_at = EXCLUDED.updated_at`

  const tx = <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => pgTransaction(pool, fn)

  await migratePostgres(pool, schema)

  const one = async (c: Pool | PoolClient, sql: string, params: unknown[]) => {
    const r = await c.query<Record<string, unknown>>(sql, params)
    return r.rows[0] ? textRow(r.rows[0]) : undefined
  }

  const registrationsIn = async (c: PoolClient, codes: readonly string[]) => {
    const r = await c.query<Record<string, unknown>>(
      `SELECT * FROM ${t('registrations')} WHERE vendor_tx_code = ANY($1)`,
      [[...codes]],
    )
    return new Map(
      r.rows.map((row) => {
        const record = registrationFromRow(textRow(row))
        return [record.vendorTxCode, record] as const
      }),
    )
  }

  return {
    ingest: (input) =>
      tx(async (c) => {
        const inserted = await one(
          c,
          `INSERT INTO ${t('events')} (id, payment, fingerprint, state, attempts, next_attempt_at, partition_key, reason, detail, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $5, $5) ON CONFLICT (id) DO NOTHING RETURNING *`,
          [
            input.id,
            JSON.stringify(input.payment ?? null),
            input.fingerprint,
            input.dead ? 'dead' : 'received',
            input.now,
            input.partition ?? null,
            input.dead?.reason ?? null,
            toJson(input.dead?.detail),
          ],
        )
        const saveReply = async () => {
          if (input.reply)
            await c.query(REPLY_PUT, [
              input.reply.key,
              input.reply.status,
              input.reply.body,
              input.now,
            ])
        }
        if (inserted) {
          await saveReply()
          return { outcome: 'received' as const, event: eventFromRow(inserted) }
        }
        const existing = eventFromRow((await one(c, sql.eventById, [input.id]))!)
        if (existing.fingerprint === input.fingerprint) {
          await saveReply()
          return { outcome: 'duplicate' as const, event: existing }
        }
        await c.query(sql.conflictInsert, [
          input.id,
          input.fingerprint,
          JSON.stringify(input.payment ?? null),
          input.now,
        ])
        return { outcome: 'conflict' as const, event: existing }
      }),
    claim: ({ worker, now, leaseMs, limit }) =>
      tx(async (c) => {
        // Claims are short; serialising them keeps "one live claim per invoice" true across workers.
        await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${schema}:claim`])
        const due = await c.query<Record<string, unknown>>(
          `SELECT * FROM ${t('events')} WHERE state IN ${CLAIMABLE_SQL} AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
           ORDER BY next_attempt_at, created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, Math.max(limit * 20, 100)],
        )
        const held = await c.query<{ partition_key: string }>(sql.heldPartitions, [now])
        const picked = pickClaims(
          due.rows.map((r) => eventFromRow(textRow(r))),
          held.rows.map((r) => r.partition_key),
          limit,
        )
        if (picked.length > 0) {
          await c.query(
            `UPDATE ${t('events')} SET claimed_by = $1, lease_until = $2 WHERE id = ANY($3)`,
            [worker, now + leaseMs, picked.map((e) => e.id)],
          )
        }
        return picked.map((e) => ({ ...e, claimedBy: worker, leaseUntil: now + leaseMs }))
      }),
    async heartbeat({ worker, ids, now, until }) {
      const renewed = await pool.query<{ id: string }>(
        `UPDATE ${t('events')} SET lease_until = $1 WHERE id = ANY($2) AND claimed_by = $3 AND lease_until > $4 RETURNING id`,
        [until, [...new Set(ids)], worker, now],
      )
      return renewed.rows.map((r) => r.id)
    },
    transition: (input) =>
      tx(async (c) => {
        const current = await one(c, `${sql.eventById} FOR UPDATE`, [input.id])
        if (!current || current['claimed_by'] !== input.worker) return false
        const e = eventFromRow(current)
        await c.query(
          `UPDATE ${t('events')} SET state = $2, attempts = $3, next_attempt_at = $4, last_error = $5, reason = $6, detail = $7, updated_at = $8,
             claimed_by = $9, lease_until = $10 WHERE id = $1`,
          [
            input.id,
            input.to,
            input.attempts ?? e.attempts,
            input.nextAttemptAt ?? e.nextAttemptAt,
            toJson(input.lastError ?? e.lastError),
            input.reason ?? e.reason ?? null,
            toJson(input.detail === undefined ? e.detail : input.detail),
            input.now,
            input.keepClaim ? input.worker : null,
            input.keepClaim ? (e.leaseUntil ?? null) : null,
          ],
        )
        await c.query(sql.attemptInsert, [
          input.id,
          input.now,
          e.state,
          input.to,
          input.outcome,
          toJson(input.lastError),
        ])
        return true
      }),
    async release({ worker }) {
      await pool.query(sql.release, [worker])
    },
    ledgerBegin: (input) =>
      tx(async (c) => {
        const inserted = await one(
          c,
          `INSERT INTO ${t('ledger')} (event_id, marker, kind, state, request, result, created_at, updated_at)
           VALUES ($1, $2, $3, 'intent', $4, NULL, $5, $5) ON CONFLICT (event_id, marker) DO NOTHING RETURNING *`,
          [input.eventId, input.marker, input.kind, toJson(input.request), input.now],
        )
        if (inserted) return { entry: ledgerFromRow(inserted), created: true }
        // A refused entry is begun afresh (its write cannot be in KashFlow); the row lock taken
        // by the UPDATE makes a concurrent begin see either the refused or the restarted row.
        const restarted = await one(
          c,
          `UPDATE ${t('ledger')} SET kind = $3, state = 'intent', request = $4, result = NULL, updated_at = $5
           WHERE event_id = $1 AND marker = $2 AND state = 'refused' RETURNING *`,
          [input.eventId, input.marker, input.kind, toJson(input.request), input.now],
        )
        if (restarted) return { entry: ledgerFromRow(restarted), created: true }
        const existing = await one(c, sql.ledgerGet, [input.eventId, input.marker])
        return { entry: ledgerFromRow(existing!), created: false }
      }),
    async ledgerRefused(input) {
      await pool.query(sql.ledgerRefused, [input.now, input.eventId, input.marker])
    },
    async ledgerComplete(input) {
      await pool.query(sql.ledgerDone, [
        toJson(input.result),
        input.now,
        input.eventId,
        input.marker,
      ])
    },
    async ledger(eventId) {
      const r = await pool.query<Record<string, unknown>>(sql.ledgerList, [eventId])
      return r.rows.map((row) => ledgerFromRow(textRow(row)))
    },
    async get(id) {
      const r = await one(pool, sql.eventById, [id])
      return r ? eventFromRow(r) : undefined
    },
    async attempts(id) {
      const r = await pool.query<Record<string, unknown>>(sql.attemptList, [id])
      return r.rows.map((row) => attemptFromRow(textRow(row)))
    },
    async list(filter = {}) {
      if (filter.order === 'latest') {
        // One backward range of the events_recent index per state, each cut at the limit, then
        // merged: at most `limit` rows a state are read, however many the table holds.
        const latest = await pool.query<Record<string, unknown>>(
          `SELECT e.* FROM unnest($1::text[]) AS s(state)
             CROSS JOIN LATERAL (SELECT * FROM ${t('events')} WHERE state = s.state
               ORDER BY updated_at DESC, id DESC LIMIT $2) AS e
           ORDER BY e.updated_at DESC, e.id DESC LIMIT $2`,
          [[...new Set(filter.states ?? EVENT_STATES)], filter.limit ?? null],
        )
        return latest.rows.map((row) => eventFromRow(textRow(row)))
      }
      const r = await pool.query<Record<string, unknown>>(
        `SELECT * FROM ${t('events')} WHERE state = ANY($1) ORDER BY created_at, id LIMIT $2`,
        [[...(filter.states ?? EVENT_STATES)], filter.limit ?? null],
      )
      return r.rows.map((row) => eventFromRow(textRow(row)))
    },
    supersede: ({ id, payment, fingerprint, now }) =>
      tx(async (c) => {
        const current = await one(c, `${sql.eventById} FOR UPDATE`, [id])
        if (!current) return false
        const lease = current['lease_until']
        if (lease !== null && lease !== undefined && Number(lease) > now) return false
        await c.query(
          `UPDATE ${t('events')} SET payment = $2, fingerprint = $3, state = 'received', attempts = 0, next_attempt_at = $4, updated_at = $4,
             reason = NULL, detail = NULL, claimed_by = NULL, lease_until = NULL WHERE id = $1`,
          [id, JSON.stringify(payment ?? null), fingerprint, now],
        )
        await c.query(
          `INSERT INTO ${t('attempts')} (event_id, at, from_state, to_state, outcome) VALUES ($1, $2, $3, 'received', 'superseded')`,
          [id, now, String(current['state'])],
        )
        return true
      }),
    requeue: ({ id, now }) =>
      tx(async (c) => {
        const r = await c.query(
          `UPDATE ${t('events')} SET state = 'received', attempts = 0, next_attempt_at = $1, updated_at = $1, reason = NULL, detail = NULL WHERE id = $2 AND state = 'dead'`,
          [now, id],
        )
        if (r.rowCount === 0) return false
        await c.query(
          `INSERT INTO ${t('attempts')} (event_id, at, from_state, to_state, outcome) VALUES ($1, $2, 'dead', 'received', 'replayed')`,
          [id, now],
        )
        return true
      }),
    discard: ({ id, reason, now }) =>
      tx(async (c) => {
        const current = await one(c, `${sql.eventById} FOR UPDATE`, [id])
        if (!current || current['state'] !== 'dead') return false
        const detail = { ...(eventFromRow(current).detail as object), discardReason: reason }
        await c.query(
          `UPDATE ${t('events')} SET state = 'discarded', updated_at = $1, detail = $2 WHERE id = $3`,
          [now, JSON.stringify(detail), id],
        )
        await c.query(
          `INSERT INTO ${t('attempts')} (event_id, at, from_state, to_state, outcome) VALUES ($1, $2, 'dead', 'discarded', $3)`,
          [id, now, `discarded: ${reason}`],
        )
        return true
      }),
    async stats() {
      const counts = Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<
        EventState,
        number
      >
      for (const r of (await pool.query<{ state: EventState; n: string }>(sql.stateCounts)).rows)
        counts[r.state] = Number(r.n)
      const oldest = (await pool.query<{ t: string | null }>(sql.oldestPending)).rows[0]?.t
      const conflicts = (await pool.query<{ n: string }>(sql.conflictCount)).rows[0]?.n
      return {
        counts,
        oldestPendingAt: oldest === null || oldest === undefined ? undefined : Number(oldest),
        conflicts: Number(conflicts ?? 0),
      }
    },
    saveRegistration: (input) =>
      settle(() => {
        const record = normaliseRegistration(input)
        return tx(async (c) => {
          const inserted = await c.query(
            `INSERT INTO ${t('registrations')} (${REGISTRATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (vendor_tx_code) DO NOTHING`,
            registrationValues(record),
          )
          if (inserted.rowCount === 1) return 'created' as const
          const first = (await registrationsIn(c, [record.vendorTxCode])).get(record.vendorTxCode)
          return first && sameRegistration(first, record)
            ? ('duplicate' as const)
            : ('conflict' as const)
        })
      }),
    async getRegistration(vendorTxCode) {
      const r = await one(pool, sql.registrationGet, [vendorTxCode])
      return r ? registrationFromRow(r) : undefined
    },
    importRegistrations: (input) =>
      settle(() => {
        const records = input.map(normaliseRegistration)
        return tx(async (c) => {
          const codes = [...new Set(records.map((r) => r.vendorTxCode))]
          // Stored codes that fold like the batch's (VendorTxCodes are ASCII: lower()).
          const alike = await c.query<{ vendor_tx_code: string }>(
            `SELECT vendor_tx_code FROM ${t('registrations')} WHERE lower(vendor_tx_code) = ANY($1)`,
            [[...new Set(codes.map((code) => code.toLowerCase()))]],
          )
          const nearDuplicates = nearDuplicatesIn(
            records,
            alike.rows.map((r) => r.vendor_tx_code),
          )
          if (nearDuplicates.length > 0)
            return { created: 0, duplicates: 0, conflicts: [], nearDuplicates }
          const stored = await registrationsIn(c, codes)
          // The first occurrence of each new code, inserted in one statement.
          const fresh = new Map<string, RegistrationRecord>()
          for (const record of records)
            if (!stored.has(record.vendorTxCode) && !fresh.has(record.vendorTxCode))
              fresh.set(record.vendorTxCode, record)
          const columns = [...fresh.values()].map(registrationValues)
          const column = (i: number) => columns.map((values) => values[i])
          const inserted = new Set(
            fresh.size === 0
              ? []
              : (
                  await c.query<{ vendor_tx_code: string }>(
                    `INSERT INTO ${t('registrations')} (${REGISTRATION_COLUMNS})
                   SELECT code, key, amount, currency, tx_type, related, vps, customer::jsonb, invoice_reference, created_at, basket, basket_xml
                   FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[])
                     AS r(code, key, amount, currency, tx_type, related, vps, customer, invoice_reference, created_at, basket, basket_xml)
                   ON CONFLICT (vendor_tx_code) DO NOTHING RETURNING vendor_tx_code`,
                    Array.from({ length: 12 }, (_, i) => column(i)),
                  )
                ).rows.map((r) => r.vendor_tx_code),
          )
          for (const code of inserted) stored.set(code, fresh.get(code)!)
          // Codes another transaction stored meanwhile: compare with what it stored.
          const raced = [...fresh.keys()].filter((code) => !inserted.has(code))
          if (raced.length > 0)
            for (const [k, v] of await registrationsIn(c, raced)) stored.set(k, v)
          return importOutcome(records, stored, inserted)
        })
      }),
    async getReply(key) {
      const r = await pool.query<{ status: string; body: string }>(sql.replyGet, [key])
      const reply = r.rows[0]
      return reply && { status: reply.status, body: reply.body }
    },
    async saveReply({ key, status, body, now }) {
      await pool.query(REPLY_PUT, [key, status, body, now])
    },
    async importFeeStatement({ digest, rows, now }) {
      const r = await pool.query(
        `INSERT INTO ${t('fee_statements')} (digest, fee_rows, imported_at) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING RETURNING digest`,
        [digest, JSON.stringify(rows), now],
      )
      return r.rowCount === 1 ? 'created' : 'duplicate'
    },
    async feeStatementRows() {
      const r = await pool.query<{ fee_rows: StoredFeeRow[] }>(sql.feeStatements)
      return r.rows.flatMap((row) => row.fee_rows)
    },
    importBankStatement: ({ bankAccountId, lines, now }) =>
      tx(async (c) => {
        let added = 0
        for (const l of lines) {
          const r = await c.query(sql.bankLineInsert, [
            bankAccountId,
            l.id,
            l.date,
            l.amount.amount,
            l.amount.currency,
            l.description,
            now,
          ])
          added += r.rowCount ?? 0
        }
        return { added, known: lines.length - added }
      }),
    async bankStatementLines({ bankAccountId, from, to }) {
      const r = await pool.query<Parameters<typeof bankLineFromRow>[0]>(sql.bankLines, [
        bankAccountId,
        from,
        to,
      ])
      return r.rows.map(bankLineFromRow)
    },
    async close() {
      if (!options.pool) await pool.end()
    },
  }
}
