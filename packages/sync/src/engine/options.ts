// The engine's options and its retry schedule, as data.
import type {
  CustomFieldMappings,
  MatchingPolicyInput,
  PostingRules,
  RateProvider,
  ReferenceParser,
} from '@opayo-kashflow/core'
import type { KashflowClient } from '@opayo-kashflow/kashflow'
import type { Store } from '../store/store.js'
import type { HintConfirmation, PaymentHint } from './hints.js'
import type { SettlementOptions } from './settlement-types.js'

/** The retry policy, as data. Delays are added to the time of the failure. */
export interface RetrySchedule {
  /** Delays after each failed attempt; one more failure than there are delays is dead. @default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h */
  readonly delaysMs: readonly number[]
  /** Delays while the invoice does not exist yet. @default 1 min, 10 min, 1 h, 6 h, 12 h, 24 h, 24 h */
  readonly notFoundDelaysMs: readonly number[]
  /** Delays while Opayo cannot confirm a hint (a Form return or hand-over); then dead as `unconfirmed`. @default 1 min, 5 min, 15 min, 1 h, 6 h, 24 h */
  readonly confirmDelaysMs: readonly number[]
  /** Delays while a settlement batch cannot be planned yet (a transaction unposted, fees not imported); then dead as `settlement_incomplete`. @default 15 min, 1 h, 6 h, then 24 h six times (about 7 days) */
  readonly settlementDelaysMs: readonly number[]
  /** Consecutive KashFlow failures that pause all posting. @default 5 */
  readonly pauseAfterConsecutiveFailures: number
  /** While paused for an outage, probe KashFlow this often. @default 30 s */
  readonly probeIntervalMs: number
  /** While paused for an authentication failure, probe this often (one login). @default 30 min */
  readonly authProbeIntervalMs: number
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** The default schedule: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then dead. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [5_000, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
  notFoundDelaysMs: [MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 24 * HOUR],
  confirmDelaysMs: [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, 24 * HOUR],
  settlementDelaysMs: [15 * MINUTE, HOUR, 6 * HOUR, ...Array<number>(6).fill(24 * HOUR)],
  pauseAfterConsecutiveFailures: 5,
  probeIntervalMs: 30_000,
  authProbeIntervalMs: 30 * MINUTE,
}

/** Log sink; gets structured fields, never secrets. */
export interface SyncLogger {
  info?(message: string, fields?: Record<string, unknown>): void
  warn?(message: string, fields?: Record<string, unknown>): void
  error?(message: string, fields?: Record<string, unknown>): void
}

export interface SyncEngineOptions {
  readonly store: Store
  readonly kashflow: KashflowClient
  /** From `definePostingRules`. */
  readonly rules: PostingRules
  /** From `createReferenceParser`. */
  readonly references: ReferenceParser
  /** From `defineCustomFieldMappings`. @default none */
  readonly customFields?: CustomFieldMappings
  /**
   * When a payment's reference matches no pattern, or names an invoice still missing when the
   * not-found schedule runs out, the engine ranks the open KashFlow invoices (core's
   * `rankInvoiceCandidates`) and applies this policy (`decideMatch`): it posts only when
   * `autoPost` is set and exactly one candidate reaches `minScore`; otherwise the dead letter
   * lists the ranked candidates for a person. Validated by `defineMatchingPolicy`.
   * @default {} (never post by matching)
   */
  readonly matching?: MatchingPolicyInput
  /**
   * Clearing mode's settlement: the accounts and fees a closed Opayo batch is settled with
   * (`ingestSettlementBatch`). Pair it with posting rules in `clearing` mode. @default none (a
   * batch event is dead-lettered `settlement_not_configured`)
   */
  readonly settlement?: SettlementOptions
  /** Needed when payments and invoices differ in currency. @default none (such payments are dead-lettered with the reason) */
  readonly rates?: RateProvider
  /** @default { now: Date.now } */
  readonly clock?: { now(): number }
  /** How the worker loop waits. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>
  readonly logger?: SyncLogger
  /** @default DEFAULT_RETRY_SCHEDULE */
  readonly retry?: Partial<RetrySchedule>
  /**
   * Identifies this worker. Each loop claims under its own id, `${workerId}/${n}`: `start()`'s
   * loops are numbered from 1, direct `runOnce()`/`drain()` calls share `${workerId}/0` (one at a
   * time). Give each process its own. @default host:pid:random
   */
  readonly workerId?: string
  /**
   * How long a claim lasts unless renewed. A loop renews the event in hand every `leaseMs / 3`
   * while it works on it; a crashed worker's claims return after this. @default 120000
   */
  readonly leaseMs?: number
  /**
   * Events a loop claims per round. 1 claims only what the loop is about to work on; more saves
   * claim queries but holds (and renews) events the loop has not started, keeping other loops
   * and workers off them and their invoices. @default 1
   */
  readonly batchSize?: number
  /** Idle wait between rounds when there is nothing to do. @default 1000 */
  readonly pollIntervalMs?: number
  /**
   * Asks Opayo about a hint: an unsigned claim of a payment (a Form return, a Pi hand-over, or
   * any ingested payment whose `source.verified` is false). Return Opayo's own record, read by
   * you from the Reporting API or Pi; only that is posted. Without it every hint is dead-lettered
   * as `unconfirmed`: nothing unsigned ever posts. The sync service provides one.
   * @default none
   */
  readonly confirmHint?: (hint: PaymentHint) => Promise<HintConfirmation>
  /**
   * Hints (one per channel and VendorTxCode) that may wait for Opayo at once; a new hint beyond
   * it is refused (`ingestHint` answers `refused`), with one warning in the log each time the
   * cap is reached. Each pending hint costs up to one question per step of `confirmDelaysMs`.
   * @default 1000 (DEFAULT_MAX_PENDING_HINTS)
   */
  readonly maxPendingHints?: number
  /**
   * Called after each successful KashFlow write, before the ledger records it. For crash tests
   * and tracing; a throw here is treated like a crash in that window.
   */
  readonly afterWrite?: (eventId: string, marker: string) => void | Promise<void>
}
