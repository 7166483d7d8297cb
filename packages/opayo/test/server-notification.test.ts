import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'
import { money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import {
  OpayoSignatureError,
  parseServerNotification,
  serverNotificationReply,
  serverNotificationSignature,
  serverNotificationSignatureString,
  toCanonicalPayment,
  verifyServerNotification,
} from '../src/index.js'
import type { ServerNotification } from '../src/index.js'
import { SERVER_SIGNATURE_VECTOR as V } from './fixtures/vectors.js'
import { FIXED_NOTIFICATION_IDS } from '../../../test/support/payments.js'

const parse = (fields: Record<string, string>): ServerNotification => {
  const result = parseServerNotification(fields)
  if (!result.ok) throw new Error(JSON.stringify(result.issues))
  return result.value
}

describe('VPSSignature (omnipay-sagepay ServerNotifyRequestTest vector)', () => {
  const secrets = { vendorName: V.vendorName, securityKey: V.securityKey }
  const notification = parse({ ...V.fields, VPSSignature: V.signature.toUpperCase() })

  it('builds the exact pre-image: fields in order, missing ones empty, vendor and key in place', () => {
    expect(serverNotificationSignatureString(notification, secrets)).toBe(V.preImage)
  })

  it('computes the published signature', () => {
    expect(serverNotificationSignature(notification, secrets)).toBe(V.signature.toUpperCase())
  })

  it('accepts the signature in either case', () => {
    expect(() => verifyServerNotification(notification, secrets)).not.toThrow()
    const lower = parse({ ...V.fields, VPSSignature: V.signature })
    expect(() => verifyServerNotification(lower, secrets)).not.toThrow()
  })

  it('fails without the SecurityKey, as the source test asserts first', () => {
    expect(() => verifyServerNotification(notification, { ...secrets, securityKey: '' })).toThrow(
      OpayoSignatureError,
    )
  })
})

describe('verifyServerNotification()', () => {
  const secrets = { vendorName: 'MyShop', securityKey: 'IK776BWNHN' }

  it('verifies a protocol 4.00 notification whose 4.00 fields are appended to the hash', () => {
    const signed = parse(
      signServerNotification(
        buildServerNotification({ ...FIXED_NOTIFICATION_IDS, SchemeTraceID: 'S123' }),
        secrets,
      ),
    )
    expect(() => verifyServerNotification(signed, secrets)).not.toThrow()
    const withoutV4 = serverNotificationSignature(
      { ...signed, ACSTransID: '', DSTransID: '', SchemeTraceID: '' },
      secrets,
    )
    expect(withoutV4).not.toBe(signed.VPSSignature)
  })

  it('hashes the vendor name lower-cased, whatever case it is configured in', () => {
    const signed = parse(
      signServerNotification(buildServerNotification(FIXED_NOTIFICATION_IDS), {
        ...secrets,
        vendorName: 'myshop',
      }),
    )
    expect(() =>
      verifyServerNotification(signed, { ...secrets, vendorName: 'MYSHOP' }),
    ).not.toThrow()
  })

  it('verifies the TOKEN variant (VPSTxId without braces, Token, no card fields)', () => {
    const fields = buildServerNotification({
      ...FIXED_NOTIFICATION_IDS,
      TxType: 'TOKEN',
      Token: '{A1B2C3D4-0000-4000-8000-0123456789AB}',
    })
    const signed = parse(signServerNotification(fields, secrets))
    const expected = serverNotificationSignatureString(signed, secrets)
    expect(expected).toBe(
      'F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2INV-1042-1OKmyshop{A1B2C3D4-0000-4000-8000-0123456789AB}IK776BWNHN',
    )
    expect(() => verifyServerNotification(signed, secrets)).not.toThrow()
  })

  it('rejects a tampered field with a message that diagnoses without printing the key', () => {
    const signed = signServerNotification(buildServerNotification(FIXED_NOTIFICATION_IDS), secrets)
    const tampered = parse({ ...signed, Status: 'NOTAUTHED' })
    let error: unknown
    try {
      verifyServerNotification(tampered, secrets)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(OpayoSignatureError)
    const message = (error as Error).message
    expect(message).toContain('INV-1042-1')
    expect(message).toMatch(/SecurityKey/)
    expect(message).not.toContain(secrets.securityKey)
    expect((error as OpayoSignatureError).code).toBe('opayo_signature_mismatch')
  })

  it('says so when the notification was signed for an empty vendor name', () => {
    const signed = parse(
      signServerNotification(buildServerNotification(FIXED_NOTIFICATION_IDS), {
        ...secrets,
        vendorName: '',
      }),
    )
    expect(() => verifyServerNotification(signed, secrets)).toThrow(/empty vendor name/)
  })

  it('says so when the body was decoded with "+" kept as "+"', () => {
    const fields = buildServerNotification({
      ...FIXED_NOTIFICATION_IDS,
      StatusDetail: 'x',
      AVSCV2: 'ALL MATCH',
    })
    const signed = signServerNotification(fields, secrets)
    // Opayo signed "ALL MATCH"; a handler that did not decode '+' to ' ' sees "ALL+MATCH".
    const misread = parse({ ...signed, AVSCV2: 'ALL+MATCH' })
    const resigned = parse(signServerNotification({ ...fields, AVSCV2: 'ALL+MATCH' }, secrets))
    expect(() => verifyServerNotification({ ...resigned, AVSCV2: 'ALL MATCH' }, secrets)).toThrow(
      /spaces are read as "\+"/,
    )
    expect(() => verifyServerNotification(misread, secrets)).toThrow(OpayoSignatureError)
  })

  it('rejects a different SecurityKey', () => {
    const signed = parse(
      signServerNotification(buildServerNotification(FIXED_NOTIFICATION_IDS), secrets),
    )
    expect(() =>
      verifyServerNotification(signed, { ...secrets, securityKey: 'WRONGKEY00' }),
    ).toThrow(OpayoSignatureError)
  })
})

describe('parseServerNotification()', () => {
  const raw =
    'VPSProtocol=3.00&TxType=PAYMENT&VendorTxCode=9582-108-191122012240&VPSTxId=%7B1E7D9C70-DBE2-4726-88EA-D369810D801D%7D' +
    '&Status=OK&StatusDetail=0000+%3A+The+Authorisation+was+Successful.&TxAuthNo=9962&AVSCV2=ALL+MATCH&AddressResult=MATCHED' +
    '&PostCodeResult=MATCHED&CV2Result=MATCHED&GiftAid=0&3DSecureStatus=ERROR&CardType=VISA&Last4Digits=0006' +
    '&VPSSignature=0123456789ABCDEF0123456789ABCDEF&DeclineCode=00&ExpiryDate=1218&BankAuthCode=999777&CustomField=kept'

  it('reads a raw form-encoded body, decoding + and %XX once', () => {
    const result = parseServerNotification(raw)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).toMatchObject({
      VPSTxId: '{1E7D9C70-DBE2-4726-88EA-D369810D801D}',
      StatusDetail: '0000 : The Authorisation was Successful.',
      AVSCV2: 'ALL MATCH',
      '3DSecureStatus': 'ERROR',
      extra: { CustomField: 'kept' },
    })
    expect('CAVV' in result.value).toBe(false)
  })

  it('accepts URLSearchParams and a record the same way', () => {
    const a = parseServerNotification(new URLSearchParams(raw))
    const b = parseServerNotification(Object.fromEntries(new URLSearchParams(raw)))
    expect(a).toEqual(parseServerNotification(raw))
    expect(b).toEqual(parseServerNotification(raw))
  })

  it('reports missing and malformed fields as issues', () => {
    const result = parseServerNotification('Status=MAYBE&VPSSignature=nothex')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'Status',
      'VPSSignature',
      'VPSTxId',
      'VendorTxCode',
    ])
    expect(result.issues.find((i) => i.path[0] === 'VendorTxCode')?.code).toBe('missing_value')
  })
})

