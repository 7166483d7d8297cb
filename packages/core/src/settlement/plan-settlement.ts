import { z } from 'zod'
import { convert, RateRecordSchema } from '../currency/convert.js'
import type { RateRecord } from '../currency/convert.js'
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import { divideRounded, parseDecimal, pow10 } from '../internal/decimal.js'
import { CARD_SCHEMES, normaliseTransactionId } from '../model/canonical-payment.js'
import { issuesFromZod } from '../model/parse.js'
import { CurrencyCodeSchema, minorUnitExponent } from '../money/currency.js'
import type { CurrencyCode } from '../money/currency.js'
import { allocate, format, fromBigInt, MoneySchema } from '../money/money.js'
import type { Money } from '../money/money.js'
import type { JournalIntent, JournalLine } from '../posting/intent.js'
import { issue } from '../result/issue.js'
import type { Issue, IssuePath } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { feeFor } from './fee-rules.js'
import type { FeeRules } from './fee-rules.js'
import type { FeeStatementRow } from './fee-statement.js'
import { SettlementConfigError } from './settlement-config-error.js'
import { BATCH_ID, normaliseBatchId, settlementMarker } from './settlement-marker.js'

const Id = z.number().int().positive()

/** A KashFlow bank account: its `Id` (for bank transfers) and its nominal code (for journals). */
export const SettlementBankAccountSchema = z.object({
  bankAccountId: Id,
  nominalCode: Id,
})
export type SettlementBankAccount = z.output<typeof SettlementBankAccountSchema>

/** Where settlement entries go in KashFlow. Validate once with {@link defineSettlementAccounts}. */
export const SettlementAccountsSchema = z
  .object({
    /**
     * The KashFlow account's home currency: every planned entry is in it. Never assumed: give it
     * here or let the sync engine fill it in from KashFlow (`kashflow.settings.homeCurrency()`);
     * {@link planSettlement} refuses accounts without it.
     */
    homeCurrency: CurrencyCodeSchema.optional(),
    /** The clearing bank account card payments and refunds post to (for example "Opayo clearing"). */
    clearing: SettlementBankAccountSchema,
    /** The real bank account the acquirer pays each batch into. */
    bank: SettlementBankAccountSchema,
    /** Nominal code card fees are charged to (an expense nominal). */
    feesNominalCode: Id,
    /** Nominal code realised exchange gains and losses go to. */
    fxNominalCode: Id,
  })
  .superRefine((value, ctx) => {
    if (value.clearing.bankAccountId === value.bank.bankAccountId) {
      ctx.addIssue({
        code: 'custom',
        path: ['bank', 'bankAccountId'],
        message: 'the clearing account and the bank account must be two different bank accounts.',
      })
    }
    if (value.clearing.nominalCode === value.bank.nominalCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['bank', 'nominalCode'],
        message: 'the clearing account and the bank account must have different nominal codes.',
      })
    }
  })
/** Validated settlement accounts (defaults filled in). */
export type SettlementAccounts = z.output<typeof SettlementAccountsSchema>
/** Settlement accounts as a user writes them. */
export type SettlementAccountsInput = z.input<typeof SettlementAccountsSchema>

/**
 * Validates the settlement accounts once, at the boundary.
 * @throws {SettlementConfigError} listing every problem (`what: 'settlement accounts'`).
 * @example
 * const accounts = defineSettlementAccounts({
 *   clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 },
 *   feesNominalCode: 7901,
 *   fxNominalCode: 7906,
 * })
 */
export function defineSettlementAccounts(input: SettlementAccountsInput): SettlementAccounts {
  const parsed = SettlementAccountsSchema.safeParse(input)
  if (!parsed.success) {
    throw new SettlementConfigError(
      'settlement accounts',
      issuesFromZod(parsed.error).map((i) =>
        i.code === 'invalid_type' ? { ...i, code: 'invalid_posting_rule' as const } : i,
      ),
    )
  }
  return parsed.data
}

