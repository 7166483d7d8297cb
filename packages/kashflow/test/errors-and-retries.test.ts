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
  paymentLinesOf,
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

describe('errorFromResponse: one table', () => {
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

  it('waits for Retry-After on 429 before retrying a read', async () => {
    const { kashflow, fake, waits } = setup(server, { invoices })
    await kashflow.bankAccounts.list()
    fake.rateLimitNext(1, '7')
    await kashflow.invoices.get(1042)
    expect(waits).toEqual([7000])
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

describe('writes are never retried inside the client', () => {
  const posts = (fake: ReturnType<typeof setup>['fake']) =>
    fake.log.filter((l) => l.method === 'POST' && l.path === 'invoices/bulk/payments')

  it.each(['3', '3600'])(
    'hands a 429 on a write straight back as KashflowRateLimitError (Retry-After: %s), without waiting',
    async (retryAfter) => {
      const { kashflow, fake, waits } = setup(server, { invoices })
      const invoice = await kashflow.invoices.get(1042)
      fake.rateLimitNext(1, retryAfter)
      const error = await kashflow.invoicePayments
        .create({ ...payment, invoice })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KashflowRateLimitError)
      expect(error).toMatchObject({ status: 429, retryAfterMs: Number(retryAfter) * 1000 })
      expect(waits).toEqual([])
      expect(posts(fake)).toHaveLength(1)
      expect(fake.invoices.get(1042)!.PaymentLines).toHaveLength(0)
    },
  )

  it.each([500, 502, 503])(
    'hands a %i on a write straight back as KashflowAmbiguousWriteError, sent once',
    async (status) => {
      const { kashflow, fake, waits } = setup(server, { invoices })
      const invoice = await kashflow.invoices.get(1042)
      fake.failNext(1, status)
      const error = await kashflow.invoicePayments
        .create({ ...payment, invoice })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KashflowAmbiguousWriteError)
      expect(error).toMatchObject({ status, cause: { name: 'KashflowServerError' } })
      expect(waits).toEqual([])
      expect(posts(fake)).toHaveLength(1)
    },
  )

  it('hands a reset on a write straight back as ambiguous, sent once', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const invoice = await kashflow.invoices.get(1042)
    let sent = 0
    server.use(
      http.post(`${BASE}/invoices/bulk/payments`, () => {
        sent += 1
        return HttpResponse.error()
      }),
    )
    await expect(kashflow.invoicePayments.create({ ...payment, invoice })).rejects.toBeInstanceOf(
      KashflowAmbiguousWriteError,
    )
    expect(sent).toBe(1)
    expect(fake.invoices.get(1042)!.PaymentLines).toHaveLength(0)
  })

  it('does not retry a PUT or a DELETE either', async () => {
    const { kashflow, fake, waits } = setup(server, {
      invoices,
      customers: [{ Code: 'SMITHJ01', Name: 'Jane Smith' }],
    })
    await kashflow.customers.get('SMITHJ01')
    fake.failNext(1, 503)
    server.use(
      http.get(`${BASE}/customers/SMITHJ01`, () => HttpResponse.json({ Code: 'SMITHJ01' }), {
        once: true,
      }),
    )
    await expect(kashflow.customers.update('SMITHJ01', { name: 'Jane' })).rejects.toBeInstanceOf(
      KashflowAmbiguousWriteError,
    )
    expect(fake.log.filter((l) => l.method === 'PUT' && l.path !== 'sessiontoken')).toHaveLength(1)
    fake.rateLimitNext(1, '1')
    await expect(kashflow.invoicePayments.delete({ bulkPaymentNumber: 51 })).rejects.toBeInstanceOf(
      KashflowRateLimitError,
    )
    expect(fake.log.filter((l) => l.method === 'DELETE')).toHaveLength(1)
    expect(waits).toEqual([])
  })

  it('still renews an expired session once on a write (a 401 was not applied)', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const invoice = await kashflow.invoices.get(1042)
    fake.expireSessions()
    await expect(kashflow.invoicePayments.create({ ...payment, invoice })).resolves.toMatchObject({
      invoiceNumber: 1042,
    })
    expect(fake.invoices.get(1042)!.PaymentLines).toHaveLength(1)
    expect(fake.logins).toBe(2)
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

  it('reports "committed, then the connection dropped" as ambiguous, and findNew finds the payment without its note', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const invoice = await kashflow.invoices.get(1042)
    const preImage = paymentLinesOf(invoice, 'GBP')
    fake.commitThenDropNextWrite()
    const error = await kashflow.invoicePayments
      .create({ ...payment, invoice })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowAmbiguousWriteError)
    expect((error as Error).message).toMatch(/findNew/)
    await expect(
      kashflow.invoicePayments.findNew({
        invoiceNumber: 1042,
        preImage,
        expected: {
          amount: payment.amount,
          date: payment.date,
          methodId: payment.methodId,
          bankAccountId: payment.bankAccountId,
        },
        marker: MARKER,
      }),
    ).resolves.toMatchObject([{ amount: { amount: 12000 }, note: '' }])
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
