// The fees each settlement batch booked, listed per month of its Opayo date, for the true-up of
// per-batch fee estimates against the acquirer's monthly statement: a batch is listed when it is
// stored (an entry begun: not settled yet) and its fees recorded when it posts (the entry done).
// One ledger key per month, `batch-fees:{YYYY-MM}`; reading a month never scans the events table.
import { money } from '@opayo-kashflow/core'
import type { CurrencyCode, Money, SettlementTotals } from '@opayo-kashflow/core'
import type { Store } from '../store/store.js'

/** The ledger key a month's batches are listed under. */
const keyOf = (period: string) => `batch-fees:${period}`
/** The ledger key that holds the first month the list was kept for. */
const SINCE = 'batch-fees:since'

type IndexContext = {
  readonly store: Pick<Store, 'ledgerBegin' | 'ledgerComplete' | 'ledger'>
  readonly now: () => number
}

/**
 * Lists a batch under the month of its date (YYYY-MM-DD), once; the first batch ever listed also
 * records its month as the first the list is complete after.
 * @example
 * await listBatch({ store: memoryStore(), now: Date.now }, 'batch:1234', '2026-10-30')
 */
export async function listBatch(ctx: IndexContext, eventId: string, date: string): Promise<void> {
  const period = date.slice(0, 7)
  await ctx.store.ledgerBegin({
    eventId: SINCE,
    marker: 'since',
    kind: 'batch-fees',
    request: { period },
    now: ctx.now(),
  })
  await ctx.store.ledgerBegin({
    eventId: keyOf(period),
    marker: eventId,
    kind: 'batch-fees',
    request: { date },
    now: ctx.now(),
  })
}

/**
 * Records what a posted batch's fee journal booked, home currency: the planned fees and the
 * difference the deposit showed (listing the batch first if it was stored before the list was
 * kept). Safe to repeat.
 * @example
 * const totals = { feesHome: money(216, 'GBP'), feeDifference: money(3, 'GBP') }
 * await recordBatchFees({ store: memoryStore(), now: Date.now }, 'batch:1234', '2026-10-30', totals)
 */
export async function recordBatchFees(
  ctx: IndexContext,
  eventId: string,
  date: string,
  totals: Pick<SettlementTotals, 'feesHome' | 'feeDifference'>,
): Promise<void> {
  const { feesHome, feeDifference } = totals
  const fees = money(feesHome.amount + feeDifference.amount, feesHome.currency)
  await listBatch(ctx, eventId, date)
  await ctx.store.ledgerComplete({
    eventId: keyOf(date.slice(0, 7)),
    marker: eventId,
    result: { fees },
    now: ctx.now(),
  })
}

/** What the month's batches booked in fees, or why it cannot be told yet. */
export type BookedFees =
  | { readonly kind: 'booked'; readonly fees: Money; readonly batches: number }
  | { readonly kind: 'wait'; readonly message: string }
  | { readonly kind: 'cannot-tell'; readonly message: string }

/**
 * The fees the month's batches booked: `booked` when every batch listed for it has posted;
 * `wait` while one has not (it may still post, or be dead-lettered for a person); `cannot-tell`
 * for a month up to the first the list was kept in (a batch settled before the list existed is
 * missing from it), or a month with no batch at all.
 * @example
 * const booked = await bookedFees({ store: memoryStore(), now: Date.now }, '2026-10', 'GBP')
 * if (booked.kind === 'booked') console.log(booked.fees, booked.batches)
 */
export async function bookedFees(
  ctx: IndexContext,
  period: string,
  currency: CurrencyCode,
): Promise<BookedFees> {
  const since = (await ctx.store.ledger(SINCE))[0]?.request as { period?: string } | undefined
  if (since?.period === undefined || period <= since.period)
    return {
      kind: 'cannot-tell',
      message: `The fees booked per batch are listed from the month after ${since?.period ?? '(no batch yet)'} on; for ${period} a batch settled before the list was kept may be missing, so the true-up cannot be worked out. Post it by hand, or state the month's charges with from: "clearing".`,
    }
  const entries = await ctx.store.ledger(keyOf(period))
  const open = entries.filter((entry) => entry.state !== 'done')
  if (open.length > 0)
    return {
      kind: 'wait',
      message: `${open.length} batch(es) of ${period} are not settled yet (${open.map((e) => e.marker).join(', ')}): the true-up waits for them.`,
    }
  if (entries.length === 0)
    return { kind: 'cannot-tell', message: `No settlement batch of ${period} is known.` }
  const sum = entries.reduce((total, entry) => {
    const fees = (entry.result as { fees?: Money } | null)?.fees
    return total + (fees?.currency === currency ? fees.amount : Number.NaN)
  }, 0)
  if (!Number.isSafeInteger(sum))
    return {
      kind: 'cannot-tell',
      message: `A batch of ${period} booked its fees in another currency than ${currency}.`,
    }
  return { kind: 'booked', fees: money(sum, currency), batches: entries.length }
}
