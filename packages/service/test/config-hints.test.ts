// The hint bounds in the CLI configuration: the cap on pending hints and the pace of the
// Reporting reads that confirm them, optional, validated, and handed to the service.
import { describe, expect, it } from 'vitest'
import { ServiceConfigSchema } from '../src/cli/config.js'

const base = {
  kashflow: { username: 'u' },
  references: ['INV-{invoice}-{*}'],
  server: { redirectUrl: 'https://shop.example/' },
  posting: { bankAccountId: 1, paymentMethodId: 2 },
}
const parse = (extra: { opayo?: Record<string, unknown>; hints?: unknown }) =>
  ServiceConfigSchema.safeParse({
    ...base,
    opayo: { vendorName: 'myshop', ...extra.opayo },
    ...(extra.hints === undefined ? {} : { hints: extra.hints }),
  })

describe('hints and opayo.confirmationRateBudget in the CLI configuration', () => {
  it('are optional; a budget window defaults to one second', () => {
    const none = parse({})
    expect(none.success && [none.data.hints, none.data.opayo.confirmationRateBudget]).toEqual([
      undefined,
      undefined,
    ])
    const given = parse({
      opayo: { confirmationRateBudget: { limit: 1 } },
      hints: { maxPending: 200 },
    })
    expect(given.success && given.data.opayo.confirmationRateBudget).toEqual({
      limit: 1,
      windowMs: 1000,
    })
    expect(given.success && given.data.hints).toEqual({ maxPending: 200 })
  })

  it('refuses a cap or a limit that is not a positive whole number, and unknown keys', () => {
    expect(parse({ hints: { maxPending: 0 } }).success).toBe(false)
    expect(parse({ hints: { maxPending: 2.5 } }).success).toBe(false)
    expect(parse({ hints: { max: 10 } }).success).toBe(false)
    expect(parse({ opayo: { confirmationRateBudget: { limit: -1 } } }).success).toBe(false)
  })
})
