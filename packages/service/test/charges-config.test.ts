import { describe, expect, it } from 'vitest'
import { ConfigError, ServiceConfigSchema } from '../src/cli/config.js'
import { settlementFromConfig } from '../src/cli/settlement-config.js'

const config = (settlement: Record<string, unknown>) =>
  ServiceConfigSchema.parse({
    opayo: { vendorName: 'myshop' },
    kashflow: { username: 'u' },
    references: ['INV-{invoice}-{*}'],
    server: { redirectUrl: 'https://shop.example/' },
    posting: { bankAccountId: 1, paymentMethodId: 2, mode: 'clearing' },
    settlement: {
      clearing: { bankAccountId: 7, nominalCode: 1210 },
      bankNominalCode: 1200,
      feesNominalCode: 7901,
      fxNominalCode: 7906,
      ...settlement,
    },
  })

describe('settlement.charges in the config file', () => {
  it('becomes charge rules keyed by fee type in lower case', () => {
    const options = settlementFromConfig(
      config({
        charges: {
          MSC: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
          gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
        },
      }),
    )
    expect(options?.charges).toEqual({
      msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
      gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
    })
  })

  it('names the key of a malformed rule', () => {
    const parsed = ServiceConfigSchema.safeParse({
      ...config({}),
      settlement: { ...config({}).settlement, charges: { msc: { nominalCode: 0, vat: 'exempt' } } },
    })
    expect(parsed.success).toBe(false)
    const paths = parsed.error?.issues.map((i) => i.path.join('.'))
    expect(paths).toEqual(
      expect.arrayContaining(['settlement.charges.msc.nominalCode', 'settlement.charges.msc.from']),
    )
  })

  it('refuses a charge netted off a deposit when the acquirer pays gross', () => {
    expect(() =>
      settlementFromConfig(
        config({
          payout: 'gross',
          fees: { source: 'none' },
          charges: { msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' } },
        }),
      ),
    ).toThrow(ConfigError)
    expect(() =>
      settlementFromConfig(
        config({
          payout: 'gross',
          charges: { msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' } },
        }),
      ),
    ).toThrow(/settlement\.charges\.msc\.from is "clearing"/)
    expect(() =>
      settlementFromConfig(
        config({
          payout: 'gross',
          fees: { source: 'none' },
          charges: { msc: { nominalCode: 7901, vat: 'exempt', from: 'true-up' } },
        }),
      ),
    ).toThrow(/settlement\.charges\.msc\.from is "true-up"/)
  })

  it('reads a true-up fee type, and refuses one with VAT (the per-batch fees carry none)', () => {
    const settlement = settlementFromConfig(
      config({ charges: { msc: { nominalCode: 7901, vat: 'exempt', from: 'true-up' } } }),
    )
    expect(settlement?.charges?.['msc']).toEqual({
      nominalCode: 7901,
      vat: 'exempt',
      from: 'true-up',
    })
    expect(() =>
      settlementFromConfig(
        config({ charges: { msc: { nominalCode: 7901, vat: { rate: 20 }, from: 'true-up' } } }),
      ),
    ).toThrow(/its vat must be "exempt"/)
  })
})
