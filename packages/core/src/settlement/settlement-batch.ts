// A closed Opayo settlement batch as planSettlement reads it: its transactions and Opayo's totals.
import { z } from 'zod'
import { RateRecordSchema } from '../currency/convert.js'
import { CARD_SCHEMES } from '../model/canonical-payment.js'
import { CurrencyCodeSchema } from '../money/currency.js'
import { MoneySchema } from '../money/money.js'
import { BATCH_ID } from './settlement-marker.js'

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
   * The deposit observed at the bank for the batch, in the home currency (negative when the
   * acquirer took money): from the bank account's lines, a bank statement, or set by a person.
   * Absent: the batch waits until it is known; an expected figure is never posted as if it had
   * arrived.
   */
  received: MoneySchema.optional(),
  /** The date the deposit reached the bank (the bank line's date), YYYY-MM-DD: the transfer's date. */
  receivedOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'receivedOn must be YYYY-MM-DD')
    .optional(),
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
