import { FakeOpayo, opayoHandlers } from '@opayo-kashflow/testkit/msw'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  OpayoAmbiguousResultError,
  OpayoAuthenticationError,
  OpayoNetworkError,
  OpayoNotFoundError,
  OpayoRateLimitError,
  OpayoServerError,
  OpayoValidationError,
  PiTransactionSchema,
  createOpayoPiClient,
  errorFromResponse,
  toCanonicalPayment,
} from '../src/index.js'
import type { OpayoPiClientOptions } from '../src/index.js'
import { PI_AUTH_VECTOR, PI_FIXTURES } from './fixtures/vectors.js'

const BASE = 'https://sandbox.opayo.eu.elavon.com/api/v1'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** A fake clock: records each requested wait and returns at once. */
function fakeSleep() {
  const waits: number[] = []
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) }
}

function client(overrides: Partial<OpayoPiClientOptions> = {}) {
  const clock = fakeSleep()
  const pi = createOpayoPiClient({
    integrationKey: PI_AUTH_VECTOR.integrationKey,
    integrationPassword: PI_AUTH_VECTOR.integrationPassword,
    vendorName: 'sandbox',
    sleep: clock.sleep,
    random: () => 0.5,
    ...overrides,
  })
  return { pi, waits: clock.waits }
}

const jsonResponse = (status: number, body: string, headers: Record<string, string> = {}) =>
  new HttpResponse(body, { status, headers: { 'content-type': 'application/json', ...headers } })

describe('Pi: the wire format (ebizmarts PIRestTest vectors)', () => {
  it('authenticates with the published Basic header and sends the request exactly as given', async () => {
    let seen: { auth: string | null; body: string } | undefined
    server.use(
      http.post(`${BASE}/transactions`, async ({ request }) => {
        seen = { auth: request.headers.get('authorization'), body: await request.text() }
        return jsonResponse(201, PI_FIXTURES.success)
      }),
    )
    const { pi } = client()
    const tx = await pi.transactions.create(JSON.parse(PI_FIXTURES.request) as never)
    expect(seen?.auth).toBe(PI_AUTH_VECTOR.header)
    expect(seen?.body).toBe(PI_FIXTURES.request)
    expect(tx).toMatchObject({
      transactionId: 'T6569400-1516-0A3F-E3FA-7F222CC79221',
      status: 'Ok',
      retrievalReference: '8636128',
    })
  })

  it('parses the published success, refund, 3-D Secure and instruction responses', () => {
    expect(PiTransactionSchema.parse(JSON.parse(PI_FIXTURES.success))).toMatchObject({
      statusCode: '0000',
    })
    expect(PiTransactionSchema.parse(JSON.parse(PI_FIXTURES.refund))).toMatchObject({
      transactionType: 'Refund',
    })
    expect(PiTransactionSchema.parse(JSON.parse(PI_FIXTURES.threeDSecureV1))).toMatchObject({
      status: '3DAuth',
      statusCode: '2007',
    })
  })

  it('normalises the published success response to a canonical payment', () => {
    const transaction = PiTransactionSchema.parse(JSON.parse(PI_FIXTURES.success))
    const payment = toCanonicalPayment({
      protocol: 'pi',
      transaction,
      vendorTxCode: 'demotransaction-100092813',
      requested: { amount: { amount: 10000, currency: 'GBP' } as never },
      receivedAt: '2026-11-02T10:15:00Z',
    })
    expect(payment).toMatchObject({
      ok: true,
      value: {
        id: 'opayo:T6569400-1516-0A3F-E3FA-7F222CC79221:payment',
        source: { protocol: 'pi', verified: true },
        kind: 'payment',
        status: 'succeeded',
        amount: { amount: 10000, currency: 'GBP' },
        card: { scheme: 'visa', last4: '0006', expiry: '0317' },
        risk: {
          avsCv2: 'security_code_only',
          address: 'not_matched',
          securityCode: 'matched',
          threeDSecure: { status: 'not_checked' },
        },
        gateway: {
          bankAuthCode: '999777',
          retrievalReference: '8636128',
          declineCode: '00',
          statusCode: '0000',
        },
      },
    })
  })

  it('treats a Pi Ok with statusCode 2005 as a void and 2006 as an abort', () => {
    for (const [code, kind] of [
      ['2005', 'void'],
      ['2006', 'cancel'],
    ] as const) {
      const transaction = PiTransactionSchema.parse({
        ...JSON.parse(PI_FIXTURES.success),
        statusCode: code,
      })
      const payment = toCanonicalPayment({
        protocol: 'pi',
        transaction,
        vendorTxCode: 'x-1',
        requested: { amount: { amount: 10000, currency: 'GBP' } as never },
        receivedAt: '2026-11-02T10:15:00Z',
      })
      expect(payment).toMatchObject({ ok: true, value: { kind, status: 'succeeded' } })
    }
  })
})

