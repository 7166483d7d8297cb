// The deposit a home-currency batch waits for, read from the bank account's lines in KashFlow
// (what the bank feed brought in) or from imported bank statement exports: matched by amount and
// date window with core's matchDeposit, and claimed for one batch only, so two batches of the same
// amount never take one deposit.
import { addDays, matchDeposit, planSettlement } from '@opayo-kashflow/core'
import type {
  CurrencyCode,
  DepositCandidate,
  Money,
  PlanSettlementOptions,
  SettlementBatchInput,
} from '@opayo-kashflow/core'
import type { EngineContext } from './context.js'
import { claimLine, findBankLine, freeLines } from './bank-lines.js'
import type { WantedBankLine } from './bank-lines.js'

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
