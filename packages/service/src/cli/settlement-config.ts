// The `settlement` section of the config file (clearing mode): the accounts a closed Opayo batch
// is settled with, and where its fees come from. Validated here; built into the engine's options.
import {
  defineChargeRules,
  defineFeeRules,
  defineSettlementAccounts,
  isOpayoKashflowError,
} from '@opayo-kashflow/core'
import type { FeeRulesInput } from '@opayo-kashflow/core'
import type { SettlementOptions } from '@opayo-kashflow/sync'
import { ConfigError } from './config.js'
import type { ServiceConfig } from './config.js'

export { SettlementConfigSchema } from './settlement-config-schema.js'
export type { SettlementConfig } from './settlement-config-schema.js'

/** Posting-rule fields for the configured mode (`clearing` posts to the clearing account). */
export function clearingRulesFromConfig(
  config: ServiceConfig,
): { mode: 'direct' } | { mode: 'clearing'; clearingBankAccountId: number } {
  if (config.posting.mode !== 'clearing') return { mode: 'direct' }
  if (!config.settlement)
    throw new ConfigError(
      'posting.mode is "clearing" but there is no settlement section (the clearing account, the bank nominal, the fees and FX nominals): see docs/accounting.md.',
    )
  return { mode: 'clearing', clearingBankAccountId: config.settlement.clearing.bankAccountId }
}

/** The engine's settlement options, or undefined in `direct` mode. */
export function settlementFromConfig(config: ServiceConfig): SettlementOptions | undefined {
  const section = config.settlement
  if (config.posting.mode !== 'clearing' || !section) return undefined
  try {
    const accounts = defineSettlementAccounts({
      ...(config.posting.homeCurrency ? { homeCurrency: config.posting.homeCurrency } : {}),
      clearing: section.clearing,
      bank: { bankAccountId: config.posting.bankAccountId, nominalCode: section.bankNominalCode },
      feesNominalCode: section.feesNominalCode,
      fxNominalCode: section.fxNominalCode,
    })
    const fees: SettlementOptions['fees'] =
      section.fees.source === 'rules'
        ? {
            source: 'rules',
            rules: defineFeeRules({
              currency: section.fees.currency,
              rules: section.fees.rules,
              ...(section.fees.refunds ? { refunds: section.fees.refunds } : {}),
            } as FeeRulesInput),
          }
        : section.fees
    if (section.payout === 'gross' && section.fees.source !== 'none')
      throw new ConfigError(
        'settlement: payout "gross" means the acquirer pays each batch whole and collects its fees later, so a batch posts no fees: set settlement.fees to { "source": "none" } (see docs/accounting.md#how-the-acquirer-pays).',
      )
    for (const [feeType, rule] of Object.entries(section.charges ?? {}))
      if (section.payout === 'gross' && rule.from !== 'bank')
        throw new ConfigError(
          `settlement.charges.${feeType}.from is "${rule.from}", but payout "gross" means nothing is netted off a deposit: charges are collected by direct debit, so set "from": "bank" (see docs/accounting.md#how-the-acquirer-pays).`,
        )
    return {
      accounts,
      fees,
      ...(section.charges ? { charges: defineChargeRules(section.charges) } : {}),
      maxFeeDifference: section.maxFeeDifference,
      payout: section.payout,
      maxRateDeviation: section.maxRateDeviation,
      monthEnd: section.monthEnd,
      ...(section.deposits
        ? {
            deposits: {
              source: section.deposits.source,
              ...(section.deposits.windowDays === undefined
                ? {}
                : { windowDays: section.deposits.windowDays }),
            },
          }
        : {}),
    }
  } catch (error) {
    if (isOpayoKashflowError(error) && error.code === 'settlement_config_invalid')
      throw new ConfigError(`settlement: ${error.message}`)
    throw error
  }
}
