import { money } from '@opayo-kashflow/core'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import type { FakeKashflowUser } from '@opayo-kashflow/testkit'
import { kashflowHandlers } from '@opayo-kashflow/testkit/msw'
import { delay, http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  causeChain,
  exportedErrorClasses,
  leaksIn,
  thrownBy,
  transportObjectsIn,
} from '../../../test/support/leaks.js'
import * as kashflow from '../src/index.js'
import { createKashflowClient, Secret } from '../src/index.js'
import type { KashflowClient, KashflowClientOptions } from '../src/index.js'
import { BASE, useMsw } from './helpers.js'

// The issue "Trust boundary": no credential or session token reaches an error, a client object
// or its options, on any surface a log shows (message, stack, util.inspect with hidden fields,
// JSON), and no error keeps a Request, Response, Headers or ky error (which hold the
// Authorization header) as a property or in its cause chain. Every error class the package
// exports is driven at least once; a new class fails the last test until it has a scenario.

const server = useMsw()

const USER: FakeKashflowUser = {
  username: 'KF-USERNAME-SENTINEL@example.co.uk',
  password: 'KF-PASSWORD-SENTINEL',
  memorableWord: 'KF-MEMORABLE-WORD-SENTINEL',
}
const CREDENTIAL_SENTINELS = [USER.username, USER.password, USER.memorableWord]
/** A session token the malformed-response scenario hands out inside a body that is not JSON. */
const TOKEN_IN_BODY = 'KF-SESSION-TOKEN-SENTINEL-0001'

// Every session token the client sends (the fake mints them), so the assertions can look for it.
const tokens = new Set<string>()
server.events.on('request:start', ({ request }) => {
  const token = /^KfToken (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
  if (token) tokens.add(token)
})

const hang = async () => {
  await delay('infinite')
  return HttpResponse.text('never')
}
const payment = {
  invoiceNumber: 1042,
  amount: money(12000, 'GBP'),
  date: '2026-11-02',
  methodId: 409844,
  bankAccountId: 55166,
  note: 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment',
}

interface Scenario {
  readonly name: string
  /** The exported class the client must throw (exactly that class). */
  readonly expected: string
  /** Log in before the failure, so a session token exists to leak. @default true */
  readonly loggedIn?: boolean
  /** The fake's user, when it should differ from the client's credentials. */
  readonly fakeUser?: FakeKashflowUser
  readonly options?: Partial<KashflowClientOptions>
  readonly setup?: (fake: FakeKashflow) => void
  readonly run: (client: KashflowClient) => unknown
  /** More strings that must not appear. */
  readonly sentinels?: readonly string[]
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a read times out (fetch never answers)',
    expected: 'KashflowTimeoutError',
    setup: () => server.use(http.get(`${BASE}/invoices/1042`, hang)),
    run: (c) => c.invoices.get(1042, { timeout: 30 }),
  },
  {
    name: 'the login (username and password step) times out',
    expected: 'KashflowTimeoutError',
    loggedIn: false,
    options: { timeout: 30 },
    setup: () => server.use(http.post(`${BASE}/sessiontoken`, hang)),
    run: (c) => c.bankAccounts.list(),
  },
  {
    name: 'the login (memorable word step) times out',
    expected: 'KashflowTimeoutError',
    loggedIn: false,
    options: { timeout: 30 },
    setup: () => server.use(http.put(`${BASE}/sessiontoken`, hang)),
    run: (c) => c.bankAccounts.list(),
  },
  {
    name: 'a read fails on the network',
    expected: 'KashflowNetworkError',
    setup: () => server.use(http.get(`${BASE}/invoices/1042`, () => HttpResponse.error())),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'the login fails on the network',
    expected: 'KashflowNetworkError',
    loggedIn: false,
    setup: () => server.use(http.post(`${BASE}/sessiontoken`, () => HttpResponse.error())),
    run: (c) => c.bankAccounts.list(),
  },
  {
    name: 'the password is wrong (400 InvalidCredentials)',
    expected: 'KashflowAuthenticationError',
    loggedIn: false,
    fakeUser: { ...USER, password: 'the-right-one' },
    run: (c) => c.bankAccounts.list(),
  },
  {
    name: 'the memorable word is wrong (401 InvalidMemorableWord)',
    expected: 'KashflowAuthenticationError',
    loggedIn: false,
    fakeUser: { ...USER, memorableWord: 'zzzzzzzzzzzzzzzzzzzzzzzzzz' },
    run: (c) => c.bankAccounts.list(),
  },
  {
    name: 'a read is answered 401',
    expected: 'KashflowAuthenticationError',
    setup: (fake) => fake.inject({ kind: 'status', status: 401 }),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'a read is answered 403',
    expected: 'KashflowAuthenticationError',
    setup: (fake) => fake.inject({ kind: 'status', status: 403 }),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'an invoice is not found (404)',
    expected: 'KashflowNotFoundError',
    run: (c) => c.invoices.get(9999),
  },
  {
    name: 'a request is refused as invalid (400)',
    expected: 'KashflowValidationError',
    setup: (fake) => fake.inject({ kind: 'status', status: 400 }),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'KashFlow reports its SQL timeout (400 -2146232060)',
    expected: 'KashflowTransientError',
    setup: (fake) => fake.sqlTimeoutNext(1),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'a read is rate limited (429)',
    expected: 'KashflowRateLimitError',
    setup: (fake) => fake.rateLimitNext(1, '7'),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'a read fails on the server (503)',
    expected: 'KashflowServerError',
    setup: (fake) => fake.failNext(1, 503),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'a write fails on the server (503): ambiguous',
    expected: 'KashflowAmbiguousWriteError',
    setup: () =>
      server.use(
        http.post(`${BASE}/invoices/bulk/payments`, () =>
          HttpResponse.json({ Error: 'ServerError', Message: 'Oops' }, { status: 503 }),
        ),
      ),
    run: (c) => c.invoicePayments.create(payment),
  },
  {
    name: 'a write times out: ambiguous',
    expected: 'KashflowAmbiguousWriteError',
    setup: () => server.use(http.post(`${BASE}/invoices/bulk/payments`, hang)),
    run: (c) => c.invoicePayments.create(payment, { timeout: 1000 }),
  },
  {
    name: 'a write loses its connection after KashFlow applied it: ambiguous',
    expected: 'KashflowAmbiguousWriteError',
    setup: (fake) => fake.commitThenDropNextWrite(),
    run: (c) => c.invoicePayments.create(payment),
  },
  {
    name: 'a read returns a body that is not JSON',
    expected: 'KashflowResponseError',
    setup: () =>
      server.use(http.get(`${BASE}/invoices/1042`, () => HttpResponse.text('<html>oops</html>'))),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'a read returns an unexpected shape',
    expected: 'KashflowResponseError',
    setup: () =>
      server.use(http.get(`${BASE}/invoices/1042`, () => HttpResponse.json({ Number: 'x' }))),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'the session token response is not JSON (and holds the token)',
    expected: 'KashflowResponseError',
    loggedIn: false,
    setup: () =>
      server.use(http.put(`${BASE}/sessiontoken`, () => HttpResponse.text(`T=${TOKEN_IN_BODY}`))),
    run: (c) => c.bankAccounts.list(),
    sentinels: [TOKEN_IN_BODY],
  },
  {
    name: 'a read-back whose journal rows lack the reference and the date cannot tell',
    expected: 'KashflowCannotTellError',
    setup: () =>
      server.use(
        http.get(`${BASE}/journals`, () =>
          HttpResponse.json({
            Data: [{ Number: 301, Comment: 'no name, no date', TotalAmount: 3.42 }],
            MetaData: { NextPageUrl: null, TotalRecords: 1 },
          }),
        ),
      ),
    run: (c) =>
      c.journals.find({
        date: '2026-11-02',
        reference: 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:fees',
      }),
  },
  {
    // Issue 19: a KashFlow (or a proxy) that echoes the request's Authorization header in its
    // error body must not put the session token into message, kashflowMessage, JSON or inspect.
    name: 'a 400 whose body echoes the Authorization header',
    expected: 'KashflowValidationError',
    setup: () =>
      server.use(
        http.get(`${BASE}/invoices/1042`, ({ request }) =>
          HttpResponse.json(
            {
              Error: `${request.headers.get('authorization')}`,
              Message: `Bad header Authorization: ${request.headers.get('authorization')}`,
            },
            { status: 400 },
          ),
        ),
      ),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'a 401 whose body echoes every request header, token bare',
    expected: 'KashflowAuthenticationError',
    setup: () =>
      server.use(
        http.get(`${BASE}/invoices/1042`, ({ request }) =>
          HttpResponse.json(
            {
              Error: 'InvalidToken',
              Message: `Token ${/^KfToken (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? ''} expired; headers ${JSON.stringify(Object.fromEntries(request.headers))}`,
            },
            { status: 401 },
          ),
        ),
      ),
    run: (c) => c.invoices.get(1042),
  },
  {
    name: 'a read is answered with a status no class names (418)',
    expected: 'KashflowError',
    setup: (fake) => fake.inject({ kind: 'status', status: 418 }),
    run: (c) => c.invoices.get(1042),
  },
]