describe('Pi: errors through errorFromResponse', () => {
  const raw = (status: number, body: string, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers(headers),
    body: new TextEncoder().encode(body),
  })

  it('reads both error body shapes, with codes as numbers or strings', () => {
    const many = errorFromResponse(raw(422, PI_FIXTURES.errorTwoInvalid), 'POST /transactions')
    expect(many).toBeInstanceOf(OpayoValidationError)
    expect(many.vendorErrors).toEqual([
      {
        code: '1009',
        property: 'paymentMethod.card.merchantSessionKey',
        description: 'Contains invalid value',
      },
      {
        code: '1009',
        property: 'paymentMethod.card.cardIdentifier',
        description: 'Contains invalid value',
      },
    ])
    const single = errorFromResponse(raw(400, PI_FIXTURES.errorSingle), 'POST /3d-secure')
    expect(single.vendorErrors).toEqual([
      { code: '1005', property: 'paRes', description: 'Contains invalid characters' },
    ])
    expect(
      errorFromResponse(raw(422, '{"errors":[{"code":"1003","property":"vendorName"}]}'), 'x')
        .vendorErrors[0]?.code,
    ).toBe('1003')
  })

  it.each([
    [401, OpayoAuthenticationError],
    [404, OpayoNotFoundError],
    [429, OpayoRateLimitError],
    [500, OpayoServerError],
    [502, OpayoServerError],
    [408, OpayoServerError],
  ] as const)('maps HTTP %i to %s', (status, type) => {
    expect(errorFromResponse(raw(status, ''), 'GET /transactions/x')).toBeInstanceOf(type)
  })

  it('carries Retry-After as milliseconds, in seconds or as an HTTP date', () => {
    expect(errorFromResponse(raw(429, '', { 'retry-after': '3' }), 'x').retryAfterMs).toBe(3000)
    const inTen = new Date(Date.now() + 10_000).toUTCString()
    expect(
      errorFromResponse(raw(503, '', { 'retry-after': inTen }), 'x').retryAfterMs,
    ).toBeGreaterThan(8000)
  })

  it('never leaks the integration password into an error', async () => {
    server.use(
      http.get(`${BASE}/transactions/:id`, () =>
        jsonResponse(401, '{"description":"Authentication failed","code":1002}'),
      ),
    )
    const { pi } = client()
    const error = await pi.transactions.get('T1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoAuthenticationError)
    expect(JSON.stringify(error) + String(error)).not.toContain(PI_AUTH_VECTOR.integrationPassword)
  })
})

