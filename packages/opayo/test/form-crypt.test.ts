import { createCipheriv, createDecipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  OpayoCryptError,
  createFormDecryptor,
  decryptFormCrypt,
  encryptFormCrypt,
  parseFormReturn,
  toCanonicalPayment,
} from '../src/index.js'
import { FORM_CRYPT_VECTOR as V } from './fixtures/vectors.js'

const plainFields = Object.fromEntries(
  V.plaintext
    .split('&')
    .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]),
)

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    if (e instanceof OpayoCryptError) return e.reason
    throw e
  }
  return undefined
}

describe('Form crypt (omnipay-sagepay FormGatewayTest, real sandbox data)', () => {
  it('decrypts the lower-case sandbox crypt to the published plaintext fields', () => {
    expect(decryptFormCrypt(V.crypt, V.password)).toEqual(plainFields)
  })

  it('decrypts the sandbox crypt with the never-throwing decryptor too, in either hex case', () => {
    const decrypt = createFormDecryptor(V.password)
    expect(decrypt(V.crypt)).toEqual({ ok: true, fields: plainFields })
    expect(decrypt(V.crypt.toUpperCase())).toEqual({ ok: true, fields: plainFields })
    expect(decrypt(V.crypt.slice(0, -2))).toEqual({ ok: false, reason: 'undecryptable' })
  })

  it('checks the password once, when the decryptor is made', () => {
    expect(reasonOf(() => createFormDecryptor('short'))).toBe('bad_password')
  })

  it('encrypts the same fields to the same crypt, in upper-case hex', () => {
    expect(encryptFormCrypt(plainFields, V.password)).toBe(V.crypt.toUpperCase())
  })

  it('splits on the first "=" only and keeps "+" and spaces as they are', () => {
    const crypt = encryptFormCrypt(
      [
        ['VendorTxCode', 'INV-1-1'],
        ['SuccessURL', 'https://x.example/?a=1'],
        ['Detail', '0000 : a+b'],
      ],
      V.password,
    )
    expect(decryptFormCrypt(crypt, V.password)).toEqual({
      VendorTxCode: 'INV-1-1',
      SuccessURL: 'https://x.example/?a=1',
      Detail: '0000 : a+b',
    })
  })

  it('checks the VendorTxCode against the one expected (replay)', () => {
    expect(
      decryptFormCrypt(V.crypt, V.password, { expectedVendorTxCode: 'phpne-demo-53922585' })
        .VendorTxCode,
    ).toBe('phpne-demo-53922585')
    expect(
      reasonOf(() => decryptFormCrypt(V.crypt, V.password, { expectedVendorTxCode: 'INV-1042-1' })),
    ).toBe('replay')
  })

  describe('gives away nothing about why a crypt did not decrypt (no padding oracle)', () => {
    const failureOf = (crypt: string, password: string = V.password) => {
      try {
        decryptFormCrypt(crypt, password)
      } catch (e) {
        if (!(e instanceof OpayoCryptError)) throw e
        return { name: e.name, code: e.code, reason: e.reason, message: e.message, cause: e.cause }
      }
      throw new Error(`${crypt} decrypted`)
    }
    const key = Buffer.from(V.password, 'latin1')
    const aes = (plain: Buffer, pad: boolean) => {
      const cipher = createCipheriv('aes-128-cbc', key, key)
      cipher.setAutoPadding(pad)
      return `@${Buffer.concat([cipher.update(plain), cipher.final()])
        .toString('hex')
        .toUpperCase()}`
    }
    // One block whose last byte claims 0x11 bytes of padding: more than a block holds.
    const badPadding = aes(Buffer.alloc(16, 0x11), false)
    // Valid padding, but the bytes are not Form fields (control characters).
    const notFields = aes(Buffer.from([0x01, 0x02, 0x03, 0x04, 0x00, 0x7f]), true)
    // Valid padding and text, but no VendorTxCode.
    const noVendorTxCode = aes(Buffer.from('Status=OK&Amount=1.00', 'latin1'), true)
    const cases: [string, string, string?][] = [
      // thephpleague/omnipay-sagepay tests/FormGatewayTest.php negative cases (lines 207-224):
      ['missing "@" (omnipay: ababab)', 'ababab'],
      ['not hex (omnipay: @ababxx)', '@ababxx'],
      ['not a whole block (omnipay: @ababab)', '@ababab'],
      ['empty after "@"', '@'],
      ['odd number of hex digits', `${V.crypt}a`],
      ['a truncated crypt', V.crypt.slice(0, -2)],
      ['bad padding (constructed)', badPadding],
      ['the wrong key', V.crypt, '55a51621a6648525'],
      ['bytes that are not ISO-8859-1 text fields (constructed)', notFields],
      ['fields without a VendorTxCode (constructed)', noVendorTxCode],
    ]
    const reference = failureOf('ababab')

    it('throws OpayoCryptError "undecryptable" with a fixed message and no cause', () => {
      expect(reference).toEqual({
        name: 'OpayoCryptError',
        code: 'opayo_crypt_undecryptable',
        reason: 'undecryptable',
        message: expect.stringContaining('could not be decrypted') as string,
        cause: undefined,
      })
    })

    it.each(cases)('the same error for %s', (_label, crypt, password) => {
      expect(failureOf(crypt, password)).toEqual(reference)
    })

    it('checks that the bad-padding case really has bad padding', () => {
      const decipher = createDecipheriv('aes-128-cbc', key, key)
      expect(() =>
        Buffer.concat([decipher.update(Buffer.from(badPadding.slice(1), 'hex')), decipher.final()]),
      ).toThrow()
    })
  })

  it('keeps the decrypted VendorTxCode out of a replay error', () => {
    try {
      decryptFormCrypt(V.crypt, V.password, { expectedVendorTxCode: 'INV-1042-1' })
      throw new Error('no replay error')
    } catch (e) {
      expect(e).toBeInstanceOf(OpayoCryptError)
      expect((e as OpayoCryptError).message).not.toContain('phpne-demo-53922585')
    }
  })

  it('rejects a password that is not 16 ASCII characters and fields Opayo would misread', () => {
    expect(reasonOf(() => encryptFormCrypt({ A: '1' }, 'short'))).toBe('bad_password')
    expect(reasonOf(() => encryptFormCrypt({ A: 'x&y' }, V.password))).toBe('bad_field')
    expect(reasonOf(() => encryptFormCrypt({ A: 'Łódź' }, V.password))).toBe('bad_field')
  })

  it('round-trips ISO-8859-1 text byte for byte', () => {
    const fields = {
      VendorTxCode: 'INV-7-1',
      BillingSurname: 'Müller-Ødegård',
      Description: 'Crème brûlée £5',
    }
    expect(decryptFormCrypt(encryptFormCrypt(fields, V.password), V.password)).toEqual(fields)
  })
})

