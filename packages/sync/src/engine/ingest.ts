// Ingest: payments and hints stored durably, once, under a fingerprint of what they do.
import { createHash } from 'node:crypto'
import { parseCanonicalPayment } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import type { EngineContext } from './context.js'
import { PaymentHintSchema, hintEventId, hintFromPayment } from './hints.js'
import type { PaymentHint } from './hints.js'
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

/** Ingest over the context's store: invalid data dead at once, unverified payments as hints. */
export function createIngest(ctx: EngineContext): Ingest {
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

  return { ingest, ingestHint }
}
