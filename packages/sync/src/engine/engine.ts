import { createHash, randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { pid } from 'node:process'
import {
  negate,
  normaliseTransactionId,
  parseCanonicalPayment,
  planPostings,
} from '@opayo-kashflow/core'
import type {
  CanonicalPayment,
  CurrencyCode,
  CustomFieldMappings,
  PostingIntent,
  PostingRules,
  RateProvider,
  RateRecord,
  ReferenceParser,
} from '@opayo-kashflow/core'
import {
  KashflowAmbiguousWriteError,
  paymentLinesOf,
  customerFromIntent,
  invoiceCurrency as invoiceCurrencyOf,
  journalFromIntent,
  paymentFromIntent,
} from '@opayo-kashflow/kashflow'
import type {
  Invoice,
  InvoicePaymentInput,
  InvoicePaymentRecord,
  KashflowClient,
} from '@opayo-kashflow/kashflow'
import type {
  AttemptRecord,
  EventRecord,
  EventState,
  LedgerEntry,
  RecordedError,
  Store,
} from '../store/store.js'
import { TERMINAL_STATES } from '../store/store.js'
import { SyncConfigError, classify, recordError } from './errors.js'
import { PaymentHintSchema, hintEventId, hintFromPayment, hintMismatches, hintOf } from './hints.js'
import type { HintConfirmation, PaymentHint } from './hints.js'
import { SyncEvents } from './events.js'
import type { SyncEvent, SyncEventType } from './events.js'
import { LeaseLostError, isLeaseLost, keepLeases } from './leases.js'
import type { LeaseKeeper } from './leases.js'

/** The retry policy, as data. Delays are added to the time of the failure. */
export interface RetrySchedule {
  /** Delays after each failed attempt; one more failure than there are delays is dead. @default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h */
  readonly delaysMs: readonly number[]
  /** Delays while the invoice does not exist yet. @default 1 min, 10 min, 1 h, 6 h, 12 h, 24 h, 24 h */
  readonly notFoundDelaysMs: readonly number[]
  /** Delays while Opayo cannot confirm a hint (a Form return or hand-over); then dead as `unconfirmed`. @default 1 min, 5 min, 15 min, 1 h, 6 h, 24 h */
  readonly confirmDelaysMs: readonly number[]
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
   * Called after each successful KashFlow write, before the ledger records it. For crash tests
   * and tracing; a throw here is treated like a crash in that window.
   */
  readonly afterWrite?: (eventId: string, marker: string) => void | Promise<void>
}

/** What `ingest` did. */
export interface IngestResult {
  readonly outcome: 'received' | 'duplicate' | 'conflict' | 'dead'
  readonly id: string
}

/** Counts per state, backlog age, pause state and recent errors. */
export interface SyncStatus {
  readonly counts: Readonly<Record<EventState, number>>
  readonly oldestPendingAgeMs: number | undefined
  readonly conflicts: number
  readonly paused:
    | {
        readonly reason: 'kashflow_unavailable' | 'authentication'
        readonly since: number
        readonly error: RecordedError
      }
    | undefined
  readonly lastErrors: readonly {
    readonly at: number
    readonly id: string
    readonly error: RecordedError
  }[]
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

const fingerprintOf = (value: unknown): string =>
  createHash('sha256').update(stableJson(value)).digest('hex')

/**
 * The same money event seen through two channels (a Server notification, then a Reporting row)
 * is a duplicate: fingerprint what it does, not how it arrived.
 */
const paymentFingerprint = (payment: CanonicalPayment): string =>
  fingerprintOf({
    id: payment.id,
    kind: payment.kind,
    status: payment.status,
    amount: payment.amount,
    vendorTxCode: payment.source.vendorTxCode,
    relatedTransactionId: payment.source.relatedTransactionId,
  })

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The ledger's request for an invoice payment or refund: the write's input and the pre-image. */
interface PaymentLedgerRequest extends InvoicePaymentInput {
  readonly conversion?: unknown
  readonly preImage: readonly InvoicePaymentRecord[]
}

/** More than one new payment line could be ours: a person decides; the engine never writes again. */
class NeedsReview extends Error {
  override readonly name = 'NeedsReview'
  constructor(
    readonly invoiceNumber: number,
    readonly candidates: readonly InvoicePaymentRecord[],
  ) {
    super(
      `Invoice ${invoiceNumber} has ${candidates.length} new payment lines that could be this posting; a person must decide which (if any) is ours.`,
    )
  }
}

class Deferred extends Error {
  override readonly name = 'InvoiceNotFoundYet'
  constructor(
    readonly invoiceNumber: number,
    readonly reference: string,
    cause?: unknown,
  ) {
    super(`Invoice ${invoiceNumber} (from "${reference}") is not in KashFlow yet.`, { cause })
  }
}

/**
 * The sync engine: stores Opayo events durably, plans them with core, posts them to KashFlow
 * exactly once (ledger + read-back by marker), retries and pauses on failure, and dead-letters
 * what needs a person, with the reason.
 * @example
 * const engine = createSyncEngine({ store: memoryStore(), kashflow, rules, references })
 * await engine.ingest(payment)
 * await engine.runOnce()
 */
export function createSyncEngine(options: SyncEngineOptions) {
  if (options.rules.refunds === 'credit-note')
    throw new SyncConfigError(
      'Posting rules say refunds: "credit-note", which this engine does not post yet (the KashFlow client has no credit-note write): every refund would be dead-lettered. Use refunds: "negative-payment".',
    )
  const store = options.store
  const kashflow = options.kashflow
  const schedule: RetrySchedule = { ...DEFAULT_RETRY_SCHEDULE, ...options.retry }
  const now = () => (options.clock ?? Date).now()
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  // The worker's id; each loop claims as `${workerId}/${n}` (see round and holderOf).
  const workerId = options.workerId ?? `${hostname()}:${pid}:${randomUUID().slice(0, 8)}`
  const leaseMs = options.leaseMs ?? 120_000
  const events = new SyncEvents()
  const lastErrors: { at: number; id: string; error: RecordedError }[] = []
  let consecutiveFailures = 0
  let paused:
    | {
        reason: 'kashflow_unavailable' | 'authentication'
        since: number
        error: RecordedError
        nextProbeAt: number
      }
    | undefined
  let running: Promise<void> | undefined
  let stopping = false
  // Direct runOnce()/drain() calls are one loop, `${workerId}/0`, queued one round at a time;
  // start()'s loops are `${workerId}/1` and up. Every loop's renewals are tracked for stop().
  const directLoop = `${workerId}/0`
  let directRounds: Promise<unknown> = Promise.resolve()
  let startedLoops: string[] = []
  const keepers = new Set<LeaseKeeper>()

  const emit = (event: SyncEvent) => {
    events.emit(event)
    const level = event.type === 'dead-lettered' || event.type === 'paused' ? 'warn' : 'info'
    options.logger?.[level]?.(`sync ${event.type}`, { ...event })
  }

  const partitionOf = (payment: CanonicalPayment): string | undefined => {
    const invoice = options.references.parse(
      payment.invoiceReference ?? payment.source.vendorTxCode,
    )
    return invoice.ok ? `invoice:${invoice.value}` : undefined
  }

  async function ingest(input: unknown): Promise<IngestResult> {
    const at = now()
    const parsedForKey = parseCanonicalPayment(input)
    const fingerprint = parsedForKey.ok
      ? paymentFingerprint(parsedForKey.value)
      : fingerprintOf(input)
    const parsed = parsedForKey
    if (!parsed.ok) {
      const rawId = (input as { id?: unknown } | null)?.id
      const id =
        typeof rawId === 'string' && rawId !== '' ? rawId : `invalid:${fingerprint.slice(0, 32)}`
      const result = await store.ingest({
        id,
        payment: input ?? null,
        fingerprint,
        now: at,
        dead: { reason: 'invalid_payment', detail: { issues: parsed.issues } },
      })
      if (result.outcome === 'received') {
        emit({ type: 'dead-lettered', id, reason: 'invalid_payment' })
        return { outcome: 'dead', id }
      }
      emit({ type: result.outcome, id })
      return { outcome: result.outcome, id }
    }
    const payment = parsed.value
    // Money moves only on what Opayo signed or what was read from Opayo: an unverified payment
    // (a Form return, a caller's claim) is stored as the hint it is, under its own id, so that
    // Opayo's record of the same transaction is a new event when it is confirmed.
    if (payment.source.verified !== true) return ingestHint(hintFromPayment(payment))
    const result = await store.ingest({
      id: payment.id,
      payment,
      fingerprint,
      partition: partitionOf(payment),
      now: at,
    })
    if (result.outcome === 'conflict') {
      // A PENDING payment (alternative payment methods) is settled later with a final status for
      // the same transaction: that is the same event moving on, not a conflict.
      const previous = parseCanonicalPayment(result.event.payment)
      if (previous.ok && previous.value.status === 'pending' && payment.status !== 'pending') {
        if (await store.supersede({ id: payment.id, payment, fingerprint, now: at })) {
          emit({ type: 'received', id: payment.id })
          return { outcome: 'received', id: payment.id }
        }
      }
    }
    emit({ type: result.outcome, id: payment.id })
    return { outcome: result.outcome, id: payment.id }
  }

  async function ingestHint(input: PaymentHint): Promise<IngestResult> {
    const hint = PaymentHintSchema.parse(input)
    const id = hintEventId(hint)
    // A repeat of the same claim is a duplicate whatever it claimed: only Opayo's answer counts.
    const fingerprint = fingerprintOf({
      id,
      vendorTxCode: hint.vendorTxCode,
      relatedTransactionId: hint.relatedTransactionId,
    })
    const result = await store.ingest({ id, payment: { hint }, fingerprint, now: now() })
    emit({ type: result.outcome, id })
    return { outcome: result.outcome, id }
  }

  /** Confirms a hint with Opayo: Opayo's record is ingested (and posts); the hint never does. */
  async function processHint(event: EventRecord, hint: PaymentHint): Promise<void> {
    let confirmation: HintConfirmation
    let error: RecordedError | undefined
    if (!options.confirmHint) {
      confirmation = {
        outcome: 'unconfirmed',
        reason: 'No way to confirm with Opayo is configured (a Reporting or Pi client).',
      }
    } else {
      try {
        confirmation = await options.confirmHint(hint)
      } catch (thrown) {
        error = recordError(thrown)
        confirmation = {
          outcome: 'unconfirmed',
          reason: `Opayo could not be asked: ${error.message}`,
        }
      }
    }
    if (confirmation.outcome === 'confirmed') {
      const payment = parseCanonicalPayment(confirmation.payment)
      const reason = !payment.ok
        ? 'The confirmation is not a valid canonical payment.'
        : payment.value.source.verified !== true
          ? 'The confirmation is not a record read from Opayo (source.verified is false).'
          : normaliseTransactionId(payment.value.source.transactionId) !==
              normaliseTransactionId(hint.transactionId)
            ? 'Opayo answered with a different transaction.'
            : undefined
      if (reason === undefined && payment.ok) {
        const mismatches = hintMismatches(hint, payment.value)
        if (mismatches.length > 0)
          options.logger?.warn?.('hint differs from what Opayo says', { id: event.id, mismatches })
        if (payment.value.id === event.id) {
          // An unverified payment stored before hints had their own ids: Opayo's record takes
          // its place and is planned like any other.
          await move(event, 'waiting', {
            nextAttemptAt: now(),
            detail: { mismatches },
            outcome: "confirmed: replaced by Opayo's record",
          })
          await store.supersede({
            id: event.id,
            payment: payment.value,
            fingerprint: paymentFingerprint(payment.value),
            now: now(),
          })
          return
        }
        const ingested = await ingest(payment.value)
        await move(event, 'skipped', {
          reason: 'confirmed',
          detail: { paymentId: payment.value.id, ingest: ingested.outcome, mismatches },
          outcome: 'confirmed by Opayo',
        })
        emit({ type: 'skipped', id: event.id, reason: 'confirmed' })
        return
      }
      confirmation = { outcome: 'unconfirmed', reason: reason ?? 'invalid confirmation' }
    }
    const delays = options.confirmHint ? schedule.confirmDelaysMs : []
    const attempt = event.attempts + 1
    if (event.attempts >= delays.length) {
      await deadLetter(event, 'unconfirmed', {
        attempts: attempt,
        ...(error ? { lastError: error } : {}),
        detail: { reason: confirmation.reason, hint },
        outcome: 'unconfirmed, schedule exhausted',
      })
      return
    }
    const next = now() + (delays[event.attempts] ?? 0)
    await move(event, 'waiting', {
      attempts: attempt,
      nextAttemptAt: next,
      lastError: error ?? { name: 'Unconfirmed', message: confirmation.reason },
      outcome: `unconfirmed: ${confirmation.reason}`,
    })
    emit({
      type: 'retry-scheduled',
      id: event.id,
      at: next,
      attempt,
      error: error ?? { name: 'Unconfirmed', message: confirmation.reason },
      cause: 'unconfirmed',
    })
  }

  async function move(
    event: EventRecord,
    to: EventState,
    fields: Omit<Parameters<Store['transition']>[0], 'id' | 'worker' | 'now' | 'to'>,
  ): Promise<boolean> {
    return store.transition({ id: event.id, worker: holderOf(event), now: now(), to, ...fields })
  }

  /** The loop holding this event's claim, as `store.claim` returned it to that loop. */
  function holderOf(event: EventRecord): string {
    return event.claimedBy ?? directLoop
  }

  /**
   * Renews the event's lease right before a KashFlow write; throws LeaseLostError when this loop
   * no longer holds it (another loop or worker took it over), so nothing is written.
   */
  async function confirmLease(event: EventRecord): Promise<void> {
    const worker = holderOf(event)
    const at = now()
    const held = await store.heartbeat({ worker, ids: [event.id], now: at, until: at + leaseMs })
    if (!held.includes(event.id)) throw new LeaseLostError(event.id, worker)
  }

  async function contextFor(payment: CanonicalPayment) {
    const moneyKinds = ['payment', 'capture', 'refund']
    const invoice = options.references.parse(
      payment.invoiceReference ?? payment.source.vendorTxCode,
    )
    let invoiceCurrency: CurrencyCode | undefined
    let target: CurrencyCode | undefined
    let found: Invoice | undefined
    if (
      moneyKinds.includes(payment.kind) &&
      payment.status === 'succeeded' &&
      payment.amount.amount > 0
    ) {
      if (invoice.ok) {
        try {
          // The one invoice read a payment needs: existence, currency, and the pre-image of its
          // payment lines for the read-back (passed to the write, which then reads nothing).
          found = await kashflow.invoices.get(invoice.value)
          invoiceCurrency = invoiceCurrencyOf(found, await kashflow.settings.homeCurrency())
          target = invoiceCurrency
        } catch (error) {
          if (classify(error, { invoiceLookup: true }).kind === 'deferred') {
            throw new Deferred(
              invoice.value,
              payment.invoiceReference ?? payment.source.vendorTxCode,
              error,
            )
          }
          throw error
        }
      } else if (options.rules.unmatchedReference.action === 'suspense-journal') {
        target = options.rules.homeCurrency
      }
    }
    let rate: RateRecord | undefined
    if (target !== undefined && target !== payment.amount.currency && options.rates) {
      rate = await options.rates.rate(payment.amount.currency, target, payment.occurredAt)
    }
    return {
      plan: { ...(invoiceCurrency ? { invoiceCurrency } : {}), ...(rate ? { rate } : {}) },
      invoice: found,
    }
  }

  /**
   * The exactly-once write: record the intent in the ledger; if an earlier attempt already got
   * this far, read KashFlow back first; write; on an ambiguous failure read back again; record
   * the outcome. `readBack` gets the ledger entry as first recorded (with the pre-image taken
   * before the first write), so a restart compares against what KashFlow held before any
   * attempt, never against a later read.
   */
  async function writeOnce(
    event: EventRecord,
    marker: string,
    kind: string,
    request: unknown,
    readBack: ((entry: LedgerEntry) => Promise<unknown>) | undefined,
    write: () => Promise<unknown>,
  ): Promise<string> {
    const begun = await store.ledgerBegin({ eventId: event.id, marker, kind, request, now: now() })
    if (begun.entry.state === 'done') return marker
    const complete = (result: unknown) =>
      store.ledgerComplete({ eventId: event.id, marker, result, now: now() })
    if (!begun.created && readBack) {
      const found = await readBack(begun.entry)
      if (found !== undefined) {
        await complete({ readBack: found })
        return marker
      }
    }
    await confirmLease(event)
    let result: unknown
    try {
      result = await write()
    } catch (error) {
      const ambiguous =
        error instanceof KashflowAmbiguousWriteError ||
        (error as Error | undefined)?.name === 'KashflowAmbiguousWriteError'
      const found = ambiguous && readBack ? await readBack(begun.entry) : undefined
      if (found === undefined) throw error
      result = { readBack: found }
    }
    await options.afterWrite?.(event.id, marker)
    await complete(result)
    return marker
  }

  async function execute(
    event: EventRecord,
    intent: PostingIntent,
    invoice: Invoice | undefined,
  ): Promise<string | undefined> {
    switch (intent.kind) {
      case 'skip':
      case 'dead-letter':
        return undefined
      case 'invoice-payment':
      case 'invoice-refund': {
        const input = paymentFromIntent(intent)
        const home = await kashflow.settings.homeCurrency()
        const request: PaymentLedgerRequest = {
          ...input,
          ...(intent.conversion ? { conversion: intent.conversion } : {}),
          // What the invoice held before this posting: after an ambiguous write or a restart, a
          // line new since then that matches is ours, whether or not KashFlow kept the marker.
          preImage: invoice ? paymentLinesOf(invoice, home) : [],
        }
        const expected = {
          amount: intent.kind === 'invoice-refund' ? negate(input.amount) : input.amount,
          date: input.date,
          methodId: input.methodId,
          bankAccountId: input.bankAccountId,
        }
        return writeOnce(
          event,
          intent.marker,
          intent.kind,
          request,
          async (entry) => {
            const recorded = (entry.request as Partial<PaymentLedgerRequest> | null)?.preImage
            // A ledger entry from before pre-images: only the marker can say.
            if (!Array.isArray(recorded))
              return kashflow.invoicePayments.findByMarker(input.invoiceNumber, intent.marker)
            const candidates = await kashflow.invoicePayments.findNew({
              invoiceNumber: input.invoiceNumber,
              preImage: recorded,
              expected,
              marker: intent.marker,
            })
            if (candidates.length === 0) return undefined
            if (candidates.length === 1) return candidates[0]
            throw new NeedsReview(input.invoiceNumber, candidates)
          },
          () => {
            const withInvoice = invoice ? { ...input, invoice } : input
            return intent.kind === 'invoice-payment'
              ? kashflow.invoicePayments.create(withInvoice)
              : kashflow.invoicePayments.refund(withInvoice)
          },
        )
      }
      case 'customer-upsert': {
        const input = customerFromIntent(intent)
        // Upserting by email is naturally idempotent (find, then update or create), so there is
        // nothing to read back: repeating the write is safe.
        return writeOnce(event, intent.marker, intent.kind, input, undefined, async () => {
          const email = intent.customer.email
          const existing = email ? await kashflow.customers.findByEmail(email) : undefined
          const saved = existing
            ? await kashflow.customers.update(existing.Code, input)
            : await kashflow.customers.create(input)
          return { code: saved.Code }
        })
      }
      case 'journal': {
        const input = journalFromIntent(intent)
        // Read back by reference (the marker) and date: one day's journals, never all of them.
        const readBack = async () => {
          const journal = await kashflow.journals.find({
            date: input.date,
            reference: input.reference,
          })
          return journal ? { number: journal.Number } : undefined
        }
        return writeOnce(event, intent.marker, intent.kind, input, readBack, async () => ({
          number: (await kashflow.journals.create(input)).Number,
        }))
      }
    }
  }

  /** Dead-letters an event with its reason, and says so. */
  async function deadLetter(
    event: EventRecord,
    reason: string,
    fields: Omit<Parameters<Store['transition']>[0], 'id' | 'worker' | 'now' | 'to' | 'reason'>,
  ): Promise<void> {
    await move(event, 'dead', { reason, ...fields })
    emit({ type: 'dead-lettered', id: event.id, reason })
  }

  async function fail(event: EventRecord, error: unknown): Promise<void> {
    const recorded = recordError(error)
    const at = now()
    lastErrors.unshift({ at, id: event.id, error: recorded })
    lastErrors.length = Math.min(lastErrors.length, 20)
    if (error instanceof NeedsReview) {
      await deadLetter(event, 'needs_review', {
        attempts: event.attempts + 1,
        lastError: recorded,
        detail: { invoiceNumber: error.invoiceNumber, candidates: error.candidates },
        outcome: 'needs review: several candidate lines',
      })
      return
    }
    if (error instanceof Deferred) {
      const attempt = event.attempts + 1
      if (event.attempts >= schedule.notFoundDelaysMs.length) {
        await deadLetter(event, 'invoice_not_found', {
          attempts: attempt,
          lastError: recorded,
          detail: { invoiceNumber: error.invoiceNumber, reference: error.reference },
          outcome: 'invoice not found, schedule exhausted',
        })
        return
      }
      const next = at + (schedule.notFoundDelaysMs[event.attempts] ?? 0)
      await move(event, 'waiting', {
        attempts: attempt,
        nextAttemptAt: next,
        lastError: recorded,
        outcome: 'deferred: invoice not found',
      })
      emit({
        type: 'retry-scheduled',
        id: event.id,
        at: next,
        attempt,
        error: recorded,
        cause: 'deferred',
      })
      return
    }
    const failure = classify(error, { invoiceLookup: false })
    switch (failure.kind) {
      case 'rate-limited': {
        // Waiting out a rate limit does not spend an attempt.
        const next = at + failure.waitMs
        await move(event, 'waiting', {
          nextAttemptAt: next,
          lastError: recorded,
          outcome: 'rate limited',
        })
        emit({
          type: 'retry-scheduled',
          id: event.id,
          at: next,
          attempt: event.attempts,
          error: recorded,
          cause: 'rate-limited',
        })
        return
      }
      case 'authentication': {
        await move(event, 'waiting', {
          nextAttemptAt: at,
          lastError: recorded,
          outcome: 'paused: authentication',
        })
        pause('authentication', recorded)
        return
      }
      case 'permanent': {
        await deadLetter(event, 'kashflow_rejected', {
          attempts: event.attempts + 1,
          lastError: recorded,
          detail: { error: recorded },
          outcome: 'permanent failure',
        })
        return
      }
      case 'retryable':
      case 'deferred': {
        const attempt = event.attempts + 1
        consecutiveFailures += 1
        if (event.attempts >= schedule.delaysMs.length) {
          await deadLetter(event, 'retries_exhausted', {
            attempts: attempt,
            lastError: recorded,
            detail: { error: recorded },
            outcome: 'retries exhausted',
          })
        } else {
          const next = at + (schedule.delaysMs[event.attempts] ?? 0)
          await move(event, 'waiting', {
            attempts: attempt,
            nextAttemptAt: next,
            lastError: recorded,
            outcome: 'retry scheduled',
          })
          emit({
            type: 'retry-scheduled',
            id: event.id,
            at: next,
            attempt,
            error: recorded,
            cause: 'retryable',
          })
        }
        if (consecutiveFailures >= schedule.pauseAfterConsecutiveFailures)
          pause('kashflow_unavailable', recorded)
      }
    }
  }

  function pause(reason: 'kashflow_unavailable' | 'authentication', error: RecordedError) {
    if (paused) return
    const at = now()
    paused = {
      reason,
      since: at,
      error,
      nextProbeAt:
        at +
        (reason === 'authentication' ? schedule.authProbeIntervalMs : schedule.probeIntervalMs),
    }
    emit({ type: 'paused', reason, error })
  }

  /** While paused, one cheap call tells whether KashFlow is back. */
  async function probe(): Promise<void> {
    if (!paused || now() < paused.nextProbeAt) return
    try {
      await kashflow.bankAccounts.list()
      paused = undefined
      consecutiveFailures = 0
      emit({ type: 'resumed' })
    } catch (error) {
      const current = paused
      if (!current) return
      const interval =
        current.reason === 'authentication'
          ? schedule.authProbeIntervalMs
          : schedule.probeIntervalMs
      paused = { ...current, error: recordError(error), nextProbeAt: now() + interval }
    }
  }

  async function processEvent(event: EventRecord): Promise<void> {
    const hint = hintOf(event.payment)
    if (hint) return processHint(event, hint)
    const parsed = parseCanonicalPayment(event.payment)
    if (!parsed.ok) {
      await deadLetter(event, 'invalid_payment', {
        detail: { issues: parsed.issues },
        outcome: 'invalid payment',
      })
      return
    }
    const payment = parsed.value
    // Money moves only on what Opayo signed or what was read from Opayo: anything else is a hint.
    if (payment.source.verified !== true) return processHint(event, hintFromPayment(payment))
    try {
      const context = await contextFor(payment)
      const intents = planPostings(payment, options.rules, {
        references: options.references,
        ...(options.customFields ? { customFields: options.customFields } : {}),
        ...context.plan,
      })
      const dead = intents.find((i) => i.kind === 'dead-letter')
      if (dead?.kind === 'dead-letter') {
        await deadLetter(event, dead.reason, {
          detail: { issues: dead.issues },
          outcome: `dead-lettered by rule: ${dead.reason}`,
        })
        return
      }
      const skip = intents.find((i) => i.kind === 'skip')
      if (skip?.kind === 'skip' && intents.length === 1) {
        await move(event, 'skipped', {
          reason: skip.reason,
          detail: { message: skip.message },
          outcome: `skipped: ${skip.reason}`,
        })
        emit({ type: 'skipped', id: event.id, reason: skip.reason })
        return
      }
      if (
        !(await move(event, 'planned', {
          keepClaim: true,
          outcome: 'planned',
          detail: { intents: intents.map((i) => i.kind) },
        }))
      )
        return
      emit({ type: 'planned', id: event.id, intents: intents.map((i) => i.kind) })
      if (!(await move(event, 'posting', { keepClaim: true, outcome: 'posting' }))) return
      const markers: string[] = []
      for (const intent of intents) {
        const marker = await execute(event, intent, context.invoice)
        if (marker) markers.push(marker)
      }
      consecutiveFailures = 0
      // The writes are in the ledger either way; if the claim was lost meanwhile, the new holder
      // finds them done and records the event as posted.
      if (await move(event, 'posted', { outcome: 'posted', detail: { markers } }))
        emit({ type: 'posted', id: event.id, markers })
    } catch (error) {
      if (isLeaseLost(error)) return dropLost(error)
      await fail(event, error)
    }
  }

  /**
   * Another loop or worker holds the event now: drop it without a write, a transition or a
   * failure (the new holder continues from the ledger; nothing is counted against KashFlow).
   */
  function dropLost(error: LeaseLostError): void {
    options.logger?.warn?.('sync lease lost', { id: error.eventId, worker: error.worker })
  }

  /**
   * One round of one loop: probe if paused, otherwise claim due events as `worker` and process
   * them, renewing their leases until each is done. Returns how many were claimed.
   */
  async function round(worker: string): Promise<number> {
    if (paused) {
      await probe()
      if (paused) return 0
    }
    const claimed = await store.claim({
      worker,
      now: now(),
      leaseMs,
      limit: options.batchSize ?? 1,
    })
    if (claimed.length === 0) return 0
    const keeper = keepLeases({
      store,
      worker,
      ids: claimed.map((e) => e.id),
      leaseMs,
      intervalMs: Math.max(1, Math.floor(leaseMs / 3)),
      now,
      onError: (error) =>
        options.logger?.warn?.('sync lease renewal failed', { worker, error: recordError(error) }),
    })
    keepers.add(keeper)
    try {
      for (const event of claimed) {
        if (paused || stopping) {
          await store.release({ worker })
          break
        }
        // Taken over while it waited in this batch: another loop or worker has it now.
        if (keeper.lost(event.id)) continue
        try {
          await processEvent(event)
        } finally {
          keeper.forget(event.id)
        }
      }
    } finally {
      await keeper.stop()
      keepers.delete(keeper)
    }
    return claimed.length
  }

  /** One round as the direct loop (`${workerId}/0`); direct rounds run one at a time. */
  function runOnce(): Promise<number> {
    const next = directRounds.then(() => round(directLoop))
    directRounds = next.catch(() => undefined)
    return next
  }

  return {
    /** Stores a CanonicalPayment durably; a repeat is a duplicate, a different payload with the same id a conflict. */
    ingest,
    /**
     * Stores an unsigned claim of a payment (a Form return, a Pi hand-over) durably. It posts
     * nothing itself: a worker asks Opayo through `confirmHint` and ingests Opayo's answer.
     */
    ingestHint,
    /**
     * One round (claim due events, process them) as the direct loop, `${workerId}/0`; calls
     * queue behind each other. Returns how many events were claimed.
     */
    runOnce,
    /**
     * Runs `concurrency` loops until `stop()`, each claiming under its own id
     * (`${workerId}/1` ... `${workerId}/${concurrency}`); idles `pollIntervalMs` when nothing is due.
     */
    start(input: { readonly concurrency?: number } = {}): void {
      if (running) return
      stopping = false
      startedLoops = Array.from(
        { length: Math.max(1, input.concurrency ?? 1) },
        (_, i) => `${workerId}/${i + 1}`,
      )
      const loops = startedLoops.map(async (worker) => {
        while (!stopping) {
          const processed = await round(worker).catch((error: unknown) => {
            options.logger?.error?.('sync round failed', { worker, error: recordError(error) })
            return 0
          })
          if (processed === 0 && !stopping) await sleep(options.pollIntervalMs ?? 1000)
        }
      })
      running = Promise.all(loops).then(() => undefined)
    },
    /**
     * Stops claiming, lets the event in hand finish, stops lease renewal and releases any other
     * claims of this engine's loops.
     */
    async stop(): Promise<void> {
      stopping = true
      await running
      running = undefined
      await Promise.all([...keepers].map((keeper) => keeper.stop()))
      for (const worker of [directLoop, ...startedLoops]) await store.release({ worker })
    },
    /** Runs rounds until nothing is due now (for tests and one-shot runs). */
    async drain(maxRounds = 10_000): Promise<void> {
      for (let i = 0; i < maxRounds; i += 1) if ((await runOnce()) === 0) return
    },
    async status(): Promise<SyncStatus> {
      const stats = await store.stats()
      return {
        counts: stats.counts,
        oldestPendingAgeMs:
          stats.oldestPendingAt === undefined ? undefined : now() - stats.oldestPendingAt,
        conflicts: stats.conflicts,
        paused: paused
          ? { reason: paused.reason, since: paused.since, error: paused.error }
          : undefined,
        lastErrors: [...lastErrors],
      }
    },
    /** Why posting is paused, or undefined: an in-memory read, cheap enough for a health check. */
    paused(): 'kashflow_unavailable' | 'authentication' | undefined {
      return paused?.reason
    },
    /** Resume after an authentication pause once the credentials are fixed. */
    resume(): void {
      if (!paused) return
      paused = undefined
      consecutiveFailures = 0
      emit({ type: 'resumed' })
    },
    on<T extends SyncEventType>(
      type: T | '*',
      listener: (event: Extract<SyncEvent, { type: T }>) => void,
    ): () => void {
      return events.on(type, listener)
    },
    deadLetters: {
      list: (input: { readonly limit?: number } = {}) =>
        store.list({ states: ['dead'], ...(input.limit ? { limit: input.limit } : {}) }),
      async get(id: string): Promise<DeadLetterExplanation | undefined> {
        const event = await store.get(id)
        if (!event) return undefined
        return {
          event,
          reason: event.reason,
          detail: event.detail,
          lastError: event.lastError,
          attempts: await store.attempts(id),
          ledger: await store.ledger(id),
        }
      },
      /**
       * Puts dead letters back in the queue. Safe: the ledger and read-back mean a replay never
       * posts twice. With `dryRun`, reports what would be replayed and changes nothing.
       */
      async replay(
        selection: readonly string[] | { readonly reason?: string },
        input: { readonly dryRun?: boolean } = {},
      ) {
        const dead = await store.list({ states: ['dead'] })
        const chosen = Array.isArray(selection)
          ? dead.filter((e) => selection.includes(e.id))
          : dead.filter(
              (e) =>
                (selection as { reason?: string }).reason === undefined ||
                e.reason === (selection as { reason?: string }).reason,
            )
        const replayed: string[] = []
        for (const event of chosen) {
          if (input.dryRun || (await store.requeue({ id: event.id, now: now() })))
            replayed.push(event.id)
        }
        return { replayed, dryRun: input.dryRun === true }
      },
      discard: (id: string, reason: string) => store.discard({ id, reason, now: now() }),
    },
    /** True when every event is finished (posted, skipped, dead or discarded). */
    async idle(): Promise<boolean> {
      const stats = await store.stats()
      return Object.entries(stats.counts).every(
        ([state, n]) => n === 0 || TERMINAL_STATES.includes(state as EventState),
      )
    },
    /**
     * This worker's id, the prefix of its loops' claims: an event is held by this engine when its
     * `claimedBy` starts with `${workerId}/`.
     */
    workerId,
  }
}

/** The sync engine's public shape. */
export type SyncEngine = ReturnType<typeof createSyncEngine>
