// The engine's declared public shape: what `createSyncEngine` returns, and the values it reports.
import type {
  AttemptRecord,
  EventRecord,
  EventState,
  LedgerEntry,
  RecordedError,
} from '../store/store.js'
import type { SyncEvent, SyncEventType } from './events.js'
import type { PaymentHint } from './hints.js'
import type { SettlementBatchEventInput } from './settlement-types.js'
import type { PayoutDifferenceInput } from './payout-difference.js'
import type { ChargeStatementInput } from '@opayo-kashflow/core'
import type { ResolveResult } from './matching.js'

/** Why all posting is paused: KashFlow is down, or its credentials are refused. */
export type PauseReason = 'kashflow_unavailable' | 'authentication'

/**
 * What `ingest` did. `refused`: a hint was not stored because `maxPendingHints` hints already
 * wait for Opayo (counted in `status().hints.refused`, logged once per crossing of the cap).
 */
export interface IngestResult {
  readonly outcome: 'received' | 'duplicate' | 'conflict' | 'dead' | 'refused'
  readonly id: string
}

/** What the store alone says: counts per state, backlog age, conflicts recorded. */
export interface BacklogStatus {
  readonly counts: Readonly<Record<EventState, number>>
  /** Age of the oldest unfinished event, or undefined when none is. */
  readonly oldestPendingAgeMs: number | undefined
  readonly conflicts: number
}

/** Counts per state, backlog age, pause state and recent errors. */
export interface SyncStatus extends BacklogStatus {
  readonly paused:
    | {
        readonly reason: PauseReason
        readonly since: number
        readonly error: RecordedError
      }
    | undefined
  readonly lastErrors: readonly {
    readonly at: number
    readonly id: string
    readonly error: RecordedError
  }[]
  /** The bound on pending hints: the cap in force, and hints refused at it since the start. */
  readonly hints?: { readonly maxPending: number; readonly refused: number }
}

/** A dead letter, explained: which rule or error, and every attempt. */
export interface DeadLetterExplanation {
  readonly event: EventRecord
  readonly reason: string | undefined
  readonly detail: unknown
  readonly lastError: RecordedError | undefined
  readonly attempts: readonly AttemptRecord[]
  readonly ledger: readonly LedgerEntry[]
}

/** What `deadLetters.replay` put back in the queue (or, with `dryRun`, would have). */
export interface ReplayResult {
  readonly replayed: string[]
  readonly dryRun: boolean
}

/** Dead letters: the events that need a person, with the reason, and what a person can do. */
export interface DeadLetterAdmin {
  /** Dead letters, oldest first, at most `limit`. */
  list(input?: { readonly limit?: number }): Promise<EventRecord[]>
  /** One dead letter (or any event) explained: reason, detail, every attempt and the ledger. */
  get(id: string): Promise<DeadLetterExplanation | undefined>
  /**
   * Puts dead letters back in the queue, by id or by reason (all of them with `{}`). Safe: the
   * ledger and read-back mean a replay never posts twice. With `dryRun`, reports what would be
   * replayed and changes nothing.
   */
  replay(
    selection: readonly string[] | { readonly reason?: string },
    input?: { readonly dryRun?: boolean },
  ): Promise<ReplayResult>
  /** Closes a dead letter for good (`discarded`), keeping the reason; false if it is not dead. */
  discard(id: string, reason: string): Promise<boolean>
  /**
   * A person names the invoice for an `unmatched_reference` or `invoice_not_found` dead letter:
   * the resolution (invoice, who, why, when) is kept in the event's ledger and the event goes
   * back to the queue; the worker posts it to that invoice through the ledger (read-back first),
   * so resolving twice or replaying never posts twice. Refused (`resolved: false`, with the
   * words) when the event is not such a dead letter, or a write to another invoice was begun.
   * @throws {InvalidArgumentError} for an invoice number that is not a positive whole number, or
   *   an empty `by` or `reason`.
   */
  resolve(
    id: string,
    input: { readonly invoiceNumber: number; readonly by: string; readonly reason: string },
  ): Promise<ResolveResult>
}

