import { Secret, money } from '@opayo-kashflow/core'
import { startFakeOpayoServer } from '@opayo-kashflow/testkit'
import { FakeOpayo, opayoHandlers } from '@opayo-kashflow/testkit/msw'
import { HttpResponse, delay, http, passthrough } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  OPAYO_SERVER_URLS,
  OpayoAmbiguousResultError,
  OpayoServerRegistrationError,
  OpayoServerRegistrationInputError,
  createOpayoServerClient,
  createServerNotificationHandler,
  memoryReplyStore,
} from '../src/index.js'
import type {
  OpayoServerClientOptions,
  ServerNotificationEvent,
  ServerRegistration,
  ServerRegistrationInput,
} from '../src/index.js'
import {
  OMNIPAY_SERVER_AUTHORIZE_REQUEST as OMNIPAY,
  SERVER_REGISTRATION_FAILURE,
  SERVER_REGISTRATION_SUCCESS,
  STATUS_DETAIL_4042,
} from './fixtures/server-registration.js'

const SANDBOX = OPAYO_SERVER_URLS.sandbox
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const client = (overrides: Partial<OpayoServerClientOptions> = {}) =>
  createOpayoServerClient({ vendorName: 'sandbox', ...overrides })

const input = (overrides: Partial<ServerRegistrationInput> = {}): ServerRegistrationInput => ({
  vendorTxCode: OMNIPAY.transactionId,
  amount: money(1200, OMNIPAY.currency),
  description: 'Invoice 123',
  notificationUrl: OMNIPAY.notifyUrl,
  profile: OMNIPAY.profile,
  billing: {
    firstnames: 'Zoë',
    surname: 'Müller',
    address: { lines: ['88 The Street'], city: 'London', postalCode: 'sw1a2aa', country: 'UK' },
  },
  ...overrides,
})

const textResponse = (body: string, status = 200) =>
  new HttpResponse(Buffer.from(body, 'latin1'), {
    status,
    headers: { 'content-type': 'text/plain' },
  })

/** Answers with `body` and records what was sent. */
function answer(body: string, url: string = SANDBOX, status = 200) {
  const seen: { body: Buffer; contentType: string | null }[] = []
  server.use(
    http.post(url, async ({ request }) => {
      seen.push({
        body: Buffer.from(await request.arrayBuffer()),
        contentType: request.headers.get('content-type'),
      })
      return textResponse(body, status)
    }),
  )
  return seen
}

/** Latin-1 form body to ordered pairs (bytes, not UTF-8). */
const pairsOf = (body: Buffer) =>
  body
    .toString('latin1')
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=')
      const decode = (s: string) =>
        s
          .replace(/\+/g, ' ')
          .replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      return [decode(pair.slice(0, at)), decode(pair.slice(at + 1))] as const
    })

