import type { AttemptRecord, EventRecord, EventState, LedgerEntry, RecordedError } from './store.js'

/**
 * From due, unleased candidates (in priority order), the ones to claim: at most `limit`, at most
 * one per partition, none from a partition a live lease holds. Shared by every adapter.
 */
export function pickClaims<T extends { partition: string | undefined }>(
  candidates: readonly T[],
  heldPartitions: Iterable<string | undefined>,
  limit: number,
): T[] {
  const held = new Set(heldPartitions)
  const picked: T[] = []
  for (const candidate of candidates) {
    if (picked.length >= limit) break
    if (candidate.partition !== undefined) {
      if (held.has(candidate.partition)) continue
      held.add(candidate.partition)
    }
    picked.push(candidate)
  }
  return picked
}

const json = (text: unknown): unknown =>
  typeof text === 'string' ? JSON.parse(text) : text === null ? undefined : text
const num = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value)
const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined

/** A row of the `events` table (either SQL dialect) as an EventRecord. */
export function eventFromRow(row: Record<string, unknown>): EventRecord {
  return {
    id: String(row['id']),
    payment: json(row['payment']),
    fingerprint: String(row['fingerprint']),
    state: String(row['state']) as EventState,
    attempts: Number(row['attempts']),
    nextAttemptAt: Number(row['next_attempt_at']),
    partition: str(row['partition_key']),
    lastError: json(row['last_error']) as RecordedError | undefined,
    reason: str(row['reason']),
    detail: json(row['detail']),
    createdAt: Number(row['created_at']),
    updatedAt: Number(row['updated_at']),
    claimedBy: str(row['claimed_by']),
    leaseUntil: num(row['lease_until']),
  }
}

export function attemptFromRow(row: Record<string, unknown>): AttemptRecord {
  return {
    eventId: String(row['event_id']),
    at: Number(row['at']),
    from: String(row['from_state']) as EventState,
    to: String(row['to_state']) as EventState,
    outcome: String(row['outcome']),
    error: json(row['error']) as RecordedError | undefined,
  }
}

export function ledgerFromRow(row: Record<string, unknown>): LedgerEntry {
  return {
    eventId: String(row['event_id']),
    marker: String(row['marker']),
    kind: String(row['kind']),
    state: String(row['state']) as 'intent' | 'done',
    request: json(row['request']),
    result: json(row['result']),
    createdAt: Number(row['created_at']),
    updatedAt: Number(row['updated_at']),
  }
}

/** JSON text for a column, or null. */
export const toJson = (value: unknown): string | null =>
  value === undefined ? null : JSON.stringify(value)

/** The SQL list of claimable states. */
export const CLAIMABLE_SQL = "('received','planned','posting','waiting')"
/** The SQL list of finished states. */
export const TERMINAL_SQL = "('posted','skipped','dead','discarded')"
