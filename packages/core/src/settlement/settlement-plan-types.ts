// The options and the decision of planSettlement: what to post, why to wait, why to dead-letter.
import type { Money } from '../money/money.js'
import type { JournalIntent, JournalLine } from '../posting/intent.js'
import type { Issue } from '../result/issue.js'
import type { FeeRules } from './fee-rules.js'
import type { FeeStatementRow } from './fee-statement.js'
import type { SettlementAccounts } from './settlement-accounts.js'

/** Where a batch's fees come from. */
export type SettlementFees =
  /** Priced by the tariff, per transaction. */
  | { readonly source: 'rules'; readonly rules: FeeRules }
  /** Taken from an acquirer statement (parseFeeStatement); a batch with no row waits. */
  | { readonly source: 'statement'; readonly rows: readonly FeeStatementRow[] }
  /** No fees deducted from the payout (billed separately). */
  | { readonly source: 'none' }

/** The options of {@link planSettlement}. */
export interface PlanSettlementOptions {
  readonly accounts: SettlementAccounts
  readonly fees: SettlementFees
  /**
   * For a batch in the home currency whose `received` is known: how far, in minor units, the fee the
   * acquirer actually deducted (gross - received) may differ from the planned fees. Within it the
   * difference is posted as a named "fee difference" line; beyond it the batch is dead-lettered.
   * Set a few pence when fees come from rules (an estimate). @default 0
   */
  readonly maxFeeDifference?: number
  /**
   * How the acquirer pays a batch out. `net`: the deposit is the batch less its own fees (the fee
   * journal comes from `fees`). `gross` (Elavon's "gross settle", most merchants): the deposit is
   * the batch's gross; fees, refunds and chargebacks are collected later by direct debit, so the
   * batch posts no fee journal and `fees` must be `{ source: 'none' }`. Either way the transfer
   * is the deposit observed at the bank, and what differs from the expected deposit stays on the
   * clearing account as the `payoutDifference` (never pushed into the bank or fees nominal).
   * @default 'net'
   */
  readonly payout?: 'net' | 'gross'
  /**
   * For a batch in a foreign currency: how far, in percent, the rate implied by the deposit may be
   * from the rates the batch's postings were booked at before the batch is dead-lettered
   * `implausible_amount_received` (a typo of 9.78 for 97.80 is a 90% gap). @default 5
   */
  readonly maxRateDeviation?: number
  /**
   * How a batch whose deposit reaches the bank in a later month than the batch is dated.
   * `deposit-date`: every entry on the deposit's day. `split` (A2X's "split month"): the fee
   * journal on the batch's own day, in the month of the sales it is the cost of; the transfer and
   * the exchange difference on the deposit's day (the money was in transit over the month end, on
   * the clearing account). Within one month both give the same dates. @default 'deposit-date'
   */
  readonly monthEnd?: 'deposit-date' | 'split'
}

/** A transfer of a batch's payout between the clearing account and the bank account. */
export interface SettlementTransferIntent {
  readonly kind: 'bank-transfer'
  /** `opayo-batch:{batchId}`: the event this entry comes from. */
  readonly paymentId: string
  /** `OPAYO-BATCH:{batchId}:transfer`. */
  readonly marker: string
  /** The date the deposit reached the bank (`receivedOn`), else the batch's date, YYYY-MM-DD. */
  readonly date: string
  /** The marker, as the bank line's reference. */
  readonly reference: string
  /** Names the batch id and date, so the bank line matches the bank statement. */
  readonly comment: string
  /** Positive, in the home currency. */
  readonly amount: Money
  readonly fromBankAccountId: number
  readonly toBankAccountId: number
  /** The same movement as a balanced journal between the two bank nominals. */
  readonly lines: readonly JournalLine[]
}

/** One transaction of a planned batch: what it settled, cost, and posted. */
export interface SettlementTransactionLine {
  /** Normalised (no braces, upper case). */
  readonly transactionId: string
  readonly kind: 'payment' | 'refund'
  /** Positive, batch currency. */
  readonly amount: Money
  /** Its fee, batch currency (its share of a batch-level fee included). */
  readonly fee: Money
  /** Signed (a refund is negative), home currency: what it put on the clearing account. */
  readonly postedHome: Money
  /** Its share of the batch's exchange difference, home currency (positive = loss). */
  readonly fxDifference: Money
}

/** The batch's figures. */
export interface SettlementTotals {
  /** Opayo's total, batch currency. */
  readonly gross: Money
  /** The planned fees, batch currency. */
  readonly fees: Money
  /** gross - fees, batch currency. */
  readonly net: Money
  /** What the batch's payments minus refunds put on the clearing account, home currency. */
  readonly postedHome: Money
  /** What moves from clearing to the bank (the transfer, signed), home currency. */
  readonly received: Money
  /** The planned fees in the home currency (at the payout's own rate when currencies differ). */
  readonly feesHome: Money
  /** Fee actually deducted minus planned fees (a named line of the fee journal), home currency. */
  readonly feeDifference: Money
  /** Realised exchange difference: positive a loss, negative a gain, home currency. */
  readonly fxDifference: Money
  /**
   * Expected deposit minus the deposit observed (positive: less arrived), home currency, for a
   * batch in the home currency beyond `maxFeeDifference`: left on the clearing account, named in
   * reconcile, for a person or a later bank entry (a chargeback, a refund collected) to explain.
   */
  readonly payoutDifference: Money
  /** What is left on the clearing account for this batch after the entries: the payout difference. */
  readonly clearingRemainder: Money
}

/** Why a batch waits (then is planned again). */
export const SETTLEMENT_WAIT_REASONS = {
  /** Some of the batch's transactions are not posted to the clearing account yet. */
  transactions_not_posted: 'transactions_not_posted',
  /** The deposit that reached the bank for the batch has not been observed (or set) yet. */
  amount_received_unknown: 'amount_received_unknown',
  /** Fees come from statements and no statement row covers this batch yet. */
  fees_not_imported: 'fees_not_imported',
} as const
export type SettlementWaitReason = keyof typeof SETTLEMENT_WAIT_REASONS

/** Post these entries (each balanced; any of them absent when its amount is zero). */
export interface SettlementPostPlan {
  readonly kind: 'post'
  /** Normalised batch id. */
  readonly batchId: string
  /** `OPAYO-BATCH:{batchId}:settlement`: the batch event's key. */
  readonly marker: string
  readonly date: string
  readonly transfer?: SettlementTransferIntent
  readonly feeJournal?: JournalIntent
  readonly fxJournal?: JournalIntent
  readonly totals: SettlementTotals
  readonly transactions: readonly SettlementTransactionLine[]
}

/** Not yet: plan again later. Never a partial or estimated total. */
export interface SettlementWaitPlan {
  readonly kind: 'wait'
  readonly batchId: string
  readonly marker: string
  readonly reason: SettlementWaitReason
  readonly message: string
  /** For `transactions_not_posted`: the transactions still to post (normalised ids). */
  readonly unposted: readonly string[]
}

/** The batch is inconsistent or unusable: a person must look. */
export interface SettlementDeadLetterPlan {
  readonly kind: 'dead-letter'
  /** Normalised when it is valid, else as given. */
  readonly batchId: string
  /** Absent only when the batch id itself is invalid. */
  readonly marker?: string
  readonly issues: readonly Issue[]
}

/** The decision of {@link planSettlement}: discriminated on `kind`. */
export type SettlementPlan = SettlementPostPlan | SettlementWaitPlan | SettlementDeadLetterPlan
