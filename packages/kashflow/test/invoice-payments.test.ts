// The read-back that does not need KashFlow to keep the marker: new lines since a pre-image.
import { money } from '@opayo-kashflow/core'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { paymentLinesOf } from '../src/index.js'
import type { InvoicePaymentRecord } from '../src/index.js'
import { BASE, setup, useMsw } from './helpers.js'

const server = useMsw()
const MARKER = 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment'
const invoices = [{ number: 1042, gross: 120, customerCode: 'SAMJ01' }]
const payment = {
  invoiceNumber: 1042,
  amount: money(4000, 'GBP'),
  date: '2026-11-02',
  methodId: 409844,
  bankAccountId: 55166,
  note: MARKER,
}
const expected = {
  amount: money(4000, 'GBP'),
  date: '2026-11-02',
  methodId: 409844,
  bankAccountId: 55166,
}

/** Somebody else records a line on the invoice, straight in the fake. */
function addLine(
  fake: ReturnType<typeof setup>['fake'],
  line: Partial<{ Id: number; Amount: number; Date: string; Method: number; AccountId: number }>,
  note = 'paid by phone',
) {
  fake.invoices.get(1042)!.PaymentLines.push({
    Id: 990_000 + fake.invoices.get(1042)!.PaymentLines.length,
    Date: '2026-11-02 12:00:00',
    Amount: 40,
    Method: 409844,
    AccountId: 55166,
    Note: note,
    Reference: '',
    IsExternalRefund: false,
    BulkId: 0,
    BulkPaymentNumber: 0,
    ...line,
  })
}

describe('paymentLinesOf', () => {
  it('gives the lines of an invoice already read, in the home currency when the invoice has none', async () => {
    const { kashflow } = setup(server, {
      homeCurrency: 'EUR',
      invoices: [{ number: 1042, gross: 120, omitCurrency: true }],
    })
    const invoice = await kashflow.invoices.get(1042)
    expect(invoice.Currency).toBeUndefined()
    await kashflow.invoicePayments.create({ ...payment, amount: money(4000, 'EUR'), invoice })
    const read = await kashflow.invoices.get(1042)
    expect(paymentLinesOf(read, 'EUR')).toEqual(await kashflow.invoicePayments.list(1042))
    expect(paymentLinesOf(read, 'EUR')).toMatchObject([
      { invoiceNumber: 1042, amount: money(4000, 'EUR'), date: '2026-11-02' },
    ])
  })
})