describe('Pi: retries', () => {
  it('retries a GET on 503 with capped exponential backoff and honours Retry-After', async () => {
    let calls = 0
    server.use(
      http.get(`${BASE}/transactions/:id`, () => {
        calls += 1
        if (calls === 1) return jsonResponse(503, '')
        if (calls === 2) return jsonResponse(429, '', { 'retry-after': '7' })
        return jsonResponse(200, PI_FIXTURES.success)
      }),
    )
    const { pi, waits } = client({ retry: { baseDelayMs: 1000, maxDelayMs: 4000 } })
    await expect(
      pi.transactions.get('T6569400-1516-0A3F-E3FA-7F222CC79221'),
    ).resolves.toMatchObject({ status: 'Ok' })
    expect(calls).toBe(3)
    // attempt 0: 1000ms * jitter(0.75) ; attempt 1: Retry-After 7s
    expect(waits).toEqual([750, 7000])
  })

  it('gives up after the retry limit with the last error', async () => {
    server.use(http.get(`${BASE}/transactions/:id`, () => jsonResponse(500, '')))
    const { pi, waits } = client({ retry: { limit: 2, baseDelayMs: 100, maxDelayMs: 150 } })
    await expect(pi.transactions.get('T1')).rejects.toBeInstanceOf(OpayoServerError)
    expect(waits).toEqual([75, 112.5])
  })

  it('retries the brief 404 right after 3-D Secure a few times', async () => {
    let calls = 0
    server.use(
      http.get(`${BASE}/transactions/:id`, () => {
        calls += 1
        return calls < 3 ? jsonResponse(404, '') : jsonResponse(200, PI_FIXTURES.success)
      }),
    )
    const { pi } = client()
    await expect(pi.transactions.get('T1')).resolves.toMatchObject({ status: 'Ok' })
    expect(calls).toBe(3)
  })

  it('retries network failures on reads, then reports them', async () => {
    server.use(http.get(`${BASE}/transactions/:id`, () => HttpResponse.error()))
    const { pi, waits } = client({ retry: { limit: 1 } })
    await expect(pi.transactions.get('T1')).rejects.toBeInstanceOf(OpayoNetworkError)
    expect(waits).toHaveLength(1)
  })

  it('never retries a transaction POST: a 5xx or a network failure is ambiguous', async () => {
    let calls = 0
    server.use(
      http.post(`${BASE}/transactions`, () => {
        calls += 1
        return calls === 1 ? jsonResponse(502, '') : HttpResponse.error()
      }),
    )
    const { pi, waits } = client()
    const request = JSON.parse(PI_FIXTURES.request) as never
    const first = await pi.transactions.create(request).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(OpayoAmbiguousResultError)
    expect((first as OpayoAmbiguousResultError).vendorTxCode).toBe('demotransaction-100092813')
    expect((first as Error).message).toMatch(/Reporting API/)
    await expect(pi.transactions.create(request)).rejects.toBeInstanceOf(OpayoAmbiguousResultError)
    expect(calls).toBe(2)
    expect(waits).toEqual([])
  })

  it('reports a timeout on a POST as ambiguous', async () => {
    server.use(
      http.post(`${BASE}/transactions`, async () => {
        await new Promise((r) => setTimeout(r, 200))
        return jsonResponse(201, PI_FIXTURES.success)
      }),
    )
    const { pi } = client({ timeout: 20 })
    await expect(
      pi.transactions.create(JSON.parse(PI_FIXTURES.request) as never),
    ).rejects.toBeInstanceOf(OpayoAmbiguousResultError)
  })

  it('rejects an invalid request before sending it', async () => {
    const { pi } = client()
    await expect(
      pi.transactions.create({
        ...(JSON.parse(PI_FIXTURES.request) as object),
        amount: 12.5,
      } as never),
    ).rejects.toThrow(/amount/)
  })
})

describe('Pi: 3-D Secure completion', () => {
  it('posts paRes to /3d-secure (v1) and cRes to /3d-secure-challenge (v2)', async () => {
    const seen: string[] = []
    server.use(
      http.post(`${BASE}/transactions/:id/3d-secure`, async ({ request }) => {
        seen.push(`v1 ${await request.text()}`)
        return jsonResponse(201, '{"status":"Authenticated"}')
      }),
      http.post(`${BASE}/transactions/:id/3d-secure-challenge`, async ({ request }) => {
        seen.push(`v2 ${await request.text()}`)
        return jsonResponse(201, PI_FIXTURES.success)
      }),
    )
    const { pi } = client()
    await expect(
      pi.threeDSecure.complete('{C105B177-C8D2-0EDF-50A3-16EEBD6D4FFB}', { paRes: 'abc' }),
    ).resolves.toEqual({
      status: 'Authenticated',
    })
    await pi.threeDSecure.complete('C105B177-C8D2-0EDF-50A3-16EEBD6D4FFB', { cRes: 'xyz' })
    expect(seen).toEqual(['v1 {"paRes":"abc"}', 'v2 {"cRes":"xyz"}'])
  })
})

