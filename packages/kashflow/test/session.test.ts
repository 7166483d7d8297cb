import { inspect } from 'node:util'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { KashflowAuthenticationError, createKashflowClient } from '../src/index.js'
import { BASE, CREDENTIALS, setup, useMsw } from './helpers.js'

const server = useMsw()
const invoices = [{ number: 1042, gross: 120 }]

describe('the KashFlow session (kashflow.com/developers/rest-api/sessiontoken)', () => {
  it('logs in with the two steps and the requested memorable-word characters, then sends KfToken', async () => {
    const pending: Promise<{ step: string; body: unknown; auth: string | null }>[] = []
    server.events.on('request:start', ({ request }) => {
      const url = new URL(request.url)
      const body = request.method === 'GET' ? Promise.resolve(undefined) : request.clone().json()
      pending.push(
        body.then((b) => ({
          step: `${request.method} ${url.pathname}`,
          body: b,
          auth: request.headers.get('authorization'),
        })),
      )
    })
    const { kashflow } = setup(server, { invoices })
    await kashflow.invoices.get(1042)
    server.events.removeAllListeners()
    const seen = await Promise.all(pending)
    expect(seen.map((s) => s.step)).toEqual([
      'POST /v2/sessiontoken',
      'PUT /v2/sessiontoken',
      'GET /v2/invoices/1042',
    ])
    expect(seen[0]?.body).toEqual({
      UserName: CREDENTIALS.username,
      Password: CREDENTIALS.password,
    })
    expect(seen[0]?.auth).toBeNull()
    const step2 = seen[1]?.body as { MemorableWordList: { Position: number; Value: string }[] }
    expect(step2.MemorableWordList).toHaveLength(3)
    for (const { Position, Value } of step2.MemorableWordList)
      expect(Value).toBe('pineapple'[Position - 1])
    expect(seen[2]?.auth).toMatch(/^KfToken [0-9A-F-]{36}$/)
  })

  it('shares one login between concurrent requests', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await Promise.all([
      kashflow.invoices.get(1042),
      kashflow.invoices.get(1042),
      kashflow.bankAccounts.list(),
    ])
    expect(fake.logins).toBe(1)
  })

  it('logs in again once when the session expired after 60 idle minutes, and retries that request once', async () => {
    const { kashflow, fake, advance } = setup(server, { invoices })
    await kashflow.invoices.get(1042)
    advance(61 * 60_000)
    await expect(kashflow.invoices.get(1042)).resolves.toMatchObject({ Number: 1042 })
    expect(fake.logins).toBe(2)
    const statuses = fake.log.filter((l) => l.path === 'invoices/1042').map((l) => l.status)
    expect(statuses).toEqual([200, 401, 200])
  })

  it('keeps a session alive while it is used within the idle window', async () => {
    const { kashflow, fake, advance } = setup(server, { invoices })
    for (let i = 0; i < 4; i += 1) {
      await kashflow.invoices.get(1042)
      advance(50 * 60_000)
    }
    expect(fake.logins).toBe(1)
  })

  it('does not loop when a renewed session is refused again', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    server.use(
      http.get(`${BASE}/invoices/:n`, () =>
        HttpResponse.json(
          { Error: 'InvalidSessionToken', Message: 'Session token provided is invalid.' },
          { status: 401 },
        ),
      ),
    )
    await expect(kashflow.invoices.get(1042)).rejects.toBeInstanceOf(KashflowAuthenticationError)
    expect(fake.logins).toBe(2)
  })

  it.each([
    ['a wrong password', { password: 'wrong' }, {}, /username or password is wrong/],
    ['a wrong memorable word', { memorableWord: 'zzzzzzzzz' }, {}, /memorable word/],
    ['a short memorable word', { memorableWord: 'p' }, {}, /memorable word/],
    ['a locked account', {}, { locked: true }, /locked/],
    ['a temporary password', {}, { temporaryPassword: true }, /temporary password/],
    ['an expired subscription', {}, { subscriptionExpired: true }, /subscription has expired/],
  ])(
    'fails fatally on %s, without retrying the login',
    async (_label, credentials, user, message) => {
      const { kashflow, fake } = setup(
        server,
        { invoices, user: { ...CREDENTIALS, ...user } },
        credentials,
      )
      const error = await kashflow.invoices.get(1042).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KashflowAuthenticationError)
      expect((error as Error).message).toMatch(message)
      expect(fake.log.filter((l) => l.path === 'sessiontoken' && l.method === 'POST')).toHaveLength(
        1,
      )
      expect(fake.logins).toBe(0)
    },
  )

  it('never shows credentials or the token in errors, JSON or inspect', async () => {
    const { kashflow } = setup(server, { invoices: [] })
    const error = await kashflow.invoices.get(9999).catch((e: unknown) => e)
    const shown = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })} ${inspect(kashflow, { depth: 5 })} ${JSON.stringify(kashflow)}`
    for (const secret of Object.values(CREDENTIALS)) expect(shown).not.toContain(secret)
    expect(shown).not.toMatch(/KfToken [0-9A-F]/)
  })

  it('logs one line per request through the injected logger, and passes ky hooks through, never with secrets', async () => {
    const lines: string[] = []
    const seen: string[] = []
    const { kashflow } = setup(
      server,
      { invoices },
      {
        logger: { debug: (message, fields) => lines.push(`${message} ${JSON.stringify(fields)}`) },
        hooks: { beforeRequest: [(request) => void seen.push(new URL(request.url).pathname)] },
      },
    )
    await kashflow.invoices.get(1042)
    expect(lines).toEqual([
      expect.stringMatching(/^kashflow request .*"path":"\/invoices\/1042","status":200/),
    ])
    expect(seen).toEqual(['/v2/sessiontoken', '/v2/sessiontoken', '/v2/invoices/1042'])
    for (const secret of Object.values(CREDENTIALS)) expect(lines.join('\n')).not.toContain(secret)
  })

  it('logs out by deleting the session token', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await kashflow.invoices.get(1042)
    await kashflow.logout()
    expect(fake.log.at(-1)).toMatchObject({ method: 'DELETE', status: 204 })
    await kashflow.invoices.get(1042)
    expect(fake.logins).toBe(2)
  })

  it('requires credentials up front', () => {
    expect(() => createKashflowClient({ ...CREDENTIALS, memorableWord: '' })).toThrow(
      /memorableWord/,
    )
  })
})
