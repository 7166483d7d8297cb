// The amount ceiling: a payment is never posted above what its invoice still owes (rules
// `overpayments: 'dead-letter'`, the default). The amount comes from the stored registration, which
// whoever can register or import decides; the invoice read for planning bounds it.
import { issue, toDecimalString } from '@opayo-kashflow/core'
import { invoiceAmountOwed } from '@opayo-kashflow/kashflow'
import type { Invoice } from '@opayo-kashflow/kashflow'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import type { WriteIntent } from './ledger.js'
import { resolutionOf } from './matching.js'
import type { MatchRecord } from './matching.js'

/** The dead-letter reason of a payment refused by the amount ceiling. */
export const OVERPAYMENT_REASON = 'overpayment'

/**
 * Dead-letters the event as `overpayment` and returns true when an invoice payment it would make
 * is more than the invoice (as read for planning) still owes, or what is owed cannot be told.
 * Returns false (post as planned) when the rules say `post`, for refunds and journals, when a
 * person resolved the event to that invoice, and when an earlier attempt already began the write
 * (the ledger's read-back decides then: the invoice may already show this payment).
 */
export async function refusedOverpayment(
  ctx: EngineContext,
  event: EventRecord,
  writes: readonly WriteIntent[],
  invoice: Invoice | undefined,
  match: MatchRecord | undefined,
): Promise<boolean> {
  if (ctx.options.rules.overpayments !== 'dead-letter' || match?.via === 'resolution') return false
  const payment = writes.find((w) => w.kind === 'invoice-payment')
  if (payment === undefined) return false
  const owed =
    invoice === undefined
      ? ({ known: false, reason: 'the invoice was not read' } as const)
      : invoiceAmountOwed(invoice, await ctx.homeCurrency())
  const amount = payment.amount
  const within =
    owed.known && owed.owed.currency === amount.currency && amount.amount <= owed.owed.amount
  if (within) return false
  // Rare from here on: the ledger and any resolution are read only now.
  const begun = (await ctx.store.ledger(event.id)).some(
    (l) => l.marker === payment.marker && l.state !== 'refused',
  )
  if (begun) return false
  const resolution = await resolutionOf(ctx.store, event.id)
  if (resolution?.invoiceNumber === payment.invoiceNumber) return false
  const shown = `${toDecimalString(amount)} ${amount.currency}`
  const message = owed.known
    ? `${shown} is more than the ${toDecimalString(owed.owed)} ${owed.owed.currency} invoice ${payment.invoiceNumber} still owes, so nothing was posted (rules.overpayments). Check the registration's amount; if the payment is right, resolve it to invoice ${payment.invoiceNumber} to post it anyway, or discard it and record it in KashFlow by hand.`
    : `What invoice ${payment.invoiceNumber} still owes cannot be told (${owed.reason}), so ${shown} was not posted (rules.overpayments). Check the invoice; resolve it to invoice ${payment.invoiceNumber} to post it anyway, or discard it.`
  await ctx.deadLetter(event, OVERPAYMENT_REASON, {
    detail: {
      issues: [issue('manual_review_required', ['amount'], message)],
      overpayment: {
        invoiceNumber: payment.invoiceNumber,
        amount,
        owed: owed.known ? owed.owed : 'unknown',
        ...(owed.known ? {} : { reason: owed.reason }),
      },
    },
    outcome: `${OVERPAYMENT_REASON}: ${shown} against invoice ${payment.invoiceNumber} owing ${owed.known ? toDecimalString(owed.owed) : 'unknown'}`,
  })
  return true
}
