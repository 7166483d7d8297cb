// Ingest: payments and hints stored durably, once, under a fingerprint of what they do.
import { createHash } from 'node:crypto'
import { normaliseTransactionId, parseCanonicalPayment } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import type { HintGate } from './hint-gate.js'
import {
  MAX_HINT_REVISIONS,
  PaymentHintSchema,
  hintEventId,
  hintFromPayment,
  hintOf,
} from './hints.js'
import type { HintPayload, PaymentHint } from './hints.js'
import type { IngestResult } from './sync-engine.js'

/** JSON with sorted keys and no undefined members, so equal values hash equally. */
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

/** The sha-256 of a value's stable JSON. */
export const fingerprintOf = (value: unknown): string =>
  createHash('sha256').update(stableJson(value)).digest('hex')

/**
 * The same money event seen through two channels (a Server notification, then a Reporting row)
 * is a duplicate: fingerprint what it does, not how it arrived.
 */
export const paymentFingerprint = (payment: CanonicalPayment): string =>
  fingerprintOf({
    id: payment.id,
    kind: payment.kind,
    status: payment.status,
    amount: payment.amount,
    vendorTxCode: payment.source.vendorTxCode,
    relatedTransactionId: payment.source.relatedTransactionId,
  })

/** The engine's `ingest` and `ingestHint`. */
export interface Ingest {
  readonly ingest: (input: unknown) => Promise<IngestResult>
  readonly ingestHint: (input: PaymentHint) => Promise<IngestResult>
}

/**
 * Ingest over the context's store: invalid data dead at once, unverified payments as hints
 * (bounded by `hintGate` when given: one pending hint per VendorTxCode, and a cap).
 */
export function createIngest(ctx: EngineContext, hintGate?: HintGate): Ingest {
  const { store, emit, now, options } = ctx

  // Events for one invoice are never claimed at once, so postings to it are serialised.
  const partitionOf = (payment: CanonicalPayment): string | undefined => {
    const invoice = options.references.parse(
      payment.invoiceReference ?? payment.source.vendorTxCode,
    )
    return invoice.ok ? `invoice:${invoice.value}` : undefined
  }

  async function ingest(input: unknown): Promise<IngestResult> {
    const at = now()
    const parsed = parseCanonicalPayment(input)
    if (!parsed.ok) {
      const fingerprint = fingerprintOf(input)
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
    const fingerprint = paymentFingerprint(payment)
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
          emit({ type: 'received', id: payment.id, vendorTxCode: payment.source.vendorTxCode })
          return { outcome: 'received', id: payment.id }
        }
      }
    }
    emit({ type: result.outcome, id: payment.id, vendorTxCode: payment.source.vendorTxCode })
    return { outcome: result.outcome, id: payment.id }
  }

  /**
   * A later claim for a VendorTxCode whose hint is stored: folded into it (a duplicate). When
   * the hint still waits for Opayo and the claim names another transaction, that transaction id
   * replaces the hint's, a bounded number of times (MAX_HINT_REVISIONS), so a genuine return
   * that follows a forged one is still the one asked about.
   */
  async function foldHint(existing: EventRecord, hint: PaymentHint): Promise<IngestResult> {
    const id = existing.id
    const stored = hintOf(existing.payment)
    const { revisions = 0, earlierTransactionIds = [] } = existing.payment as HintPayload
    const waiting = existing.state === 'received' || existing.state === 'waiting'
    if (
      stored &&
      waiting &&
      revisions < MAX_HINT_REVISIONS &&
      normaliseTransactionId(stored.transactionId) !== normaliseTransactionId(hint.transactionId)
    ) {
      const payment: HintPayload = {
        hint,
        revisions: revisions + 1,
        earlierTransactionIds: [...earlierTransactionIds, stored.transactionId],
      }
      // Refused (false) while a worker is asking Opayo about it: the claim is folded unrecorded.
      if (await store.supersede({ id, payment, fingerprint: fingerprintOf({ id }), now: now() }))
        ctx.logger?.info?.('hint folded: a later claim names another transaction', {
          id,
          revision: revisions + 1,
        })
    }
    emit({ type: 'duplicate', id, vendorTxCode: hint.vendorTxCode })
    return { outcome: 'duplicate', id }
  }

  async function ingestHint(input: PaymentHint): Promise<IngestResult> {
    const hint = PaymentHintSchema.parse(input)
    const id = hintEventId(hint)
    // One hint per VendorTxCode: a repeat, whatever it claimed, is folded into the stored one
    // (only Opayo's answer counts), so it costs no new question and no room under the cap.
    const existing = await store.get(id)
    if (existing) return foldHint(existing, hint)
    if (hintGate && !(await hintGate.admit())) return { outcome: 'refused', id }
    let created = false
    let result
    try {
      result = await store.ingest({
        id,
        payment: { hint } satisfies HintPayload,
        fingerprint: fingerprintOf({ id }),
        now: now(),
      })
      created = result.outcome === 'received'
    } finally {
      hintGate?.settle(created)
    }
    // Another request stored the same code first: fold into it.
    if (!created) return foldHint(result.event, hint)
    emit({ type: 'received', id, vendorTxCode: hint.vendorTxCode })
    return { outcome: 'received', id }
  }

  return { ingest, ingestHint }
}
