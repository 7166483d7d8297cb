// The `settlement` section of the config file (clearing mode), as a schema. Kept apart from
// settlement-config.ts so config.ts can import it without an import cycle.
import { BankStatementColumnsSchema } from '@opayo-kashflow/core'
import { z } from 'zod'

const Id = z.number().int().positive()

/**
 * `settlement` in the config file. Required when `posting.mode` is `"clearing"`; the bank account
 * is `posting.bankAccountId`.
 */
export const SettlementConfigSchema = z.strictObject({
  /** The "Opayo clearing" bank account: its KashFlow `Id` and its nominal code. */
  clearing: z.strictObject({ bankAccountId: Id, nominalCode: Id }),
  /** The nominal code of `posting.bankAccountId` (the real bank account). */
  bankNominalCode: Id,
  /** Where card fees are debited (e.g. 7901 bank charges). */
  feesNominalCode: Id,
  /** Where realised exchange differences go (e.g. 7906). */
  fxNominalCode: Id,
  /**
   * Where fees come from: `{ "source": "rules", "currency": "GBP", "rules": [...] }` (the
   * tariff, see docs/accounting.md), `{ "source": "statement" }` (rows imported with
   * `opayo-kashflow fees import FILE`), or `{ "source": "none" }`. @default { "source": "none" }
   */
  fees: z
    .discriminatedUnion('source', [
      z.strictObject({
        source: z.literal('rules'),
        currency: z.string(),
        rules: z.array(z.record(z.string(), z.unknown())).min(1),
        refunds: z.enum(['free', 'charged']).optional(),
      }),
      z.strictObject({ source: z.literal('statement') }),
      z.strictObject({ source: z.literal('none') }),
    ])
    .default({ source: 'none' }),
  /** Minor units the acquirer's deduction may differ from the planned fees. @default 0 */
  maxFeeDifference: z.number().int().min(0).default(0),
  /**
   * How the acquirer pays a batch out: `"net"` (less its fees) or `"gross"` (fees collected
   * later by direct debit; then `fees` must be `{ "source": "none" }`). @default "net"
   */
  payout: z.enum(['net', 'gross']).default('net'),
  /** Percent a foreign batch's deposit may imply away from the booked rates. @default 5 */
  maxRateDeviation: z.number().min(0).lt(100).default(5),
  /**
   * How a batch paid out in the next month is dated: `"deposit-date"` (every entry on the
   * deposit's day) or `"split"` (the fee journal in the batch's own month). @default "deposit-date"
   */
  monthEnd: z.enum(['deposit-date', 'split']).default('deposit-date'),
  /**
   * Where a batch's deposit is read: `{ "source": "kashflow", "windowDays"?: 5 }` (the bank
   * account's lines in KashFlow, what the bank feed brought in), or `{ "source": "statement",
   * "columns": { "date": "Date", "paidIn": "Paid in", "paidOut": "Paid out", "currency": "GBP" } }`
   * (the bank's CSV exports or OFX downloads, imported with `opayo-kashflow deposits import FILE`;
   * `columns` names a CSV export's headers, core's `BankStatementColumnsSchema`). Without it, each batch waits for
   * `opayo-kashflow settlement received`.
   */
  deposits: z
    .discriminatedUnion('source', [
      z.strictObject({
        source: z.literal('kashflow'),
        windowDays: z.number().int().min(0).max(31).optional(),
      }),
      z.strictObject({
        source: z.literal('statement'),
        windowDays: z.number().int().min(0).max(31).optional(),
        /** The CSV export's columns; not needed for OFX downloads (read as they are). */
        columns: BankStatementColumnsSchema.optional(),
      }),
    ])
    .optional(),
  /**
   * Monthly acquirer and gateway charges, per fee type as a charge statement names it (matched
   * without case): `{ "msc": { "nominalCode": 7901, "vat": "exempt", "from": "clearing" },
   * "gateway": { "nominalCode": 7902, "vat": { "rate": 20 }, "from": "bank" } }`. `from`: `"bank"`
   * for a charge debited from the bank (gross settle's direct debit, a gateway invoice),
   * `"clearing"` for one netted off a deposit (net credit), `"true-up"` for one deducted from
   * each deposit and booked per batch by fee rules (only the month's difference is posted). Imported with
   * `opayo-kashflow charges import FILE`. @default none (charge statements are refused)
   */
  charges: z
    .record(
      z.string().min(1, 'a fee type must not be empty'),
      z.strictObject({
        nominalCode: Id,
        vat: z.union([z.literal('exempt'), z.strictObject({ rate: z.number().min(0).max(100) })]),
        from: z.enum(['bank', 'clearing', 'true-up']),
      }),
    )
    .optional(),
})
export type SettlementConfig = z.output<typeof SettlementConfigSchema>
