// Lines of the real bank account, from KashFlow's bank feed or the bank's own statement exports,
// found by amount and date window (core's matchDeposit) and claimed for one holder only: a
// batch's deposit, a charge statement's direct debit, a chargeback debited on its own.
import { addDays, format, matchDeposit, money, negate } from '@opayo-kashflow/core'
import type { CurrencyCode, DepositCandidate, DepositLine, Money } from '@opayo-kashflow/core'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { claimForBatch } from './settlement-integrity.js'
import type { SettlementDepositsOptions } from './settlement-deposits.js'

/** The ledger marker of a bank line's claim, under the key `deposit:` or `debit:{bankAccountId}:{lineId}`. */
const DEPOSIT_MARKER = 'OPAYO-DEPOSIT'

/** A bank line to find and claim: money in (a deposit) or out (a direct debit), for one holder. */
export interface WantedBankLine {
  /** What claims the line: a batch id, or a charge statement's event id. */
  readonly holder: string
  readonly direction: 'in' | 'out'
  /** Positive: what should have moved. */
  readonly amount: Money
  /** Minor units the line may differ by. */
  readonly tolerance: number
  /** The first and last day the line may be dated, YYYY-MM-DD. */
  readonly from: string
  readonly to: string
}

/** The line found and claimed (its amount positive), or why the holder waits. */
export type BankLineFinding =
  | { readonly kind: 'found'; readonly line: DepositLine }
  | {
      readonly kind: 'wait'
      readonly message: string
      readonly candidates: readonly DepositCandidate[]
    }

/**
 * Finds the one bank line that shows `wanted` (core's {@link matchDeposit} over the source's
 * lines in the window, money in or out, less those another holder claimed) and claims it for
 * `wanted.holder` in the store's ledger under `deposit:{account}:{id}` (money in) or
 * `debit:{account}:{id}` (money out), atomically: of two holders racing for one line, the second
 * leaves it out and looks again. A line the holder claimed before is taken again at once (a retry
 * after a crash never finds a second candidate). Several candidates, or none: the holder waits,
 * with the reasons.
 * @example
 * async function debitOf(ctx: Parameters<typeof findBankLine>[0]) {
 *   const found = await findBankLine(ctx, 'statement', 55166, {
 *     holder: 'charges:ELV-2026-10', direction: 'out', amount: money(2160, 'GBP'),
 *     tolerance: 0, from: '2026-11-03', to: '2026-11-08',
 *   })
 *   if (found.kind === 'found') console.log(found.line.id, found.line.date)
 * }
 */
export async function findBankLine(
  ctx: Pick<EngineContext, 'kashflow' | 'store' | 'now'>,
  source: SettlementDepositsOptions['source'],
  account: number,
  wanted: WantedBankLine,
): Promise<BankLineFinding> {
  const what = wanted.direction === 'in' ? 'deposits' : 'debits'
  const expected = { ...wanted, batchId: wanted.holder }
  const { lines: free, held } = await freeLines(ctx, source, account, wanted)
  // A line this holder claimed on an earlier try is its own, whatever else has arrived since,
  // while it still fits (a statement replaced before anything was written may want another).
  if (held && matchDeposit(expected, [held]).kind === 'matched')
    return { kind: 'found', line: held }
  for (let left = free.filter((line) => line.id !== held?.id); ;) {
    const found = matchDeposit(expected, left)
    if (found.kind === 'none')
      return {
        kind: 'wait',
        message:
          wanted.direction === 'in'
            ? found.message
            : `No debit of ${format(wanted.amount)} between ${wanted.from} and ${wanted.to} for ${describeHolder(wanted.holder)}.`,
        candidates: [],
      }
    if (found.kind === 'ambiguous') {
      const how = wanted.direction === 'in' ? 'set it with settlement received' : 'a person chooses'
      return {
        kind: 'wait',
        message: `${found.candidates.length} ${what} could be ${describeHolder(wanted.holder)}'s: ${how} (${found.candidates.map((c) => c.reason).join('; ')}).`,
        candidates: found.candidates,
      }
    }
    if (await claimLine(ctx, account, wanted.direction, found.line, wanted.holder))
      return { kind: 'found', line: found.line }
    left = left.filter((line) => line.id !== found.line.id)
  }
}

const describeHolder = (holder: string) =>
  holder.startsWith('charges:') ? `statement ${holder.slice('charges:'.length)}` : `batch ${holder}`

const keyOf = (account: number, direction: 'in' | 'out', line: DepositLine) =>
  `${direction === 'in' ? 'deposit' : 'debit'}:${account}:${line.id}`

