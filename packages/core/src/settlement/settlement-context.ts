// The first step of planSettlement: the options checked, the batch parsed, and what every later
// step shares (the batch, its ids and marker, the home currency); and how a step stops the plan.
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import { normaliseTransactionId } from '../model/canonical-payment.js'
import { issuesFromZod } from '../model/parse.js'
import type { CurrencyCode } from '../money/currency.js'
import type { Issue } from '../result/issue.js'
import type { SettlementAccounts } from './settlement-accounts.js'
import { SettlementBatchSchema } from './settlement-batch.js'
import type { SettlementBatch, SettlementBatchInput } from './settlement-batch.js'
import { BATCH_ID, normaliseBatchId, settlementMarker } from './settlement-marker.js'
import type {
  PlanSettlementOptions,
  SettlementDeadLetterPlan,
  SettlementWaitPlan,
  SettlementWaitReason,
} from './settlement-plan-types.js'

/** One valid batch being planned, and what every step of the plan reads. */
export interface SettlementContext {
  readonly batch: SettlementBatch
  /** Normalised batch id. */
  readonly batchId: string
  /** `OPAYO-BATCH:{batchId}:settlement`: the batch event's key. */
  readonly marker: string
  /** `opayo-batch:{batchId}`: the event every planned entry comes from. */
  readonly eventId: string
  /** The transactions' ids, normalised, in the batch's order. */
  readonly ids: readonly string[]
  /** The KashFlow account's home currency. */
  readonly home: CurrencyCode
  readonly accounts: SettlementAccounts
  /** `maxFeeDifference`, in minor units. */
  readonly tolerance: number
  /** How the acquirer pays the batch out (`PlanSettlementOptions.payout`). */
  readonly payout: 'net' | 'gross'
  /** `maxRateDeviation`, in percent. */
  readonly maxRateDeviation: number
  /** How entries are dated across a month end (`PlanSettlementOptions.monthEnd`). */
  readonly monthEnd: 'deposit-date' | 'split'
  /** Fees come from fee rules: an estimate, labelled so on the fee journal's line. */
  readonly feesEstimated?: boolean
}

/**
 * The deposit's day (`receivedOn`), or the batch's own day until the deposit is known: the day
 * the transfer, and by default every entry of the batch, is dated.
 * @example
 * const day = (ctx: SettlementContext) => depositDate(ctx) // '2026-11-04' when receivedOn is set
 */
export const depositDate = (ctx: SettlementContext): string =>
  ctx.batch.receivedOn ?? ctx.batch.date

/** The plan stops here: the batch waits, or is dead-lettered. */
export interface Stop {
  readonly stop: SettlementWaitPlan | SettlementDeadLetterPlan
}

/** A step's outcome: the next value, or the plan stops here. */
export type Step<T> = { readonly next: T } | Stop

/**
 * Stops the plan: the batch is dead-lettered with these issues.
 * @example
 * const checkGross = (ctx: SettlementContext): Step<bigint> => {
 *   const { gross, currency } = ctx.batch
 *   if (gross.currency === currency) return { next: BigInt(gross.amount) }
 *   return deadLetter(ctx, [issue('currency_mismatch', ['gross'], `gross is not in ${currency}.`)])
 * }
 */
export function deadLetter(ctx: SettlementContext, issues: readonly Issue[]): Stop {
  return { stop: { kind: 'dead-letter', batchId: ctx.batchId, marker: ctx.marker, issues } }
}

/**
 * Stops the plan: the batch waits (and is planned again later).
 * @example
 * const allPosted = (ctx: SettlementContext): Step<SettlementContext> => {
 *   if (ctx.batch.transactions.every((t) => t.posted !== undefined)) return { next: ctx }
 *   return wait(ctx, 'transactions_not_posted', `Batch ${ctx.batchId}: not all posted yet.`)
 * }
 */
export function wait(
  ctx: SettlementContext,
  reason: SettlementWaitReason,
  message: string,
  unposted: readonly string[] = [],
): Stop {
  const { batchId, marker } = ctx
  return { stop: { kind: 'wait', batchId, marker, reason, message, unposted } }
}