describe('serverNotificationReply()', () => {
  it('starts with Status= and uses CRLF lines', () => {
    expect(
      serverNotificationReply({
        status: 'OK',
        redirectUrl: 'https://shop.example/return?o=123',
        statusDetail: 'Received',
      }),
    ).toBe(
      'Status=OK\r\nRedirectURL=https://shop.example/return?o=123\r\nStatusDetail=Received\r\n',
    )
  })

  it('keeps each value on one line and refuses a relative or over-long URL', () => {
    expect(
      serverNotificationReply({
        status: 'INVALID',
        redirectUrl: 'https://a.example/',
        statusDetail: 'bad\r\nsig',
      }),
    ).toBe('Status=INVALID\r\nRedirectURL=https://a.example/\r\nStatusDetail=bad sig\r\n')
    expect(() => serverNotificationReply({ status: 'OK', redirectUrl: '/thanks' })).toThrow(
      /absolute URL/,
    )
    expect(() =>
      serverNotificationReply({
        status: 'OK',
        redirectUrl: `https://a.example/${'x'.repeat(300)}`,
      }),
    ).toThrow(/255/)
  })
})

describe('a verified notification means what was registered, whatever its unsigned fields say', () => {
  const secrets = { vendorName: 'myshop', securityKey: 'IK776BWNHN' }
  const registration = { securityKey: secrets.securityKey, amount: money(12000, 'GBP') }
  const genuine = signServerNotification(buildServerNotification(FIXED_NOTIFICATION_IDS), secrets)
  const toPayment = (fields: Record<string, string>) => {
    const notification = parse(fields)
    verifyServerNotification(notification, secrets)
    const result = toCanonicalPayment({
      protocol: 'server',
      notification,
      registration,
      receivedAt: '2026-11-02T10:15:00Z',
      verified: true,
    })
    if (!result.ok) throw new Error(JSON.stringify(result.issues))
    return result.value
  }

  it('a replayed notification with TxType=REFUND is the same payment (same id, same kind)', () => {
    const original = toPayment(genuine)
    const replayed = toPayment({ ...genuine, TxType: 'REFUND' })
    expect(replayed).toEqual(original)
    expect(replayed).toMatchObject({
      id: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
      kind: 'payment',
    })
  })

  it('a Surcharge, even a negative one, does not change the amount; it is kept in extra', () => {
    for (const surcharge of ['1.50', '-119.99', 'not a number']) {
      const payment = toPayment({ ...genuine, Surcharge: surcharge })
      expect(payment.amount).toEqual({ amount: 12000, currency: 'GBP' })
      expect(payment.extra?.['Surcharge']).toBe(surcharge)
    }
  })

  it('the kind follows the registration: DEFERRED is an authorisation even if TxType says PAYMENT', () => {
    const notification = parse(genuine)
    const result = toCanonicalPayment({
      protocol: 'server',
      notification,
      registration: { ...registration, txType: 'DEFERRED' },
      receivedAt: '2026-11-02T10:15:00Z',
    })
    expect(result).toMatchObject({
      ok: true,
      value: {
        kind: 'authorisation',
        id: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:authorisation',
      },
    })
  })
})

describe('toCanonicalPayment for a Server notification', () => {
  it('is unverified unless the caller says it verified the signature', () => {
    const notification = parseServerNotification(
      signServerNotification(buildServerNotification(FIXED_NOTIFICATION_IDS), {
        vendorName: 'myshop',
        securityKey: 'IK776BWNHN',
      }),
    )
    if (!notification.ok) throw new Error('did not parse')
    const base = {
      protocol: 'server' as const,
      notification: notification.value,
      registration: { amount: money(12000, 'GBP') },
      receivedAt: '2026-11-02T10:15:00Z',
    }
    const unverified = toCanonicalPayment(base)
    const verified = toCanonicalPayment({ ...base, verified: true })
    expect(unverified.ok && unverified.value.source.verified).toBe(false)
    expect(verified.ok && verified.value.source.verified).toBe(true)
  })
})
