import { Secret } from '@opayo-kashflow/core'
import { buildServerNotification, signServerNotification } from '@opayo-kashflow/testkit'
import { FakeOpayo, opayoHandlers } from '@opayo-kashflow/testkit/msw'
import { delay, http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  causeChain,
  exportedErrorClasses,
  leaksIn,
  thrownBy,
  transportObjectsIn,
} from '../../../test/support/leaks.js'
import * as opayo from '../src/index.js'
import { money } from '@opayo-kashflow/core'
import {
  createOpayoServerClient,
  createOpayoPiClient,
  createOpayoReportingClient,
  decryptFormCrypt,
  encryptFormCrypt,
  parseServerNotification,
  verifyServerNotification,
} from '../src/index.js'
import type {
  OpayoPiClient,
  OpayoPiClientOptions,
  OpayoReportingClient,
  OpayoReportingClientOptions,
} from '../src/index.js'

// The issue "Trust boundary": no credential reaches an error, a client object or its options,
// on any surface a log shows (message, stack, util.inspect with hidden fields, JSON), and no
// error keeps a Request, Response, Headers or ky error (which hold the Authorization header) as a
// property or in its cause chain. Every error class the package exports is driven at least once;
// a new class fails the last test until it has a scenario here.

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const PI = 'https://sandbox.opayo.eu.elavon.com/api/v1'
const REPORTING = 'https://sandbox.opayo.eu.elavon.com/access/access.htm'

const PI_KEY = 'PI-KEY-SENTINEL-123'
const PI_PASSWORD = 'PI-PASSWORD-SENTINEL-456'
const BASIC = Buffer.from(`${PI_KEY}:${PI_PASSWORD}`, 'utf8').toString('base64')
const REPORTING_CREDENTIALS = {
  vendor: 'sandbox',
  user: 'reporter',
  password: 'REPORTING-PASSWORD-SENTINEL-789',
}
const SECURITY_KEY = 'SECKEYSENTINEL'
const FORM_PASSWORD = 'FORMPWSENTINEL16' // 16 printable ASCII characters, as Form requires
const SENTINELS = [
  PI_KEY,
  PI_PASSWORD,
  BASIC,
  `Basic ${BASIC}`,
  REPORTING_CREDENTIALS.password,
  SECURITY_KEY,
  FORM_PASSWORD,
]

const hang = async () => {
  await delay('infinite')
  return HttpResponse.text('never')
}
const piError = (
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) => HttpResponse.json(body, { status, headers })
const reportingXml = (inner: string) =>
  new HttpResponse(`<?xml version="1.0" encoding="ISO-8859-1"?><vspaccess>${inner}</vspaccess>`, {
    headers: { 'content-type': 'text/xml' },
  })
const TX = 'T6569400-1516-0A3F-E3FA-7F222CC79221'
const payment = {
  transactionType: 'Payment',
  paymentMethod: { card: { merchantSessionKey: 'MSK', cardIdentifier: 'card-1' } },
  vendorTxCode: 'INV-1042-1',
  amount: 12000,
  currency: 'GBP',
  description: 'Invoice 1042',
} as const

const registration = {
  vendorTxCode: 'INV-1042-1',
  amount: money(12000, 'GBP'),
  description: 'Invoice 1042',
  notificationUrl: 'https://shop.example/opayo/notify',
  billing: {
    firstnames: 'Sam',
    surname: 'Jones',
    address: { lines: ['1 High St'], city: 'Bath', postalCode: 'BA1 1AA', country: 'GB' },
  },
}

interface Clients {
  readonly pi: OpayoPiClient
  readonly reporting: OpayoReportingClient
}

interface Scenario {
  readonly name: string
  /** The exported class that must be thrown (exactly that class). */
  readonly expected: string
  /** Credentials the fake accepts, when they should differ from the clients'. */
  readonly fake?: { readonly integrationPassword?: string; readonly reportingPassword?: string }
  readonly setup?: (fake: FakeOpayo) => void
  readonly run: (clients: Clients) => unknown
}

