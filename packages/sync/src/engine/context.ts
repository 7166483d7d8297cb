// What the engine's modules share: the options, the store, the clock, the events, the pause gate,
// and the transitions every module makes (each one store transaction under the event's claim).
import type { CurrencyCode } from '@opayo-kashflow/core'
import type { KashflowClient } from '@opayo-kashflow/kashflow'
import type {
  EventRecord,
  EventState,
  RecordedError,
  Store,
  TransitionInput,
} from '../store/store.js'
import { recordError } from './errors.js'
import type { SyncEvent } from './events.js'
import { vendorTxCodeOf } from './events.js'
import { decideFailure } from './failure-policy.js'
import type { FailureCause } from './failure-policy.js'
import { LeaseLostError } from './leases.js'
import type { RetrySchedule, SyncEngineOptions, SyncLogger } from './options.js'
import type { PauseGate } from './pause.js'

/** Transition fields a module chooses; the context adds the id, the holder and the time. */
export type MoveFields = Omit<TransitionInput, 'id' | 'worker' | 'now' | 'to'>

/** The engine's shared parts, made once by `createSyncEngine`. Internal. */
export interface EngineContext {
  readonly options: SyncEngineOptions
  readonly store: Store
  readonly kashflow: KashflowClient
  /**
   * The one home currency of every posting path (invoice payments, overpayment and matching
   * checks, suspense journals, settlement): the posting rules' `homeCurrency` when configured,
   * else the settlement accounts', else KashFlow's setting (`kashflow.settings.homeCurrency()`:
   * the client's `homeCurrency` option, or read once from KashFlow). Never assumed.
   */
  readonly homeCurrency: () => Promise<CurrencyCode>
  /** The schedule in force (with no confirmation delays when hints cannot be confirmed). */
  readonly schedule: RetrySchedule
  readonly leaseMs: number
  readonly workerId: string
  /** The loop direct `runOnce()`/`drain()` calls claim as: `${workerId}/0`. */
  readonly directLoop: string
  readonly logger: SyncLogger | undefined
  readonly gate: PauseGate
  readonly lastErrors: { at: number; id: string; error: RecordedError }[]
  readonly now: () => number
  /** Emits a typed event and logs it. */
  readonly emit: (event: SyncEvent) => void
  /** Moves an event as the loop holding its claim; false when that loop no longer holds it. */
  readonly move: (event: EventRecord, to: EventState, fields: MoveFields) => Promise<boolean>
  /** Dead-letters an event with its reason, and says so. */
  readonly deadLetter: (
    event: EventRecord,
    reason: string,
    fields: Omit<MoveFields, 'reason'>,
  ) => Promise<void>
  /**
   * Renews the event's lease right before a KashFlow write; throws LeaseLostError when this loop
   * no longer holds it (another loop or worker took it over), so nothing is written.
   */
  readonly confirmLease: (event: EventRecord) => Promise<void>
  /**
   * Carries out the failure policy for one failed attempt: asks {@link decideFailure}, makes the
   * transition, reports it and pauses posting when the policy says so.
   */
  readonly settleFailure: (
    event: EventRecord,
    cause: FailureCause,
    fields: { readonly lastError: RecordedError | undefined; readonly detail: unknown },
  ) => Promise<void>
}

/** Builds the shared context; the pause gate is made from the same emitter and clock. */
export function createContext(input: {
  readonly options: SyncEngineOptions
  readonly schedule: RetrySchedule
  readonly workerId: string
  readonly leaseMs: number
  readonly now: () => number
  readonly emit: (event: SyncEvent) => void
  readonly gate: PauseGate
}): EngineContext {
  const { options, now, emit, gate, schedule, leaseMs } = input
  const store = options.store
  const directLoop = `${input.workerId}/0`
  // The loop holding this event's claim, as `store.claim` returned it to that loop.
  const holderOf = (event: EventRecord): string => event.claimedBy ?? directLoop

  const move = (event: EventRecord, to: EventState, fields: MoveFields): Promise<boolean> =>
    store.transition({ id: event.id, worker: holderOf(event), now: now(), to, ...fields })

  const deadLetter = async (
    event: EventRecord,
    reason: string,
    fields: Omit<MoveFields, 'reason'>,
  ): Promise<void> => {
    await move(event, 'dead', { reason, ...fields })
    emit({ type: 'dead-lettered', id: event.id, reason, ...vendorTxCodeOf(event.payment) })
  }

  const configuredHome = options.rules.homeCurrency ?? options.settlement?.accounts.homeCurrency
  const homeCurrency = (): Promise<CurrencyCode> =>
    configuredHome === undefined
      ? options.kashflow.settings.homeCurrency()
      : Promise.resolve(configuredHome)

  return {
    options,
    store,
    kashflow: options.kashflow,
    homeCurrency,
    schedule,
    leaseMs,
    workerId: input.workerId,
    directLoop,
    logger: options.logger,
    gate,
    lastErrors: [],
    now,
    emit,
    move,
    deadLetter,
    async confirmLease(event) {
      const worker = holderOf(event)
      const at = now()
      const held = await store.heartbeat({ worker, ids: [event.id], now: at, until: at + leaseMs })
      if (!held.includes(event.id)) throw new LeaseLostError(event.id, worker)
    },
    async settleFailure(event, cause, fields) {
      const decision = decideFailure({
        cause,
        attempts: event.attempts,
        consecutiveFailures: gate.consecutiveFailures(),
        schedule,
        now: now(),
      })
      gate.setConsecutiveFailures(decision.consecutiveFailures)
      const lastError = fields.lastError ? { lastError: fields.lastError } : {}
      if (decision.state === 'dead') {
        await deadLetter(event, decision.reason, {
          attempts: decision.attempts,
          ...lastError,
          detail: fields.detail,
          outcome: decision.outcome,
        })
      } else {
        // A hint Opayo merely did not confirm has no error of its own: its answer stands in.
        const waitingError =
          fields.lastError ??
          (cause.kind === 'unconfirmed'
            ? { name: 'Unconfirmed', message: cause.message }
            : cause.kind === 'settlement-wait'
              ? { name: 'SettlementWaiting', message: cause.message }
              : undefined)
        await move(event, 'waiting', {
          attempts: decision.attempts,
          nextAttemptAt: decision.nextAttemptAt,
          ...(waitingError ? { lastError: waitingError } : {}),
          outcome: decision.outcome,
        })
        if (decision.cause !== 'authentication' && waitingError)
          emit({
            type: 'retry-scheduled',
            id: event.id,
            at: decision.nextAttemptAt,
            attempt: decision.attempts,
            error: waitingError,
            cause: decision.cause,
            ...vendorTxCodeOf(event.payment),
          })
      }
      if (decision.pause && fields.lastError) gate.pause(decision.pause, fields.lastError)
    },
  }
}

/** Records an error in the engine's recent errors (the last 20, newest first). */
export function rememberError(ctx: EngineContext, id: string, error: unknown): RecordedError {
  const recorded = recordError(error)
  ctx.lastErrors.unshift({ at: ctx.now(), id, error: recorded })
  ctx.lastErrors.length = Math.min(ctx.lastErrors.length, 20)
  return recorded
}
