import { money } from '@opayo-kashflow/core'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  KashflowAmbiguousWriteError,
  KashflowAuthenticationError,
  KashflowError,
  KashflowNetworkError,
  KashflowNotFoundError,
  KashflowRateLimitError,
  KashflowServerError,
  KashflowTransientError,
  KashflowValidationError,
  errorFromResponse,
} from '../src/index.js'
import { BASE, setup, useMsw } from './helpers.js'

const server = useMsw()
const invoices = [{ number: 1042, gross: 120 }]
const MARKER = 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment'
const payment = {
  invoiceNumber: 1042,
  amount: money(12000, 'GBP'),
  date: '2026-11-02',
  methodId: 409844,
  bankAccountId: 55166,
  note: MARKER,
}

describe('errorFromResponse: one table (specs/kashflow.md §4.3)', () => {
  const map = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    errorFromResponse(status, JSON.stringify(body), new Headers(headers), 'GET', '/invoices/1')

  it.each([
    [400, { Error: 'ValidationError', Message: 'Bad' }, KashflowValidationError],
    [400, { Error: '-2146232060', Message: 'Execution Timeout Expired.' }, KashflowTransientError],
    [
      401,
      { Error: 'InvalidSessionToken', Message: 'Session token provided is invalid.' },
      KashflowAuthenticationError,
    ],
    [403, { Error: 'Forbidden' }, KashflowAuthenticationError],
    [404, { Error: 'NotFound', Message: 'InvoiceID not found' }, KashflowNotFoundError],
    [429, {}, KashflowRateLimitError],
    [500, {}, KashflowServerError],
    [503, {}, KashflowServerError],
  ] as const)('maps %i %j', (status, body, type) => {
    const error = map(status, body)
    expect(error).toBeInstanceOf(type)
    expect(error).toMatchObject({ status, method: 'GET', path: '/invoices/1' })
    if ('Error' in body) expect(error.kashflowCode).toBe(body.Error)
  })

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(map(429, {}, { 'retry-after': '12' }).retryAfterMs).toBe(12_000)
    expect(
      map(429, {}, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }).retryAfterMs,
    ).toBeGreaterThan(28_000)
  })

  it('copes with a body that is not JSON', () => {
    const error = errorFromResponse(502, '<html>Bad gateway</html>', new Headers(), 'GET', '/x')
    expect(error).toBeInstanceOf(KashflowServerError)
    expect(error).toBeInstanceOf(KashflowError)
  })
})

describe('retries (fake clock)', () => {
  it('retries reads on 5xx with capped exponential backoff and jitter', async () => {
    const { kashflow, fake, waits } = setup(server, { invoices })
    await kashflow.bankAccounts.list() // log in first
    fake.failNext(2, 503)
    await expect(kashflow.invoices.get(1042)).resolves.toMatchObject({ Number: 1042 })
    expect(waits).toEqual([750, 1500])
  })

  it('retries the SQL timeout (-2146232060) on reads', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await kashflow.bankAccounts.list()
    fake.sqlTimeoutNext(1)
    await expect(kashflow.invoices.get(1042)).resolves.toMatchObject({ Number: 1042 })
  })

  it('waits for Retry-After on 429, for reads and for writes (a 429 was not applied)', async () => {
    const { kashflow, fake, waits } = setup(server, { invoices })
    await kashflow.bankAccounts.list()
    fake.rateLimitNext(1, '7')
    await kashflow.invoices.get(1042)
    expect(waits).toEqual([7000])
    await kashflow.invoices.get(1042)
    fake.inject({ kind: 'rate-limit', retryAfter: '3' })
    // The write's own GET of the invoice comes first; make the POST the limited one.
    server.use(
      http.post(
        `${BASE}/invoices/bulk/payments`,
        () =>
          HttpResponse.json(
            { Error: 'TooManyRequests' },
            { status: 429, headers: { 'retry-after': '3' } },
          ),
        { once: true },
      ),
    )
    fake.clearFaults()
    await expect(kashflow.invoicePayments.create(payment)).resolves.toMatchObject({
      invoiceNumber: 1042,
    })
    expect(waits.at(-1)).toBe(3000)
    expect(await kashflow.invoicePayments.list(1042)).toHaveLength(1)
  })

  it('gives up after the limit with the last error', async () => {
    const { kashflow, fake } = setup(server, { invoices }, { retry: { limit: 2 } })
    await kashflow.bankAccounts.list()
    fake.failNext(5, 500)
    await expect(kashflow.invoices.get(1042)).rejects.toBeInstanceOf(KashflowServerError)
  })

  it('retries network failures on reads', async () => {
    const { kashflow } = setup(server, { invoices }, { retry: { limit: 1 } })
    server.use(http.get(`${BASE}/bankaccounts`, () => HttpResponse.error()))
    await expect(kashflow.bankAccounts.list()).rejects.toBeInstanceOf(KashflowNetworkError)
  })

  it('keeps writes in order, one at a time by default, with a minimum spacing when asked', async () => {
    const { kashflow, waits } = setup(
      server,
      {
        invoices: [
          { number: 1, gross: 10 },
          { number: 2, gross: 10 },
        ],
      },
      { writeThrottle: { minIntervalMs: 250 } },
    )
    await Promise.all(
      [1, 2].map((n) =>
        kashflow.invoicePayments.create({
          ...payment,
          invoiceNumber: n,
          amount: money(100, 'GBP'),
        }),
      ),
    )
    // The second write waits out what is left of the 250 ms spacing (measured on the real clock,
    // so it is 250 ms less however long the first write took).
    expect(waits.some((w) => w > 0 && w <= 250)).toBe(true)
  })
})

describe('ambiguous writes and read-back', () => {
  it('never retries a write on 5xx: it is ambiguous', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await kashflow.invoices.get(1042)
    server.use(
      http.post(`${BASE}/invoices/bulk/payments`, () => HttpResponse.json({}, { status: 502 }), {
        once: true,
      }),
    )
    await expect(kashflow.invoicePayments.create(payment)).rejects.toBeInstanceOf(
      KashflowAmbiguousWriteError,
    )
    expect(fake.log.filter((l) => l.path === 'invoices/bulk/payments')).toHaveLength(0)
  })

  it('reports "committed, then the connection dropped" as ambiguous, and read-back finds the payment', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await kashflow.invoices.get(1042)
    fake.commitThenDropNextWrite()
    const error = await kashflow.invoicePayments.create(payment).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowAmbiguousWriteError)
    expect((error as Error).message).toMatch(/findByMarker/)
    await expect(kashflow.invoicePayments.findByMarker(1042, MARKER)).resolves.toMatchObject({
      amount: { amount: 12000 },
    })
  })

  it('reports a write timeout as ambiguous', async () => {
    const { kashflow } = setup(server, { invoices }, { timeout: 30 })
    await kashflow.invoices.get(1042)
    server.use(
      http.post(`${BASE}/invoices/bulk/payments`, async () => {
        await new Promise((r) => setTimeout(r, 300))
        return HttpResponse.json({ Number: 1 })
      }),
    )
    await expect(kashflow.invoicePayments.create(payment)).rejects.toBeInstanceOf(
      KashflowAmbiguousWriteError,
    )
  })
})
