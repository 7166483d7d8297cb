// Where settlement entries go in KashFlow: the clearing and bank accounts, the fee and FX nominals.
import { z } from 'zod'
import { issuesFromZod } from '../model/parse.js'
import { CurrencyCodeSchema } from '../money/currency.js'
import { SettlementConfigError } from './settlement-config-error.js'

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
