import { Secret, money } from '@opayo-kashflow/core'
import {
  buildServerNotification,
  parseNotificationReply,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import type { ServerNotificationFields } from '@opayo-kashflow/testkit'
import { describe, expect, it, vi } from 'vitest'
import { createServerNotificationHandler, memoryReplyStore } from '../src/index.js'
import type {
  ServerNotificationEvent,
  ServerNotificationHandlerEvent,
  ServerNotificationHandlerOptions,
} from '../src/index.js'
import { FIXED_NOTIFICATION_IDS } from '../../../test/support/payments.js'

const secrets = { vendorName: 'myshop', securityKey: 'IK776BWNHN' }
const registration = {
  securityKey: secrets.securityKey,
  amount: money(12000, 'GBP'),
  customer: { email: 'sam@example.co.uk' },
}

function setup(overrides: Partial<ServerNotificationHandlerOptions> = {}) {
  const received: ServerNotificationEvent[] = []
  const events: ServerNotificationHandlerEvent[] = []
  const handle = createServerNotificationHandler({
    vendorName: 'MyShop',
    lookupRegistration: (code) => (code === 'INV-1042-1' ? registration : undefined),
    onNotification: (event) => {
      received.push(event)
      return `https://shop.example/thanks?o=${event.notification.VendorTxCode}`
    },
    redirectUrl: {
      ok: 'https://shop.example/thanks',
      invalid: 'https://shop.example/problem',
      error: 'https://shop.example/sorry',
    },
    now: () => new Date('2026-11-02T10:15:00Z'),
    onEvent: (e) => events.push(e),
    ...overrides,
  })
  const post = async (fields: ServerNotificationFields | string, method = 'POST') => {
    const response = await handle(
      new Request('https://shop.example/opayo/notify', {
        method,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        ...(method === 'POST'
          ? { body: typeof fields === 'string' ? fields : new URLSearchParams(fields).toString() }
          : {}),
      }),
    )
    expect(response.status).toBe(200)
    const body = await response.text()
    expect(body.startsWith('Status=')).toBe(true)
    return parseNotificationReply(body, response.status)
  }
  return { handle, post, received, events }
}

const signed = (overrides: Partial<ServerNotificationFields> = {}) =>
  signServerNotification(
    buildServerNotification({ ...FIXED_NOTIFICATION_IDS, ...overrides }),
    secrets,
  )

describe('createServerNotificationHandler()', () => {
  it('answers OK with the redirect from onNotification, handing over a canonical payment', async () => {
    const { post, received } = setup()
    const reply = await post(signed())
    expect(reply).toMatchObject({
      status: 'OK',
      redirectUrl: 'https://shop.example/thanks?o=INV-1042-1',
    })
    expect(received).toHaveLength(1)
    expect(received[0]?.payment).toMatchObject({
      id: 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
      source: { protocol: 'server', verified: true, vendorTxCode: 'INV-1042-1' },
      kind: 'payment',
      status: 'succeeded',
      amount: { amount: 12000, currency: 'GBP' },
      occurredAt: '2026-11-02T10:15:00.000Z',
      customer: { email: 'sam@example.co.uk' },
      risk: {
        fraud: { provider: 'red', recommendation: 'accept' },
        avsCv2: 'all_match',
        threeDSecure: { status: 'authenticated' },
      },
    })
  })

  it.each(['NOTAUTHED', 'ABORT', 'REJECTED'])(
    'answers OK for a valid %s notification too',
    async (status) => {
      const { post, received } = setup()
      expect((await post(signed({ Status: status }))).status).toBe('OK')
      expect(received[0]?.payment.status).toBe(status === 'ABORT' ? 'cancelled' : 'declined')
    },
  )

  it('answers INVALID for a bad signature, without calling onNotification', async () => {
    const { post, received, events } = setup()
    const reply = await post({ ...signed(), Status: 'NOTAUTHED' })
    expect(reply).toMatchObject({ status: 'INVALID', redirectUrl: 'https://shop.example/problem' })
    expect(received).toHaveLength(0)
    expect(events).toContainEqual(expect.objectContaining({ type: 'rejected', reply: 'INVALID' }))
  })

  it('answers INVALID for a malformed body and for an unknown VendorTxCode', async () => {
    const { post, events } = setup()
    expect((await post('this is not a notification')).status).toBe('INVALID')
    const unknown = await post(signed({ VendorTxCode: 'INV-9999-1' }))
    // The reply does not tell an outsider which VendorTxCodes exist; your logs (onEvent) do.
    expect(unknown.body).toBe((await post({ ...signed(), VPSSignature: '0'.repeat(32) })).body)
    expect(unknown.statusDetail).toBe('The notification could not be verified.')
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'rejected', reason: 'Unknown VendorTxCode INV-9999-1.' }),
    )
    expect((await post('', 'GET')).status).toBe('INVALID')
  })

  it('answers INVALID for a VPSTxId that is not a GUID, or holds a character beyond ISO-8859-1', async () => {
    const { post, received } = setup()
    expect((await post(signed({ VPSTxId: '{NOT-A-GUID}' }))).status).toBe('INVALID')
    // MD5 over Latin-1 keeps only the low byte: U+0146 would hash as "F", sharing the genuine
    // notification's signature while naming another transaction.
    const genuine = signed()
    const forged = { ...genuine, VPSTxId: String(genuine.VPSTxId).replace('F', '\u0146') }
    expect((await post(forged)).status).toBe('INVALID')
    expect(received).toEqual([])
  })

  it('accepts only the VPSTxId the registration recorded, when it recorded one', async () => {
    const { post, received } = setup({
      lookupRegistration: () => ({
        ...registration,
        vpsTxId: '{00000000-0000-4000-8000-000000000001}',
      }),
    })
    expect((await post(signed())).status).toBe('INVALID')
    expect(received).toEqual([])
  })

  it('answers ERROR when onNotification fails, so the shopper is not charged', async () => {
    const { post } = setup({ onNotification: () => Promise.reject(new Error('database down')) })
    const reply = await post(signed())
    expect(reply).toMatchObject({ status: 'ERROR', redirectUrl: 'https://shop.example/sorry' })
    expect(reply.body).not.toContain('database down')
  })

  it('answers ERROR, never throws, when looking up the registration fails', async () => {
    const { post } = setup({ lookupRegistration: () => Promise.reject(new Error('boom')) })
    expect((await post(signed())).status).toBe('ERROR')
  })

  it('falls back to the OK redirect when onNotification returns none or a bad URL', async () => {
    const { post } = setup({ onNotification: () => 'not a url' })
    expect((await post(signed())).redirectUrl).toBe('https://shop.example/thanks')
  })

  it('gives a repeated notification the same reply without applying it again', async () => {
    const replies = memoryReplyStore()
    const { post, received, events } = setup({ replies })
    const first = await post(signed())
    const second = await post(signed())
    expect(second.body).toBe(first.body)
    expect(received).toHaveLength(1)
    expect(events.map((e) => e.type)).toEqual(['accepted', 'duplicate'])
  })

  it('reports a different Status for a final transaction as a conflict instead of applying it', async () => {
    const onEvent = vi.fn()
    const { post, received } = setup({ replies: memoryReplyStore(), onEvent })
    await post(signed({ Status: 'OK' }))
    const conflicting = await post(signed({ Status: 'NOTAUTHED' }))
    expect(conflicting.status).toBe('INVALID')
    expect(received).toHaveLength(1)
    expect(onEvent).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'conflict', previousStatus: 'OK', status: 'NOTAUTHED' }),
    )
  })

  it('applies a PENDING then OK sequence (PENDING is not final)', async () => {
    const { post, received } = setup({ replies: memoryReplyStore() })
    await post(signed({ Status: 'PENDING' }))
    expect((await post(signed({ Status: 'OK' }))).status).toBe('OK')
    expect(received.map((e) => e.payment.status)).toEqual(['pending', 'succeeded'])
  })

  it('posts the registered amount: the unsigned Surcharge is informational only', async () => {
    const { post, received } = setup()
    await post(signed({ Surcharge: '1.50' }))
    expect(received[0]?.payment.amount).toEqual({ amount: 12000, currency: 'GBP' })
    expect(received[0]?.payment.extra).toMatchObject({ Surcharge: '1.50' })
  })

  it('takes the kind from the registration, not from the unsigned TxType', async () => {
    const { post, received } = setup({ replies: memoryReplyStore() })
    const genuine = signed()
    expect((await post(genuine)).status).toBe('OK')
    // The same genuine notification replayed with TxType changed: same payment, a duplicate.
    expect((await post({ ...genuine, TxType: 'REFUND' })).status).toBe('OK')
    expect(received).toHaveLength(1)
    expect(received[0]?.payment).toMatchObject({ kind: 'payment', amount: { amount: 12000 } })
  })

  it('accepts a Secret as the stored SecurityKey', async () => {
    const { post, received } = setup({
      lookupRegistration: () => ({ ...registration, securityKey: new Secret('IK776BWNHN') }),
    })
    expect((await post(signed())).status).toBe('OK')
    expect(received).toHaveLength(1)
  })

  it('answers INVALID to a TOKEN-signed notification for a registration that is not TOKEN', async () => {
    const { post, received } = setup()
    const reply = await post(
      signed({ TxType: 'TOKEN', Token: '{A1B2C3D4-0000-4000-8000-0123456789AB}' }),
    )
    expect(reply.status).toBe('INVALID')
    expect(received).toHaveLength(0)
  })
})
