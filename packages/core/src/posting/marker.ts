import { normaliseTransactionId } from '../model/canonical-payment.js'
import type { PaymentKind } from '../model/canonical-payment.js'

/**
 * What a marker is for: the money posting of a payment kind, the customer upsert, or the credit
 * note a `credit-note` refund creates before it pays it.
 */
export type MarkerPurpose = PaymentKind | 'customer' | 'creditnote'

/**
 * The deterministic idempotency marker of one posting: `OPAYO:{transactionId}:{purpose}`. It is
 * written into KashFlow with the posting and read back after an ambiguous failure, so the same
 * Opayo event can never be posted twice.
 * @example postingMarker('{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}', 'payment') // 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment'
 * @example postingMarker('043D6711-E722-ACC6-2C2E-B03E00BF7603', 'creditnote') // 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote'
 */
export function postingMarker(transactionId: string, purpose: MarkerPurpose): string {
  return `OPAYO:${normaliseTransactionId(transactionId)}:${purpose}`
}

// Any id between the colons, not only a well-formed one: a marker KashFlow holds with an odd id
// (a forged or mangled transaction id) must still be found, so reconciliation reports it.
const MARKER =
  /OPAYO:([^:\s]+):(payment|refund|authorisation|capture|void|cancel|customer|creditnote)\b/

/** Finds a posting marker in free text (a payment note); undefined when there is none. */
export function findPostingMarker(
  text: string,
): { marker: string; transactionId: string; purpose: MarkerPurpose } | undefined {
  const match = MARKER.exec(text)
  if (!match) return undefined
  return {
    marker: match[0],
    transactionId: match[1] ?? '',
    purpose: (match[2] ?? 'payment') as MarkerPurpose,
  }
}
