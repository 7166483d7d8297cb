// Which bank line is a batch's deposit: by amount and date window, never by reference (an Opayo
// batch id never appears on a bank statement). One candidate is a match; several are listed for
// a person, each with why it fits; none means the batch waits.
import type { Money } from '../money/money.js'
import { format, money } from '../money/money.js'

/** A line paid into the bank account, as the bank feed or a statement shows it. */
export interface DepositLine {
  /** The line's id where it came from (KashFlow's bank transaction `Id`, a statement row). */
  readonly id: string
  /** YYYY-MM-DD. */
  readonly date: string
  /** Positive: money in. */
  readonly amount: Money
  readonly description?: string
}

/** The deposit a batch expects. */
export interface ExpectedDeposit {
  readonly batchId: string
  /** What should arrive, home currency. */
  readonly amount: Money
  /** How far, in minor units, the deposit may differ from `amount` and still be this batch's. */
  readonly tolerance: number
  /** The first and last day the deposit may be dated, YYYY-MM-DD (the batch's date, + a few days). */
  readonly from: string
  readonly to: string
}

/** A line that could be the deposit, and why. */
export interface DepositCandidate {
  readonly line: DepositLine
  readonly reason: string
}

/** What {@link matchDeposit} found. */
export type DepositMatch =
  | { readonly kind: 'matched'; readonly line: DepositLine; readonly reason: string }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly DepositCandidate[] }
  | { readonly kind: 'none'; readonly message: string }

/**
 * Finds a batch's deposit among bank lines: those in `[from, to]`, in the expected currency,
 * within `tolerance` of the expected amount. Exactly one is a match; several are `ambiguous`,
 * listed with their reasons (the batch then waits for a person, as matching does for invoices);
 * none, and the batch waits. Lines are never matched by their text.
 * @example
 * const expected = { batchId: '1234', amount: money(14334, 'GBP'), tolerance: 0, from: '2026-11-02', to: '2026-11-07' }
 * const found = matchDeposit(expected, [{ id: '901', date: '2026-11-04', amount: money(14334, 'GBP') }])
 * if (found.kind === 'matched') console.log(found.line.id) // '901'
 */
export function matchDeposit(
  expected: ExpectedDeposit,
  lines: readonly DepositLine[],
): DepositMatch {
  const want = expected.amount.amount
  const candidates = lines
    .filter(
      (line) =>
        line.amount.currency === expected.amount.currency &&
        line.date >= expected.from &&
        line.date <= expected.to &&
        Math.abs(line.amount.amount - want) <= expected.tolerance,
    )
    .map((line) => ({
      line,
      reason: `${format(line.amount)} on ${line.date}${
        line.amount.amount === want
          ? ', the expected amount'
          : `, ${format(money(line.amount.amount - want, line.amount.currency))} from the expected ${format(expected.amount)}`
      }, within ${expected.from}..${expected.to}`,
    }))
  const [only] = candidates
  if (only && candidates.length === 1) return { kind: 'matched', ...only }
  if (candidates.length > 1) return { kind: 'ambiguous', candidates }
  return {
    kind: 'none',
    message: `No deposit of ${format(expected.amount)}${expected.tolerance > 0 ? ` (within ${expected.tolerance} minor units)` : ''} between ${expected.from} and ${expected.to} for batch ${expected.batchId}.`,
  }
}
