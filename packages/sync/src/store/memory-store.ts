import {
  importOutcome,
  nearDuplicatesIn,
  normaliseRegistration,
  pickClaims,
  sameRegistration,
  settle,
} from './common.js'
import { CLAIMABLE_STATES, EVENT_STATES, TERMINAL_STATES } from './store.js'
import type {
  AttemptRecord,
  EventRecord,
  EventState,
  LedgerEntry,
  RegistrationRecord,
  Store,
  StoredBankLine,
  StoredFeeRow,
  StoredNotificationReply,
} from './store.js'

const clone = <T>(value: T): T => structuredClone(value)
// By code unit, as SQLite compares text (and PostgreSQL in the C collation).
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * An in-memory {@link Store} for tests and experiments: same contract as the durable stores,
 * nothing kept after the process ends.
 * @example const engine = createSyncEngine({ store: memoryStore(), kashflow, rules, references })
 */
export function memoryStore(): Store {
  const events = new Map<string, EventRecord>()
  const attempts: AttemptRecord[] = []
  const ledger = new Map<string, LedgerEntry>()
  const registrations = new Map<string, RegistrationRecord>()
  const feeStatements = new Map<string, readonly StoredFeeRow[]>()
  const bankLines = new Map<string, StoredBankLine & { readonly bankAccountId: number }>()
  const replies = new Map<string, StoredNotificationReply>()
  let conflicts = 0
  const key = (eventId: string, marker: string) => `${eventId}\u0000${marker}`

  return {
    ingest(input) {
      const existing = events.get(input.id)
      if (existing) {
        if (existing.fingerprint === input.fingerprint) {
          if (input.reply)
            replies.set(input.reply.key, { status: input.reply.status, body: input.reply.body })
          return Promise.resolve({ outcome: 'duplicate', event: clone(existing) })
        }
        conflicts += 1
        return Promise.resolve({ outcome: 'conflict', event: clone(existing) })
      }
      const event: EventRecord = {
        id: input.id,
        payment: clone(input.payment),
        fingerprint: input.fingerprint,
        state: input.dead ? 'dead' : 'received',
        attempts: 0,
        nextAttemptAt: input.now,
        partition: input.partition,
        lastError: undefined,
        reason: input.dead?.reason,
        detail: clone(input.dead?.detail),
        createdAt: input.now,
        updatedAt: input.now,
        claimedBy: undefined,
        leaseUntil: undefined,
      }
      events.set(input.id, event)
      if (input.reply)
        replies.set(input.reply.key, { status: input.reply.status, body: input.reply.body })
      return Promise.resolve({ outcome: 'received', event: clone(event) })
    },
    claim({ worker, now, leaseMs, limit }) {
      const all = [...events.values()]
      const held = all
        .filter((e) => e.leaseUntil !== undefined && e.leaseUntil > now)
        .map((e) => e.partition)
      const due = all
        .filter(
          (e) =>
            CLAIMABLE_STATES.includes(e.state) &&
            e.nextAttemptAt <= now &&
            (e.leaseUntil === undefined || e.leaseUntil <= now),
        )
        .sort(
          (a, b) =>
            a.nextAttemptAt - b.nextAttemptAt ||
            a.createdAt - b.createdAt ||
            a.id.localeCompare(b.id),
        )
      return Promise.resolve(
        pickClaims(due, held, limit).map((event) => {
          const next = { ...event, claimedBy: worker, leaseUntil: now + leaseMs }
          events.set(event.id, next)
          return clone(next)
        }),
      )
    },
    heartbeat({ worker, ids, now, until }) {
      const held: string[] = []
      for (const id of new Set(ids)) {
        const e = events.get(id)
        if (e?.claimedBy !== worker || e.leaseUntil === undefined || e.leaseUntil <= now) continue
        events.set(id, { ...e, leaseUntil: until })
        held.push(id)
      }
      return Promise.resolve(held)
    },
    transition(input) {
      const e = events.get(input.id)
      if (!e || e.claimedBy !== input.worker) return Promise.resolve(false)
      const next: EventRecord = {
        ...e,
        state: input.to,
        attempts: input.attempts ?? e.attempts,
        nextAttemptAt: input.nextAttemptAt ?? e.nextAttemptAt,
        lastError: input.lastError === undefined ? e.lastError : clone(input.lastError),
        reason: input.reason === undefined ? e.reason : input.reason,
        detail: input.detail === undefined ? e.detail : clone(input.detail),
        updatedAt: input.now,
        claimedBy: input.keepClaim ? e.claimedBy : undefined,
        leaseUntil: input.keepClaim ? e.leaseUntil : undefined,
      }
      events.set(input.id, next)
      attempts.push({
        eventId: input.id,
        at: input.now,
        from: e.state,
        to: input.to,
        outcome: input.outcome,
        error: clone(input.lastError),
      })
      return Promise.resolve(true)
    },
    release({ worker }) {
      for (const [id, e] of events)
        if (e.claimedBy === worker)
          events.set(id, { ...e, claimedBy: undefined, leaseUntil: undefined })
      return Promise.resolve()
    },
    ledgerBegin(input) {
      const k = key(input.eventId, input.marker)
      const existing = ledger.get(k)
      if (existing && existing.state !== 'refused')
        return Promise.resolve({ entry: clone(existing), created: false })
      const entry: LedgerEntry = {
        eventId: input.eventId,
        marker: input.marker,
        kind: input.kind,
        state: 'intent',
        request: clone(input.request),
        result: undefined,
        createdAt: existing?.createdAt ?? input.now,
        updatedAt: input.now,
      }
      ledger.set(k, entry)
      return Promise.resolve({ entry: clone(entry), created: true })
    },
    ledgerRefused(input) {
      const k = key(input.eventId, input.marker)
      const existing = ledger.get(k)
      if (existing?.state === 'intent')
        ledger.set(k, { ...existing, state: 'refused', updatedAt: input.now })
      return Promise.resolve()
    },
    ledgerComplete(input) {
      const k = key(input.eventId, input.marker)
      const existing = ledger.get(k)
      if (existing)
        ledger.set(k, {
          ...existing,
          state: 'done',
          result: clone(input.result),
          updatedAt: input.now,
        })
      return Promise.resolve()
    },
    ledger(eventId) {
      return Promise.resolve([...ledger.values()].filter((e) => e.eventId === eventId).map(clone))
    },
    get(id) {
      return Promise.resolve(clone(events.get(id)))
    },
    attempts(id) {
      return Promise.resolve(attempts.filter((a) => a.eventId === id).map(clone))
    },
    list(filter = {}) {
      const rows = [...events.values()]
        .filter((e) => !filter.states || filter.states.includes(e.state))
        .sort(
          filter.order === 'latest'
            ? (a, b) => b.updatedAt - a.updatedAt || compareIds(b.id, a.id)
            : (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id),
        )
      return Promise.resolve(rows.slice(0, filter.limit ?? rows.length).map(clone))
    },
    supersede({ id, payment, fingerprint, now }) {
      const e = events.get(id)
      if (!e || (e.leaseUntil !== undefined && e.leaseUntil > now)) return Promise.resolve(false)
      events.set(id, {
        ...e,
        payment: clone(payment),
        fingerprint,
        state: 'received',
        attempts: 0,
        nextAttemptAt: now,
        updatedAt: now,
        reason: undefined,
        detail: undefined,
        claimedBy: undefined,
        leaseUntil: undefined,
      })
      attempts.push({ eventId: id, at: now, from: e.state, to: 'received', outcome: 'superseded' })
      return Promise.resolve(true)
    },
    requeue({ id, now }) {
      const e = events.get(id)
      if (!e || e.state !== 'dead') return Promise.resolve(false)
      events.set(id, {
        ...e,
        state: 'received',
        attempts: 0,
        nextAttemptAt: now,
        updatedAt: now,
        reason: undefined,
        detail: undefined,
      })
      attempts.push({ eventId: id, at: now, from: 'dead', to: 'received', outcome: 'replayed' })
      return Promise.resolve(true)
    },
    discard({ id, reason, now }) {
      const e = events.get(id)
      if (!e || e.state !== 'dead') return Promise.resolve(false)
      events.set(id, {
        ...e,
        state: 'discarded',
        updatedAt: now,
        detail: { ...(e.detail as object), discardReason: reason },
      })
      attempts.push({
        eventId: id,
        at: now,
        from: 'dead',
        to: 'discarded',
        outcome: `discarded: ${reason}`,
      })
      return Promise.resolve(true)
    },
    stats() {
      const counts = Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<
        EventState,
        number
      >
      let oldest: number | undefined
      for (const e of events.values()) {
        counts[e.state] += 1
        if (!TERMINAL_STATES.includes(e.state) && (oldest === undefined || e.createdAt < oldest))
          oldest = e.createdAt
      }
      return Promise.resolve({ counts, oldestPendingAt: oldest, conflicts })
    },
    saveRegistration: (input) =>
      settle(() => {
        const record = normaliseRegistration(input)
        const first = registrations.get(record.vendorTxCode)
        if (first) return sameRegistration(first, record) ? 'duplicate' : 'conflict'
        registrations.set(record.vendorTxCode, record)
        return 'created'
      }),
    getRegistration(vendorTxCode) {
      return Promise.resolve(clone(registrations.get(vendorTxCode)))
    },
    importRegistrations: (input) =>
      settle(() => {
        // Every record is checked before any is kept: all or nothing, like the SQL transactions.
        const records = input.map(normaliseRegistration)
        const nearDuplicates = nearDuplicatesIn(records, registrations.keys())
        if (nearDuplicates.length > 0)
          return { created: 0, duplicates: 0, conflicts: [], nearDuplicates }
        const inserted = new Set<string>()
        for (const record of records) {
          if (registrations.has(record.vendorTxCode)) continue
          registrations.set(record.vendorTxCode, record)
          inserted.add(record.vendorTxCode)
        }
        return importOutcome(records, registrations, inserted)
      }),
    getReply(replyKey) {
      const reply = replies.get(replyKey)
      return Promise.resolve(reply && { status: reply.status, body: reply.body })
    },
    saveReply({ key: replyKey, status, body }) {
      replies.set(replyKey, { status, body })
      return Promise.resolve()
    },
    importFeeStatement({ digest, rows }) {
      if (feeStatements.has(digest)) return Promise.resolve('duplicate')
      feeStatements.set(digest, structuredClone(rows))
      return Promise.resolve('created')
    },
    feeStatementRows() {
      return Promise.resolve(structuredClone([...feeStatements.values()].flat()))
    },
    importBankStatement({ bankAccountId, lines }) {
      let added = 0
      for (const line of lines) {
        const key = `${bankAccountId}:${line.id}`
        if (bankLines.has(key)) continue
        bankLines.set(key, { ...structuredClone(line), bankAccountId })
        added += 1
      }
      return Promise.resolve({ added, known: lines.length - added })
    },
    bankStatementLines({ bankAccountId, from, to }) {
      const found = [...bankLines.values()]
        .filter((l) => l.bankAccountId === bankAccountId && l.date >= from && l.date <= to)
        .map(({ bankAccountId: _account, ...line }) => structuredClone(line))
        .sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1))
      return Promise.resolve(found)
    },
    close() {
      return Promise.resolve()
    },
  }
}