const NonNegativeMoney = MoneySchema.refine((m) => m.amount >= 0, 'amount must not be negative')

/** One transaction Opayo settled in a batch. */
export const SettlementTransactionSchema = z.object({
  /** Opayo's VPSTxId (braces and case do not matter). */
  transactionId: z.string().min(1),
  /** The merchant's VendorTxCode, to match fee statement rows that use it. */
  vendorTxCode: z.string().min(1).optional(),
  /** Money in (`payment`, including captures and repeats) or out (`refund`). */
  kind: z.enum(['payment', 'refund']),
  /** Positive, in the batch currency, as Opayo settled it. */
  amount: NonNegativeMoney,
  /** The card scheme, for fee rules. */
  scheme: z.enum(CARD_SCHEMES).optional(),
  /**
   * What was posted to KashFlow's clearing account for this transaction; absent while it is not
   * posted yet (then the batch waits).
   */
  posted: z
    .object({
      /** Positive, in the invoice currency, as posted. */
      amount: NonNegativeMoney,
      /**
       * The rate between the invoice currency and the home currency that KashFlow books the
       * posting at (either direction; a KashFlow `ExchangeRate` is home -> foreign). Needed only
       * when the invoice currency is not the home currency.
       */
      rate: RateRecordSchema.optional(),
    })
    .optional(),
})
export type SettlementTransaction = z.output<typeof SettlementTransactionSchema>

/**
 * Opayo's own totals for one currency of a batch: one getBatchList `transactiongroup`
 * (`currency`, `paymentvalue`, `refundvalue`, `paymentnumber`, `refundnumber`), in minor units.
 */
export const SettlementOpayoTotalsSchema = z.object({
  currency: CurrencyCodeSchema,
  /** `paymentvalue`: the batch's payments in this currency. */
  payments: NonNegativeMoney,
  /** `refundvalue`: the batch's refunds in this currency, positive. */
  refunds: NonNegativeMoney,
  /** `paymentnumber`, when Opayo sent it. */
  paymentCount: z.number().int().nonnegative().optional(),
  /** `refundnumber`, when Opayo sent it. */
  refundCount: z.number().int().nonnegative().optional(),
})
export type SettlementOpayoTotals = z.output<typeof SettlementOpayoTotalsSchema>

/** A closed Opayo settlement batch, as planSettlement reads it. */
export const SettlementBatchSchema = z.object({
  /** Opayo's batch id (getBatchList `batchid`). */
  batchId: z
    .string()
    .refine(
      (id) => BATCH_ID.test(id.trim().toUpperCase()),
      'batchId must be 1-64 letters, digits or -._{} characters',
    ),
  /** The settlement date, YYYY-MM-DD: the date of the bank line. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD'),
  /** The batch (settlement) currency. */
  currency: CurrencyCodeSchema,
  /** Opayo's total for the batch, payments minus refunds, in the batch currency (may be negative). */
  gross: MoneySchema,
  /**
   * What arrived at the bank, in the home currency, when known (negative when the acquirer took
   * money). Absent: the net of fees when the batch is in the home currency; otherwise the batch
   * waits until it is known.
   */
  received: MoneySchema.optional(),
  transactions: z.array(SettlementTransactionSchema).min(1, 'a batch has at least one transaction'),
  /**
   * Opayo's own totals, one per currency, as getBatchList sent them. When present, the
   * transactions must add up to the totals of the batch currency (payments, refunds, and the
   * counts Opayo sent) and there must be one currency only; otherwise the batch is dead-lettered
   * (`settlement_totals_mismatch`, `settlement_multi_currency`) before anything else is decided.
   */
  opayoTotals: z.array(SettlementOpayoTotalsSchema).min(1).optional(),
})
export type SettlementBatch = z.output<typeof SettlementBatchSchema>
/** A batch as a caller writes it (plain numbers for minor units). */
export type SettlementBatchInput = z.input<typeof SettlementBatchSchema>

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
}

