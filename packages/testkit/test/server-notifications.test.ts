import { describe, expect, it } from 'vitest'
import { buildServerNotification, uniqueVendorTxCode } from '../src/index.js'

describe('buildServerNotification', () => {
  it("makes a fresh VPSTxId and VendorTxCode on every call, so a second order never gets the first one's reply", () => {
    const first = buildServerNotification()
    const second = buildServerNotification()
    expect(first['VPSTxId']).toMatch(/^\{[0-9A-F-]{36}\}$/)
    expect(first['VendorTxCode']).toMatch(/^INV-1042-[0-9A-F]{8}$/)
    expect(second['VPSTxId']).not.toBe(first['VPSTxId'])
    expect(second['VendorTxCode']).not.toBe(first['VendorTxCode'])
  })

  it('keeps the ids a test passes', () => {
    const fixed = { VendorTxCode: 'INV-1042-1', VPSTxId: '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}' }
    expect(buildServerNotification(fixed)).toMatchObject(fixed)
    expect(uniqueVendorTxCode('INV-7-')).toMatch(/^INV-7-[0-9A-F]{8}$/)
  })
})
