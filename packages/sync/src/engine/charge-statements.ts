// Which charge statements the store holds, and where each stands, for an operator (`status`,
// `reconcile`): the engine indexes each statement under one ledger key when it is stored or
// processed, so reading them never scans the events table.
import { format, money } from '@opayo-kashflow/core'
import type { EventRecord, EventState, Store } from '../store/store.js'
import { chargeStatementOf } from './charges.js'
import type { PostedChargesRecord } from './charges.js'

/** The ledger key under which every charge statement is listed (one entry per statement). */
export const CHARGE_STATEMENT_INDEX = 'charges-index'

/**
 * Lists a charge statement's event in the index, once (a repeat changes nothing).
 * @example
 * async function index(store: Store) {
 *   await indexChargeStatement({ store, now: Date.now }, 'charges:ELV-2026-10')
 * }
 */
export async function indexChargeStatement(
  ctx: {
    readonly store: Pick<Store, 'ledgerBegin' | 'ledgerComplete'>
    readonly now: () => number
  },
  eventId: string,
): Promise<void> {
  const { entry } = await ctx.store.ledgerBegin({
    eventId: CHARGE_STATEMENT_INDEX,
    marker: eventId,
    kind: 'index',
    request: { eventId },
    now: ctx.now(),
  })
  if (entry.state !== 'done')
    await ctx.store.ledgerComplete({
      eventId: CHARGE_STATEMENT_INDEX,
      marker: eventId,
      result: { eventId },
      now: ctx.now(),
    })
}

/** Where one charge statement stands. */
export interface ChargeStatementSummary {
  readonly statementId: string
  /** Its event (`charges:{statementId}`). */
  readonly id: string
  readonly state: EventState
  /** The first and last day of its lines, YYYY-MM-DD. */
  readonly from: string
  readonly to: string
  readonly lines: number
  /** Net plus VAT over its lines, as text (credits subtracted). */
  readonly total: string
  /** Posted: what came off the bank and off clearing, as text. */
  readonly fromBank?: string
  readonly fromClearing?: string
  /** Posted with deposits read from the bank: the bank line that showed its direct debit. */
  readonly debit?: PostedChargesRecord['debit']
  /** Waiting or dead: why, in words (the last error's message, or the dead letter's reason). */
  readonly why?: string
}

/**
 * Every indexed charge statement with its state, oldest first: posted (with what came off each
 * account and the bank's debit line), waiting (why: a debit the bank has not shown yet), or dead
 * (the reason). A statement whose event cannot be read is left out.
 * @example
 * const admin = createSyncAdmin({ store })
 * for (const s of await admin.chargeStatements()) console.log(s.statementId, s.state, s.why ?? '')
 */
export async function chargeStatementSummaries(
  store: Pick<Store, 'ledger' | 'get'>,
): Promise<ChargeStatementSummary[]> {
  const entries = await store.ledger(CHARGE_STATEMENT_INDEX)
  const events = await Promise.all(entries.map((entry) => store.get(entry.marker)))
  return events.flatMap((event) => {
    const summary = event && summaryOf(event)
    return summary ? [summary] : []
  })
}

function summaryOf(event: EventRecord): ChargeStatementSummary | undefined {
  const statement = chargeStatementOf(event.payment)
  if (!statement) return undefined
  const days = statement.lines.map((line) => line.date).sort()
  const total = statement.lines.reduce((sum, l) => sum + l.net.amount + l.vat.amount, 0)
  const posted = event.state === 'posted' ? (event.detail as PostedChargesRecord) : undefined
  const off = (from: 'bank' | 'clearing') =>
    format(
      money(
        (posted?.lines ?? [])
          .filter((l) => l.from === from)
          .reduce((sum, l) => sum + (l.direction === 'paidOut' ? 1 : -1) * l.amount.amount, 0),
        statement.currency,
      ),
    )
  const why =
    event.state === 'posted'
      ? undefined
      : event.state === 'dead' || event.state === 'discarded'
        ? event.reason
        : event.lastError?.message
  return {
    statementId: statement.statementId,
    id: event.id,
    state: event.state,
    from: days[0] ?? '',
    to: days[days.length - 1] ?? '',
    lines: statement.lines.length,
    total: format(money(total, statement.currency)),
    ...(posted ? { fromBank: off('bank'), fromClearing: off('clearing') } : {}),
    ...(posted?.debit ? { debit: posted.debit } : {}),
    ...(why === undefined ? {} : { why }),
  }
}
