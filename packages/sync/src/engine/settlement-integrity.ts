// Two guards of clearing mode's settlement, each through the store's write-once primitives:
// a transaction is settled by one batch only (a claim in the transaction's own ledger), and a
// batch that Opayo changes after it was posted is surfaced as a dead letter of its own, never
// taken for a duplicate.
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'

/** The ledger marker of a transaction's settlement claim, in its payment event's ledger. */
export const SETTLED_MARKER = 'OPAYO-SETTLED'

/** A transaction of a batch and the event its payment was posted by. */
export interface SettlementClaim {
  readonly transactionId: string
  readonly eventId: string
}

/** A transaction another batch has already settled. */
export interface SettledElsewhere {
  readonly transactionId: string
  readonly batchId: string
}

/**
 * Claims each transaction for `batchId` before anything of the batch is written: an entry
 * `OPAYO-SETTLED` in the ledger of the event that posted the transaction, begun atomically by the
 * store (`ledgerBegin` returns the existing entry when there is one). Claiming again for the same
 * batch is a no-op, so a retried batch passes. Returns the transactions another batch holds; the
 * caller then dead-letters the batch, which posts nothing.
 * @example
 * const ctx = { store: memoryStore(), now: () => Date.now() }
 * const tx = { transactionId: 'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2', eventId: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment' }
 * await claimSettledTransactions(ctx, '1234', [tx]) // [] : batch 1234 holds it now
 * const elsewhere = await claimSettledTransactions(ctx, '1235', [tx])
 * console.log(elsewhere) // [{ transactionId: 'F955C22E-…', batchId: '1234' }]
 */
export async function claimSettledTransactions(
  ctx: Pick<EngineContext, 'store' | 'now'>,
  batchId: string,
  claims: readonly SettlementClaim[],
): Promise<SettledElsewhere[]> {
  const elsewhere: SettledElsewhere[] = []
  for (const claim of claims) {
    const holder = await claimForBatch(ctx, claim.eventId, SETTLED_MARKER, batchId)
    if (holder !== batchId) elsewhere.push({ transactionId: claim.transactionId, batchId: holder })
  }
  return elsewhere
}

/**
 * Claims a ledger key for one batch, first claim wins, atomically through the store's
 * `ledgerBegin` (which returns the existing entry when there is one): the batch now holding the
 * key, which is `batchId` when this claim won or the same batch claimed it before. The key is an
 * event's id (a transaction's settlement claim) or a key that is no event (a bank deposit's).
 * @example
 * const ctx = { store: memoryStore(), now: () => Date.now() }
 * const holder = await claimForBatch(ctx, 'deposit:55166:8001', 'OPAYO-DEPOSIT', '1234')
 * console.log(holder) // '1234', and '1234' again for any later batch
 */
export async function claimForBatch(
  ctx: Pick<EngineContext, 'store' | 'now'>,
  key: string,
  marker: string,
  batchId: string,
): Promise<string> {
  const { entry, created } = await ctx.store.ledgerBegin({
    eventId: key,
    marker,
    kind: 'batch-claim',
    request: { batchId },
    now: ctx.now(),
  })
  if (!created) return String((entry.request as { batchId?: unknown } | null)?.batchId)
  await ctx.store.ledgerComplete({ eventId: key, marker, result: { batchId }, now: ctx.now() })
  return batchId
}

/**
 * A batch Opayo reports again with other content after the engine wrote some of it to KashFlow
 * (or a charge statement re-imported with other lines: `reason` `charge_statement_changed`):
 * stored straight as a dead letter of its own (`{event id}:changed:{digest}`, reason
 * `settlement_batch_changed` by default) with the figures posted and the figures now reported, so a person
 * sees it in `dead-letters list` and the alert webhook. The same change polled again is a
 * duplicate of that dead letter, never a second one. Returns the dead letter's id.
 * @example
 * const ctx = { store: memoryStore(), now: () => Date.now(), emit: () => {}, logger: undefined }
 * const stored = await ctx.store.get('batch:1234')
 * const reported = { settlementBatch: { batchId: '1234', gross: { amount: 15000, currency: 'GBP' } } }
 * if (stored?.state === 'posted') await surfaceChangedBatch(ctx, stored, reported, 'a1b2c3d4e5f6a7b8c9d0')
 */
export async function surfaceChangedBatch(
  ctx: Pick<EngineContext, 'store' | 'now' | 'emit' | 'logger'>,
  stored: EventRecord,
  payload: unknown,
  fingerprint: string,
  reason: 'settlement_batch_changed' | 'charge_statement_changed' = 'settlement_batch_changed',
): Promise<string> {
  const id = `${stored.id}:changed:${fingerprint.slice(0, 16)}`
  const detail = {
    batchEventId: stored.id,
    state: stored.state,
    posted: stored.detail ?? null,
    reported: payload,
  }
  const result = await ctx.store.ingest({
    id,
    payment: payload,
    fingerprint,
    now: ctx.now(),
    dead: { reason, detail },
  })
  if (result.outcome === 'received') {
    ctx.logger?.warn?.('sync settlement batch changed after posting', { id, batch: stored.id })
    ctx.emit({ type: 'dead-lettered', id, reason })
  }
  return id
}

/**
 * An event ingested again with other content while nothing of it was written to KashFlow (no
 * ledger entry) and it is not being worked on (`received`, `waiting` or `dead`): the new content
 * replaces the stored one, as if it had arrived first, and `received` is emitted. False when
 * something was written (the caller then surfaces the change for a person) or it is in hand.
 * @example
 * async function corrected(ctx: Parameters<typeof supersedeUnwritten>[0], stored: EventRecord) {
 *   const replaced = await supersedeUnwritten(ctx, stored, { settlementBatch: { batchId: '1234' } }, 'b2c3d4e5f6a7b8c9d0e1')
 *   console.log(replaced ? 'queued with the new content' : 'a person looks')
 * }
 */
export async function supersedeUnwritten(
  ctx: Pick<EngineContext, 'store' | 'now' | 'emit'>,
  stored: EventRecord,
  payload: unknown,
  fingerprint: string,
): Promise<boolean> {
  const { id } = stored
  if (!['received', 'waiting', 'dead'].includes(stored.state)) return false
  if ((await ctx.store.ledger(id)).length > 0) return false
  if (!(await ctx.store.supersede({ id, payment: payload, fingerprint, now: ctx.now() })))
    return false
  ctx.emit({ type: 'received', id })
  return true
}
