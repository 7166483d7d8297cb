// Confirming a hint: only what Opayo itself says moves money. A Form return or a Pi hand-over
// is re-read from Opayo (Pi's own record, and the Reporting API where it can say), paced by the
// confirmation budget; anything still in progress, missing or unreadable stays unconfirmed.
import { toCanonicalPayment } from '@opayo-kashflow/opayo'
import type { OpayoPiClient, OpayoReportingClient } from '@opayo-kashflow/opayo'
import type { RateBudget, RateBudgetOptions } from '@opayo-kashflow/kashflow'
import type { HintConfirmation, PaymentHint } from '@opayo-kashflow/sync'
import { confirmationReads } from './confirmation-budget.js'

/**
 * Internal: the service's `confirmHint`, over the Reporting client (paced by `budget`) and the
 * Pi client, either of which may be absent.
 */
export function hintConfirmer(input: {
  readonly reporting: OpayoReportingClient | undefined
  readonly pi: OpayoPiClient | undefined
  readonly budget: RateBudget | RateBudgetOptions | undefined
  readonly clock: { now(): number } | undefined
  readonly sleep: ((ms: number) => Promise<void>) | undefined
}): (hint: PaymentHint) => Promise<HintConfirmation> {
  const { reporting, pi } = input
  const confirmationRead = reporting
    ? confirmationReads({
        reporting,
        budget: input.budget,
        clock: input.clock,
        sleep: input.sleep,
      })
    : undefined

  const isNotFound = (error: unknown) =>
    (error as { code?: unknown } | null)?.code === 'opayo_not_found'

  async function fromReporting(hint: PaymentHint): Promise<HintConfirmation> {
    if (!confirmationRead)
      return { outcome: 'unconfirmed', reason: 'No Reporting client is configured to confirm it.' }
    let row
    try {
      row = await confirmationRead(hint.transactionId)
    } catch (error) {
      if (isNotFound(error))
        return { outcome: 'unconfirmed', reason: 'The Reporting API has no such transaction.' }
      throw error
    }
    const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
    if (!payment.ok)
      return {
        outcome: 'unconfirmed',
        reason: `The Reporting API's record cannot be read: ${payment.issues.map((i) => i.message).join(' ')}`,
      }
    if (payment.value.status === 'pending' || payment.value.status === 'requires_action')
      return { outcome: 'unconfirmed', reason: 'Opayo reports the transaction still in progress.' }
    return { outcome: 'confirmed', payment: payment.value }
  }

  async function confirmHint(hint: PaymentHint): Promise<HintConfirmation> {
    if (hint.protocol !== 'pi' || !pi) return fromReporting(hint)
    let transaction
    try {
      transaction = await pi.transactions.get(hint.transactionId)
    } catch (error) {
      if (isNotFound(error))
        return { outcome: 'unconfirmed', reason: 'Opayo Pi has no such transaction.' }
      throw error
    }
    if (transaction.status === '3DAuth')
      return { outcome: 'unconfirmed', reason: 'The transaction still awaits 3-D Secure.' }
    const payment = toCanonicalPayment({
      protocol: 'pi',
      transaction,
      vendorTxCode: hint.vendorTxCode,
      ...(hint.relatedTransactionId ? { relatedTransactionId: hint.relatedTransactionId } : {}),
      receivedAt: hint.receivedAt,
    })
    if (payment.ok && reporting) {
      // Pi does not return the vendorTxCode, so the hand-over names it. Where the Reporting API
      // can say, it must agree: a hand-over cannot move a transaction to another invoice.
      const record = await fromReporting(hint)
      if (
        record.outcome === 'confirmed' &&
        record.payment.source.vendorTxCode !== hint.vendorTxCode
      )
        return {
          outcome: 'unconfirmed',
          reason: `Opayo records this transaction under VendorTxCode ${record.payment.source.vendorTxCode}, not ${hint.vendorTxCode}.`,
        }
    }
    if (payment.ok) return { outcome: 'confirmed', payment: payment.value }
    // Pi leaves the amount out of some answers (refunds): the Reporting API has it.
    if (reporting) return fromReporting(hint)
    return {
      outcome: 'unconfirmed',
      reason: `Opayo Pi's record is incomplete (${payment.issues.map((i) => i.message).join(' ')}) and no Reporting client is configured.`,
    }
  }

  return confirmHint
}
