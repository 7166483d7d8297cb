// Invoices created from an order, exactly once: the marker rides in CustomerReference and a lost
// answer is read back by customer code (never by `searchtext`, whose reach is unconfirmed).
import { InvalidArgumentError, money } from '@opayo-kashflow/core'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  KashflowAmbiguousWriteError,
  KashflowRateLimitError,
  KashflowResponseError,
  invoiceAmountOwed,
  invoiceCreateBody,
} from '../src/index.js'
import type { InvoiceCreateInput } from '../src/index.js'
import { BASE, recordingFetch, setup, useMsw } from './helpers.js'

const server = useMsw()
const MARKER = 'OPAYO-INV:5f1c9a2e'
const customers = [
  {
    Code: 'SMITH01',
    Name: 'Jo Smith',
    Contacts: [{ IsPrimary: true, Email: 'jo@example.co.uk' }],
    Addresses: [{ Line1: '1 High St', PostCode: 'SW1A 1AA' }],
  },
]
const input: InvoiceCreateInput = {
  customerCode: 'SMITH01',
  reference: MARKER,
  currency: 'GBP',
  issuedDate: '2026-11-02',
  dueDate: '2026-12-02',
  lines: [
    {
      description: 'Order 5521: blue mug',
      quantity: 2,
      rate: money(1000, 'GBP'),
      vatAmount: money(400, 'GBP'),
      vatLevel: 20,
      nominalCode: 4000,
    },
    {
      description: 'Postage',
      quantity: 1,
      rate: money(350, 'GBP'),
      vatAmount: money(70, 'GBP'),
      nominalCode: 4000,
    },
  ],
}

describe('invoices.create', () => {
  it('sends the documented body, money as KashFlow decimals', () => {
    expect(invoiceCreateBody(input)).toEqual({
      CustomerCode: 'SMITH01',
      CustomerReference: MARKER,
      IssuedDate: '2026-11-02 12:00:00',
      DueDate: '2026-12-02 12:00:00',
      Currency: { Code: 'GBP' },
      LineItems: [
        {
          Number: 1,
          Description: 'Order 5521: blue mug',
          Quantity: 2,
          Rate: 10,
          VATAmount: 4,
          VATLevel: 20,
          NominalCode: 4000,
        },
        {
          Number: 2,
          Description: 'Postage',
          Quantity: 1,
          Rate: 3.5,
          VATAmount: 0.7,
          NominalCode: 4000,
        },
      ],
    })
  })

  it('returns the invoice from a 201 answer with one request', async () => {
    const { fake, kashflow } = setup(server, {
      customers,
      invoices: [{ number: 1042, gross: 120 }],
      unconfirmed: { invoiceCreateReturnsBody: true },
    })
    const invoice = await kashflow.invoices.create(input)
    expect(invoice.Number).toBe(1043)
    expect(invoice.CustomerReference).toBe(MARKER)
    expect(invoice.CustomerName).toBe('Jo Smith')
    expect(invoice.NetAmount).toBe(23.5)
    expect(invoice.VATAmount).toBe(4.7)
    expect(invoice.GrossAmount).toBe(28.2)
    expect(invoiceAmountOwed(invoice, 'GBP')).toMatchObject({ owed: money(2820, 'GBP') })
    expect(invoice.Status).toBe('Outstanding')
    expect(invoice.LineItems).toHaveLength(2)
    const counts = fake.requestCounts()
    expect(counts['POST /invoices']).toBe(1)
    expect(counts['GET /invoices']).toBeUndefined()
  })

  it('reads the invoice back by its reference when the answer is 200 with an empty object', async () => {
    const { fake, kashflow } = setup(server, {
      customers,
      invoices: [
        { number: 1042, gross: 120, customerCode: 'SMITH01', reference: 'PO 77' },
        { number: 1043, gross: 50, customerCode: 'OTHER01', reference: MARKER },
      ],
    })
    const invoice = await kashflow.invoices.create(input)
    expect(invoice.Number).toBe(1044)
    expect(invoice.CustomerCode).toBe('SMITH01')
    expect(invoice.GrossAmount).toBe(28.2)
    expect(invoice.PaymentLines).toEqual([])
    const counts = fake.requestCounts()
    expect(counts['POST /invoices']).toBe(1)
    expect(counts['GET /invoices']).toBe(1)
    expect(counts['GET /invoices/1044']).toBe(1)
  })

  it('reads back by Number when the answer carries only the Number', async () => {
    const { kashflow } = setup(server, { customers })
    server.use(http.post(`${BASE}/invoices`, () => HttpResponse.json({ Number: 1042 })))
    server.use(
      http.get(`${BASE}/invoices/1042`, () =>
        HttpResponse.json({ Id: 9, Number: 1042, CustomerReference: MARKER }),
      ),
    )
    expect((await kashflow.invoices.create(input)).Id).toBe(9)
  })

  it('throws KashflowResponseError when the answer is empty and nothing carries the reference', async () => {
    const { kashflow } = setup(server, { customers })
    server.use(http.post(`${BASE}/invoices`, () => new HttpResponse(null, { status: 200 })))
    await expect(kashflow.invoices.create(input)).rejects.toBeInstanceOf(KashflowResponseError)
  })

  it('after a lost answer, throws the ambiguous error and findByCustomerReference finds the invoice', async () => {
    const { fake, kashflow } = setup(server, { customers })
    fake.commitThenDropNextWrite()
    const error = await kashflow.invoices.create(input).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowAmbiguousWriteError)
    expect(fake.requestCounts()['POST /invoices']).toBe(1) // never resent
    const found = await kashflow.invoices.findByCustomerReference('SMITH01', MARKER)
    expect(found?.Number).toBe(1)
    expect(invoiceAmountOwed(found!, 'GBP')).toMatchObject({ owed: money(2820, 'GBP') })
    expect([...fake.invoices.values()]).toHaveLength(1)
  })

  it('a 5xx after sending is ambiguous and is not retried', async () => {
    const { fake, kashflow } = setup(server, { customers })
    fake.failNext(1, 503)
    await expect(kashflow.invoices.create(input)).rejects.toBeInstanceOf(
      KashflowAmbiguousWriteError,
    )
    expect(fake.requestCounts()['POST /invoices']).toBe(1)
    expect(await kashflow.invoices.findByCustomerReference('SMITH01', MARKER)).toBeUndefined()
  })

  it('a 429 is not retried inside the write', async () => {
    const { fake, kashflow } = setup(server, { customers })
    fake.rateLimitNext(1, '2')
    await expect(kashflow.invoices.create(input)).rejects.toBeInstanceOf(KashflowRateLimitError)
    expect(fake.requestCounts()['POST /invoices']).toBe(1)
    expect(fake.invoices.size).toBe(0)
  })

  it.each<[string, Partial<InvoiceCreateInput>, string]>([
    ['customerCode', { customerCode: ' ' }, 'customerCode'],
    ['reference', { reference: '' }, 'reference'],
    ['a long reference', { reference: 'x'.repeat(101) }, 'reference'],
    ['a reference with trailing space', { reference: `${MARKER} ` }, 'reference'],
    ['a reference with a line break', { reference: `OPAYO-INV:\n1` }, 'reference'],
    ['currency', { currency: 'XXQ' as 'GBP' }, 'currency'],
    ['exchangeRate', { exchangeRate: 0 }, 'exchangeRate'],
    ['issuedDate', { issuedDate: '02/11/2026' }, 'issuedDate'],
    ['dueDate', { dueDate: '2026-10-01' }, 'dueDate'],
    ['no lines', { lines: [] }, 'lines'],
    ['a line quantity', { lines: [{ ...input.lines[0]!, quantity: 0 }] }, 'lines[0].quantity'],
    [
      'a line rate in another currency',
      { lines: [{ ...input.lines[0]!, rate: money(1000, 'EUR') }] },
      'lines[0].rate',
    ],
    [
      'a negative line VAT',
      { lines: [input.lines[0]!, { ...input.lines[1]!, vatAmount: money(-1, 'GBP') }] },
      'lines[1].vatAmount',
    ],
    [
      'a line nominal code',
      { lines: [{ ...input.lines[0]!, nominalCode: 40.5 }] },
      'lines[0].nominalCode',
    ],
    [
      'a line description',
      { lines: [{ ...input.lines[0]!, description: '' }] },
      'lines[0].description',
    ],
  ])('refuses %s before sending, naming the field', async (_name, change, field) => {
    const { fetch, writes } = recordingFetch()
    const { kashflow } = setup(server, { customers }, { fetch })
    const error = await kashflow.invoices.create({ ...input, ...change }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect((error as Error).message).toContain(field)
    expect(writes).toEqual([])
  })

  it('passes a refusal by KashFlow through (an unknown customer)', async () => {
    const { kashflow } = setup(server, { customers })
    await expect(
      kashflow.invoices.create({ ...input, customerCode: 'NOBODY' }),
    ).rejects.toMatchObject({ name: 'KashflowValidationError', status: 400 })
  })
})

