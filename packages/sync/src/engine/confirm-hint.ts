// Hints: an unsigned claim of a payment is never posted; Opayo is asked, and only Opayo's own
// record (ingested as its own event) moves money.
import { normaliseTransactionId, parseCanonicalPayment } from '@opayo-kashflow/core'
import type { EventRecord, RecordedError } from '../store/store.js'
import type { EngineContext } from './context.js'
import { recordError } from './errors.js'
import { hintMismatches } from './hints.js'
import type { HintConfirmation, PaymentHint } from './hints.js'
import { paymentFingerprint } from './ingest.js'
import type { Ingest } from './ingest.js'

/** Asks Opayo through `confirmHint`; what it says stands in for a thrown error. */
async function askOpayo(
  ctx: EngineContext,
  hint: PaymentHint,
): Promise<{ confirmation: HintConfirmation; error: RecordedError | undefined }> {
  const confirmHint = ctx.options.confirmHint
  if (!confirmHint)
    return {
      confirmation: {
        outcome: 'unconfirmed',
        reason: 'No way to confirm with Opayo is configured (a Reporting or Pi client).',
      },
      error: undefined,
    }
  try {
    return { confirmation: await confirmHint(hint), error: undefined }
  } catch (thrown) {
    const error = recordError(thrown)
    return {
      confirmation: {
        outcome: 'unconfirmed',
        reason: `Opayo could not be asked: ${error.message}`,
      },
      error,
    }
  }
}

/**
 * Confirms a hint with Opayo: Opayo's record is ingested (and posts) and the hint ends `skipped`
 * (`confirmed`); otherwise the failure policy schedules another question or dead-letters it as
 * `unconfirmed`.
 */
export async function processHint(
  ctx: EngineContext,
  ingest: Ingest['ingest'],
  event: EventRecord,
  hint: PaymentHint,
): Promise<void> {
  const { confirmation, error } = await askOpayo(ctx, hint)
  let unconfirmed: string
  if (confirmation.outcome === 'confirmed') {
    const payment = parseCanonicalPayment(confirmation.payment)
    if (!payment.ok) unconfirmed = 'The confirmation is not a valid canonical payment.'
    else if (payment.value.source.verified !== true)
      unconfirmed = 'The confirmation is not a record read from Opayo (source.verified is false).'
    else if (
      normaliseTransactionId(payment.value.source.transactionId) !==
      normaliseTransactionId(hint.transactionId)
    )
      unconfirmed = 'Opayo answered with a different transaction.'
    else {
      const mismatches = hintMismatches(hint, payment.value)
      if (mismatches.length > 0)
        ctx.logger?.warn?.('hint differs from what Opayo says', { id: event.id, mismatches })
      if (payment.value.id === event.id) {
        // An unverified payment stored before hints had their own ids: Opayo's record takes
        // its place and is planned like any other.
        await ctx.move(event, 'waiting', {
          nextAttemptAt: ctx.now(),
          detail: { mismatches },
          outcome: "confirmed: replaced by Opayo's record",
        })
        await ctx.store.supersede({
          id: event.id,
          payment: payment.value,
          fingerprint: paymentFingerprint(payment.value),
          now: ctx.now(),
        })
        return
      }
      const ingested = await ingest(payment.value)
      await ctx.move(event, 'skipped', {
        reason: 'confirmed',
        detail: { paymentId: payment.value.id, ingest: ingested.outcome, mismatches },
        outcome: 'confirmed by Opayo',
      })
      ctx.emit({
        type: 'skipped',
        id: event.id,
        reason: 'confirmed',
        vendorTxCode: hint.vendorTxCode,
      })
      return
    }
  } else unconfirmed = confirmation.reason
  await ctx.settleFailure(
    event,
    { kind: 'unconfirmed', message: unconfirmed },
    { lastError: error, detail: { reason: unconfirmed, hint } },
  )
}