describe('Server registration: the wire format (omnipay ServerAuthorizeRequest, tests/Mock/ServerPurchase*.txt)', () => {
  it('POSTs the protocol 4.00 fields in order, ISO-8859-1 form-encoded, with the exact amount', async () => {
    const seen = answer(SERVER_REGISTRATION_SUCCESS)
    await client().register(input())
    expect(seen).toHaveLength(1)
    expect(seen[0]?.contentType).toBe('application/x-www-form-urlencoded')
    const raw = seen[0]?.body ?? Buffer.alloc(0)
    // ISO-8859-1 bytes, percent-encoded: ë is %EB and ü is %FC (UTF-8 would be %C3%AB, %C3%BC).
    expect(raw.toString('latin1')).toContain('BillingFirstnames=Zo%EB')
    expect(raw.toString('latin1')).toContain('BillingSurname=M%FCller')
    expect(pairsOf(raw)).toEqual([
      ['VPSProtocol', '4.00'],
      ['TxType', 'PAYMENT'],
      ['Vendor', 'sandbox'],
      ['VendorTxCode', '123'],
      ['Amount', OMNIPAY.amount],
      ['Currency', OMNIPAY.currency],
      ['Description', 'Invoice 123'],
      ['NotificationURL', OMNIPAY.notifyUrl],
      ['BillingSurname', 'Müller'],
      ['BillingFirstnames', 'Zoë'],
      ['BillingAddress1', '88 The Street'],
      ['BillingCity', 'London'],
      ['BillingPostCode', 'SW1A 2AA'],
      ['BillingCountry', 'GB'],
      ['DeliverySurname', 'Müller'],
      ['DeliveryFirstnames', 'Zoë'],
      ['DeliveryAddress1', '88 The Street'],
      ['DeliveryCity', 'London'],
      ['DeliveryPostCode', 'SW1A 2AA'],
      ['DeliveryCountry', 'GB'],
      ['AllowGiftAid', '0'],
      ['Profile', OMNIPAY.profile],
    ])
  })

  it('reads the published success response: NextURL kept whole after its "=", the key redacted', async () => {
    answer(SERVER_REGISTRATION_SUCCESS)
    const registration = await client().register(input())
    expect(registration).toMatchObject({
      status: 'OK',
      statusDetail: 'Server transaction registered successfully.',
      vpsTxId: '{1E7D9C70-DBE2-4726-88EA-D369810D801D}',
      nextUrl:
        'https://sandbox.opayo.eu.elavon.com/Simulator/VSPServerPaymentPage.asp?TransactionID={1E7D9C70-DBE2-4726-88EA-D369810D801D}',
      vendorTxCode: '123',
      txType: 'PAYMENT',
      amount: { amount: 1200, currency: 'GBP' },
    })
    expect(registration.securityKey).toBeInstanceOf(Secret)
    expect(registration.securityKey.reveal()).toBe('IK776BWNHN')
    expect(String(registration.securityKey)).toBe('<redacted>')
    expect(registration.fields).toEqual({
      VPSProtocol: '3.00',
      Status: 'OK',
      StatusDetail: 'Server transaction registered successfully.',
      VPSTxId: '{1E7D9C70-DBE2-4726-88EA-D369810D801D}',
      NextURL: registration.nextUrl,
    })
    expect(JSON.stringify(registration)).not.toContain('IK776BWNHN')
  })

  it('reads the response with bare LF line ends too (the mocks as stored in git)', async () => {
    answer(SERVER_REGISTRATION_SUCCESS.replace(/\r\n/g, '\n'))
    const registration = await client().register(input())
    expect(registration.securityKey.reveal()).toBe('IK776BWNHN')
    expect(registration.nextUrl).toMatch(/TransactionID=\{1E7D9C70-DBE2-4726-88EA-D369810D801D\}$/)
  })

  it('accepts OK REPEATED', async () => {
    answer(SERVER_REGISTRATION_SUCCESS.replace('Status=OK', 'Status=OK REPEATED'))
    expect((await client().register(input())).status).toBe('OK REPEATED')
  })

  it('goes to the live host for environment "live", and to a URL given', async () => {
    const live = answer(SERVER_REGISTRATION_SUCCESS, OPAYO_SERVER_URLS.live)
    await client({ environment: 'live' }).register(input())
    expect(live).toHaveLength(1)
    const custom = answer(
      SERVER_REGISTRATION_SUCCESS,
      'https://opayo.test/x/vspserver-register.vsp',
    )
    await client({ environment: new URL('https://opayo.test/x/vspserver-register.vsp') }).register(
      input(),
    )
    expect(custom).toHaveLength(1)
  })

  it('renders amounts exactly from minor units, whatever the currency exponent', async () => {
    const seen = answer(SERVER_REGISTRATION_SUCCESS)
    await client().register(input({ amount: money(5, 'GBP') }))
    await client().register(input({ amount: money(1000, 'JPY') }))
    await client().register(input({ amount: money(1234, 'BHD') }))
    await client().register(input({ amount: money(123456789012, 'GBP') }))
    const amounts = seen.map((s) => new Map(pairsOf(s.body)).get('Amount'))
    expect(amounts).toEqual(['0.05', '1000', '1.234', '1234567890.12'])
  })

  it('sends a delivery contact, a US state, two address lines, the options and the email', async () => {
    const seen = answer(SERVER_REGISTRATION_SUCCESS)
    await client().register(
      input({
        txType: 'DEFERRED',
        delivery: {
          firstnames: 'Sam',
          surname: 'Jones',
          address: {
            lines: ['1 Main St', 'Suite 2'],
            city: 'Springfield',
            region: 'il',
            postalCode: '62701',
            country: 'United States',
          },
          phone: '+1 217 555 0100',
        },
        customerEmail: 'sam@example.com',
        basketXml: '<basket><item><description>x</description></item></basket>',
        apply3DSecure: 1,
        applyAvsCv2: 2,
        allowGiftAid: true,
      }),
    )
    const sent = new Map(pairsOf(seen[0]?.body ?? Buffer.alloc(0)))
    expect(Object.fromEntries([...sent].filter(([k]) => k.startsWith('Delivery')))).toEqual({
      DeliverySurname: 'Jones',
      DeliveryFirstnames: 'Sam',
      DeliveryAddress1: '1 Main St',
      DeliveryAddress2: 'Suite 2',
      DeliveryCity: 'Springfield',
      DeliveryPostCode: '62701',
      DeliveryCountry: 'US',
      DeliveryState: 'IL',
      DeliveryPhone: '+1 217 555 0100',
    })
    expect(sent.has('BillingState')).toBe(false)
    expect(sent.get('TxType')).toBe('DEFERRED')
    expect(sent.get('CustomerEMail')).toBe('sam@example.com')
    expect(sent.get('BasketXML')).toContain('<basket>')
    expect(sent.get('Apply3DSecure')).toBe('1')
    expect(sent.get('ApplyAVSCV2')).toBe('2')
    expect(sent.get('AllowGiftAid')).toBe('1')
  })
})