describe('Pi against the stateful fake Opayo', () => {
  it('takes a payment, refunds part of it, voids nothing twice, and shows it all on GET', async () => {
    const fake = new FakeOpayo()
    server.use(...opayoHandlers(fake))
    const { pi } = client()
    const msk = await pi.merchantSessionKeys.create()
    const paid = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: {
        card: { merchantSessionKey: msk.merchantSessionKey, cardIdentifier: 'card-1' },
      },
      vendorTxCode: 'INV-1042-1',
      amount: 12000,
      currency: 'GBP',
      description: 'Invoice 1042',
    })
    expect(paid).toMatchObject({ status: 'Ok', statusCode: '0000' })
    const refund = await pi.transactions.create({
      transactionType: 'Refund',
      referenceTransactionId: paid.transactionId,
      vendorTxCode: 'INV-1042-R1',
      amount: 2000,
      description: 'Partial refund',
    })
    expect(refund).toMatchObject({ transactionType: 'Refund', status: 'Ok' })
    await expect(
      pi.transactions.create({
        transactionType: 'Refund',
        referenceTransactionId: paid.transactionId,
        vendorTxCode: 'INV-1042-R2',
        amount: 20000,
        description: 'Too much',
      }),
    ).rejects.toBeInstanceOf(OpayoValidationError)

    await pi.instructions.create(paid.transactionId, { instructionType: 'void' })
    await expect(pi.transactions.get(paid.transactionId)).resolves.toMatchObject({
      status: 'Ok',
      statusCode: '2005',
    })
    await expect(pi.instructions.list(paid.transactionId)).resolves.toMatchObject([
      { instructionType: 'void' },
    ])
  })

  it('returns a declined payment as a result (HTTP 403 with a NotAuthed transaction)', async () => {
    const fake = new FakeOpayo()
    server.use(...opayoHandlers(fake))
    const { pi } = client()
    const declined = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card: { merchantSessionKey: 'MSK', cardIdentifier: 'decline-1' } },
      vendorTxCode: 'INV-1043-1',
      amount: 500,
      currency: 'GBP',
      description: 'Declined',
    })
    expect(declined).toMatchObject({ status: 'NotAuthed', statusCode: '2000' })
  })

  it('answers a missing vendor name as the published error body does', async () => {
    const fake = new FakeOpayo({ vendorName: 'someone-else' })
    server.use(...opayoHandlers(fake))
    const error = await client()
      .pi.merchantSessionKeys.create()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoValidationError)
    expect((error as OpayoValidationError).vendorErrors).toEqual([
      { code: '1003', property: 'vendorName', description: 'Missing mandatory field' },
    ])
  })

  it('requires a release amount and releases a deferred payment', async () => {
    const fake = new FakeOpayo()
    server.use(...opayoHandlers(fake))
    const { pi } = client()
    const deferred = await pi.transactions.create({
      transactionType: 'Deferred',
      paymentMethod: { card: { merchantSessionKey: 'MSK', cardIdentifier: 'card-2' } },
      vendorTxCode: 'INV-1046-1',
      amount: 25000,
      currency: 'GBP',
      description: 'Deferred',
    })
    await expect(
      pi.instructions.create(deferred.transactionId, { instructionType: 'release' }),
    ).rejects.toThrow(/amount/)
    await expect(
      pi.instructions.create(deferred.transactionId, { instructionType: 'release', amount: 25000 }),
    ).resolves.toMatchObject({
      instructionType: 'release',
    })
  })
})