/** A transfer of a batch's payout between the clearing account and the bank account. */
export interface SettlementTransferIntent {
  readonly kind: 'bank-transfer'
  /** `opayo-batch:{batchId}`: the event this entry comes from. */
  readonly paymentId: string
  /** `OPAYO-BATCH:{batchId}:transfer`. */
  readonly marker: string
  /** The batch's settlement date, YYYY-MM-DD. */
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
  /** What is left on the clearing account for this batch after all three entries: always zero. */
  readonly clearingRemainder: Money
}

/** Why a batch waits (then is planned again). */
export const SETTLEMENT_WAIT_REASONS = {
  /** Some of the batch's transactions are not posted to the clearing account yet. */
  transactions_not_posted: 'transactions_not_posted',
  /** The batch is in a foreign currency and the amount that reached the bank is not known yet. */
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

/**
 * Plans the KashFlow entries that settle one closed Opayo batch in `clearing` mode. Pure and
 * total: every input gets a decision.
 *
 * - `wait` while any transaction is unposted (listing them), while a foreign-currency batch's
 *   `received` is unknown, or while statement fees have no row for the batch.
 * - `dead-letter` at once, before any wait, when the transactions do not add up to Opayo's own
 *   totals (`opayoTotals`: `settlement_totals_mismatch`, both figures in the message) or those
 *   totals name several currencies (`settlement_multi_currency`).
 * - `dead-letter` when the batch contradicts itself (gross is not payments minus refunds, mixed
 *   currencies, a posting that differs from what Opayo settled, a missing rate, a fee difference
 *   beyond `maxFeeDifference`).
 * - `post` otherwise: a transfer of what reached the bank from clearing to bank, a fee journal
 *   (fees nominal debit, clearing credit, plus a named "fee difference" line when the acquirer
 *   deducted a little more or less than planned) and a realised exchange gain/loss journal for
 *   what is left on clearing. Every journal balances in integer minor units; fees + net = gross;
 *   batch-level fees and the exchange difference are spread over the transactions with
 *   {@link allocate}, so no minor unit is lost; afterwards the batch leaves zero on clearing.
 *
 * @throws {InvalidArgumentError} when `maxFeeDifference` is not a non-negative integer, or
 * `accounts.homeCurrency` is not set.
 * @example
 * const accounts = defineSettlementAccounts({ clearing: { bankAccountId: 7, nominalCode: 1210 }, bank: { bankAccountId: 1, nominalCode: 1200 }, feesNominalCode: 7901, fxNominalCode: 7906 })
 * const plan = planSettlement(
 *   {
 *     batchId: '1234', date: '2026-11-02', currency: 'GBP', gross: money(10000, 'GBP'),
 *     transactions: [{ transactionId: '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}', kind: 'payment',
 *       amount: money(10000, 'GBP'), scheme: 'visa', posted: { amount: money(10000, 'GBP') } }],
 *   },
 *   { accounts, fees: { source: 'rules', rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }) } },
 * )
 * if (plan.kind === 'post') console.log(plan.totals.net) // 9830p: transfer £98.30, fees £1.70
 */
export function planSettlement(
  input: SettlementBatchInput,
  options: PlanSettlementOptions,
): SettlementPlan {
  const tolerance = options.maxFeeDifference ?? 0
  if (!Number.isSafeInteger(tolerance) || tolerance < 0) {
    throw new InvalidArgumentError(
      `planSettlement(): maxFeeDifference must be a non-negative integer of minor units, got ${String(tolerance)}.`,
    )
  }
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
      kind: 'dead-letter',
      batchId: valid ? normaliseBatchId(id) : id,
      ...(valid ? { marker: settlementMarker(id, 'settlement') } : {}),
      issues: issuesFromZod(parsed.error),
    }
  }
  const batch = parsed.data
  const batchId = normaliseBatchId(batch.batchId)
  const marker = settlementMarker(batchId, 'settlement')
  const deadLetter = (issues: readonly Issue[]): SettlementDeadLetterPlan => ({
    kind: 'dead-letter',
    batchId,
    marker,
    issues,
  })
  const wait = (
    reason: SettlementWaitReason,
    message: string,
    unposted: readonly string[] = [],
  ): SettlementWaitPlan => ({ kind: 'wait', batchId, marker, reason, message, unposted })

  // Opayo's own totals first: a batch that contradicts them never becomes right by waiting.
  const against = checkOpayoTotals(batch, batchId)
  if (against.length > 0) return deadLetter(against)

  const unposted = batch.transactions
    .filter((t) => t.posted === undefined)
    .map((t) => normaliseTransactionId(t.transactionId))
  if (unposted.length > 0) {
    return wait(
      'transactions_not_posted',
      `Batch ${batchId}: ${unposted.length} of ${batch.transactions.length} transactions are not posted yet (${unposted.join(', ')}).`,
      unposted,
    )
  }

  const currency = batch.currency
  const issues: Issue[] = []
  if (batch.gross.currency !== currency) {
    issues.push(
      issue(
        'currency_mismatch',
        ['gross', 'currency'],
        `gross is in ${batch.gross.currency}, the batch in ${currency}.`,
      ),
    )
  }
  if (batch.received !== undefined && batch.received.currency !== home) {
    issues.push(
      issue(
        'currency_mismatch',
        ['received', 'currency'],
        `received is in ${batch.received.currency}; it must be in the home currency ${home}.`,
      ),
    )
  }
  const ids = batch.transactions.map((t) => normaliseTransactionId(t.transactionId))
  const seen = new Set<string>()
  let sum = 0n
  batch.transactions.forEach((t, index) => {
    const id = ids[index] ?? ''
    if (seen.has(id)) {
      issues.push(
        issue(
          'invalid_type',
          ['transactions', index, 'transactionId'],
          `Transaction ${id} appears twice.`,
        ),
      )
    }
    seen.add(id)
    if (t.amount.currency !== currency) {
      issues.push(
        issue(
          'currency_mismatch',
          ['transactions', index, 'amount', 'currency'],
          `Transaction ${id} is in ${t.amount.currency}, the batch in ${currency}.`,
        ),
      )
    }
    sum += signOf(t.kind) * BigInt(t.amount.amount)
  })
  if (issues.length > 0) return deadLetter(issues)
  const gross = BigInt(batch.gross.amount)
  if (sum !== gross) {
    return deadLetter([
      issue(
        'invalid_amount',
        ['gross'],
        `Batch ${batchId}: Opayo's gross ${amountText(gross, currency)} is not its payments minus refunds (${amountText(sum, currency)}).`,
      ),
    ])
  }

  // What each transaction put on the clearing account, in the home currency.
  const postedHome: bigint[] = []
  batch.transactions.forEach((t, index) => {
    const posted = t.posted!
    const path = ['transactions', index, 'posted']
    if (posted.amount.currency === currency && posted.amount.amount !== t.amount.amount) {
      issues.push(
        issue(
          'invalid_amount',
          [...path, 'amount'],
          `Transaction ${ids[index] ?? ''} was posted as ${format(posted.amount)} but Opayo settled ${format(t.amount)}.`,
        ),
      )
      return
    }
    const converted = toHome(posted.amount, home, posted.rate, path)
    if (!converted.ok) issues.push(...converted.issues)
    else postedHome.push(signOf(t.kind) * converted.value)
  })
  if (issues.length > 0) return deadLetter(issues)

  // Fees per transaction, batch currency.
  const fees = transactionFees(batch, ids, options.fees)
  if (fees.kind === 'wait') return wait('fees_not_imported', fees.message)
  if (fees.kind === 'issues') return deadLetter(fees.issues)
  const fee = fees.values.reduce((a, b) => a + b, 0n)
  const net = gross - fee

  let received: bigint
  if (batch.received !== undefined) received = BigInt(batch.received.amount)
  else if (currency === home) received = net
  else {
    return wait(
      'amount_received_unknown',
      `Batch ${batchId} is in ${currency}; the ${home} amount that reached the bank is not known yet.`,
    )
  }

  let feesHome = fee
  if (currency !== home && fee !== 0n) {
    // The payout's own rate (received / net) prices the fees it deducted.
    if (net === 0n || (received !== 0n && received < 0n !== net < 0n)) {
      return deadLetter([
        issue(
          'missing_exchange_rate',
          ['received'],
          `Batch ${batchId}: cannot derive the settlement rate from ${amountText(received, home)} received for a net of ${amountText(net, currency)}, so its fees cannot be valued in ${home}.`,
        ),
      ])
    }
    feesHome = divideRounded(fee * received, net, 'half-up')
  }

  let feeDifference = 0n
  if (currency === home && batch.received !== undefined) {
    feeDifference = gross - received - fee
    const magnitude = feeDifference < 0n ? -feeDifference : feeDifference
    if (magnitude > BigInt(tolerance)) {
      return deadLetter([
        issue(
          'invalid_amount',
          ['received'],
          `Batch ${batchId}: ${amountText(received, home)} reached the bank, but gross ${amountText(gross, home)} less planned fees ${amountText(fee, home)} is ${amountText(net, home)}; the difference ${amountText(feeDifference, home)} exceeds maxFeeDifference (${tolerance}).`,
        ),
      ])
    }
  }

  const totalPosted = postedHome.reduce((a, b) => a + b, 0n)
  const fx = totalPosted - received - feesHome - feeDifference
  const remainder = totalPosted - received - feesHome - feeDifference - fx

  const money = (units: bigint, code: CurrencyCode, path: IssuePath): Money => {
    const m = fromBigInt(units, code, path, units.toString())
    if (m.ok) return m.value
    issues.push(...m.issues)
    return { amount: 0, currency: code } as Money
  }
  const totals: SettlementTotals = {
    gross: money(gross, currency, ['gross']),
    fees: money(fee, currency, ['fees']),
    net: money(net, currency, ['net']),
    postedHome: money(totalPosted, home, ['postedHome']),
    received: money(received, home, ['received']),
    feesHome: money(feesHome, home, ['feesHome']),
    feeDifference: money(feeDifference, home, ['feeDifference']),
    fxDifference: money(fx, home, ['fxDifference']),
    clearingRemainder: money(remainder, home, ['clearingRemainder']),
  }
  const fxShares = spread(
    totals.fxDifference,
    postedHome.map((p) => (p < 0n ? -p : p)),
  )
  const transactions = batch.transactions.map((t, index): SettlementTransactionLine => ({
    transactionId: ids[index] ?? '',
    kind: t.kind,
    amount: t.amount,
    fee: money(fees.values[index] ?? 0n, currency, ['transactions', index, 'fee']),
    postedHome: money(postedHome[index] ?? 0n, home, ['transactions', index, 'postedHome']),
    fxDifference: fxShares[index] ?? money(0n, home, []),
  }))
  if (issues.length > 0) return deadLetter(issues)

  const { accounts } = options
  const eventId = `opayo-batch:${batchId}`
  const clearing = accounts.clearing.nominalCode
  const line = (nominalCode: number, units: bigint, comment: string): JournalLine | undefined => {
    if (units === 0n) return undefined
    const side = money(units < 0n ? -units : units, home, [])
    return units > 0n
      ? { nominalCode, debit: side, comment }
      : { nominalCode, credit: side, comment }
  }
  const present = (lines: readonly (JournalLine | undefined)[]): JournalLine[] =>
    lines.filter((l): l is JournalLine => l !== undefined)
  const journal = (
    purpose: 'fees' | 'fx',
    comment: string,
    lines: readonly JournalLine[],
  ): JournalIntent => {
    const entryMarker = settlementMarker(batchId, purpose)
    return {
      kind: 'journal',
      paymentId: eventId,
      marker: entryMarker,
      date: batch.date,
      reference: entryMarker,
      comment,
      lines,
    }
  }

  let transfer: SettlementTransferIntent | undefined
  if (received !== 0n) {
    const transferMarker = settlementMarker(batchId, 'transfer')
    const outward = received > 0n
    const amount = money(outward ? received : -received, home, ['received'])
    const comment = outward
      ? `Opayo batch ${batchId} of ${batch.date}: ${format(amount)} from clearing to bank`
      : `Opayo batch ${batchId} of ${batch.date}: ${format(amount)} from bank to clearing (refunds exceeded payments)`
    transfer = {
      kind: 'bank-transfer',
      paymentId: eventId,
      marker: transferMarker,
      date: batch.date,
      reference: transferMarker,
      comment,
      amount,
      fromBankAccountId: outward ? accounts.clearing.bankAccountId : accounts.bank.bankAccountId,
      toBankAccountId: outward ? accounts.bank.bankAccountId : accounts.clearing.bankAccountId,
      lines: present([
        line(accounts.bank.nominalCode, received, `Opayo batch ${batchId} of ${batch.date}`),
        line(clearing, -received, `Opayo batch ${batchId} of ${batch.date}`),
      ]),
    }
  }

  const feeLines = present([
    line(
      accounts.feesNominalCode,
      feesHome,
      `Opayo card fees, batch ${batchId} (${batch.transactions.length} transaction${batch.transactions.length === 1 ? '' : 's'})`,
    ),
    line(
      accounts.feesNominalCode,
      feeDifference,
      `Fee difference, batch ${batchId}: acquirer deducted ${amountText(fee + feeDifference, home)}, planned ${amountText(fee, home)}`,
    ),
    line(clearing, -(feesHome + feeDifference), `Opayo clearing, batch ${batchId} fees`),
  ])
  const fxLines = present([
    line(
      accounts.fxNominalCode,
      fx,
      fx > 0n
        ? `Realised exchange loss, batch ${batchId}`
        : `Realised exchange gain, batch ${batchId}`,
    ),
    line(clearing, -fx, `Opayo clearing, batch ${batchId} exchange difference`),
  ])
  if (issues.length > 0) return deadLetter(issues)

  return {
    kind: 'post',
    batchId,
    marker,
    date: batch.date,
    ...(transfer === undefined ? {} : { transfer }),
    ...(feeLines.length === 0
      ? {}
      : {
          feeJournal: journal(
            'fees',
            `Opayo fees, batch ${batchId} of ${batch.date}: ${format(totals.fees)}`,
            feeLines,
          ),
        }),
    ...(fxLines.length === 0
      ? {}
      : {
          fxJournal: journal(
            'fx',
            `Opayo exchange difference, batch ${batchId} of ${batch.date}: ${format(totals.fxDifference)}`,
            fxLines,
          ),
        }),
    totals,
    transactions,
  }
}