const SCENARIOS: readonly Scenario[] = [
  // ---- Pi ----------------------------------------------------------------------------------
  {
    name: 'Pi: a read times out (fetch never answers)',
    expected: 'OpayoTimeoutError',
    setup: () => server.use(http.get(`${PI}/transactions/${TX}`, hang)),
    run: ({ pi }) => pi.transactions.get(TX, { timeout: 30 }),
  },
  {
    name: 'Pi: a read fails on the network',
    expected: 'OpayoNetworkError',
    setup: () => server.use(http.get(`${PI}/transactions/${TX}`, () => HttpResponse.error())),
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: the integration password is wrong (401)',
    expected: 'OpayoAuthenticationError',
    fake: { integrationPassword: 'the-right-one' },
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: a read is answered 403',
    expected: 'OpayoAuthenticationError',
    setup: (fake) =>
      fake.failNext({
        status: 403,
        body: JSON.stringify({ description: 'Forbidden', code: 1003 }),
      }),
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: a transaction is not found (404)',
    expected: 'OpayoNotFoundError',
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: a payment is refused as invalid (422)',
    expected: 'OpayoValidationError',
    setup: () =>
      server.use(
        http.post(`${PI}/transactions`, () =>
          piError(422, {
            errors: [{ code: 1003, property: 'amount', description: 'Missing mandatory field' }],
          }),
        ),
      ),
    run: ({ pi }) => pi.transactions.create(payment),
  },
  {
    name: 'Pi: a request is refused as malformed (400)',
    expected: 'OpayoValidationError',
    setup: () =>
      server.use(
        http.post(`${PI}/merchant-session-keys`, () =>
          piError(400, { code: 1000, description: 'Malformed JSON' }),
        ),
      ),
    run: ({ pi }) => pi.merchantSessionKeys.create(),
  },
  {
    // Issue 19: a server (or proxy) that echoes the request's Authorization header in its error
    // body must not put the Basic credentials into the error.
    name: 'Pi: a 400 whose body echoes the Authorization header',
    expected: 'OpayoValidationError',
    setup: () =>
      server.use(
        http.post(`${PI}/merchant-session-keys`, ({ request }) =>
          piError(400, {
            code: 1000,
            description: `Bad request. Authorization: ${request.headers.get('authorization')}`,
            clientMessage: `${request.headers.get('authorization')}`,
          }),
        ),
      ),
    run: ({ pi }) => pi.merchantSessionKeys.create(),
  },
  {
    name: 'Pi: a 401 whose body echoes every request header',
    expected: 'OpayoAuthenticationError',
    setup: () =>
      server.use(
        http.post(`${PI}/merchant-session-keys`, ({ request }) =>
          piError(401, {
            code: 1001,
            description: JSON.stringify(Object.fromEntries(request.headers)),
          }),
        ),
      ),
    run: ({ pi }) => pi.merchantSessionKeys.create(),
  },
  {
    name: 'Pi: a read is rate limited (429)',
    expected: 'OpayoRateLimitError',
    setup: () =>
      server.use(
        http.get(`${PI}/transactions/${TX}`, () =>
          piError(429, { description: 'Too many requests' }, { 'retry-after': '3' }),
        ),
      ),
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: a read fails on the server (500)',
    expected: 'OpayoServerError',
    setup: (fake) => fake.failNext({ status: 500 }),
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: a payment times out: ambiguous',
    expected: 'OpayoAmbiguousResultError',
    setup: () => server.use(http.post(`${PI}/transactions`, hang)),
    run: ({ pi }) => pi.transactions.create(payment, { timeout: 30 }),
  },
  {
    name: 'Pi: a payment fails on the network: ambiguous',
    expected: 'OpayoAmbiguousResultError',
    setup: () => server.use(http.post(`${PI}/transactions`, () => HttpResponse.error())),
    run: ({ pi }) => pi.transactions.create(payment),
  },
  {
    name: 'Pi: a payment fails on the server (502): ambiguous',
    expected: 'OpayoAmbiguousResultError',
    setup: (fake) => fake.failNext({ status: 502, body: '<html>Bad gateway</html>' }),
    run: ({ pi }) => pi.transactions.create(payment),
  },
  {
    name: 'Pi: a read returns a body that is not JSON',
    expected: 'OpayoResponseError',
    setup: () =>
      server.use(http.get(`${PI}/transactions/${TX}`, () => HttpResponse.text('<html>x</html>'))),
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: a read returns an unexpected shape',
    expected: 'OpayoResponseError',
    setup: () =>
      server.use(http.get(`${PI}/transactions/${TX}`, () => HttpResponse.json({ status: 5 }))),
    run: ({ pi }) => pi.transactions.get(TX),
  },
  {
    name: 'Pi: a status no class names (418)',
    expected: 'OpayoError',
    setup: (fake) => fake.failNext({ status: 418 }),
    run: ({ pi }) => pi.transactions.get(TX),
  },
  // ---- Reporting ---------------------------------------------------------------------------
  {
    name: 'Reporting: the password is wrong (errorcode 2007)',
    expected: 'OpayoReportingError',
    fake: { reportingPassword: 'the-right-one' },
    run: ({ reporting }) => reporting.version(),
  },
  {
    name: 'Reporting: a transaction is not found (errorcode 0043)',
    expected: 'OpayoNotFoundError',
    run: ({ reporting }) => reporting.transactions.get({ vendorTxCode: 'nope' }),
  },
  {
    name: 'Reporting: a list call is refused (errorcode 0008) while listing',
    expected: 'OpayoReportingError',
    setup: () =>
      server.use(
        http.post(REPORTING, () =>
          reportingXml('<errorcode>0008</errorcode><error>Invalid date range</error>'),
        ),
      ),
    run: ({ reporting }) =>
      reporting.transactions.list({
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-02T00:00:00Z'),
      }),
  },
  {
    name: 'Reporting: answered 401',
    expected: 'OpayoAuthenticationError',
    setup: (fake) => fake.failNext({ status: 401 }),
    run: ({ reporting }) => reporting.version(),
  },
  {
    name: 'Reporting: rate limited (429)',
    expected: 'OpayoRateLimitError',
    setup: (fake) => fake.failNext({ status: 429, headers: { 'retry-after': '2' } }),
    run: ({ reporting }) => reporting.version(),
  },
  {
    name: 'Reporting: fails on the server (503)',
    expected: 'OpayoServerError',
    setup: (fake) => fake.failNext({ status: 503 }),
    run: ({ reporting }) => reporting.version(),
  },
  {
    name: 'Reporting: times out (fetch never answers)',
    expected: 'OpayoTimeoutError',
    setup: () => server.use(http.post(REPORTING, hang)),
    run: ({ reporting }) => reporting.version({ timeout: 30 }),
  },
  {
    name: 'Reporting: fails on the network',
    expected: 'OpayoNetworkError',
    setup: () => server.use(http.post(REPORTING, () => HttpResponse.error())),
    run: ({ reporting }) => reporting.version(),
  },
  {
    name: 'Reporting: a body that is not Reporting XML',
    expected: 'OpayoResponseError',
    setup: (fake) => fake.failNext({ status: 200, body: '<html>maintenance</html>' }),
    run: ({ reporting }) => reporting.version(),
  },
  {
    name: 'Reporting: a status no class names (404)',
    expected: 'OpayoError',
    setup: (fake) => fake.failNext({ status: 404 }),
    run: ({ reporting }) => reporting.version(),
  },
  {
    name: 'Reporting: the XML cannot be built (a filter that is not text)',
    expected: 'InvalidArgumentError',
    run: ({ reporting }) =>
      reporting.transactions.list({
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-02T00:00:00Z'),
        txTypes: [{ toString: null } as unknown as string],
      }),
  },
  // ---- Server registration ------------------------------------------------------------------
  {
    name: 'Server: the registration is refused (Status=INVALID)',
    expected: 'OpayoServerRegistrationError',
    run: () =>
      createOpayoServerClient({ vendorName: 'not-a-vendor', environment: 'sandbox' }).register(
        registration,
      ),
  },
  {
    name: 'Server: the registration input is invalid (nothing is sent)',
    expected: 'OpayoServerRegistrationInputError',
    run: () =>
      createOpayoServerClient({ vendorName: 'sandbox', environment: 'sandbox' }).register({
        ...registration,
        description: '',
      }),
  },
  // ---- Server notifications and Form --------------------------------------------------------
  {
    name: 'Server: a notification signed with another SecurityKey',
    expected: 'OpayoSignatureError',
    run: () => {
      const fields = signServerNotification(buildServerNotification(), {
        vendorName: 'sandbox',
        securityKey: 'OTHERKEY00',
      })
      const parsed = parseServerNotification(fields)
      if (!parsed.ok) throw new Error('the notification did not parse')
      verifyServerNotification(parsed.value, { vendorName: 'sandbox', securityKey: SECURITY_KEY })
    },
  },
  {
    name: 'Form: a crypt made with another password',
    expected: 'OpayoCryptError',
    run: () =>
      decryptFormCrypt(
        encryptFormCrypt({ VendorTxCode: 'INV-1042-1' }, 'abcdefghijklmnop'),
        FORM_PASSWORD,
      ),
  },
  {
    name: 'Form: a crypt for another order (replay)',
    expected: 'OpayoCryptError',
    run: () =>
      decryptFormCrypt(
        encryptFormCrypt({ VendorTxCode: 'INV-1-1' }, FORM_PASSWORD),
        FORM_PASSWORD,
        {
          expectedVendorTxCode: 'INV-2-1',
        },
      ),
  },
  {
    name: 'Form: a password that is not 16 characters',
    expected: 'OpayoCryptError',
    run: () => encryptFormCrypt({ VendorTxCode: 'INV-1-1' }, `${FORM_PASSWORD}-too-long`),
  },
]

