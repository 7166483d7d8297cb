// One claimed event, start to end: a hint goes to Opayo; a payment is looked up (the one invoice
// read), planned by core, posted through the ledger, and any failure goes to the failure policy.
import { parseCanonicalPayment, planPostings } from '@opayo-kashflow/core'
import type {
  CanonicalPayment,
  CurrencyCode,
  RateRecord,
  ReferenceParser,
} from '@opayo-kashflow/core'
import { invoiceCurrency as invoiceCurrencyOf } from '@opayo-kashflow/kashflow'
import type { Invoice } from '@opayo-kashflow/kashflow'
import type { EventRecord, RecordedError } from '../store/store.js'
import { processHint } from './confirm-hint.js'
import type { EngineContext } from './context.js'
import { rememberError } from './context.js'
import { cannotTellOf, classify } from './errors.js'
import type { FailureCause } from './failure-policy.js'
import { hintFromPayment, hintOf } from './hints.js'
import type { Ingest } from './ingest.js'
import { NeedsReview, executeIntent } from './ledger.js'
import type { WriteIntent } from './ledger.js'
import { isLeaseLost } from './leases.js'
import { processSettlement } from './settlement.js'
import { chargeStatementOf, processChargeStatement } from './charges.js'
import { depositAdjustmentOf, processAdjustment } from './settlement-adjustment.js'
import { settlementBatchOf } from './settlement-types.js'
import { lookUpWithMatching } from './matching.js'
import { refusedOverpayment } from './overpayment.js'
import { refusedCreditNote } from './credit-note.js'

