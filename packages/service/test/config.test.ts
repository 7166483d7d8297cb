import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ServiceConfigSchema, loadConfig } from '../src/cli/config.js'

describe('the CLI configuration', () => {
  it('takes credit-note refunds, refuses an unknown mode and an unknown home currency, saying why', () => {
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
    expect(parse({ refunds: 'credit-note' }).data?.posting.refunds).toBe('credit-note')
    const unknown = parse({ refunds: 'store-credit' })
    expect(unknown.success).toBe(false)
    expect(unknown.error?.issues).toHaveLength(1)
    expect(unknown.error?.issues[0]?.path).toEqual(['posting', 'refunds'])
    expect(unknown.error?.issues[0]?.message).toMatch(
      /^must be "negative-payment" .* or "credit-note" .*got "store-credit"$/,
    )
    expect(parse({}).data?.posting.refunds).toBe('negative-payment')
    expect(parse({ homeCurrency: 'XYZ' }).success).toBe(false)
    expect(parse({ homeCurrency: 'EUR' }).success).toBe(true)
  })

  it('loads refunds: "credit-note" into the posting rules, and names the key of a wrong mode', async () => {
    const file = (refunds: string) => {
      const path = join(mkdtempSync(join(tmpdir(), 'config-')), 'config.json')
      writeFileSync(
        path,
        JSON.stringify({
          opayo: { vendorName: 'myshop' },
          kashflow: { username: 'u' },
          references: ['INV-{invoice}-{*}'],
          server: { redirectUrl: 'https://shop.example/' },
          posting: { bankAccountId: 1, paymentMethodId: 2, refunds },
        }),
      )
      return path
    }
    expect((await loadConfig(file('credit-note'))).posting.refunds).toBe('credit-note')
    await expect(loadConfig(file('credit'))).rejects.toThrow(
      /- posting\.refunds: must be "negative-payment" .*or "credit-note"/,
    )
  })

  it('takes an alert webhook section and refuses a URL that is not http(s), naming the key', () => {
    const config = (alerts: Record<string, unknown>) =>
      ServiceConfigSchema.safeParse({
        opayo: { vendorName: 'myshop' },
        kashflow: { username: 'u' },
        references: ['INV-{invoice}-{*}'],
        server: { redirectUrl: 'https://shop.example/' },
        posting: { bankAccountId: 1, paymentMethodId: 2 },
        alerts,
      })
    const ok = config({ url: 'https://hooks.example/pay', name: 'shop-uk', maxPerMinute: 10 })
    expect(ok.success).toBe(true)
    expect(ok.data?.alerts).toEqual({
      url: 'https://hooks.example/pay',
      name: 'shop-uk',
      maxPerMinute: 10,
    })
    const ftp = config({ url: 'ftp://hooks.example/pay' })
    expect(ftp.success).toBe(false)
    expect(ftp.error?.issues[0]?.path).toEqual(['alerts', 'url'])
    expect(ftp.error?.issues[0]?.message).toBe('must be an http:// or https:// URL')
    expect(config({ url: 'https://hooks.example/', token: 'x' }).success).toBe(false)
  })
})