describe('Server registration: refusals', () => {
  it('turns the published INVALID response into OpayoServerRegistrationError with the 3082 code', async () => {
    answer(SERVER_REGISTRATION_FAILURE)
    const error = await client()
      .register(input())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoServerRegistrationError)
    expect(error).toMatchObject({
      name: 'OpayoServerRegistrationError',
      code: 'opayo_server_registration_failed',
      registrationStatus: 'INVALID',
      statusCode: '3082',
      statusDetail: '3082 : The Description value is too long.',
      vendorTxCode: '123',
      status: 200,
      vendorErrors: [
        { statusCode: '3082', statusDetail: '3082 : The Description value is too long.' },
      ],
    })
    expect((error as Error).message).toContain('3082 : The Description value is too long.')
  })

  it.each(['MALFORMED', 'ERROR', 'REJECTED'] as const)(
    'turns Status=%s into the same error class',
    async (status) => {
      answer(SERVER_REGISTRATION_FAILURE.replace('INVALID', status))
      await expect(client().register(input())).rejects.toMatchObject({
        name: 'OpayoServerRegistrationError',
        registrationStatus: status,
      })
    },
  )

  it('never puts a SecurityKey into the error, even when a refusal carries one', async () => {
    answer(`${SERVER_REGISTRATION_FAILURE}SecurityKey=IK776BWNHN\r\n`)
    const error = await client()
      .register(input())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoServerRegistrationError)
    const everything = JSON.stringify({ ...(error as object), message: (error as Error).message })
    expect(everything).not.toContain('IK776BWNHN')
  })

  it('says to use a new VendorTxCode for 4042', async () => {
    answer(`VPSProtocol=4.00\r\nStatus=INVALID\r\nStatusDetail=${STATUS_DETAIL_4042}\r\n`)
    await expect(client().register(input())).rejects.toThrow(/new one/)
  })
})

