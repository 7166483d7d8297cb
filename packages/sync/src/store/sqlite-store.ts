import type Database from 'better-sqlite3'
import { loadStoreDriver } from './store-driver-missing-error.js'
import {
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
import { SQLITE_DIALECT, migrate } from './migrations.js'
import { bankLineFromRow, sharedStatements } from './sql-statements.js'
import type { MigrationTarget } from './migrations.js'
import { CLAIMABLE_STATES, EVENT_STATES } from './store.js'
import type {
  EventRecord,
  EventState,
  RegistrationRecord,
  Store,
  StoredBankLine,
  StoredFeeRow,
} from './store.js'

export interface SqliteStoreOptions {
  /** Database file. @default './opayo-kashflow.db' */
  readonly path?: string
  /** An open better-sqlite3 database instead of a path. */
  readonly database?: Database.Database
  /**
   * Called after each group commit with the number of writes it held (every write but
   * importRegistrations is queued and committed with the others queued by then). For metrics
   * and tests.
   * @default none
   */
  readonly onGroupCommit?: (writes: number) => void
}

/** One queued write: runs inside the group's transaction, under its own savepoint. */
interface QueuedWrite {
  readonly run: () => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/**
 * Group commit. better-sqlite3 is synchronous: a write per transaction costs an fsync on the
 * event loop's thread (WAL, synchronous = FULL), so writes that arrive together (notifications
 * acknowledged by concurrent requests) are queued and run on the next turn of the loop
 * (setImmediate) in one `BEGIN IMMEDIATE` transaction: one fsync for all of them. Each caller's
 * promise settles only after that transaction has committed, so a resolved write is durable.
 * Each write runs under its own savepoint (a nested better-sqlite3 transaction): one that throws
 * is rolled back alone and rejects alone; its batch-mates commit. If the commit itself fails,
 * every write of the batch rejects (none of them is stored). Every write goes this way, the
 * workers' too (claim, heartbeat, transition, ledger): each still runs whole inside one
 * transaction and its caller gets its result after the commit, but a worker no longer spends an
 * fsync of the event loop's time per step, which would hold up the acknowledgements queued
 * behind it; and no writer starves another, since every batch takes all that is queued, in
 * arrival order. Reads (get, getReply, getRegistration, list, stats) do not wait. Only the bulk
 * `importRegistrations` runs in its own transaction.
 */
function groupCommitter(
  db: Database.Database,
  onGroupCommit: ((writes: number) => void) | undefined,
): { readonly write: <T>(run: () => T) => Promise<T>; readonly drain: () => void } {
  let queue: QueuedWrite[] = []
  const flush = () => {
    const batch = queue
    if (batch.length === 0) return
    queue = []
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = []
    try {
      db.transaction(() => {
        for (const write of batch) {
          try {
            outcomes.push({ ok: true, value: db.transaction(write.run)() })
          } catch (error) {
            outcomes.push({ ok: false, error })
          }
        }
      }).immediate()
    } catch (error) {
      for (const write of batch) write.reject(error)
      return
    }
    onGroupCommit?.(batch.length)
    batch.forEach((write, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) write.resolve(outcome.value)
      else write.reject(outcome.error)
    })
  }
  return {
    write: <T>(run: () => T) =>
      new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush)
        queue.push({ run, resolve: resolve as (value: unknown) => void, reject })
      }),
    // Commits what is queued now (before close): the scheduled flush then finds an empty queue.
    drain: () => {
      if (queue.length > 0) flush()
    },
  }
}

/**
 * The embedded, zero-set-up {@link Store}: one SQLite file through better-sqlite3, WAL with
 * `synchronous = FULL` (a committed transition survives power loss), claims in
 * `BEGIN IMMEDIATE` transactions, versioned migrations. Several processes may share the file.
 * @example const store = await sqliteStore({ path: './opayo-kashflow.db' })
 */
