// The Store port: everything the engine persists, behind one interface with three adapters
// (memory, SQLite, PostgreSQL) and one contract suite (testing/store-contract.ts, published as
// @opayo-kashflow/sync/testing).

/**
 * Where an event is:
 * received -> planned -> posting -> posted | waiting (retry at T) | dead; plus skipped (nothing
 * to post, with a reason) and discarded (a dead letter a person closed).
 */
export const EVENT_STATES = [
  'received',
  'planned',
  'posting',
  'posted',
  'waiting',
  'skipped',
  'dead',
  'discarded',
] as const
export type EventState = (typeof EVENT_STATES)[number]

/** States a worker may claim. */
export const CLAIMABLE_STATES: readonly EventState[] = ['received', 'planned', 'posting', 'waiting']
/** States that are finished. */
export const TERMINAL_STATES: readonly EventState[] = ['posted', 'skipped', 'dead', 'discarded']

/** A failure as recorded: no stack, no secrets. */
export interface RecordedError {
  readonly name: string
  readonly code?: string | undefined
  readonly message: string
}

/** One stored Opayo event. `payment` is the CanonicalPayment as JSON (re-validated on read). */
export interface EventRecord {
  readonly id: string
  readonly payment: unknown
  /** Hash of the payload, to tell a repeat from a conflicting event with the same key. */
  readonly fingerprint: string
  readonly state: EventState
  /** Attempts that failed (rate limits and pauses do not count). */
  readonly attempts: number
  /** Epoch ms; claimable from then on. */
  readonly nextAttemptAt: number
  /** Postings for one partition (an invoice) are serialised: one claim at a time. */
  readonly partition: string | undefined
  readonly lastError: RecordedError | undefined
  /** Why it is dead or skipped, as data. */
  readonly reason: string | undefined
  readonly detail: unknown
  readonly createdAt: number
  readonly updatedAt: number
  readonly claimedBy: string | undefined
  readonly leaseUntil: number | undefined
}

/** One attempt's outcome, kept for the dead-letter explanation. */
export interface AttemptRecord {
  readonly eventId: string
  readonly at: number
  readonly from: EventState
  readonly to: EventState
  readonly outcome: string
  readonly error?: RecordedError | undefined
}

/**
 * The ledger: what the engine is about to write to KashFlow (`intent`), what happened (`done`),
 * or that the only write made for the intent was definitely refused (`refused`: a 429 or a 4xx
 * KashFlow answers before applying anything), so nothing of it can be in KashFlow.
 */
export interface LedgerEntry {
  readonly eventId: string
  /** The deterministic idempotency marker written into KashFlow. */
  readonly marker: string
  readonly kind: string
  readonly state: 'intent' | 'done' | 'refused'
  readonly request: unknown
  readonly result: unknown
  readonly createdAt: number
  readonly updatedAt: number
}

export type IngestOutcome =
  | { readonly outcome: 'received'; readonly event: EventRecord }
  | { readonly outcome: 'duplicate'; readonly event: EventRecord }
  | { readonly outcome: 'conflict'; readonly event: EventRecord }

export interface IngestInput {
  readonly id: string
  readonly payment: unknown
  readonly fingerprint: string
  readonly partition?: string | undefined
  readonly now: number
  /** Store it straight as dead (invalid data): never dropped, never retried. */
  readonly dead?: { readonly reason: string; readonly detail: unknown } | undefined
  /**
   * A notification reply to store (as `saveReply` would) in the same transaction, when the
   * outcome is `received` or `duplicate`; not on a `conflict`. The event and the reply that
   * acknowledges it then become durable together, at the cost of one commit.
   */
  readonly reply?:
    | {
        /** As for `saveReply`: the VPSTxId without braces, upper case. */
        readonly key: string
        readonly status: string
        readonly body: string
      }
    | undefined
}

export interface TransitionInput {
  readonly id: string
  /** The worker holding the claim; the transition fails if it no longer does. */
  readonly worker: string
  readonly now: number
  readonly to: EventState
  readonly attempts?: number
  readonly nextAttemptAt?: number
  readonly lastError?: RecordedError | undefined
  readonly reason?: string | undefined
  readonly detail?: unknown
  readonly outcome: string
  /** Keep the claim (a move to planned or posting); otherwise it is released. */
  readonly keepClaim?: boolean
}

export interface StoreStats {
  readonly counts: Readonly<Record<EventState, number>>
  /** createdAt of the oldest event not yet finished. */
  readonly oldestPendingAt: number | undefined
  readonly conflicts: number
}

