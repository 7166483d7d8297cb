import { describe, expect, it } from 'vitest'
import { ServiceConfigSchema } from '../src/cli/config.js'

describe('the CLI configuration', () => {
  it('refuses credit-note refunds and an unknown home currency, saying why', () => {
    const base = {
      opayo: { vendorName: 'myshop' },
      kashflow: { username: 'u' },
      references: ['INV-{invoice}-{*}'],
      server: { redirectUrl: 'https://shop.example/' },
    }
    const parse = (posting: Record<string, unknown>) =>
      ServiceConfigSchema.safeParse({
        ...base,
        posting: { bankAccountId: 1, paymentMethodId: 2, ...posting },
      })
    const creditNote = parse({ refunds: 'credit-note' })
    expect(creditNote.success).toBe(false)
    expect(creditNote.error?.issues[0]?.message).toMatch(/credit-note refunds are not posted/)
    expect(parse({ homeCurrency: 'XYZ' }).success).toBe(false)
    expect(parse({ homeCurrency: 'EUR' }).success).toBe(true)
  })
})