/**
 * The batch's transactions against Opayo's own totals (when it sent them): one currency only, and
 * for the batch currency the same payments and refunds (values, and counts where sent).
 */
function checkOpayoTotals(batch: SettlementBatch, batchId: string): Issue[] {
  const groups = batch.opayoTotals
  if (groups === undefined) return []
  const currencies = [...new Set(groups.map((g) => g.currency))]
  if (currencies.length > 1) {
    return [
      issue(
        'settlement_multi_currency',
        ['opayoTotals'],
        `Batch ${batchId} holds ${currencies.length} currencies (${currencies.join(', ')}): Opayo's totals are per currency and a batch is settled as one payout in one currency; settle it by hand.`,
      ),
    ]
  }
  const currency = batch.currency
  const group = groups[0]
  if (groups.length > 1 || group === undefined || group.currency !== currency) {
    return [
      issue(
        'settlement_totals_mismatch',
        ['opayoTotals'],
        groups.length > 1
          ? `Batch ${batchId}: Opayo sent ${groups.length} totals for ${currency}; cannot tell which its detail rows must add up to.`
          : `Batch ${batchId}: Opayo's totals are in ${group?.currency ?? '(none)'}, the batch in ${currency}.`,
      ),
    ]
  }
  const rows = { payments: 0n, refunds: 0n, paymentCount: 0, refundCount: 0 }
  for (const t of batch.transactions) {
    if (t.amount.currency !== currency) continue
    if (t.kind === 'refund') {
      rows.refunds += BigInt(t.amount.amount)
      rows.refundCount += 1
    } else {
      rows.payments += BigInt(t.amount.amount)
      rows.paymentCount += 1
    }
  }
  const opayo = {
    payments: BigInt(group.payments.amount),
    refunds: BigInt(group.refunds.amount),
  }
  const differs =
    rows.payments !== opayo.payments ||
    rows.refunds !== opayo.refunds ||
    (group.paymentCount !== undefined && group.paymentCount !== rows.paymentCount) ||
    (group.refundCount !== undefined && group.refundCount !== rows.refundCount)
  if (!differs) return []
  const counted = (n: number | undefined) => (n === undefined ? '' : ` in ${n}`)
  return [
    issue(
      'settlement_totals_mismatch',
      ['opayoTotals', 0],
      `Batch ${batchId}: Opayo's ${currency} totals are payments ${amountText(opayo.payments, currency)}${counted(group.paymentCount)}, refunds ${amountText(opayo.refunds, currency)}${counted(group.refundCount)}; its detail rows add up to payments ${amountText(rows.payments, currency)} in ${rows.paymentCount}, refunds ${amountText(rows.refunds, currency)} in ${rows.refundCount}.`,
    ),
  ]
}