const CREDENTIAL_FORMS = [
  ['strings', (value: string): string | Secret => value],
  ['Secrets', (value: string): string | Secret => new Secret(value)],
] as const

describe.each(CREDENTIAL_FORMS)('with credentials given as %s', (_, credential) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    tokens.clear()
    const fake = new FakeKashflow({
      user: scenario.fakeUser ?? USER,
      invoices: [{ number: 1042, gross: 120 }],
    })
    server.use(...kashflowHandlers(fake))
    const options = {
      username: credential(USER.username),
      password: credential(USER.password),
      memorableWord: credential(USER.memorableWord),
      retry: { limit: 0 },
      sleep: () => Promise.resolve(),
      ...scenario.options,
    } as KashflowClientOptions
    const client = createKashflowClient(options)
    if (scenario.loggedIn ?? true) {
      await client.bankAccounts.list()
      expect(tokens.size, 'the client logged in').toBeGreaterThan(0)
    }
    scenario.setup?.(fake)

    const error = await thrownBy(() => scenario.run(client))

    const expected = (kashflow as Record<string, unknown>)[scenario.expected]
    expect((error as Error).constructor, String(error)).toBe(expected)
    const sentinels = [
      ...CREDENTIAL_SENTINELS,
      ...tokens,
      ...[...tokens].map((t) => `KfToken ${t}`),
      ...(scenario.sentinels ?? []),
    ]
    for (const [i, step] of causeChain(error).entries())
      expect(leaksIn(step, sentinels), `cause chain step ${i}`).toEqual([])
    expect(transportObjectsIn(error)).toEqual([])
    expect(leaksIn(client, sentinels), 'the client').toEqual([])
    if (credential(USER.password) instanceof Secret)
      expect(leaksIn(options, sentinels), 'the options').toEqual([])
  })
})

describe('coverage', () => {
  it('drives every error class @opayo-kashflow/kashflow exports', () => {
    const exported = exportedErrorClasses(kashflow)
    expect(exported.length).toBeGreaterThan(5)
    const driven = new Set(SCENARIOS.map((s) => s.expected))
    expect(exported.filter((name) => !driven.has(name))).toEqual([])
  })
})