describe('Server registration: never retried, ambiguous when the outcome is unknown', () => {
  it('a network failure after sending is ambiguous, tried once', async () => {
    let calls = 0
    server.use(
      http.post(SANDBOX, () => {
        calls += 1
        return HttpResponse.error()
      }),
    )
    const error = await client({ retry: { limit: 5 } })
      .register(input(), { retry: { limit: 5 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoAmbiguousResultError)
    expect((error as OpayoAmbiguousResultError).vendorTxCode).toBe('123')
    expect(calls).toBe(1)
  })

  it('a timeout is ambiguous, tried once', async () => {
    let calls = 0
    server.use(
      http.post(SANDBOX, async () => {
        calls += 1
        await delay(500)
        return textResponse(SERVER_REGISTRATION_SUCCESS)
      }),
    )
    await expect(client({ timeout: 30 }).register(input())).rejects.toBeInstanceOf(
      OpayoAmbiguousResultError,
    )
    expect(calls).toBe(1)
  })

  it('a 5xx is ambiguous, tried once', async () => {
    let calls = 0
    server.use(
      http.post(SANDBOX, () => {
        calls += 1
        return textResponse('Service Unavailable', 503)
      }),
    )
    await expect(client().register(input())).rejects.toBeInstanceOf(OpayoAmbiguousResultError)
    expect(calls).toBe(1)
  })

  it.each([
    ['a body that is not Name=Value lines', '<html>Gateway</html>'],
    ['an unknown Status', 'Status=3DAUTH\r\n'],
    ['OK without a SecurityKey', SERVER_REGISTRATION_SUCCESS.replace(/SecurityKey=.*\r\n/, '')],
  ])('%s is ambiguous and names neither body nor key', async (_label, body) => {
    answer(body)
    const error = await client()
      .register(input())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoAmbiguousResultError)
    expect((error as Error).message).not.toContain('IK776BWNHN')
    expect((error as Error).message).not.toContain('<html>')
  })
})

describe('Server registration: input checked before sending', () => {
  const refusal = async (value: ServerRegistrationInput) => {
    // No handler: a request would fail the test (onUnhandledRequest: 'error').
    const error = await client()
      .register(value)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoServerRegistrationInputError)
    return error as OpayoServerRegistrationInputError
  }
  const billing = input().billing

  it.each([
    ['billing.surname', { billing: { ...billing, surname: ' ' } }],
    ['billing.firstnames', { billing: { ...billing, firstnames: 'A'.repeat(21) } }],
    [
      'billing.address.city',
      { billing: { ...billing, address: { ...billing.address, city: '' } } },
    ],
    [
      'billing.address.postalCode',
      { billing: { ...billing, address: { ...billing.address, postalCode: 'NOT A CODE' } } },
    ],
    [
      'billing.address.country',
      { billing: { ...billing, address: { ...billing.address, country: 'Atlantis' } } },
    ],
    [
      'billing.address.lines',
      { billing: { ...billing, address: { ...billing.address, lines: [] } } },
    ],
    [
      'billing.address.lines',
      {
        billing: {
          ...billing,
          address: { ...billing.address, lines: ['x'.repeat(100), 'y'.repeat(100), 'z'] },
        },
      },
    ],
    [
      'billing.address.region',
      {
        billing: {
          ...billing,
          address: {
            lines: ['1 Main St'],
            city: 'Springfield',
            postalCode: '62701',
            country: 'US',
          },
        },
      },
    ],
    ['description', { description: 'd'.repeat(101) }],
    ['description', { description: 'Łódź order' }],
    ['vendorTxCode', { vendorTxCode: 'has space' }],
    ['amount.amount', { amount: money(0, 'GBP') }],
    ['notificationUrl', { notificationUrl: 'ftp://shop.example/notify' }],
    ['customerEmail', { customerEmail: 'not-an-email' }],
    ['basketXml', { basket: '1:x:1:1:1:1:1', basketXml: '<basket/>' }],
  ] as const)('names %s', async (field, overrides) => {
    const error = await refusal(input(overrides as Partial<ServerRegistrationInput>))
    expect(error.field).toBe(field)
    expect(error.code).toBe('opayo_server_registration_invalid_input')
    expect(error.message).toContain(field)
  })

  it('transliterates names and addresses to ISO-8859-1 and re-wraps long lines without loss', async () => {
    const seen = answer(SERVER_REGISTRATION_SUCCESS)
    await client().register(
      input({
        billing: {
          firstnames: 'Łukasz',
          surname: 'Gołębiowski',
          address: {
            lines: ['Flat 1, ' + 'Very Long Building Name '.repeat(4), 'Street', 'District'],
            city: 'Łódź',
            postalCode: '90-001',
            country: 'PL',
          },
        },
      }),
    )
    const sent = new Map(pairsOf(seen[0]?.body ?? Buffer.alloc(0)))
    expect(sent.get('BillingFirstnames')).toBe('Lukasz')
    expect(sent.get('BillingSurname')).toBe('Golebiowski')
    expect(sent.get('BillingCity')).toBe('Lódz') // ó is ISO-8859-1; ł and ź are not
    const line1 = sent.get('BillingAddress1') ?? ''
    const line2 = sent.get('BillingAddress2') ?? ''
    expect(line1.length).toBeLessThanOrEqual(100)
    expect(line2.length).toBeLessThanOrEqual(100)
    expect(`${line1} ${line2}`.replace(/\s+/g, ' ')).toBe(
      `Flat 1, ${'Very Long Building Name '.repeat(4)}Street District`.replace(/\s+/g, ' '),
    )
  })

  it('rejects vendorName missing at creation', () => {
    expect(() => createOpayoServerClient({ vendorName: '' })).toThrow(/vendorName/)
  })
})