/**
 * A Server transaction as registered with Opayo: the only source of a notification's amount, currency and type.
 * @example await store.saveRegistration({ vendorTxCode: 'INV-1042-1', securityKey: 'JEUPDN1N7E', amount: 12000, currency: 'GBP', txType: 'PAYMENT', createdAt: Date.now() })
 */
export interface RegistrationRecord {
  readonly vendorTxCode: string
  /**
   * The SecurityKey Opayo returned; verifies the notification's VPSSignature. Never logged.
   * Empty for a Form transaction (Form has none): such a record never verifies a notification.
   */
  readonly securityKey: string
  /** Minor units (integer). */
  readonly amount: number
  /** ISO 4217. */
  readonly currency: string
  /** PAYMENT, DEFERRED, AUTHENTICATE, REFUND, REPEAT, ... as registered. */
  readonly txType: string
  readonly relatedTransactionId?: string | undefined
  /** Opayo's VPSTxId from the registration response, when known. */
  readonly vpsTxId?: string | undefined
  /** A CanonicalCustomer as JSON, when the checkout had one. */
  readonly customer?: unknown
  readonly invoiceReference?: string | undefined
  /**
   * The order as sent at registration (Opayo's colon-separated `Basket`, or `BasketXML`): the
   * engine makes invoice lines of it for `unmatchedReference: create-invoice`.
   */
  readonly basket?: string | undefined
  readonly basketXml?: string | undefined
  readonly createdAt: number
}

/**
 * A VendorTxCode refused by an import because it differs from another only by letter case.
 * @example const near: RegistrationNearDuplicate = { vendorTxCode: 'inv-1042-1', other: 'INV-1042-1', stored: true }
 */
export interface RegistrationNearDuplicate {
  readonly vendorTxCode: string
  /** The code it folds like. */
  readonly other: string
  /** Whether `other` is already stored (else it is earlier in the same import). */
  readonly stored: boolean
}

/**
 * A reply given to a Server notification, kept so a repeat gets the byte-identical reply.
 * @example const again = await store.getReply('A9000000-0000-4000-8000-000000000009') // { status: 'OK', body: 'Status=OK\r\n...' }
 */
/** One fee statement row as stored (core's `FeeStatementRow`: minor units, upper-case ids). */
export interface StoredFeeRow {
  readonly line: number
  readonly batchId?: string
  readonly transactionId?: string
  readonly vendorTxCode?: string
  readonly fee: { readonly amount: number; readonly currency: string }
  /** The import it came from (`fees import` sets the statement's digest): the latest one counts. */
  readonly statement?: string
}

/** One line of an imported bank statement (core's `BankStatementLine`, minor units). */
export interface StoredBankLine {
  /** The line's id from core's `parseBankStatement`: the same line in two exports, the same id. */
  readonly id: string
  /** YYYY-MM-DD. */
  readonly date: string
  /** Money in positive, out negative. */
  readonly amount: { readonly amount: number; readonly currency: string }
  readonly description: string
}

export interface StoredNotificationReply {
  readonly status: string
  readonly body: string
}

