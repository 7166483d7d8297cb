// The config's `matching` section: core's policy schema, strict, so a typo cannot change what posts.
import { describe, expect, it } from 'vitest'
import { ServiceConfigSchema } from '../src/cli/config.js'

const base = {
  opayo: { vendorName: 'myshop' },
  kashflow: { username: 'u' },
  posting: { bankAccountId: 1, paymentMethodId: 2 },
  references: ['INV-{invoice}-{*}'],
  server: { redirectUrl: 'https://shop.example/' },
}
const parse = (matching: unknown) => ServiceConfigSchema.safeParse({ ...base, matching })

describe('the matching section of the configuration', () => {
  it('is optional (never auto-post) and takes autoPost with minScore and requireUnique', () => {
    expect(ServiceConfigSchema.parse(base).matching).toBeUndefined()
    expect(parse({ autoPost: { minScore: 80, requireUnique: true } }).data?.matching).toEqual({
      autoPost: { minScore: 80, requireUnique: true },
    })
  })

  it('refuses a score out of range, requireUnique false and an unknown key, naming the field', () => {
    const low = parse({ autoPost: { minScore: 0, requireUnique: true } })
    expect(low.success).toBe(false)
    expect(low.error?.issues[0]?.path).toEqual(['matching', 'autoPost', 'minScore'])
    expect(parse({ autoPost: { minScore: 80, requireUnique: false } }).success).toBe(false)
    expect(parse({ autopost: { minScore: 80, requireUnique: true } }).success).toBe(false)
  })
})

describe('the createInvoice option of the posting section', () => {
  const posting = (extra: Record<string, unknown>) =>
    ServiceConfigSchema.safeParse({
      ...base,
      posting: { bankAccountId: 1, paymentMethodId: 2, ...extra },
    })

  it('takes a nominal code, a VAT rate (default 0) and an optional customer code', () => {
    expect(posting({ createInvoice: { nominalCode: 4000 } }).data?.posting.createInvoice).toEqual({
      nominalCode: 4000,
      vatRate: 0,
    })
    expect(posting({ createInvoice: { nominalCode: 4000, vatRate: 120 } }).success).toBe(false)
    expect(posting({ createInvoice: { vatRate: 20 } }).success).toBe(false)
  })
})
