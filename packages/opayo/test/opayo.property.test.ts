import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  OpayoCryptError,
  OpayoSignatureError,
  decryptFormCrypt,
  encryptFormCrypt,
  parseFormReturn,
  parseReportingXml,
  parseServerNotification,
  verifyServerNotification,
} from '../src/index.js'
import type { ServerNotification } from '../src/index.js'

const latin1Char = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
  .map((code) => String.fromCharCode(code))
  .filter((c) => c !== '&')
const latin1Value = fc.array(latin1Char, { maxLength: 40 }).map((chars) => chars.join(''))
const fieldName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,19}$/)
const password = fc.stringMatching(/^[\x21-\x7e]{16}$/)

describe('Form crypt properties', () => {
  it('decrypt(encrypt(fields)) is the identity for any Latin-1 field set', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fieldName, latin1Value, { maxKeys: 12 }),
        fc.stringMatching(/^[A-Za-z0-9\-._]{1,40}$/),
        password,
        (fields, vendorTxCode, key) => {
          const all = { ...fields, VendorTxCode: vendorTxCode }
          const crypt = encryptFormCrypt(all, key)
          expect(crypt).toMatch(/^@[0-9A-F]+$/)
          expect(decryptFormCrypt(crypt, key)).toEqual(all)
          expect(decryptFormCrypt(crypt.toLowerCase(), key)).toEqual(all)
        },
      ),
    )
  })

  it('decrypt either returns fields or throws OpayoCryptError, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^@[0-9a-f]{0,96}$/)),
        password,
        (crypt, key) => {
          try {
            decryptFormCrypt(crypt, key)
          } catch (e) {
            expect(e).toBeInstanceOf(OpayoCryptError)
          }
        },
      ),
    )
  })
})

const SIGNED_FIELDS = [
  'VPSTxId',
  'VendorTxCode',
  'Status',
  'TxAuthNo',
  'AVSCV2',
  'AddressResult',
  'PostCodeResult',
  'CV2Result',
  'GiftAid',
  '3DSecureStatus',
  'CAVV',
  'CardType',
  'Last4Digits',
  'DeclineCode',
  'ExpiryDate',
  'FraudResponse',
  'BankAuthCode',
  'ACSTransID',
  'DSTransID',
] as const

describe('VPSSignature properties', () => {
  const secrets = { vendorName: 'myshop', securityKey: 'IK776BWNHN' }
  const parse = (fields: Record<string, string>): ServerNotification | undefined => {
    const r = parseServerNotification(fields)
    return r.ok ? r.value : undefined
  }

  it('changing any signed field makes verification fail', () => {
    const signed = signServerNotification(buildServerNotification(), secrets)
    fc.assert(
      fc.property(
        fc.constantFrom(...SIGNED_FIELDS),
        fc.stringMatching(/^[A-Z0-9]{1,4}$/),
        (name, suffix) => {
          const changed =
            name === 'Status'
              ? signed[name] === 'OK'
                ? 'NOTAUTHED'
                : 'OK'
              : `${signed[name] ?? ''}${suffix}`.slice(-4)
          fc.pre(changed !== signed[name])
          const notification = parse({ ...signed, [name]: changed })
          if (notification === undefined) return // a change the schema itself refuses
          expect(() => verifyServerNotification(notification, secrets)).toThrow(OpayoSignatureError)
        },
      ),
    )
  })

  it('changing the key or the vendor makes verification fail', () => {
    const notification = parse(signServerNotification(buildServerNotification(), secrets))
    if (notification === undefined) throw new Error('fixture did not parse')
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z0-9]{10}$/),
        fc.stringMatching(/^[a-z]{1,12}$/),
        (key, vendor) => {
          fc.pre(key !== secrets.securityKey && vendor !== secrets.vendorName)
          expect(() =>
            verifyServerNotification(notification, { ...secrets, securityKey: key }),
          ).toThrow(OpayoSignatureError)
          expect(() =>
            verifyServerNotification(notification, { ...secrets, vendorName: vendor }),
          ).toThrow(OpayoSignatureError)
        },
      ),
    )
  })
})

describe('parsers never throw', () => {
  it('parseServerNotification on any text or record', () => {
    fc.assert(fc.property(fc.string(), (body) => void parseServerNotification(body)))
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.string()),
        (record) => void parseServerNotification(record),
      ),
    )
  })

  it('parseFormReturn on any record', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.string()),
        (record) => void parseFormReturn(record),
      ),
    )
  })

  it('parseReportingXml on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void parseReportingXml(bytes)),
    )
    fc.assert(
      fc.property(
        fc.string(),
        (text) => void parseReportingXml(Buffer.from(`<vspaccess>${text}`, 'latin1')),
      ),
    )
  })
})