function signOf(kind: 'payment' | 'refund'): bigint {
  return kind === 'refund' ? -1n : 1n
}

function amountText(units: bigint, code: CurrencyCode): string {
  const m = fromBigInt(units, code, [], units.toString())
  return m.ok ? format(m.value) : `${units.toString()} ${code} minor units`
}

/** `total` split in proportion to `weights` (equal shares when every weight is zero). */
function spread(total: Money, weights: readonly bigint[]): Money[] {
  if (weights.length === 0) return []
  const ratios = weights.map(Number)
  // Equal shares when nothing to weigh by, or when a weight is too large for allocate's exact
  // integer ratios (only amounts beyond 2^53 minor units): the sum is kept either way.
  const equal = ratios.every((r) => r === 0) || !ratios.every(Number.isSafeInteger)
  return allocate(total, equal ? ratios.map(() => 1) : ratios)
}

/** Posted money in the home currency, at the rate KashFlow books it at (exact, half-even). */
function toHome(
  posted: Money,
  home: CurrencyCode,
  rate: RateRecord | undefined,
  path: IssuePath,
): Result<bigint> {
  if (posted.currency === home) return ok(BigInt(posted.amount))
  if (rate === undefined) {
    return err([
      issue(
        'missing_exchange_rate',
        [...path, 'rate'],
        `Posted in ${posted.currency}, but no ${posted.currency}/${home} rate was recorded.`,
      ),
    ])
  }
  if (rate.from === posted.currency && rate.to === home) {
    const converted = convert(posted, home, rate)
    return converted.ok ? ok(BigInt(converted.value.money.amount)) : converted
  }
  const decimal = parseDecimal(rate.value)
  if (
    rate.from === home &&
    rate.to === posted.currency &&
    decimal !== undefined &&
    decimal.units > 0n
  ) {
    // KashFlow's ExchangeRate direction: home = foreign / rate, done on integers.
    const numerator = BigInt(posted.amount) * pow10(decimal.scale) * pow10(minorUnitExponent(home))
    const denominator = decimal.units * pow10(minorUnitExponent(posted.currency))
    return ok(divideRounded(numerator, denominator, 'half-even'))
  }
  return err([
    issue(
      'currency_mismatch',
      [...path, 'rate'],
      `Rate ${rate.from}->${rate.to} cannot value ${posted.currency} in ${home}.`,
    ),
  ])
}