/** The invoice a payment names is not in KashFlow yet: deferred on the not-found schedule. */
class InvoiceNotFoundYet extends Error {
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
 * What planning needs from KashFlow and the rate provider: the invoice's currency (and the
 * invoice itself, whose payment lines are the ledger's pre-image), and a rate when currencies
 * differ. Only a succeeded money movement reads anything.
 */
async function lookUp(
  ctx: EngineContext,
  payment: CanonicalPayment,
  references: ReferenceParser = ctx.options.references,
): Promise<{
  readonly plan: {
    readonly invoiceCurrency?: CurrencyCode
    readonly homeCurrency?: CurrencyCode
    readonly rate?: RateRecord
  }
  readonly invoice: Invoice | undefined
}> {
  const { options, kashflow } = ctx
  const reference = payment.invoiceReference ?? payment.source.vendorTxCode
  const invoiceNumber = references.parse(reference)
  let invoiceCurrency: CurrencyCode | undefined
  let homeCurrency: CurrencyCode | undefined
  let target: CurrencyCode | undefined
  let invoice: Invoice | undefined
  if (
    ['payment', 'capture', 'refund'].includes(payment.kind) &&
    payment.status === 'succeeded' &&
    payment.amount.amount > 0
  ) {
    if (invoiceNumber.ok) {
      try {
        // The one invoice read a payment needs: existence, currency, and the pre-image of its
        // payment lines for the read-back (passed to the write, which then reads nothing).
        invoice = await kashflow.invoices.get(invoiceNumber.value)
        invoiceCurrency = invoiceCurrencyOf(invoice, await ctx.homeCurrency())
        target = invoiceCurrency
      } catch (error) {
        if (classify(error, { invoiceLookup: true }).kind === 'deferred')
          throw new InvoiceNotFoundYet(invoiceNumber.value, reference, error)
        throw error
      }
    } else if (options.rules.unmatchedReference.action === 'suspense-journal') {
      homeCurrency = await ctx.homeCurrency()
      target = homeCurrency
    }
  }
  let rate: RateRecord | undefined
  if (target !== undefined && target !== payment.amount.currency && options.rates) {
    rate = await options.rates.rate(payment.amount.currency, target, payment.occurredAt)
  }
  return {
    plan: {
      ...(invoiceCurrency ? { invoiceCurrency } : {}),
      ...(homeCurrency ? { homeCurrency } : {}),
      ...(rate ? { rate } : {}),
    },
    invoice,
  }
}

/** A failed attempt, classified for the failure policy, with the detail a dead letter keeps. */
function causeOf(
  error: unknown,
  recorded: RecordedError,
): { readonly cause: FailureCause; readonly detail: unknown } {
  if (error instanceof NeedsReview)
    return {
      cause: { kind: 'needs-review' },
      detail: { invoiceNumber: error.invoiceNumber, candidates: error.candidates },
    }
  const cannotTell = cannotTellOf(error)
  if (cannotTell) return cannotTell
  if (error instanceof InvoiceNotFoundYet)
    return {
      cause: { kind: 'deferred' },
      detail: { invoiceNumber: error.invoiceNumber, reference: error.reference },
    }
  // Outside the invoice lookup a missing anything is permanent, never deferred.
  return { cause: classify(error, { invoiceLookup: false }), detail: { error: recorded } }
}

/** Plans and posts one claimed event, or hands a hint to Opayo; never throws for the event's own failures. */
export async function processEvent(
  ctx: EngineContext,
  ingest: Ingest['ingest'],
  event: EventRecord,
): Promise<void> {
  const { options, move, emit, deadLetter } = ctx
  const hint = hintOf(event.payment)
  if (hint) return processHint(ctx, ingest, event, hint)
  const batch = settlementBatchOf(event.payment)
  if (batch) return processSettlement(ctx, event, batch)
  const adjustment = depositAdjustmentOf(event.payment)
  if (adjustment) return processAdjustment(ctx, event, adjustment)
  const charges = chargeStatementOf(event.payment)
  if (charges) return processChargeStatement(ctx, event, charges)
  const parsed = parseCanonicalPayment(event.payment)
  if (!parsed.ok) {
    await deadLetter(event, 'invalid_payment', {
      detail: { issues: parsed.issues },
      outcome: 'invalid payment',
    })
    return
  }
  const payment = parsed.value
  // Money moves only on what Opayo signed or what was read from Opayo: anything else is a hint
  // (here: an unverified payment stored before hints had their own ids).
  if (payment.source.verified !== true)
    return processHint(ctx, ingest, event, hintFromPayment(payment))
  try {
    // When the reference fails: a person's resolution, or matching (see matching.ts).
    const placed = await lookUpWithMatching(
      ctx,
      event,
      payment,
      (references) => lookUp(ctx, payment, references),
      (error) => (error instanceof InvoiceNotFoundYet ? error : undefined),
    )
    if (!placed) return // dead-lettered with the ranked candidates, for a person
    const { looked, match } = placed
    // What the log lines name: the VendorTxCode, and the invoice once it is read or matched.
    const invoiceNumber = looked.invoice?.Number ?? match?.invoiceNumber
    const refs = {
      vendorTxCode: payment.source.vendorTxCode,
      ...(invoiceNumber === undefined ? {} : { invoice: String(invoiceNumber) }),
    }
    const intents = planPostings(payment, options.rules, {
      references: placed.references,
      ...(options.customFields ? { customFields: options.customFields } : {}),
      ...looked.plan,
    })
    // planPostings returns a skip or a dead letter alone, never beside writes.
    const [first] = intents
    if (first?.kind === 'dead-letter') {
      await deadLetter(event, first.reason, {
        detail: { issues: first.issues },
        outcome: `dead-lettered by rule: ${first.reason}`,
      })
      return
    }
    if (first?.kind === 'skip') {
      await move(event, 'skipped', {
        reason: first.reason,
        detail: { message: first.message },
        outcome: `skipped: ${first.reason}`,
      })
      emit({ type: 'skipped', id: event.id, reason: first.reason, ...refs })
      return
    }
    const writes = intents.filter(
      (i): i is WriteIntent => i.kind !== 'skip' && i.kind !== 'dead-letter',
    )
    // The amount ceiling, against the invoice already read: dead-lettered for a person if above.
    if (await refusedOverpayment(ctx, event, writes, looked.invoice, match)) return
    // A credit-note refund whose lines the invoice cannot give: dead-lettered with the reason.
    if (await refusedCreditNote(ctx, event, writes, looked.invoice)) return
    const kinds = writes.map((i) => i.kind)
    if (
      !(await move(event, 'planned', {
        keepClaim: true,
        outcome: 'planned',
        detail: { intents: kinds },
      }))
    )
      return
    emit({ type: 'planned', id: event.id, intents: kinds, ...refs })
    if (!(await move(event, 'posting', { keepClaim: true, outcome: 'posting' }))) return
    const markers: string[] = []
    for (const intent of writes)
      markers.push(await executeIntent(ctx, event, intent, looked.invoice, match))
    ctx.gate.setConsecutiveFailures(0)
    // The writes are in the ledger either way; if the claim was lost meanwhile, the new holder
    // finds them done and records the event as posted.
    if (
      await move(event, 'posted', {
        outcome: match ? `posted (invoice ${match.invoiceNumber} by ${match.via})` : 'posted',
        detail: { markers, ...(match ? { match } : {}) },
      })
    )
      emit({ type: 'posted', id: event.id, markers, ...refs })
  } catch (error) {
    if (isLeaseLost(error)) {
      // Another loop or worker holds the event now: drop it without a write, a transition or a
      // failure (the new holder continues from the ledger; nothing is counted against KashFlow).
      ctx.logger?.warn?.('sync lease lost', { id: error.eventId, worker: error.worker })
      return
    }
    const recorded = rememberError(ctx, event.id, error)
    const { cause, detail } = causeOf(error, recorded)
    await ctx.settleFailure(event, cause, { lastError: recorded, detail })
  }
}
