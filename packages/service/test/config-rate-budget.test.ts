import { describe, expect, it } from 'vitest'
import { ServiceConfigSchema } from '../src/cli/config.js'

const base = {
  opayo: { vendorName: 'myshop' },
  references: ['INV-{invoice}-{*}'],
  server: { redirectUrl: 'https://shop.example/' },
  posting: { bankAccountId: 1, paymentMethodId: 2 },
}
const parse = (kashflow: Record<string, unknown>) =>
  ServiceConfigSchema.safeParse({ ...base, kashflow: { username: 'u', ...kashflow } })

describe('kashflow.rateBudget in the CLI configuration', () => {
  it('is optional, and its window defaults to one second', () => {
    const none = parse({})
    expect(none.success && none.data.kashflow.rateBudget).toBeUndefined()
    const given = parse({ rateBudget: { limit: 100 } })
    expect(given.success && given.data.kashflow.rateBudget).toEqual({ limit: 100, windowMs: 1000 })
  })

  it('refuses a limit that is not a positive whole number, and unknown keys', () => {
    expect(parse({ rateBudget: { limit: 0 } }).success).toBe(false)
    expect(parse({ rateBudget: { limit: 2.5 } }).success).toBe(false)
    expect(parse({ rateBudget: { limit: 10, perSecond: 3 } }).success).toBe(false)
  })
})