type FeeOutcome =
  | { readonly kind: 'fees'; readonly values: readonly bigint[] }
  | { readonly kind: 'wait'; readonly message: string }
  | { readonly kind: 'issues'; readonly issues: readonly Issue[] }

/** Each transaction's fee in the batch currency, batch-level fees spread with allocate. */
function transactionFees(
  batch: SettlementBatch,
  ids: readonly string[],
  fees: SettlementFees,
): FeeOutcome {
  const count = batch.transactions.length
  switch (fees.source) {
    case 'none':
      return { kind: 'fees', values: batch.transactions.map(() => 0n) }
    case 'rules': {
      const issues: Issue[] = []
      const values = batch.transactions.map((t, index) => {
        const priced = feeFor(
          {
            kind: t.kind,
            amount: t.amount,
            ...(t.scheme === undefined ? {} : { card: { scheme: t.scheme } }),
          },
          fees.rules,
        )
        if (priced.ok) return BigInt(priced.value.amount)
        issues.push(
          ...priced.issues.map((i) => ({ ...i, path: ['transactions', index, ...i.path] })),
        )
        return 0n
      })
      return issues.length > 0 ? { kind: 'issues', issues } : { kind: 'fees', values }
    }
    case 'statement': {
      const batchId = normaliseBatchId(batch.batchId)
      const byId = new Map<string, number>()
      const byCode = new Map<string, number>()
      batch.transactions.forEach((t, index) => {
        byId.set(ids[index] ?? '', index)
        if (t.vendorTxCode !== undefined) byCode.set(t.vendorTxCode.trim(), index)
      })
      const values: bigint[] = Array.from({ length: count }, () => 0n)
      const issues: Issue[] = []
      let batchLevel = 0n
      let matched = 0
      for (const row of fees.rows) {
        const index =
          row.transactionId !== undefined
            ? byId.get(normaliseTransactionId(row.transactionId))
            : row.vendorTxCode !== undefined
              ? byCode.get(row.vendorTxCode.trim())
              : undefined
        const forBatch =
          row.transactionId === undefined &&
          row.vendorTxCode === undefined &&
          row.batchId !== undefined &&
          row.batchId.trim().toUpperCase() === batchId
        if (index === undefined && !forBatch) continue
        matched += 1
        if (row.fee.currency !== batch.currency) {
          issues.push(
            issue(
              'currency_mismatch',
              ['fees', 'rows', row.line],
              `Fee statement line ${row.line} is in ${row.fee.currency}, batch ${batchId} in ${batch.currency}.`,
            ),
          )
          continue
        }
        if (index === undefined) batchLevel += BigInt(row.fee.amount)
        else values[index] = (values[index] ?? 0n) + BigInt(row.fee.amount)
      }
      if (issues.length > 0) return { kind: 'issues', issues }
      if (matched === 0) {
        return {
          kind: 'wait',
          message: `No fee statement row covers batch ${batchId} or its transactions yet; import the acquirer statement.`,
        }
      }
      if (batchLevel !== 0n) {
        const total = fromBigInt(batchLevel, batch.currency, ['fees'], batchLevel.toString())
        if (!total.ok) return { kind: 'issues', issues: total.issues }
        const shares = spread(
          total.value,
          batch.transactions.map((t) => BigInt(t.amount.amount)),
        )
        shares.forEach((share, index) => {
          values[index] = (values[index] ?? 0n) + BigInt(share.amount)
        })
      }
      return { kind: 'fees', values }
    }
  }
}
