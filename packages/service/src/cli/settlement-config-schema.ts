// The `settlement` section of the config file (clearing mode), as a schema. Kept apart from
// settlement-config.ts so config.ts can import it without an import cycle.
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
})
export type SettlementConfig = z.output<typeof SettlementConfigSchema>