describe('invoicePayments.findNew', () => {
  it('finds nothing when nothing was written (0: not written)', async () => {
    const { kashflow } = setup(server, { invoices })
    const preImage = await kashflow.invoicePayments.list(1042)
    await expect(
      kashflow.invoicePayments.findNew({ invoiceNumber: 1042, preImage, expected }),
    ).resolves.toEqual([])
  })

  it('finds our line with one invoice read, although its note is empty (1: ours)', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const invoice = await kashflow.invoices.get(1042)
    const preImage = paymentLinesOf(invoice, 'GBP')
    await kashflow.invoicePayments.create({ ...payment, invoice })
    fake.resetRequestCounts()
    const found = await kashflow.invoicePayments.findNew({
      invoiceNumber: 1042,
      preImage,
      expected,
      marker: MARKER,
    })
    expect(found).toMatchObject([{ amount: money(4000, 'GBP'), note: '', bulkPaymentNumber: 51 }])
    expect(fake.requestCounts()).toEqual({ 'GET /invoices/1042': 1 })
  })

  it('returns both when someone paid the same amount in the window (2: a person decides)', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const preImage = await kashflow.invoicePayments.list(1042)
    await kashflow.invoicePayments.create(payment)
    addLine(fake, {})
    const found = await kashflow.invoicePayments.findNew({
      invoiceNumber: 1042,
      preImage,
      expected,
    })
    expect(found).toHaveLength(2)
  })

  it('does not take an older line of the same amount for ours: lines are matched by Id', async () => {
    const { kashflow } = setup(server, { invoices })
    await kashflow.invoicePayments.create(payment)
    const preImage = await kashflow.invoicePayments.list(1042)
    expect(preImage).toHaveLength(1)
    await kashflow.invoicePayments.create(payment)
    const found = await kashflow.invoicePayments.findNew({
      invoiceNumber: 1042,
      preImage,
      expected,
    })
    expect(found).toHaveLength(1)
    expect(found[0]!.id).not.toBe(preImage[0]!.id)
  })

  it('counts lines without Ids as a multiset: each pre-image line accounts for one equal line', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    // This KashFlow gives no line Ids.
    server.use(
      http.get(`${BASE}/invoices/1042`, async ({ request }) => {
        const response = await fake.fetch(request)
        const body = (await response.json()) as { PaymentLines: Record<string, unknown>[] }
        return HttpResponse.json({
          ...body,
          PaymentLines: body.PaymentLines.map(
            ({ Id: _id, BulkPaymentNumber: _b, ...line }) => line,
          ),
        })
      }),
    )
    addLine(fake, {}, '')
    const preImage = await kashflow.invoicePayments.list(1042)
    expect(preImage).toMatchObject([{ id: undefined, amount: money(4000, 'GBP') }])
    // Our write adds a second line equal in every field to the first.
    await kashflow.invoicePayments.create(payment)
    const found = await kashflow.invoicePayments.findNew({
      invoiceNumber: 1042,
      preImage,
      expected,
    })
    expect(found).toEqual([preImage[0]])
    // With both lines in the pre-image, nothing is new.
    const both = await kashflow.invoicePayments.list(1042)
    await expect(
      kashflow.invoicePayments.findNew({ invoiceNumber: 1042, preImage: both, expected }),
    ).resolves.toEqual([])
  })

  it.each([
    ['amount (one penny more)', { Amount: 40.01 }],
    ['date', { Date: '2026-11-03 12:00:00' }],
    ['method', { Method: 1 }],
    ['bank account', { AccountId: 2 }],
  ])('ignores a new line with another %s', async (_what, line) => {
    const { kashflow, fake } = setup(server, { invoices })
    const preImage = await kashflow.invoicePayments.list(1042)
    addLine(fake, line)
    await expect(
      kashflow.invoicePayments.findNew({ invoiceNumber: 1042, preImage, expected }),
    ).resolves.toEqual([])
  })

  it('compares the currency too', async () => {
    const { kashflow } = setup(server, { invoices })
    const preImage = await kashflow.invoicePayments.list(1042)
    await kashflow.invoicePayments.create(payment)
    await expect(
      kashflow.invoicePayments.findNew({
        invoiceNumber: 1042,
        preImage,
        expected: { ...expected, amount: money(4000, 'EUR') },
      }),
    ).resolves.toEqual([])
  })

  it('narrows the candidates to the one carrying the marker, when the marker comes back', async () => {
    const { kashflow, fake } = setup(server, { invoices, unconfirmed: { commentToNote: true } })
    const preImage = await kashflow.invoicePayments.list(1042)
    addLine(fake, {})
    await kashflow.invoicePayments.create(payment)
    const found = await kashflow.invoicePayments.findNew({
      invoiceNumber: 1042,
      preImage,
      expected,
      marker: MARKER,
    })
    expect(found).toHaveLength(1)
    expect(found[0]!.note).toContain(MARKER)
    // Without the marker both stay candidates.
    await expect(
      kashflow.invoicePayments.findNew({ invoiceNumber: 1042, preImage, expected }),
    ).resolves.toHaveLength(2)
  })

  it('keeps every candidate when none carries the marker', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const preImage = await kashflow.invoicePayments.list(1042)
    addLine(fake, {})
    await kashflow.invoicePayments.create(payment)
    await expect(
      kashflow.invoicePayments.findNew({ invoiceNumber: 1042, preImage, expected, marker: MARKER }),
    ).resolves.toHaveLength(2)
  })

  it('finds a refund by its negative amount', async () => {
    const { kashflow } = setup(server, {
      invoices,
      unconfirmed: { negativeBulkAmounts: 'accepted' },
    })
    await kashflow.invoicePayments.create({ ...payment, amount: money(12000, 'GBP') })
    const preImage: readonly InvoicePaymentRecord[] = await kashflow.invoicePayments.list(1042)
    await kashflow.invoicePayments.refund({ ...payment, amount: money(2000, 'GBP') })
    await expect(
      kashflow.invoicePayments.findNew({
        invoiceNumber: 1042,
        preImage,
        expected: { ...expected, amount: money(-2000, 'GBP') },
      }),
    ).resolves.toMatchObject([{ amount: money(-2000, 'GBP') }])
  })

  it('refuses a date that is not YYYY-MM-DD', async () => {
    const { kashflow } = setup(server, { invoices })
    await expect(
      kashflow.invoicePayments.findNew({
        invoiceNumber: 1042,
        preImage: [],
        expected: { ...expected, date: '02/11/2026' },
      }),
    ).rejects.toThrow(/YYYY-MM-DD/)
  })
})
