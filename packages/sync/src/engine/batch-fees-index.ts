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
  readonly store: Pick<Store, 'ledgerBegin' | 'ledgerComplete' | 'ledger' | 'get'>
  readonly now: () => number
}

/** The month after `period` (YYYY-MM). */
function nextMonth(period: string): string {
  const [year = 0, month = 0] = period.split('-').map(Number)
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`
}

/**
 * Lists a batch under the month of its date (YYYY-MM-DD), once. The first batch ever listed also
 * records the month the list starts in: the later of its month and the current one, since a
 * batch settled before the list was kept (this month's, or an earlier one's) is not in it.
 * @example
 * await listBatch({ store: memoryStore(), now: Date.now }, 'batch:1234', '2026-10-30')
 */
export async function listBatch(ctx: IndexContext, eventId: string, date: string): Promise<void> {
  const period = date.slice(0, 7)
  const current = new Date(ctx.now()).toISOString().slice(0, 7)
  await ctx.store.ledgerBegin({
    eventId: SINCE,
    marker: 'since',
    kind: 'batch-fees',
    request: { period: period > current ? period : current },
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
 * The fees the month's batches booked: `booked` when every batch listed for it has posted (a
 * discarded one booked nothing) and a batch of a later month is listed (Opayo's batches after
 * the month are in, so none of the month's is still to come); `wait` while one has not posted (it
 * may still post, or be dead-lettered for a person) or no later batch is listed; `cannot-tell`
 * for a month up to the one the list started in (a batch settled before the list existed is
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
  const states = await Promise.all(
    entries.map(async (entry) =>
      entry.state === 'done' ? 'posted' : (await ctx.store.get(entry.marker))?.state,
    ),
  )
  // A discarded batch was closed by a person without posting: it booked no fees.
  const open = entries.filter((_, i) => states[i] !== 'posted' && states[i] !== 'discarded')
  if (open.length > 0)
    return {
      kind: 'wait',
      message: `${open.length} batch(es) of ${period} are not settled yet (${open.map((e) => e.marker).join(', ')}): the true-up waits for them.`,
    }
  if (entries.length === 0)
    return { kind: 'cannot-tell', message: `No settlement batch of ${period} is known.` }
  const later = nextMonth(period)
  if ((await ctx.store.ledger(keyOf(later))).length === 0)
    return {
      kind: 'wait',
      message: `No settlement batch of ${later} is known yet: the true-up of ${period} waits until Opayo's batches after the month are in, so none of ${period}'s is still to come.`,
    }
  const sum = entries.reduce((total, entry, i) => {
    if (states[i] === 'discarded') return total
    const fees = (entry.result as { fees?: Money } | null)?.fees
    return total + (fees?.currency === currency ? fees.amount : Number.NaN)
  }, 0)
  if (!Number.isSafeInteger(sum))
    return {
      kind: 'cannot-tell',
      message: `A batch of ${period} booked its fees in another currency than ${currency}.`,
    }
  const batches = states.filter((state) => state === 'posted').length
  return { kind: 'booked', fees: money(sum, currency), batches }
}
