import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'

/**
 * What a settlement marker is for: the batch event as a whole (`settlement`, the key a ledger
 * stores it under), one of the entries it posts, the adjustment of its deposit after posting, or
 * an explanation of its payout difference (a chargeback, a reserve, charges netted off).
 */
export const SETTLEMENT_MARKER_PURPOSES = [
  'settlement',
  'transfer',
  'fees',
  'fx',
  'deposit',
  'chargeback',
  'reserve',
  'charges',
] as const
export type SettlementMarkerPurpose = (typeof SETTLEMENT_MARKER_PURPOSES)[number]

/** @internal An Opayo batch id as it may appear in a marker: one word, no colon. */
export const BATCH_ID = /^[A-Za-z0-9._\-{}]{1,64}$/

/**
 * Opayo batch ids trimmed and upper-cased, so `' 1234ab '` and `'1234AB'` are the same batch (the
 * way {@link normaliseTransactionId} treats VPSTxIds).
 * @throws {InvalidArgumentError} when the id is empty, longer than 64 characters, or holds
 * anything but letters, digits and `-._{}` (a marker must stay one word).
 * @example normaliseBatchId(' 1234ab ') // '1234AB'
 */
export function normaliseBatchId(batchId: string): string {
  const id = batchId.trim().toUpperCase()
  if (!BATCH_ID.test(id)) {
    throw new InvalidArgumentError(
      `normaliseBatchId(): batch id "${batchId}" must be 1-64 letters, digits or -._{} characters.`,
    )
  }
  return id
}

/**
 * The deterministic idempotency marker of one settlement entry: `OPAYO-BATCH:{batchId}:{purpose}`.
 * The same scheme as {@link postingMarker} (`OPAYO:{transactionId}:{purpose}`) with a prefix of its
 * own, so a batch marker is never mistaken for a payment's ({@link findPostingMarker} does not
 * match it) and {@link findSettlementMarker} finds it in a journal's reference or description.
 * @throws {InvalidArgumentError} for a batch id {@link normaliseBatchId} rejects.
 * @example settlementMarker('1234', 'transfer') // 'OPAYO-BATCH:1234:transfer'
 */
export function settlementMarker(batchId: string, purpose: SettlementMarkerPurpose): string {
  return `OPAYO-BATCH:${normaliseBatchId(batchId)}:${purpose}`
}

// Any id between the colons, as findPostingMarker does: an odd id KashFlow holds must still be
// found so reconciliation can report it.
const MARKER =
  /OPAYO-BATCH:([^:\s]+):(settlement|transfer|fees|fx|deposit|chargeback|reserve|charges)\b/

/** A settlement marker found in text, and its parts. */
export interface SettlementMarkerMatch {
  readonly marker: string
  readonly batchId: string
  readonly purpose: SettlementMarkerPurpose
}

/**
 * Finds a settlement marker in free text (a journal's reference or description); undefined when
 * there is none. The sibling of {@link findPostingMarker}.
 * @example findSettlementMarker('OPAYO-BATCH:1234:fees Opayo fees') // { marker: 'OPAYO-BATCH:1234:fees', batchId: '1234', purpose: 'fees' }
 */
export function findSettlementMarker(text: string): SettlementMarkerMatch | undefined {
  const match = MARKER.exec(text)
  if (!match) return undefined
  return {
    marker: match[0],
    batchId: match[1] ?? '',
    purpose: (match[2] ?? 'settlement') as SettlementMarkerPurpose,
  }
}