describe('Form return to the canonical model', () => {
  it('types the return and builds an unverified canonical payment with the amount in minor units', () => {
    const formReturn = parseFormReturn(decryptFormCrypt(V.crypt, V.password))
    expect(formReturn.ok).toBe(true)
    if (!formReturn.ok) return
    const payment = toCanonicalPayment({
      protocol: 'form',
      formReturn: formReturn.value,
      receivedAt: '2026-11-02T10:15:00Z',
    })
    expect(payment).toMatchObject({
      ok: true,
      value: {
        id: 'opayo:F5A91F56-F9C7-EFAD-8050-3226BBC6F4A8:payment',
        source: {
          protocol: 'form',
          verified: false,
          transactionId: 'F5A91F56-F9C7-EFAD-8050-3226BBC6F4A8',
          vendorTxCode: 'phpne-demo-53922585',
        },
        kind: 'payment',
        status: 'succeeded',
        amount: { amount: 9999, currency: 'GBP' },
        card: { scheme: 'visa', last4: '0006', expiry: '1218' },
        risk: {
          avsCv2: 'security_code_only',
          address: 'not_matched',
          postalCode: 'not_matched',
          securityCode: 'matched',
          threeDSecure: { status: 'not_checked' },
        },
        gateway: {
          txAuthNo: '19000362',
          bankAuthCode: '999777',
          declineCode: '00',
          statusCode: '0000',
        },
        extra: { GiftAid: '0' },
      },
    })
  })

  it('reads amounts with thousands separators, as Form returns send them', () => {
    const formReturn = parseFormReturn({ ...plainFields, Amount: '1,231.47' })
    if (!formReturn.ok) throw new Error('parse failed')
    const payment = toCanonicalPayment({
      protocol: 'form',
      formReturn: formReturn.value,
      currency: 'GBP',
      receivedAt: '2026-11-02T10:15:00Z',
    })
    expect(payment).toMatchObject({ ok: true, value: { amount: { amount: 123147 } } })
  })

  it('reports a return with no Amount', () => {
    const { Amount: _dropped, ...rest } = plainFields
    expect(parseFormReturn(rest)).toMatchObject({
      ok: false,
      issues: [{ code: 'missing_value', path: ['Amount'] }],
    })
  })
})