export async function sqliteStore(options: SqliteStoreOptions = {}): Promise<Store> {
  // Opening is where an unbuilt native module shows: both go through the driver check.
  const db =
    options.database ??
    (await loadStoreDriver(
      'better-sqlite3',
      async () =>
        new (await import('better-sqlite3')).default(options.path ?? './opayo-kashflow.db'),
    ))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 10000')
  db.pragma('foreign_keys = ON')
  await migrate(sqliteMigrationTarget(db))

  const sql = sharedStatements(SQLITE_DIALECT)
  const q = {
    get: db.prepare(sql.eventById),
    insert: db.prepare(
      `INSERT INTO events (id, payment, fingerprint, state, attempts, next_attempt_at, partition_key, reason, detail, created_at, updated_at)
       VALUES (@id, @payment, @fingerprint, @state, 0, @now, @partition, @reason, @detail, @now, @now)`,
    ),
    conflict: db.prepare(sql.conflictInsert),
    // The first rows due of each claimable state, then of all of them: one ordered walk of
    // events_due (state, next_attempt_at) per state, where `state IN (...)` would sort every due
    // row (the whole backlog) on each claim, on the event loop. Same rows, same order.
    due: db.prepare(
      `SELECT * FROM (${CLAIMABLE_STATES.map(
        (state) =>
          `SELECT * FROM (SELECT * FROM events WHERE state = '${state}' AND next_attempt_at <= @now
             AND (lease_until IS NULL OR lease_until <= @now) ORDER BY next_attempt_at, created_at, id LIMIT @n)`,
      ).join(' UNION ALL ')}) ORDER BY next_attempt_at, created_at, id LIMIT @n`,
    ),
    held: db.prepare(sql.heldPartitions),
    lease: db.prepare('UPDATE events SET claimed_by = ?, lease_until = ? WHERE id = ?'),
    heartbeat: db.prepare(
      'UPDATE events SET lease_until = ? WHERE id = ? AND claimed_by = ? AND lease_until > ?',
    ),
    transition: db.prepare(
      `UPDATE events SET state = @to, attempts = @attempts, next_attempt_at = @next, last_error = @lastError, reason = @reason,
         detail = @detail, updated_at = @now, claimed_by = @claimedBy, lease_until = @leaseUntil
       WHERE id = @id AND claimed_by = @worker`,
    ),
    attempt: db.prepare(sql.attemptInsert),
    release: db.prepare(sql.release),
    ledgerGet: db.prepare(sql.ledgerGet),
    ledgerInsert: db.prepare(
      `INSERT INTO ledger (event_id, marker, kind, state, request, result, created_at, updated_at) VALUES (?, ?, ?, 'intent', ?, NULL, ?, ?)`,
    ),
    ledgerRestart: db.prepare(
      `UPDATE ledger SET kind = ?, state = 'intent', request = ?, result = NULL, updated_at = ? WHERE event_id = ? AND marker = ? AND state = 'refused'`,
    ),
    ledgerRefused: db.prepare(sql.ledgerRefused),
    ledgerDone: db.prepare(sql.ledgerDone),
    ledgerList: db.prepare(sql.ledgerList),
    attempts: db.prepare(sql.attemptList),
    requeue: db.prepare(
      `UPDATE events SET state = 'received', attempts = 0, next_attempt_at = ?, updated_at = ?, reason = NULL, detail = NULL WHERE id = ? AND state = 'dead'`,
    ),
    discard: db.prepare(
      `UPDATE events SET state = 'discarded', updated_at = ?, detail = ? WHERE id = ? AND state = 'dead'`,
    ),
    counts: db.prepare(sql.stateCounts),
    oldest: db.prepare(sql.oldestPending),
    conflicts: db.prepare(sql.conflictCount),
    registrationGet: db.prepare(sql.registrationGet),
    registrationFolded: db.prepare(
      'SELECT vendor_tx_code FROM registrations WHERE lower(vendor_tx_code) IN (SELECT value FROM json_each(?))',
    ),
    registrationInsert: db.prepare(
      `INSERT INTO registrations (${REGISTRATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    replyGet: db.prepare(sql.replyGet),
    feeInsert: db.prepare(
      'INSERT INTO fee_statements (digest, fee_rows, imported_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING',
    ),
    feeAll: db.prepare(sql.feeStatements),
    bankLineInsert: db.prepare(sql.bankLineInsert),
    bankLines: db.prepare(sql.bankLines),
    replyPut: db.prepare(
      `INSERT INTO notification_replies (reply_key, status, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (reply_key) DO UPDATE SET status = excluded.status, body = excluded.body, updated_at = excluded.updated_at`,
    ),
  }
  const row = (r: unknown) => r as Record<string, unknown> | undefined
  const { write: grouped, drain } = groupCommitter(db, options.onGroupCommit)

  const claim = db.transaction(
    (worker: string, now: number, leaseMs: number, limit: number): EventRecord[] => {
      const candidates = (
        q.due.all({ now, n: Math.max(limit * 20, 100) }) as Record<string, unknown>[]
      ).map(eventFromRow)
      const held = (q.held.all(now) as { partition_key: string }[]).map((r) => r.partition_key)
      return pickClaims(candidates, held, limit).map((event) => {
        q.lease.run(worker, now + leaseMs, event.id)
        return { ...event, claimedBy: worker, leaseUntil: now + leaseMs }
      })
    },
  )

  const transition = db.transaction((input: Parameters<Store['transition']>[0]): boolean => {
    const current = row(q.get.get(input.id))
    if (!current || current['claimed_by'] !== input.worker) return false
    const e = eventFromRow(current)
    q.transition.run({
      id: input.id,
      worker: input.worker,
      to: input.to,
      attempts: input.attempts ?? e.attempts,
      next: input.nextAttemptAt ?? e.nextAttemptAt,
      lastError: toJson(input.lastError ?? e.lastError),
      reason: input.reason ?? e.reason ?? null,
      detail: toJson(input.detail === undefined ? e.detail : input.detail),
      now: input.now,
      claimedBy: input.keepClaim ? input.worker : null,
      leaseUntil: input.keepClaim ? (e.leaseUntil ?? null) : null,
    })
    q.attempt.run(input.id, input.now, e.state, input.to, input.outcome, toJson(input.lastError))
    return true
  })

  const storedRegistration = (code: string): RegistrationRecord | undefined => {
    const r = row(q.registrationGet.get(code))
    return r ? registrationFromRow(r) : undefined
  }
  const saveRegistration = db.transaction(
    (record: RegistrationRecord): 'created' | 'duplicate' | 'conflict' => {
      const first = storedRegistration(record.vendorTxCode)
      if (first) return sameRegistration(first, record) ? 'duplicate' : 'conflict'
      q.registrationInsert.run(...registrationValues(record))
      return 'created'
    },
  )
  const importBankLines = db.transaction(
    (bankAccountId: number, lines: readonly StoredBankLine[], now: number) => {
      let added = 0
      for (const l of lines)
        added += q.bankLineInsert.run(
          bankAccountId,
          l.id,
          l.date,
          l.amount.amount,
          l.amount.currency,
          l.description,
          now,
        ).changes
      return { added, known: lines.length - added }
    },
  )
  const importRegistrations = db.transaction((input: readonly RegistrationRecord[]) => {
    const records = input.map(normaliseRegistration)
    // One scan for stored codes that fold like the batch's (VendorTxCodes are ASCII: lower()).
    const folded = JSON.stringify([...new Set(records.map((r) => r.vendorTxCode.toLowerCase()))])
    const alike = (q.registrationFolded.all(folded) as { vendor_tx_code: string }[]).map(
      (r) => r.vendor_tx_code,
    )
    const nearDuplicates = nearDuplicatesIn(records, alike)
    if (nearDuplicates.length > 0)
      return { created: 0, duplicates: 0, conflicts: [], nearDuplicates }
    const stored = new Map<string, RegistrationRecord>()
    const inserted = new Set<string>()
    for (const record of records) {
      const code = record.vendorTxCode
      if (stored.has(code)) continue
      const first = storedRegistration(code)
      if (first) stored.set(code, first)
      else {
        q.registrationInsert.run(...registrationValues(record))
        stored.set(code, record)
        inserted.add(code)
      }
    }
    return importOutcome(records, stored, inserted)
  })

  return {
    ingest(input) {
      return grouped(() => {
        const reply = input.reply
        const existing = row(q.get.get(input.id))
        if (existing) {
          const event = eventFromRow(existing)
          if (event.fingerprint === input.fingerprint) {
            if (reply) q.replyPut.run(reply.key, reply.status, reply.body, input.now, input.now)
            return { outcome: 'duplicate' as const, event }
          }
          q.conflict.run(
            input.id,
            input.fingerprint,
            JSON.stringify(input.payment ?? null),
            input.now,
          )
          return { outcome: 'conflict' as const, event }
        }
        q.insert.run({
          id: input.id,
          payment: JSON.stringify(input.payment ?? null),
          fingerprint: input.fingerprint,
          state: input.dead ? 'dead' : 'received',
          now: input.now,
          partition: input.partition ?? null,
          reason: input.dead?.reason ?? null,
          detail: toJson(input.dead?.detail),
        })
        if (reply) q.replyPut.run(reply.key, reply.status, reply.body, input.now, input.now)
        return {
          outcome: 'received' as const,
          event: eventFromRow(q.get.get(input.id) as Record<string, unknown>),
        }
      })
    },
    claim: ({ worker, now, leaseMs, limit }) => grouped(() => claim(worker, now, leaseMs, limit)),
    heartbeat({ worker, ids, now, until }) {
      const renew = db.transaction(() =>
        [...new Set(ids)].filter((id) => q.heartbeat.run(until, id, worker, now).changes > 0),
      )
      return grouped(renew)
    },
    transition: (input) => grouped(() => transition(input)),
    release({ worker }) {
      return grouped(() => {
        q.release.run(worker)
      })
    },
    ledgerBegin(input) {
      return grouped(() => {
        const existing = row(q.ledgerGet.get(input.eventId, input.marker))
        if (existing && existing['state'] !== 'refused')
          return { entry: ledgerFromRow(existing), created: false }
        if (existing)
          q.ledgerRestart.run(
            input.kind,
            toJson(input.request),
            input.now,
            input.eventId,
            input.marker,
          )
        else
          q.ledgerInsert.run(
            input.eventId,
            input.marker,
            input.kind,
            toJson(input.request),
            input.now,
            input.now,
          )
        return {
          entry: ledgerFromRow(
            q.ledgerGet.get(input.eventId, input.marker) as Record<string, unknown>,
          ),
          created: true,
        }
      })
    },
    ledgerRefused(input) {
      return grouped(() => {
        q.ledgerRefused.run(input.now, input.eventId, input.marker)
      })
    },
    ledgerComplete(input) {
      return grouped(() => {
        q.ledgerDone.run(toJson(input.result), input.now, input.eventId, input.marker)
      })
    },
    ledger: (eventId) =>
      Promise.resolve((q.ledgerList.all(eventId) as Record<string, unknown>[]).map(ledgerFromRow)),
    get(id) {
      const r = row(q.get.get(id))
      return Promise.resolve(r ? eventFromRow(r) : undefined)
    },
    attempts: (id) =>
      Promise.resolve((q.attempts.all(id) as Record<string, unknown>[]).map(attemptFromRow)),
    list(filter = {}) {
      const states = filter.states ?? EVENT_STATES
      if (filter.order === 'latest') {
        const distinct = [...new Set(states)]
        if (distinct.length === 0) return Promise.resolve([])
        // One backward range of the events_recent index per state, each cut at the limit, then
        // merged: at most `limit` rows a state are read, however many the table holds.
        const limit = filter.limit ?? -1
        const perState = distinct
          .map(
            () =>
              'SELECT * FROM (SELECT * FROM events WHERE state = ? ORDER BY updated_at DESC, id DESC LIMIT ?)',
          )
          .join(' UNION ALL ')
        const rows = db
          .prepare(`${perState} ORDER BY updated_at DESC, id DESC LIMIT ?`)
          .all(...distinct.flatMap((state) => [state, limit]), limit) as Record<string, unknown>[]
        return Promise.resolve(rows.map(eventFromRow))
      }
      const placeholders = states.map(() => '?').join(',')
      const rows = db
        .prepare(
          `SELECT * FROM events WHERE state IN (${placeholders}) ORDER BY created_at, id LIMIT ?`,
        )
        .all(...states, filter.limit ?? -1) as Record<string, unknown>[]
      return Promise.resolve(rows.map(eventFromRow))
    },
    supersede({ id, payment, fingerprint, now }) {
      return grouped(() => {
        const current = row(q.get.get(id))
        if (!current) return false
        const lease = current['lease_until'] as number | null
        if (lease !== null && lease > now) return false
        db.prepare(
          `UPDATE events SET payment = ?, fingerprint = ?, state = 'received', attempts = 0, next_attempt_at = ?, updated_at = ?,
                 reason = NULL, detail = NULL, claimed_by = NULL, lease_until = NULL WHERE id = ?`,
        ).run(JSON.stringify(payment ?? null), fingerprint, now, now, id)
        q.attempt.run(id, now, String(current['state']), 'received', 'superseded', null)
        return true
      })
    },
    requeue({ id, now }) {
      return grouped(() => {
        if (q.requeue.run(now, now, id).changes === 0) return false
        q.attempt.run(id, now, 'dead', 'received', 'replayed', null)
        return true
      })
    },
    discard({ id, reason, now }) {
      return grouped(() => {
        const current = row(q.get.get(id))
        if (!current || current['state'] !== 'dead') return false
        const detail = { ...(eventFromRow(current).detail as object), discardReason: reason }
        q.discard.run(now, JSON.stringify(detail), id)
        q.attempt.run(id, now, 'dead', 'discarded', `discarded: ${reason}`, null)
        return true
      })
    },
    stats() {
      const counts = Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<
        EventState,
        number
      >
      for (const r of q.counts.all() as { state: EventState; n: number }[]) counts[r.state] = r.n
      const oldest = (q.oldest.get() as { t: number | null }).t
      const conflicts = (q.conflicts.get() as { n: number }).n
      return Promise.resolve({ counts, oldestPendingAt: oldest ?? undefined, conflicts })
    },
    saveRegistration: (input) => grouped(() => saveRegistration(normaliseRegistration(input))),
    getRegistration: (vendorTxCode) => Promise.resolve(storedRegistration(vendorTxCode)),
    importRegistrations: (records) => settle(() => importRegistrations.immediate(records)),
    importFeeStatement: ({ digest, rows, now }) =>
      grouped(() =>
        q.feeInsert.run(digest, JSON.stringify(rows), now).changes === 1 ? 'created' : 'duplicate',
      ),
    feeStatementRows: () =>
      Promise.resolve(
        (q.feeAll.all() as { fee_rows: string }[]).flatMap(
          (r) => JSON.parse(r.fee_rows) as StoredFeeRow[],
        ),
      ),
    importBankStatement: ({ bankAccountId, lines, now }) =>
      settle(() => importBankLines.immediate(bankAccountId, lines, now)),
    bankStatementLines: ({ bankAccountId, from, to }) =>
      Promise.resolve(
        (q.bankLines.all(bankAccountId, from, to) as Parameters<typeof bankLineFromRow>[0][]).map(
          bankLineFromRow,
        ),
      ),
    getReply(key) {
      const r = q.replyGet.get(key) as { status: string; body: string } | undefined
      return Promise.resolve(r && { status: r.status, body: r.body })
    },
    saveReply({ key, status, body, now }) {
      return grouped(() => {
        q.replyPut.run(key, status, body, now, now)
      })
    },
    close() {
      drain()
      if (!options.database) db.close()
      return Promise.resolve()
    },
  }
}

/**
 * The file as a migration target: the work runs in one `BEGIN IMMEDIATE` transaction, whose
 * write lock keeps a second process opening the same file from migrating at the same time. It
 * runs synchronously, start to commit: an await inside would let another connection of this
 * process block the thread on the lock this one holds. Internal (the runner's tests use it).
 * @example
 * // db: an open better-sqlite3 database, as sqliteStore's `database` option takes one
 * const targetOf = (db: Required<SqliteStoreOptions>['database']) => sqliteMigrationTarget(db)
 * // then: await migrate(targetOf(db)), as sqliteStore does when it opens the file
 */
export function sqliteMigrationTarget(db: Database.Database): MigrationTarget {
  return {
    dialect: SQLITE_DIALECT,
    apply: ({ before, plan }) =>
      settle(() =>
        db
          .transaction(() => {
            for (const sql of before) db.exec(sql)
            const applied = (
              db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]
            ).map((r) => r.version)
            for (const sql of plan(applied)) db.exec(sql)
          })
          .immediate(),
      ),
  }
}
