// The deposit a home-currency batch waits for, read from the bank account's lines in KashFlow
// (what the bank feed brought in) or from imported bank statement exports: matched by amount and
// date window with core's matchDeposit, and claimed for one batch only, so two batches of the same
// amount never take one deposit.
import { addDays, format, matchDeposit, money, negate, planSettlement } from '@opayo-kashflow/core'
import type {
  CurrencyCode,
  DepositCandidate,
  DepositLine,
  Money,
  PlanSettlementOptions,
  SettlementBatchInput,
} from '@opayo-kashflow/core'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { claimForBatch } from './settlement-integrity.js'

/** Where a batch's deposit is read from when it was not set on the batch (`received`). */
export interface SettlementDepositsOptions {
  /**
   * `kashflow`: the real bank account's lines in KashFlow (`GET /bankaccounts/{id}/transactions`).
   * `statement`: the lines of the bank's statement exports imported into the store
   * (`store.importBankStatement`, the CLI's `deposits import FILE`).
   */
  readonly source: 'kashflow' | 'statement'
  /** Days after the batch's date the deposit may be dated. @default 5 */
  readonly windowDays?: number
}

/** The ledger marker of a deposit's claim, under the key `deposit:{bankAccountId}:{lineId}`. */
export const DEPOSIT_MARKER = 'OPAYO-DEPOSIT'

/** What the bank account shows for a batch. */
export type DepositFinding =
  | {
      readonly kind: 'found'
      readonly received: Money
      readonly receivedOn: string
      readonly depositId: string
    }
  | {
      readonly kind: 'wait'
      readonly message: string
      readonly candidates: readonly DepositCandidate[]
    }

/**
 * The deposit of a home-currency batch whose transactions are all posted: what it should be (the
 * plan's net, or the gross when the acquirer pays gross), the lines paid into the bank account
 * from the batch's date to `windowDays` after, less those another batch has claimed, then
 * {@link matchDeposit} (within `maxFeeDifference`). A match is claimed for the batch in the
 * store's ledger under the key `deposit:{bankAccountId}:{id}` (a ledger key that is no event),
 * atomically: of two batches racing for one line, the second leaves it out and looks again. Undefined when the
 * batch is in a foreign currency (its deposit is set by a person: `settlement received`) or cannot
 * be planned at all (planning then says why).
 * @example
 * async function depositOf(
 *   ctx: Parameters<typeof findDeposit>[0],
 *   batch: SettlementBatchInput,
 *   options: PlanSettlementOptions,
 * ) {
 *   const finding = await findDeposit(ctx, batch, options, { source: 'kashflow', windowDays: 5 }, 'GBP')
 *   if (finding?.kind === 'found') console.log(finding.received, finding.receivedOn)
 * }
 */
export async function findDeposit(
  ctx: Pick<EngineContext, 'kashflow' | 'store' | 'now'>,
  batch: SettlementBatchInput,
  options: PlanSettlementOptions,
  deposits: SettlementDepositsOptions,
  homeCurrency: CurrencyCode,
): Promise<DepositFinding | undefined> {
  if (batch.currency !== homeCurrency) return undefined
  // The expected deposit, from the plan as if the gross had arrived (only its net is read).
  const provisional = planSettlement({ ...batch, received: batch.gross }, options)
  if (provisional.kind !== 'post') return undefined
  const expected = options.payout === 'gross' ? provisional.totals.gross : provisional.totals.net
  const batchId = provisional.batchId
  const found = await findBankLine(ctx, deposits.source, options.accounts.bank.bankAccountId, {
    holder: batchId,
    direction: 'in',
    amount: expected,
    tolerance: options.maxFeeDifference ?? 0,
    from: batch.date,
    to: addDays(batch.date, deposits.windowDays ?? 5),
  })
  if (found.kind !== 'found') return found
  return {
    kind: 'found',
    received: found.line.amount,
    receivedOn: found.line.date,
    depositId: found.line.id,
  }
}

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
  // A line this holder claimed on an earlier try is its own, whatever else has arrived since.
  if (held) return { kind: 'found', line: held }
  for (let left: readonly DepositLine[] = free; ;) {
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

/**
 * A deposit a person stated (`received` on `receivedOn`) claimed on the bank line that shows it,
 * when exactly one unclaimed line of that amount is dated that day, so no other batch takes it.
 * Returns the line's id, or undefined when none or several fit (the stated figure still stands).
 * @example
 * async function stated(ctx: Parameters<typeof claimStatedDeposit>[0], accounts: SettlementAccounts) {
 *   const id = await claimStatedDeposit(ctx, 'kashflow', accounts.bank.bankAccountId, '1234', money(14334, 'GBP'), '2026-11-04')
 *   console.log(id ?? 'no single line of that amount that day')
 * }
 */
export async function claimStatedDeposit(
  ctx: Pick<EngineContext, 'kashflow' | 'store' | 'now'>,
  source: SettlementDepositsOptions['source'],
  account: number,
  batchId: string,
  received: Money,
  receivedOn: string,
): Promise<string | undefined> {
  const wanted: WantedBankLine = {
    holder: batchId,
    direction: 'in',
    amount: received,
    tolerance: 0,
    from: receivedOn,
    to: receivedOn,
  }
  const { lines } = await freeLines(ctx, source, account, wanted)
  const found = matchDeposit({ ...wanted, batchId }, lines)
  if (found.kind !== 'matched') return undefined
  return (await claimLine(ctx, account, 'in', found.line, batchId)) ? found.line.id : undefined
}

const keyOf = (account: number, direction: 'in' | 'out', line: DepositLine) =>
  `${direction === 'in' ? 'deposit' : 'debit'}:${account}:${line.id}`

/**
 * The lines paid into the account in the window, as the source shows them, in the currency. From
 * KashFlow: leaving out lines of ours (the batch transfers carry their OPAYO- marker).
 */
export async function bankLinesIn(
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
async function freeLines(
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
async function claimLine(
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