/**
 * The sync engine: stores Opayo events durably, plans them with core, posts them to KashFlow
 * exactly once (ledger + read-back against the pre-image), retries and pauses on failure, and
 * dead-letters what needs a person, with the reason. Made by `createSyncEngine`.
 */
export interface SyncEngine {
  /** Stores a CanonicalPayment durably; a repeat is a duplicate, a different payload with the same id a conflict. */
  ingest(input: unknown): Promise<IngestResult>
  /**
   * Stores an unsigned claim of a payment (a Form return, a Pi hand-over) durably. It posts
   * nothing itself: a worker asks Opayo through `confirmHint` and ingests Opayo's answer. One
   * hint per channel and VendorTxCode: a later claim for the code is a `duplicate` folded into
   * it; `refused` when `maxPendingHints` hints already wait.
   */
  ingestHint(input: PaymentHint): Promise<IngestResult>
  /**
   * Stores a closed Opayo settlement batch (clearing mode) durably as event
   * `batch:{batchId}`. A worker settles it once every transaction is posted: transfer, fee and FX
   * journals through the ledger. A repeat is a duplicate; the same batch with something new (the
   * amount received, for a foreign-currency batch) replaces it while nothing of it is written.
   * @throws {InvalidArgumentError} when the batch is not a valid settlement batch.
   */
  ingestSettlementBatch(input: SettlementBatchEventInput): Promise<IngestResult>
  /**
   * Explains part of a posted batch's payout difference (what the acquirer kept from the deposit:
   * a chargeback, a reserve, charges netted off) as its own event `batch:{batchId}:{kind}`,
   * posted once as a journal: Dr `nominalCode`, Cr clearing (the reverse for a negative amount).
   * The same explanation again is a duplicate; another for the same kind, a conflict.
   * @throws {InvalidArgumentError} when the batch is not posted, or the date or nominal is invalid.
   */
  explainPayoutDifference(input: PayoutDifferenceInput): Promise<IngestResult>
  /**
   * Stores a monthly charge statement (an acquirer's or gateway's, in core's
   * `ChargeStatementSchema`) as event `charges:{statementId}`. A worker writes one bank line per
   * statement line, once, as `settlement.charges` says (account, VAT, nominal). A repeat is a
   * duplicate; other lines under the same id replace it while nothing is written, and after that
   * are a `charge_statement_changed` dead letter (outcome `conflict`, its id returned).
   * @throws {InvalidArgumentError} when the statement is not valid.
   */
  ingestChargeStatement(input: ChargeStatementInput): Promise<IngestResult>
  /**
   * One round (claim due events, process them) as the direct loop, `${workerId}/0`; calls
   * queue behind each other. Returns how many events were claimed.
   */
  runOnce(): Promise<number>
  /**
   * Runs `concurrency` loops until `stop()`, each claiming under its own id
   * (`${workerId}/1` ... `${workerId}/${concurrency}`); idles `pollIntervalMs` when nothing is due.
   */
  start(input?: { readonly concurrency?: number }): void
  /**
   * Stops claiming, lets the event in hand finish, stops lease renewal and releases any other
   * claims of this engine's loops.
   */
  stop(): Promise<void>
  /** Runs rounds until nothing is due now (for tests and one-shot runs). */
  drain(maxRounds?: number): Promise<void>
  /** Counts per state, backlog age, pause state and the last errors. */
  status(): Promise<SyncStatus>
  /** Why posting is paused, or undefined: an in-memory read, cheap enough for a health check. */
  paused(): PauseReason | undefined
  /** Resume after an authentication pause once the credentials are fixed. */
  resume(): void
  /** Subscribes to one event type (or `'*'`); returns the unsubscribe function. */
  on<T extends SyncEventType>(
    type: T | '*',
    listener: (event: Extract<SyncEvent, { type: T }>) => void,
  ): () => void
  /** List, explain, replay and discard dead letters. */
  readonly deadLetters: DeadLetterAdmin
  /** True when every event is finished (posted, skipped, dead or discarded). */
  idle(): Promise<boolean>
  /**
   * This worker's id, the prefix of its loops' claims: an event is held by this engine when its
   * `claimedBy` starts with `${workerId}/`.
   */
  readonly workerId: string
}
