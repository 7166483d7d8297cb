// What a settlement batch is to the engine: the event's schema and payload, its id, the options
// clearing mode settles it with, and what a posted batch records. The steps are in settlement.ts.
import {
  SettlementBatchSchema,
  SettlementTransactionSchema,
  normaliseBatchId,
} from '@opayo-kashflow/core'
import type {
  ChargeRules,
  PlanSettlementOptions,
  SettlementAccounts,
  SettlementFees,
  SettlementTotals,
} from '@opayo-kashflow/core'
import { z } from 'zod'
import type { SettlementDepositsOptions } from './settlement-deposits.js'

/**
 * UNCONFIRMED (the one place this guess is kept): KashFlow's REST API documents no bank-to-bank
 * transfer (only `POST /bankaccounts/{accountId}/transactions`, one account at a time), so the
 * batch transfer is posted as a journal between the two bank nominals, the movement core plans
 * in `transfer.lines`. Whether KashFlow shows such a journal as a line of each bank account is
 * not confirmed; if it does not, the bank feed will not match it automatically.
 *
 * Also unconfirmed, and the reason `deposits: { source: 'kashflow' }` is opt-in: whether a line
 * that `GET /bankaccounts/{id}/transactions` lists is still only the bank feed's statement line
 * or already a booked receipt. The list's own filters (`includefeedmatched`, `includejournals`)
 * suggest it holds booked lines. The engine takes the line as the observation of the deposit and
 * books the deposit itself (this journal); if someone has also booked the feed line as a receipt,
 * the bank nominal counts the deposit twice. So the feed line must be matched to this transfer in
 * KashFlow's bank reconciliation, never explained as a receipt of its own (docs/accounting.md,
 * "Unconfirmed in clearing mode"). The same holds for a direct debit matched on those lines (a
 * charge statement's, a chargeback's `from: 'bank'`). `deposits: { source: 'statement' }` reads
 * the bank's own export instead, and writes nothing of it.
 */
export const SETTLEMENT_TRANSFER_AS_JOURNAL = true

/**
 * A closed Opayo settlement batch as the engine ingests it: what Opayo says (getBatchList and
 * getBatchDetail), with no `posted` amounts: the engine reads those from its own ledger.
 */
export const SettlementBatchEventSchema = SettlementBatchSchema.extend({
  transactions: z
    .array(SettlementTransactionSchema.omit({ posted: true }))
    .min(1, 'a batch has at least one transaction'),
})
/** A closed settlement batch, as Opayo reports it (validated). */
export type SettlementBatchEvent = z.output<typeof SettlementBatchEventSchema>
/** A closed settlement batch as a caller writes it (plain numbers for minor units). */
export type SettlementBatchEventInput = z.input<typeof SettlementBatchEventSchema>

/** How the engine settles batches (clearing mode). Without it, a batch event is dead-lettered. */
export interface SettlementOptions {
  /** From `defineSettlementAccounts`; its clearing account is where payments were posted. */
  readonly accounts: SettlementAccounts
  /**
   * Where fees come from: `{ source: 'rules', rules }`, `{ source: 'none' }`, or
   * `{ source: 'statement' }`: the rows imported into the store (`fees import`), read per batch.
   */
  readonly fees: SettlementFees | { readonly source: 'statement' }
  /** See core's `PlanSettlementOptions.maxFeeDifference`. @default 0 */
  readonly maxFeeDifference?: number
  /** See core's `PlanSettlementOptions.payout`: `net` or `gross`. @default 'net' */
  readonly payout?: 'net' | 'gross'
  /** See core's `PlanSettlementOptions.maxRateDeviation`. @default 5 */
  readonly maxRateDeviation?: number
  /** See core's `PlanSettlementOptions.monthEnd`: `deposit-date` or `split`. @default 'deposit-date' */
  readonly monthEnd?: 'deposit-date' | 'split'
  /**
   * Where a home-currency batch's deposit is read when the batch does not carry it (`received`):
   * `{ source: 'kashflow' }` reads the bank account's lines and matches one by amount and date.
   * Without it, a batch waits until its deposit is set (`settlement received`, or ingesting the
   * batch again with `received`).
   */
  readonly deposits?: SettlementDepositsOptions
  /**
   * Monthly acquirer and gateway charges per fee type (from core's `defineChargeRules`): how a
   * charge statement (`ingestChargeStatement`) is written, one bank line per statement line.
   * Without it, a charge statement is dead-lettered `charges_not_configured`.
   */
  readonly charges?: ChargeRules
}

/**
 * What planSettlement is given for a batch: the accounts (with the home currency filled in), the
 * fees to use, and each optional setting of `settlement` that is set.
 * @example
 * const plan = (settlement: SettlementOptions, accounts: SettlementAccounts) =>
 *   planOptionsOf(settlement, accounts, { source: 'none' })
 */
export function planOptionsOf(
  settlement: SettlementOptions,
  accounts: SettlementAccounts,
  fees: SettlementFees,
): PlanSettlementOptions {
  const { maxFeeDifference, payout, maxRateDeviation, monthEnd } = settlement
  return {
    accounts,
    fees,
    ...(maxFeeDifference === undefined ? {} : { maxFeeDifference }),
    ...(payout === undefined ? {} : { payout }),
    ...(maxRateDeviation === undefined ? {} : { maxRateDeviation }),
    ...(monthEnd === undefined ? {} : { monthEnd }),
  }
}

/** The event id of a settlement batch: `batch:{normalised batch id}`. */
export const settlementEventId = (batchId: string): string => `batch:${normaliseBatchId(batchId)}`

/** The stored payload of a settlement batch event. */
export interface SettlementPayload {
  readonly settlementBatch: SettlementBatchEvent
}

/** The batch in a stored payload, or undefined when the payload is not a settlement batch. */
export function settlementBatchOf(payload: unknown): SettlementBatchEvent | undefined {
  if (payload === null || typeof payload !== 'object' || !('settlementBatch' in payload))
    return undefined
  const parsed = SettlementBatchEventSchema.safeParse(payload.settlementBatch)
  return parsed.success ? parsed.data : undefined
}

/** What a posted batch records in its history (`detail` of the `posted` transition). */
export interface SettledBatchRecord {
  readonly batchId: string
  readonly date: string
  readonly markers: readonly string[]
  readonly totals: SettlementTotals
  /** The bank line taken as the batch's deposit, when it was read from the bank account. */
  readonly depositId?: string
}