/**
 * The account's lines in the window and currency, as the source shows them (money in positive,
 * out negative). From KashFlow: leaving out lines of ours (their comment starts with an OPAYO-
 * marker).
 */
async function bankLinesIn(
  ctx: Pick<EngineContext, 'kashflow' | 'store'>,
  source: SettlementDepositsOptions['source'],
  account: number,
  window: { readonly from: string; readonly to: string },
  currency: CurrencyCode,
): Promise<DepositLine[]> {
  if (source === 'statement')
    return (await ctx.store.bankStatementLines({ bankAccountId: account, ...window }))
      .filter((line) => line.amount.currency === currency)
      .map((line) => ({
        id: line.id,
        date: line.date,
        amount: money(line.amount.amount, currency),
        description: line.description,
      }))
  return (await ctx.kashflow.bankTransactions.list(account, { ...window, currency })).flatMap(
    (line) =>
      line.comment.startsWith('OPAYO-')
        ? []
        : [
            {
              id: String(line.id),
              date: line.date,
              amount: line.paidIn.amount > 0 ? line.paidIn : negate(line.paidOut),
              description: line.comment,
            },
          ],
  )
}

/**
 * The lines of the window moving money the wanted way (their amounts positive), not claimed by
 * another holder.
 */
export async function freeLines(
  ctx: Pick<EngineContext, 'kashflow' | 'store'>,
  source: SettlementDepositsOptions['source'],
  account: number,
  wanted: WantedBankLine,
): Promise<{ lines: DepositLine[]; held: DepositLine | undefined }> {
  const sign = wanted.direction === 'in' ? 1 : -1
  const lines = (await bankLinesIn(ctx, source, account, wanted, wanted.amount.currency))
    .filter((line) => line.amount.amount * sign > 0)
    .map((line) => ({ ...line, amount: money(line.amount.amount * sign, line.amount.currency) }))
  const holders = await Promise.all(
    lines.map(async (line) => {
      const claims = await ctx.store.ledger(keyOf(account, wanted.direction, line))
      const claim = claims.find((entry) => entry.marker === DEPOSIT_MARKER)
      return (claim?.request as { batchId?: unknown } | null | undefined)?.batchId
    }),
  )
  return {
    lines: lines.filter((_, i) => holders[i] === undefined || holders[i] === wanted.holder),
    held: lines.find((_, i) => holders[i] === wanted.holder),
  }
}

/** Claims a line for the holder, atomically; false when another holds it. */
export async function claimLine(
  ctx: Pick<EngineContext, 'store' | 'now'>,
  account: number,
  direction: 'in' | 'out',
  line: DepositLine,
  holder: string,
): Promise<boolean> {
  const key = keyOf(account, direction, line)
  return (await claimForBatch(ctx, key, DEPOSIT_MARKER, holder)) === holder
}

/**
 * For an event whose money moved on its own through the bank (a direct debit, a chargeback
 * debited apart): the bank line of `signed` minor units (positive: money out) from `from` to
 * `settlement.deposits.windowDays` after, found and claimed for the event with
 * {@link findBankLine} on the bank account `bankAccountId`; or `'wait'`, the event's wait already
 * recorded (reason `debit_not_seen`, with the candidates).
 * @example
 * async function debit(ctx: Parameters<typeof debitLineOrWait>[0], event: EventRecord) {
 *   const deposits = { source: 'statement', windowDays: 5 } as const
 *   const found = await debitLineOrWait(ctx, event, deposits, 55166, money(375, 'GBP'), '2026-12-01')
 *   if (found !== 'wait') console.log(found.id, found.date)
 * }
 */
export async function debitLineOrWait(
  ctx: EngineContext,
  event: EventRecord,
  deposits: SettlementDepositsOptions,
  bankAccountId: number,
  signed: Money,
  from: string,
): Promise<{ readonly id: string; readonly date: string } | 'wait'> {
  const found = await findBankLine(ctx, deposits.source, bankAccountId, {
    holder: event.id,
    direction: signed.amount > 0 ? 'out' : 'in',
    amount: money(Math.abs(signed.amount), signed.currency),
    tolerance: 0,
    from,
    to: addDays(from, deposits.windowDays ?? 5),
  })
  if (found.kind === 'found') return { id: found.line.id, date: found.line.date }
  await ctx.settleFailure(
    event,
    { kind: 'settlement-wait', message: found.message },
    {
      lastError: undefined,
      detail: { reason: 'debit_not_seen', message: found.message, candidates: found.candidates },
    },
  )
  return 'wait'
}