describe('Server registration end to end with the testkit fake: register, then notify', () => {
  it('registers, refuses a reused VendorTxCode (4042), and the completed notification verifies into the registered payment', async () => {
    const fake = new FakeOpayo({ vendorName: 'myshop' })
    server.use(...opayoHandlers(fake))
    const opayo = client({ vendorName: 'myshop' })
    const registration = await opayo.register(
      input({ vendorTxCode: 'INV-1042-1', amount: money(12000, 'GBP') }),
    )
    expect(registration.securityKey.reveal()).toMatch(/^[A-Z0-9]{10}$/)
    expect(registration.vpsTxId).toMatch(/^\{[0-9A-F-]{36}\}$/)
    expect(fake.serverRegistrations.get('INV-1042-1')).toMatchObject({
      amount: 12000,
      currency: 'GBP',
      txType: 'PAYMENT',
      securityKey: registration.securityKey.reveal(),
      vpsTxId: registration.vpsTxId,
    })
    // Latin-1 arrived as Latin-1.
    expect(fake.serverRegistrations.get('INV-1042-1')?.fields['BillingSurname']).toBe('Müller')

    await expect(
      opayo.register(input({ vendorTxCode: 'INV-1042-1', amount: money(12000, 'GBP') })),
    ).rejects.toMatchObject({ registrationStatus: 'INVALID', statusCode: '4042' })

    const stored = new Map<string, ServerRegistration>([[registration.vendorTxCode, registration]])
    const received: ServerNotificationEvent[] = []
    const handle = createServerNotificationHandler({
      vendorName: 'myshop',
      lookupRegistration: (code) => stored.get(code),
      onNotification: (event) => void received.push(event),
      redirectUrl: 'https://shop.example/thanks',
      replies: memoryReplyStore(),
    })
    const reply = await fake.notifyServerTransaction('INV-1042-1', {
      fetch: (url, init) => handle(new Request(url, init)),
    })
    expect(reply.status).toBe('OK')
    expect(received).toHaveLength(1)
    expect(received[0]?.payment).toMatchObject({
      kind: 'payment',
      status: 'succeeded',
      amount: { amount: 12000, currency: 'GBP' },
      source: { verified: true, vendorTxCode: 'INV-1042-1' },
    })
    // A replay with an unsigned TxType added changes nothing: the same reply, no second event.
    const { fields } = fake.completeServerTransaction('INV-1042-1')
    const replay = await handle(
      new Request('https://shop.example/opayo/notify', {
        method: 'POST',
        body: new URLSearchParams({ ...fields, TxType: 'REFUND', Surcharge: '99.00' }),
      }),
    )
    expect(await replay.text()).toMatch(/^Status=OK\r\n/)
    expect(received).toHaveLength(1)
  })

  it('checks the Vendor and required fields with Opayo-style answers', async () => {
    const fake = new FakeOpayo({ vendorName: 'myshop' })
    server.use(...opayoHandlers(fake))
    await expect(client({ vendorName: 'othershop' }).register(input())).rejects.toMatchObject({
      registrationStatus: 'INVALID',
      statusCode: '4000',
    })
    const response = await fetch(OPAYO_SERVER_URLS.sandbox, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'VPSProtocol=4.00&TxType=PAYMENT&Vendor=myshop&VendorTxCode=A-1&Amount=1.00&Currency=GBP&Description=x&NotificationURL=https%3A%2F%2Fshop.example%2Fn',
    })
    expect(await response.text()).toBe(
      'VPSProtocol=4.00\r\nStatus=MALFORMED\r\nStatusDetail=3107 : The BillingSurname field is required.\r\n',
    )
    expect(fake.serverRegistrations.size).toBe(0)
  })
})

describe('Server registration against the loopback fake (real HTTP)', () => {
  it('registers over HTTP and points NextURL at the fake, port included', async () => {
    const served = await startFakeOpayoServer({ options: { vendorName: 'myshop' } })
    try {
      server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()))
      const registration = await client({
        vendorName: 'myshop',
        environment: new URL(served.serverRegisterUrl),
      }).register(input({ vendorTxCode: 'INV-7-1' }))
      expect(registration.nextUrl.startsWith(new URL(served.serverRegisterUrl).origin)).toBe(true)
      const page = await fetch(registration.nextUrl)
      expect(page.status).toBe(200)
      expect(served.fake.serverRegistrations.get('INV-7-1')?.fields['BillingFirstnames']).toBe(
        'Zoë',
      )
    } finally {
      await served.close()
    }
  })
})
