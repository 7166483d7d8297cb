// The public surface of @opayo-kashflow/sync. Everything exported is listed by name.
// Durable stores load on their own subpaths: @opayo-kashflow/sync/sqlite, @opayo-kashflow/sync/postgres.
// The application (routes, status page, reports, Node adapter, CLI) is @opayo-kashflow/service.

export { createSyncEngine } from './engine/engine.js'
export { DEFAULT_RETRY_SCHEDULE } from './engine/options.js'
export type { SyncEngineOptions, RetrySchedule, SyncLogger } from './engine/options.js'
export type {
  SyncEngine,
  DeadLetterAdmin,
  ReplayResult,
  PauseReason,
  IngestResult,
  SyncStatus,
  BacklogStatus,
  DeadLetterExplanation,
} from './engine/sync-engine.js'
export { RESOLVABLE_REASONS } from './engine/matching.js'
export type { DeadLetterResolution, ResolveResult, MatchRecord } from './engine/matching.js'
export { createSyncAdmin } from './engine/admin.js'
export type { SyncAdmin } from './engine/admin.js'
export { decideFailure } from './engine/failure-policy.js'
export type {
  FailureCause,
  FailureDecision,
  FailureInput,
  FailureDeadReason,
  FailureWaitCause,
} from './engine/failure-policy.js'
export type { SyncEvent, SyncEventType } from './engine/events.js'
export { classify } from './engine/errors.js'
export type { FailureClass } from './engine/errors.js'
export { memoryStore } from './store/memory-store.js'
export { EVENT_STATES, CLAIMABLE_STATES, TERMINAL_STATES } from './store/store.js'
export type {
  Store,
  EventState,
  EventRecord,
  AttemptRecord,
  LedgerEntry,
  RecordedError,
  IngestInput,
  IngestOutcome,
  TransitionInput,
  StoreStats,
  RegistrationRecord,
  RegistrationNearDuplicate,
  StoredNotificationReply,
  StoredFeeRow,
  StoredBankLine,
} from './store/store.js'

export { PaymentHintSchema, hintFromPayment } from './engine/hints.js'
export { DEFAULT_MAX_PENDING_HINTS } from './engine/hint-gate.js'
export type { PaymentHint, HintConfirmation } from './engine/hints.js'
export { SyncConfigError } from './engine/errors.js'
export { StoreDriverMissingError } from './store/store-driver-missing-error.js'
export type { StoreDriver } from './store/store-driver-missing-error.js'
export {
  SETTLEMENT_TRANSFER_AS_JOURNAL,
  SettlementBatchEventSchema,
  settlementEventId,
} from './engine/settlement-types.js'
export type {
  SettlementBatchEvent,
  SettlementBatchEventInput,
  SettlementOptions,
  SettledBatchRecord,
} from './engine/settlement-types.js'
export type { SettlementDepositsOptions } from './engine/settlement-deposits.js'
export type { PayoutDifferenceKind } from './engine/settlement-adjustment.js'
export type { PayoutDifferenceInput } from './engine/payout-difference.js'
export { chargeEventId } from './engine/charges.js'
export type { PostedChargesRecord } from './engine/charges.js'
export { chargeStatementSummaries } from './engine/charge-statements.js'
export type { ChargeStatementSummary } from './engine/charge-statements.js'