describe('invoices.findByCustomerReference', () => {
  it('filters by customer code, pages, and compares the reference exactly', async () => {
    const invoices = Array.from({ length: 7 }, (_, i) => ({
      number: 2000 + i,
      gross: 10,
      customerCode: 'SMITH01',
      reference: i === 5 ? MARKER : `${MARKER}-${i}`,
    }))
    const { fake, kashflow } = setup(server, {
      customers,
      invoices: [
        ...invoices,
        { number: 3000, gross: 10, customerCode: 'OTHER01', reference: MARKER },
      ],
    })
    const found = await kashflow.invoices.findByCustomerReference('SMITH01', MARKER, {})
    expect(found?.Number).toBe(2005)
    expect(
      await kashflow.invoices.findByCustomerReference('SMITH01', 'OPAYO-INV:none'),
    ).toBeUndefined()
    expect(
      await kashflow.invoices.findByCustomerReference('SMITH01', MARKER.slice(0, 10)),
    ).toBeUndefined()
    expect(fake.requestCounts()['GET /invoices']).toBe(3)
  })

  it('pages through more than one page of the customer list', async () => {
    const invoices = Array.from({ length: 150 }, (_, i) => ({
      number: 2000 + i,
      gross: 10,
      customerCode: 'SMITH01',
      reference: i === 140 ? MARKER : '',
    }))
    const { fetch, writes } = recordingFetch()
    const pages: string[] = []
    const listen = ({ request }: { request: Request }) => {
      const url = new URL(request.url)
      if (url.pathname.endsWith('/invoices') && request.method === 'GET') pages.push(url.search)
    }
    server.events.on('request:start', listen)
    const { kashflow } = setup(server, { customers, invoices }, { fetch })
    const found = await kashflow.invoices.findByCustomerReference('SMITH01', MARKER)
    expect(found?.Number).toBe(2140)
    expect(writes).toEqual([])
    expect(pages).toHaveLength(2)
    for (const query of pages) {
      expect(query).toContain('customercode=SMITH01')
      expect(query).not.toContain('searchtext')
    }
    server.events.removeListener('request:start', listen)
  })

  it('refuses an empty code or reference', async () => {
    const { kashflow } = setup(server, { customers })
    await expect(kashflow.invoices.findByCustomerReference('', MARKER)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    )
    await expect(kashflow.invoices.findByCustomerReference('SMITH01', ' ')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    )
  })
})
