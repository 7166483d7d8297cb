import { describe, expect, it } from 'vitest'
import { RegistrationTrustSchema, SECURITY_KEY_PATTERN, foldVendorTxCode } from '../src/index.js'

const valid = { vendorTxCode: 'INV-1042-1', securityKey: 'IK776BWNHN', txType: 'PAYMENT' }
const fieldsOf = (input: Record<string, unknown>) => {
  const checked = RegistrationTrustSchema.safeParse({ ...valid, ...input })
  return checked.success ? [] : checked.error.issues.map((i) => i.path.join('.'))
}

describe('RegistrationTrustSchema', () => {
  it("takes omnipay's SecurityKeys, an empty one (Form) and the three registration TxTypes", () => {
    expect(SECURITY_KEY_PATTERN.test('JEUPDN1N7E')).toBe(true)
    expect(fieldsOf({})).toEqual([])
    expect(fieldsOf({ securityKey: '' })).toEqual([])
    for (const txType of ['PAYMENT', 'DEFERRED', 'AUTHENTICATE'])
      expect(fieldsOf({ txType })).toEqual([])
  })

  it.each(['REFUND', 'TOKEN', 'VOID', 'REPEAT', 'payment', ''])('refuses TxType %j', (txType) => {
    expect(fieldsOf({ txType })).toEqual(['txType'])
  })

  it('refuses a 20 MB SecurityKey with one short message that does not quote it', () => {
    const checked = RegistrationTrustSchema.safeParse({
      ...valid,
      securityKey: 'A'.repeat(20 << 20),
    })
    expect(checked.success).toBe(false)
    expect(checked.error?.issues).toHaveLength(1)
    expect(JSON.stringify(checked.error?.issues).length).toBeLessThan(300)
  })

  it.each(['IK776BWNH😀', 'IK776BWNH', 'IK776BWNHNX', 'IK776 BWNH', 'IK776BWNHÉ'])(
    'refuses the SecurityKey %j',
    (securityKey) => expect(fieldsOf({ securityKey })).toEqual(['securityKey']),
  )

  it.each(['INV-1042-1 ', ' INV-1042-1', 'INV 1042', 'INV;1042', '', 'X'.repeat(41)])(
    'refuses the VendorTxCode %j (nothing is trimmed)',
    (vendorTxCode) => expect(fieldsOf({ vendorTxCode })).toEqual(['vendorTxCode']),
  )

  it('folds codes that differ only by case alike', () => {
    expect(foldVendorTxCode('inv-1042-1')).toBe(foldVendorTxCode('INV-1042-1'))
    expect(foldVendorTxCode('INV-1042-2')).not.toBe(foldVendorTxCode('INV-1042-1'))
  })
})
