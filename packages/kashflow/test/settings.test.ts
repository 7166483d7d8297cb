// The home currency: from the client option, else from KashFlow's settings; never assumed.
import { InvalidArgumentError, money } from '@opayo-kashflow/core'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { KashflowResponseError, createKashflowClient } from '../src/index.js'
import { BASE, CREDENTIALS, setup, useMsw } from './helpers.js'

const server = useMsw()
const payment = {
  invoiceNumber: 1042,
  amount: money(4000, 'EUR'),
  date: '2026-11-02',
  methodId: 409844,
  bankAccountId: 55166,
  note: 'OPAYO:A:payment',
}
// A home-currency invoice on a EUR account, shown without its Currency.
const invoices = [{ number: 1042, gross: 120, omitCurrency: true }]

describe('settings.homeCurrency', () => {
  it('answers the homeCurrency option without a request', async () => {
    const { kashflow, fake } = setup(server, { homeCurrency: 'EUR' }, { homeCurrency: 'EUR' })
    await expect(kashflow.settings.homeCurrency()).resolves.toBe('EUR')
    expect(fake.log).toEqual([])
  })

  it('reads HomeCurrency.Code from GET /settings/customerandsupplier once per client', async () => {
    const { kashflow, fake } = setup(server, { homeCurrency: 'EUR' })
    await expect(kashflow.settings.homeCurrency()).resolves.toBe('EUR')
    await expect(kashflow.settings.homeCurrency()).resolves.toBe('EUR')
    expect(fake.requestCounts()['GET /settings/customerandsupplier']).toBe(1)
  })

  it.each([
    ['no HomeCurrency', {}],
    ['an empty code', { HomeCurrency: { Code: '' } }],
    ['a code that is not ISO 4217', { HomeCurrency: { Code: 'Pounds' } }],
  ])('refuses %s, naming the fix, and does not cache the failure', async (_what, body) => {
    const { kashflow } = setup(server, { homeCurrency: 'EUR' })
    server.use(
      http.get(`${BASE}/settings/customerandsupplier`, () => HttpResponse.json(body), {
        once: true,
      }),
    )
    const error = await kashflow.settings.homeCurrency().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowResponseError)
    expect((error as Error).message).toMatch(/Set the client option homeCurrency/)
    await expect(kashflow.settings.homeCurrency()).resolves.toBe('EUR')
  })

  it('refuses a homeCurrency option that is not an ISO 4217 code', () => {
    expect(() => createKashflowClient({ ...CREDENTIALS, homeCurrency: 'Pounds' as never })).toThrow(
      InvalidArgumentError,
    )
  })
})

describe('payments on an invoice without a currency', () => {
  it('uses the home currency from the settings, not GBP', async () => {
    const { kashflow, fake } = setup(server, { homeCurrency: 'EUR', invoices })
    await expect(kashflow.invoicePayments.create(payment)).resolves.toMatchObject({
      invoiceNumber: 1042,
    })
    expect(fake.invoices.get(1042)!.PaymentLines).toMatchObject([{ Amount: 40 }])
    await expect(
      kashflow.invoicePayments.create({ ...payment, amount: money(4000, 'GBP') }),
    ).rejects.toThrow(/is in EUR but the amount is in GBP/)
  })

  it('uses the homeCurrency option, with no settings request', async () => {
    const { kashflow, fake } = setup(
      server,
      { homeCurrency: 'EUR', invoices },
      { homeCurrency: 'EUR' },
    )
    const invoice = await kashflow.invoices.get(1042)
    fake.resetRequestCounts()
    await kashflow.invoicePayments.create({ ...payment, invoice })
    expect(fake.requestCounts()).toEqual({ 'POST /invoices/bulk/payments': 1 })
  })

  it('uses the invoice currency when the invoice has one, with no settings request', async () => {
    const { kashflow, fake } = setup(server, {
      homeCurrency: 'EUR',
      invoices: [{ number: 1042, gross: 120, currency: 'USD' }],
    })
    await kashflow.invoicePayments.create({ ...payment, amount: money(4000, 'USD') })
    expect(fake.requestCounts()['GET /settings/customerandsupplier']).toBeUndefined()
  })
})