/**
 * Checks the options (throwing on a programming error) and parses the batch: its context, or a
 * dead letter listing the schema's issues (with the marker when the batch id itself is valid).
 * @throws {InvalidArgumentError} when `maxFeeDifference` is not a non-negative integer,
 * `maxRateDeviation` not a percentage, `payout` neither `net` nor `gross` (or `gross` with fees),
 * `monthEnd` neither `deposit-date` nor `split`, or `accounts.homeCurrency` is not set.
 * @example
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * const input: SettlementBatchInput = { batchId: '1001', date: '2 Nov 2026', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [] } // not a YYYY-MM-DD date, and no transaction
 * const opened = openBatch(input, { accounts, fees: { source: 'none' } })
 * if ('stop' in opened) console.log(opened.stop.kind) // 'dead-letter'
 */
export function openBatch(
  input: SettlementBatchInput,
  options: PlanSettlementOptions,
): Step<SettlementContext> {
  const tolerance = options.maxFeeDifference ?? 0
  if (!Number.isSafeInteger(tolerance) || tolerance < 0) {
    throw new InvalidArgumentError(
      `planSettlement(): maxFeeDifference must be a non-negative integer of minor units, got ${String(tolerance)}.`,
    )
  }
  const maxRateDeviation = options.maxRateDeviation ?? 5
  if (!(Number.isFinite(maxRateDeviation) && maxRateDeviation >= 0 && maxRateDeviation < 100)) {
    throw new InvalidArgumentError(
      `planSettlement(): maxRateDeviation must be a percentage from 0 to under 100, got ${String(maxRateDeviation)}.`,
    )
  }
  const payout = options.payout ?? 'net'
  if (payout !== 'net' && payout !== 'gross')
    throw new InvalidArgumentError(
      `planSettlement(): payout must be "net" or "gross", got ${JSON.stringify(payout)}.`,
    )
  if (payout === 'gross' && options.fees.source !== 'none')
    throw new InvalidArgumentError(
      "planSettlement(): with payout 'gross' the acquirer pays each batch gross and collects its fees later (the monthly charge, posted from the bank), so a batch posts no fees: set fees: { source: 'none' }.",
    )
  const monthEnd = options.monthEnd ?? 'deposit-date'
  if (monthEnd !== 'deposit-date' && monthEnd !== 'split')
    throw new InvalidArgumentError(
      `planSettlement(): monthEnd must be "deposit-date" or "split", got ${JSON.stringify(monthEnd)}.`,
    )
  const home = options.accounts.homeCurrency
  if (home === undefined)
    throw new InvalidArgumentError(
      "planSettlement(): accounts.homeCurrency is not set: pass the KashFlow account's home currency (kashflow.settings.homeCurrency()); it is never assumed.",
    )
  const parsed = SettlementBatchSchema.safeParse(input)
  if (!parsed.success) {
    const raw = (input as { batchId?: unknown } | undefined)?.batchId
    const id = typeof raw === 'string' ? raw : ''
    const valid = BATCH_ID.test(id.trim().toUpperCase())
    return {
      stop: {
        kind: 'dead-letter',
        batchId: valid ? normaliseBatchId(id) : id,
        ...(valid ? { marker: settlementMarker(id, 'settlement') } : {}),
        issues: issuesFromZod(parsed.error),
      },
    }
  }
  const batch = parsed.data
  const batchId = normaliseBatchId(batch.batchId)
  return {
    next: {
      batch,
      batchId,
      marker: settlementMarker(batchId, 'settlement'),
      eventId: `opayo-batch:${batchId}`,
      ids: batch.transactions.map((t) => normaliseTransactionId(t.transactionId)),
      home,
      accounts: options.accounts,
      tolerance,
      payout,
      maxRateDeviation,
      monthEnd,
      feesEstimated: options.fees.source === 'rules',
    },
  }
}
