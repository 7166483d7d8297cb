import { describe, expect, it } from 'vitest'
import { ConfigError, ServiceConfigSchema } from '../src/cli/config.js'
import { clearingRulesFromConfig, settlementFromConfig } from '../src/cli/settlement-config.js'

const base = {
  opayo: { vendorName: 'myshop' },
  kashflow: { username: 'u' },
  references: ['INV-{invoice}-{*}'],
  server: { redirectUrl: 'https://shop.example/' },
}
const settlement = {
  clearing: { bankAccountId: 7, nominalCode: 1210 },
  bankNominalCode: 1200,
  feesNominalCode: 7901,
  fxNominalCode: 7906,
  fees: { source: 'rules', currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] },
}
const parse = (extra: Record<string, unknown>) =>
  ServiceConfigSchema.parse({
    ...base,
    posting: { bankAccountId: 1, paymentMethodId: 2, ...(extra['posting'] as object) },
    ...(extra['settlement'] ? { settlement: extra['settlement'] } : {}),
  })

describe('clearing mode in the config file', () => {
  it('is off by default: direct posting, no settlement', () => {
    const config = parse({})
    expect(config.posting.mode).toBe('direct')
    expect(clearingRulesFromConfig(config)).toEqual({ mode: 'direct' })
    expect(settlementFromConfig(config)).toBeUndefined()
  })

  it('posts to the clearing account and settles with the configured accounts and fee rules', () => {
    const config = parse({ posting: { mode: 'clearing' }, settlement })
    expect(clearingRulesFromConfig(config)).toEqual({ mode: 'clearing', clearingBankAccountId: 7 })
    const options = settlementFromConfig(config)
    expect(options?.accounts).toMatchObject({
      clearing: { bankAccountId: 7, nominalCode: 1210 },
      bank: { bankAccountId: 1, nominalCode: 1200 },
      feesNominalCode: 7901,
    })
    expect(options?.fees).toMatchObject({ source: 'rules', rules: { currency: 'GBP' } })
    expect(options?.maxFeeDifference).toBe(0)
  })

  it('reads the payout method, the rate bound and where deposits come from', () => {
    const defaults = settlementFromConfig(parse({ posting: { mode: 'clearing' }, settlement }))
    expect(defaults).toMatchObject({ payout: 'net', maxRateDeviation: 5, monthEnd: 'deposit-date' })
    expect(defaults?.deposits).toBeUndefined()
    const gross = settlementFromConfig(
      parse({
        posting: { mode: 'clearing' },
        settlement: {
          ...settlement,
          fees: { source: 'none' },
          payout: 'gross',
          maxRateDeviation: 2.5,
          monthEnd: 'split',
          deposits: { source: 'kashflow', windowDays: 3 },
        },
      }),
    )
    expect(gross).toMatchObject({
      payout: 'gross',
      maxRateDeviation: 2.5,
      monthEnd: 'split',
      deposits: { source: 'kashflow', windowDays: 3 },
    })
    // Gross payout with fees deducted per batch contradicts itself: a config error naming the fix.
    const contradiction = parse({
      posting: { mode: 'clearing' },
      settlement: { ...settlement, payout: 'gross' },
    })
    expect(() => settlementFromConfig(contradiction)).toThrow(ConfigError)
    expect(() => settlementFromConfig(contradiction)).toThrow(/fees to \{ "source": "none" \}/)
    expect(() =>
      parse({ posting: { mode: 'clearing' }, settlement: { ...settlement, payout: 'weekly' } }),
    ).toThrow()
    expect(() =>
      parse({ posting: { mode: 'clearing' }, settlement: { ...settlement, monthEnd: 'month' } }),
    ).toThrow()
  })

  it('refuses clearing mode without a settlement section, and bad settlement accounts, as config errors', () => {
    expect(() => clearingRulesFromConfig(parse({ posting: { mode: 'clearing' } }))).toThrow(
      ConfigError,
    )
    const same = parse({
      posting: { mode: 'clearing' },
      settlement: { ...settlement, clearing: { bankAccountId: 1, nominalCode: 1200 } },
    })
    expect(() => settlementFromConfig(same)).toThrow(ConfigError)
    expect(() =>
      parse({
        posting: { mode: 'clearing' },
        settlement: { ...settlement, fees: { source: 'x' } },
      }),
    ).toThrow()
  })
})
