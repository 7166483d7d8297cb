import { MoneySchema, PAYMENT_PROTOCOLS, normaliseTransactionId } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import { z } from 'zod'

/**
 * A claim that a payment happened which Opayo has not signed: a Form return (it travels through
 * the shopper's browser), a Pi result handed over by an app, or any canonical payment whose
 * `source.verified` is false. A hint never moves money itself: the engine asks Opayo (through
 * `confirmHint`) and posts only what Opayo says.
 */
export const PaymentHintSchema = z.object({
  /** The channel the claim arrived on. */
  protocol: z.enum(PAYMENT_PROTOCOLS),
  /** Opayo's transaction id (VPSTxId or Pi transactionId), normalised: no braces, upper case. */
  transactionId: z.string().min(1).max(64),
  /** The VendorTxCode the claim names. */
  vendorTxCode: z.string().min(1).max(40),
  /** For refunds and repeats handed over by an app: the original transaction. */
  relatedTransactionId: z.string().min(1).max(64).optional(),
  /** What the claim said, kept only to report a mismatch with what Opayo says. Never posted. */
  claimed: z
    .object({ status: z.string().max(32).optional(), amount: MoneySchema.optional() })
    .optional(),
  /** When the claim arrived (ISO 8601). */
  receivedAt: z.string(),
})
/** An unsigned claim of a payment, waiting for Opayo to confirm it. */
export type PaymentHint = z.output<typeof PaymentHintSchema>

/** What `confirmHint` found out from Opayo. */
export type HintConfirmation =
  /** Opayo's own record of the transaction (Reporting API or Pi GET), as a canonical payment. */
  | { readonly outcome: 'confirmed'; readonly payment: CanonicalPayment }
  /** Opayo cannot confirm it (yet): the hint is asked again on the confirmation schedule. */
  | { readonly outcome: 'unconfirmed'; readonly reason: string }

/**
 * The event id a hint is stored under: one per channel and VendorTxCode (compared exactly, as
 * Opayo does), so every later claim about a code with a pending hint is folded into that hint
 * instead of becoming another event that Opayo is asked about on its own schedule. A
 * VendorTxCode names one Opayo transaction, so nothing a genuine hint needs is lost.
 * @example hintEventId({ protocol: 'form', transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2', vendorTxCode: 'INV-1042-1', receivedAt: '2024-05-01T10:00:00Z' }) // 'hint:form:INV-1042-1'
 */
export const hintEventId = (hint: PaymentHint): string =>
  `hint:${hint.protocol}:${hint.vendorTxCode}`

/**
 * How many times a pending hint takes the transaction id of a later claim for its VendorTxCode.
 * A later claim naming another transaction (the shopper's genuine return after a forged one)
 * replaces the pending hint's and restarts its confirmation schedule; bounded, so claims cycling
 * transaction ids cannot restart it for ever (the Reporting poll still finds a genuine payment).
 */
export const MAX_HINT_REVISIONS = 3

/** The stored payload of a hint event. */
export interface HintPayload {
  readonly hint: PaymentHint
  /** Times a later claim replaced the transaction id (at most {@link MAX_HINT_REVISIONS}). */
  readonly revisions?: number
  /** Transaction ids earlier claims named, oldest first (kept for the record, never asked). */
  readonly earlierTransactionIds?: readonly string[]
}

/** The hint in a stored payload, or undefined when the payload is not a hint. */
export function hintOf(payload: unknown): PaymentHint | undefined {
  if (payload === null || typeof payload !== 'object' || !('hint' in payload)) return undefined
  const parsed = PaymentHintSchema.safeParse(payload.hint)
  return parsed.success ? parsed.data : undefined
}

/**
 * An unverified canonical payment, seen as the hint it is: its transaction and VendorTxCode, with
 * its status and amount kept only as the claim (never posted).
 * @example
 * // A Form return: the shopper's browser brought it back, so it is only a claim
 * const crypt = new URL(request.url).searchParams.get('crypt') ?? ''
 * const opened = createFormDecryptor('55a51621a6648525')(crypt)
 * const formReturn = opened.ok ? parseFormReturn(opened.fields) : undefined
 * if (formReturn?.ok) {
 *   const receivedAt = new Date().toISOString()
 *   const payment = toCanonicalPayment({ protocol: 'form', formReturn: formReturn.value, receivedAt })
 *   if (payment.ok) await engine.ingestHint(hintFromPayment(payment.value))
 * }
 */
export function hintFromPayment(payment: CanonicalPayment): PaymentHint {
  return {
    protocol: payment.source.protocol,
    transactionId: normaliseTransactionId(payment.source.transactionId),
    vendorTxCode: payment.source.vendorTxCode,
    ...(payment.source.relatedTransactionId
      ? { relatedTransactionId: payment.source.relatedTransactionId }
      : {}),
    claimed: { status: payment.status, amount: payment.amount },
    receivedAt: payment.occurredAt,
  }
}

/** Where a confirmed payment differs from what the hint claimed (for the log and the record). */
export function hintMismatches(hint: PaymentHint, payment: CanonicalPayment): string[] {
  const found: string[] = []
  if (hint.vendorTxCode !== payment.source.vendorTxCode)
    found.push(`vendorTxCode: claimed ${hint.vendorTxCode}, Opayo ${payment.source.vendorTxCode}`)
  const amount = hint.claimed?.amount
  if (
    amount &&
    (amount.amount !== payment.amount.amount || amount.currency !== payment.amount.currency)
  )
    found.push(
      `amount: claimed ${amount.amount} ${amount.currency}, Opayo ${payment.amount.amount} ${payment.amount.currency}`,
    )
  const status = hint.claimed?.status
  if (status !== undefined && status !== payment.status)
    found.push(`status: claimed ${status}, Opayo ${payment.status}`)
  return found
}
