// The composition root: createSyncEngine wires the engine's modules into one SyncEngine.
import { randomUUID } from 'node:crypto'
import { defineMatchingPolicy } from '@opayo-kashflow/core'
import { hostname } from 'node:os'
import { pid } from 'node:process'
import { createContext } from './context.js'
import { createDeadLetterAdmin } from './dead-letters.js'
import { SyncConfigError } from './errors.js'
import { SyncEvents } from './events.js'
import type { SyncEvent } from './events.js'
import { DEFAULT_MAX_PENDING_HINTS, createHintGate } from './hint-gate.js'
import { createIngest } from './ingest.js'
import { DEFAULT_RETRY_SCHEDULE } from './options.js'
import type { RetrySchedule, SyncEngineOptions } from './options.js'
import { createPauseGate } from './pause.js'
import { processEvent } from './process-event.js'
import { createSettlementIngest } from './settlement.js'
import { createPayoutExplainer } from './payout-difference.js'
import { createChargeIngest } from './charges.js'
import { isIdle, statusOf } from './status.js'
import type { SyncEngine } from './sync-engine.js'
import { createWorker } from './worker.js'

/**
 * The sync engine: stores Opayo events durably, plans them with core, posts them to KashFlow
 * exactly once (ledger + read-back against the pre-image), retries and pauses on failure, and
 * dead-letters what needs a person, with the reason.
 * @param options the store, the KashFlow client, the posting rules and the reference parser; see {@link SyncEngineOptions}
 * @throws {SyncConfigError} when the rules and the settlement accounts name different home currencies
 * @throws {MatchingPolicyError} when `options.matching` does not fit core's `MatchingPolicySchema`
 * @throws {SyncConfigError} when `options.maxPendingHints` is not a positive whole number
 * @example
 * const engine = createSyncEngine({ store: memoryStore(), kashflow, rules, references })
 * await engine.ingest(payment)
 * await engine.runOnce()
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const rulesHome = options.rules.homeCurrency
  const settlementHome = options.settlement?.accounts.homeCurrency
  if (rulesHome !== undefined && settlementHome !== undefined && rulesHome !== settlementHome)
    throw new SyncConfigError(
      `The posting rules say homeCurrency ${rulesHome} and the settlement accounts ${settlementHome}: the KashFlow account has one home currency. Set it in one place (or in neither, and it is read from KashFlow).`,
    )
  const unmatched = options.rules.unmatchedReference
  const clearingNominal = options.settlement?.accounts.clearing.nominalCode
  if (
    unmatched.action === 'suspense-journal' &&
    clearingNominal !== undefined &&
    unmatched.bankNominalCode !== clearingNominal
  )
    throw new SyncConfigError(
      `In clearing mode every payment lands on the clearing account, suspense journals too: set rules.unmatchedReference.bankNominalCode to the clearing account's nominal code ${clearingNominal} (it is ${unmatched.bankNominalCode}); otherwise the batch transfer takes from clearing money that was booked to the bank.`,
    )
  defineMatchingPolicy(options.matching ?? {})
  const maxPendingHints = options.maxPendingHints
  if (
    maxPendingHints !== undefined &&
    !(Number.isSafeInteger(maxPendingHints) && maxPendingHints > 0)
  )
    throw new SyncConfigError(
      `maxPendingHints must be a positive whole number (e.g. 1000), got ${String(maxPendingHints)}.`,
    )
  const configured: RetrySchedule = { ...DEFAULT_RETRY_SCHEDULE, ...options.retry }
  // Without a way to ask Opayo, a hint is dead-lettered at its first attempt.
  const schedule: RetrySchedule = options.confirmHint
    ? configured
    : { ...configured, confirmDelaysMs: [] }
  const now = () => (options.clock ?? Date).now()
  const events = new SyncEvents()
  const emit = (event: SyncEvent) => {
    events.emit(event)
    const level = event.type === 'dead-lettered' || event.type === 'paused' ? 'warn' : 'info'
    // A retry says when it happens next, as a date a person reads.
    options.logger?.[level]?.(`sync ${event.type}`, {
      ...event,
      ...(event.type === 'retry-scheduled'
        ? { nextAttemptAt: new Date(event.at).toISOString() }
        : {}),
    })
  }
  const ctx = createContext({
    options,
    schedule,
    // Each loop claims as `${workerId}/${n}` (see worker.ts).
    workerId: options.workerId ?? `${hostname()}:${pid}:${randomUUID().slice(0, 8)}`,
    leaseMs: options.leaseMs ?? 120_000,
    now,
    emit,
    gate: createPauseGate({ kashflow: options.kashflow, schedule, now, emit }),
  })
  const hintGate = createHintGate({
    store: options.store,
    maxPending: options.maxPendingHints ?? DEFAULT_MAX_PENDING_HINTS,
    now,
    logger: options.logger,
  })
  const { ingest, ingestHint } = createIngest(ctx, hintGate)
  const worker = createWorker(ctx, (event) => processEvent(ctx, ingest, event))

  return {
    ingest,
    ingestHint,
    ingestSettlementBatch: createSettlementIngest(ctx),
    explainPayoutDifference: createPayoutExplainer(ctx),
    ingestChargeStatement: createChargeIngest(ctx),
    runOnce: worker.runOnce,
    start: worker.start,
    stop: worker.stop,
    drain: worker.drain,
    status: async () => ({ ...(await statusOf(ctx)), hints: hintGate.status() }),
    paused: () => ctx.gate.current()?.reason,
    resume: () => ctx.gate.resume(),
    on: (type, listener) => events.on(type, listener),
    deadLetters: createDeadLetterAdmin(ctx),
    idle: () => isIdle(ctx),
    workerId: ctx.workerId,
  }
}