/** The persistence port of the sync engine. Every method is one transaction. */
export interface Store {
  /** Stores an event once per id: the same payload again is a duplicate, a different one a conflict (recorded, not applied). */
  ingest(input: IngestInput): Promise<IngestOutcome>
  /**
   * Leases up to `limit` claimable events due by `now` for `worker` until `now + leaseMs`: events
   * whose lease expired (a dead worker's) come back; at most one per partition, and none from a
   * partition another live lease holds.
   */
  claim(input: {
    worker: string
    now: number
    leaseMs: number
    limit: number
  }): Promise<EventRecord[]>
  /**
   * Renews leases, and says which are still held: for each of `ids` that `worker` still holds
   * (claimed by it, lease not expired by `now`), sets the lease to `until`. Returns the ids it
   * renewed, in no particular order. An id left out is lost (its lease expired, another worker
   * claimed it, or it was released or moved on) and was not touched: the caller must do nothing
   * more for it (no KashFlow write, no transition).
   */
  heartbeat(input: {
    worker: string
    ids: readonly string[]
    now: number
    until: number
  }): Promise<readonly string[]>
  /** Moves a claimed event to a new state and records the attempt, atomically. False if the claim was lost. */
  transition(input: TransitionInput): Promise<boolean>
  /** Gives up every claim this worker holds (graceful stop). */
  release(input: { worker: string }): Promise<void>
  /**
   * Records an intent before a KashFlow write. Returns the existing entry (created: false) when
   * an earlier attempt got this far: its write may have happened, so read back first. An entry
   * left `refused` is begun afresh, atomically: its request replaced by this one (a new
   * pre-image), state `intent`, and created: true, since no write of it can be in KashFlow.
   * `eventId` may also be a key that is no event: the engine claims a bank deposit for one batch
   * under `deposit:{bankAccountId}:{lineId}` (the first claim wins).
   */
  ledgerBegin(input: {
    eventId: string
    marker: string
    kind: string
    request: unknown
    now: number
  }): Promise<{ entry: LedgerEntry; created: boolean }>
  /**
   * Records that the write of an `intent` entry was definitely refused (nothing was applied):
   * the entry becomes `refused`, and the next `ledgerBegin` starts it afresh. No effect on an
   * entry in another state.
   */
  ledgerRefused(input: { eventId: string; marker: string; now: number }): Promise<void>
  /** Records a write's outcome. */
  ledgerComplete(input: {
    eventId: string
    marker: string
    result: unknown
    now: number
  }): Promise<void>
  ledger(eventId: string): Promise<LedgerEntry[]>
  get(id: string): Promise<EventRecord | undefined>
  attempts(id: string): Promise<AttemptRecord[]>
  /**
   * Events in `states` (default: every state), at most `limit` (default: all). By default oldest
   * first (`createdAt`, then `id`). With `order: 'latest'`, the most recently changed first
   * (`updatedAt` descending, ties by `id` descending), and the limit is applied by the store: SQL
   * stores read at most `limit` rows per state through the `(state, updated_at, id)` index, so an
   * admin page asking for the latest 25 reads 25 per state, not the whole table.
   */
  list(filter?: {
    states?: readonly EventState[]
    limit?: number
    order?: 'created' | 'latest'
  }): Promise<EventRecord[]>
  /**
   * Replaces the payload of an event that is not claimed (a PENDING payment that Opayo has since
   * settled) and queues it again. False when it is claimed by a live lease.
   */
  supersede(input: {
    id: string
    payment: unknown
    fingerprint: string
    now: number
  }): Promise<boolean>
  /** Dead -> received, attempts reset (replay). False unless it was dead. */
  requeue(input: { id: string; now: number }): Promise<boolean>
  /** Dead -> discarded with a reason. False unless it was dead. */
  discard(input: { id: string; reason: string; now: number }): Promise<boolean>
  stats(): Promise<StoreStats>
  /** Records a registration once per vendorTxCode: the same again is a duplicate; different data is a conflict and the first is kept. One transaction. */
  saveRegistration(record: RegistrationRecord): Promise<'created' | 'duplicate' | 'conflict'>
  /** One indexed read (primary key). */
  getRegistration(vendorTxCode: string): Promise<RegistrationRecord | undefined>
  /**
   * Many registrations in one transaction (CLI import); returns counts and the vendorTxCodes that
   * conflicted. VendorTxCodes are compared exactly: when any differs from a stored one (or from
   * another in the batch) only by letter case, nothing is imported and `nearDuplicates` lists them.
   */
  importRegistrations(records: readonly RegistrationRecord[]): Promise<{
    created: number
    duplicates: number
    conflicts: readonly string[]
    nearDuplicates?: readonly RegistrationNearDuplicate[]
  }>
  /** The reply last given for a transaction (key: VPSTxId without braces, upper case). */
  getReply(key: string): Promise<StoredNotificationReply | undefined>
  /**
   * Stores a fee statement (clearing mode) under its digest (`fees import` digests the fees it
   * holds, not the file's bytes), all its rows at once: `duplicate` (nothing changes) when that
   * digest was imported before.
   */
  importFeeStatement(input: {
    digest: string
    rows: readonly StoredFeeRow[]
    now: number
  }): Promise<'created' | 'duplicate'>
  /** Every imported fee statement row, oldest import first (few: a statement a month). */
  feeStatementRows(): Promise<StoredFeeRow[]>
  /**
   * Stores the lines of a bank statement export for a bank account, in one transaction: a line
   * whose id is stored already (the same line in an overlapping export) is kept as it was.
   * Returns how many were new and how many were known.
   */
  importBankStatement(input: {
    bankAccountId: number
    lines: readonly StoredBankLine[]
    now: number
  }): Promise<{ added: number; known: number }>
  /** The account's imported statement lines dated `from`..`to` (YYYY-MM-DD), by date then id. */
  bankStatementLines(input: {
    bankAccountId: number
    from: string
    to: string
  }): Promise<StoredBankLine[]>
  /** Stores (or replaces: a PENDING transaction's reply is replaced when it settles) the reply for a transaction. */
  saveReply(input: { key: string; status: string; body: string; now: number }): Promise<void>
  close(): Promise<void>
}
