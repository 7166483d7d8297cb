import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'
import { money } from '@opayo-kashflow/core'
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
  toCanonicalPayment,
  verifyServerNotification,
} from '../src/index.js'
import { SERVER_NOTIFICATION_FIELDS } from '../src/server-notification/schema.js'
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

  it('decrypt either returns fields or throws the one undecryptable error, whatever the input', () => {
    const one = (() => {
      try {
        decryptFormCrypt('ababab', '55a51621a6648525')
      } catch (e) {
        return e as OpayoCryptError
      }
      throw new Error('decrypted')
    })()
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^@[0-9a-f]{0,96}$/),
          fc.stringMatching(/^@(?:[0-9A-F]{32}){1,3}$/),
        ),
        password,
        (crypt, key) => {
          try {
            decryptFormCrypt(crypt, key)
          } catch (e) {
            expect(e).toBeInstanceOf(OpayoCryptError)
            const error = e as OpayoCryptError
            expect([error.code, error.message, error.cause]).toEqual([
              one.code,
              one.message,
              undefined,
            ])
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

// The signed fields: thephpleague/omnipay-sagepay src/Traits/ServerNotifyTrait.php buildSignature().
describe('unsigned notification fields decide nothing (TxType, Surcharge, StatusDetail, VPSProtocol, unknown fields)', () => {
  const secrets = { vendorName: 'myshop', securityKey: 'IK776BWNHN' }
  const UNSIGNED = ['TxType', 'Surcharge', 'StatusDetail', 'VPSProtocol'] as const
  const LIMITS = { TxType: 15, Surcharge: 20, StatusDetail: 255, VPSProtocol: 4 } as const
  const text = (max: number) =>
    fc.oneof(
      fc.array(latin1Char, { maxLength: max }).map((chars) => chars.join('')),
      fc
        .constantFrom('PAYMENT', 'REFUND', 'VOID', 'DEFERRED', 'RELEASE', '1.50', '-99999.99', 'x')
        // Within the schema's length limits (longer values are refused as malformed, before any
        // meaning is read).
        .filter((value) => value.length <= max),
    )
  // Names outside everything the parser models (and outside VPSSignature's list).
  const unknownName = fieldName.filter((name) => !SERVER_NOTIFICATION_FIELDS.has(name))
  const change = fc.oneof(
    fc
      .constantFrom(...UNSIGNED)
      .chain((name) =>
        fc.record({ name: fc.constant<string>(name), value: fc.option(text(LIMITS[name])) }),
      ),
    fc.record({ name: unknownName, value: fc.option(text(40)) }),
  )
  const registrationArb = fc.record({
    txType: fc.constantFrom('PAYMENT', 'DEFERRED', 'AUTHENTICATE', 'REPEAT'),
    amount: fc.integer({ min: 1, max: 10_000_000 }),
    currency: fc.constantFrom('GBP', 'EUR', 'JPY', 'BHD'),
  })
  const statusArb = fc.constantFrom('OK', 'NOTAUTHED', 'ABORT', 'REJECTED', 'PENDING', 'ERROR')

  const canonical = (
    body: string,
    registration: { txType: string; amount: number; currency: string },
  ) => {
    const parsed = parseServerNotification(body)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
    verifyServerNotification(parsed.value, secrets)
    const payment = toCanonicalPayment({
      protocol: 'server',
      notification: parsed.value,
      registration: {
        securityKey: secrets.securityKey,
        txType: registration.txType,
        amount: money(registration.amount, registration.currency),
      },
      receivedAt: '2026-11-02T10:15:00Z',
    })
    if (!payment.ok) throw new Error(JSON.stringify(payment.issues))
    const { id, kind, status, amount, source } = payment.value
    return { id, kind, status, amount, source }
  }

  it('changing, adding or removing any of them keeps the signature valid and id, kind, status, amount, source unchanged', () => {
    fc.assert(
      fc.property(
        registrationArb,
        statusArb,
        fc.array(change, { minLength: 1, maxLength: 6 }),
        (registration, status, changes) => {
          const genuine = signServerNotification(
            buildServerNotification({ Status: status }),
            secrets,
          )
          const altered: Record<string, string> = { ...genuine }
          for (const { name, value } of changes) {
            if (value === null) delete altered[name]
            else altered[name] = value
          }
          // TxType=TOKEN with Status=OK selects the TOKEN formula: verification then fails
          // (fails closed), which the handler test covers; here the notification must verify.
          fc.pre(!(altered['TxType'] === 'TOKEN' && status === 'OK'))
          const before = canonical(new URLSearchParams(genuine).toString(), registration)
          const after = canonical(new URLSearchParams(altered).toString(), registration)
          expect(after).toEqual(before)
          expect(before.kind).toBe(
            {
              PAYMENT: 'payment',
              REPEAT: 'payment',
              DEFERRED: 'authorisation',
              AUTHENTICATE: 'authorisation',
            }[registration.txType],
          )
          expect(before.amount).toEqual({
            amount: registration.amount,
            currency: registration.currency,
          })
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