const CREDENTIAL_FORMS = [
  ['strings', (value: string): string | Secret => value],
  ['Secrets', (value: string): string | Secret => new Secret(value)],
] as const

describe.each(CREDENTIAL_FORMS)('with credentials given as %s', (_, credential) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const fake = new FakeOpayo({
      integrationKey: PI_KEY,
      integrationPassword: scenario.fake?.integrationPassword ?? PI_PASSWORD,
      reporting: {
        ...REPORTING_CREDENTIALS,
        password: scenario.fake?.reportingPassword ?? REPORTING_CREDENTIALS.password,
      },
    })
    server.use(...opayoHandlers(fake))
    const transport = { retry: { limit: 0 }, sleep: () => Promise.resolve(), random: () => 0.5 }
    const piOptions = {
      integrationKey: credential(PI_KEY),
      integrationPassword: credential(PI_PASSWORD),
      vendorName: 'sandbox',
      notFoundRetries: 0,
      ...transport,
    } as OpayoPiClientOptions
    const reportingOptions = {
      ...REPORTING_CREDENTIALS,
      password: credential(REPORTING_CREDENTIALS.password),
      ...transport,
    } as OpayoReportingClientOptions
    const clients = {
      pi: createOpayoPiClient(piOptions),
      reporting: createOpayoReportingClient(reportingOptions),
    }
    scenario.setup?.(fake)

    const error = await thrownBy(() => scenario.run(clients))

    const expected =
      scenario.expected === 'InvalidArgumentError'
        ? 'InvalidArgumentError'
        : (opayo as Record<string, unknown>)[scenario.expected]
    if (typeof expected === 'string') expect((error as Error).name, String(error)).toBe(expected)
    else expect((error as Error).constructor, String(error)).toBe(expected)
    for (const [i, step] of causeChain(error).entries())
      expect(leaksIn(step, SENTINELS), `cause chain step ${i}`).toEqual([])
    expect(transportObjectsIn(error)).toEqual([])
    expect(leaksIn(clients.pi, SENTINELS), 'the Pi client').toEqual([])
    expect(leaksIn(clients.reporting, SENTINELS), 'the Reporting client').toEqual([])
    if (credential(PI_PASSWORD) instanceof Secret) {
      expect(leaksIn(piOptions, SENTINELS), 'the Pi options').toEqual([])
      expect(leaksIn(reportingOptions, SENTINELS), 'the Reporting options').toEqual([])
    }
  })
})

describe('coverage', () => {
  it('drives every error class @opayo-kashflow/opayo exports', () => {
    const exported = exportedErrorClasses(opayo)
    expect(exported.length).toBeGreaterThan(5)
    const driven = new Set(SCENARIOS.map((s) => s.expected))
    expect(exported.filter((name) => !driven.has(name))).toEqual([])
  })
})
