// The reads matching needs: open invoices (what is owed by invoiceAmountOwed, compared here,
// never by Status; DueAmount reads 0.00 on unpaid invoices in live data), a customer's email and
// postcode, and the customer upsert of "invoices from the order".
import { InvalidArgumentError, money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { customerContactOf, invoiceAmountOwed, isOpenInvoice } from '../src/index.js'
import type { InvoiceSummary } from '../src/index.js'
import { setup, useMsw } from './helpers.js'

const server = useMsw()

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const row of rows) out.push(row)
  return out
}

function pay(fake: ReturnType<typeof setup>['fake'], number: number, amount: number) {
  fake.invoices.get(number)!.PaymentLines.push({
    Id: 990_000 + number,
    Date: '2026-11-02 12:00:00',
    Amount: amount,
    Method: 409844,
    AccountId: 55166,
    Note: '',
    Reference: '',
    IsExternalRefund: false,
    BulkId: 1,
    BulkPaymentNumber: 1,
  })
}

describe('invoices.listOpen', () => {
  it('keeps only invoices with money due, across pages', async () => {
    const invoices = Array.from({ length: 130 }, (_, i) => ({
      number: 1000 + i,
      gross: 120,
      customerCode: i % 2 === 0 ? 'SMITH01' : 'JONES01',
    }))
    const { fake, kashflow } = setup(server, { invoices })
    pay(fake, 1000, 120) // paid in full
    pay(fake, 1002, 20) // part paid: still open
    pay(fake, 1129, 120)
    const open = await all(kashflow.invoices.listOpen())
    expect(open).toHaveLength(128)
    expect(open.map((i) => i.Number)).not.toContain(1000)
    expect(open.map((i) => i.Number)).not.toContain(1129)
    const part = open.find((i) => i.Number === 1002)!
    expect(part.DueAmount).toBe(0) // the live shape, by default
    expect(invoiceAmountOwed(part, 'GBP')).toEqual({
      known: true,
      owed: money(10000, 'GBP'),
      from: 'gross_minus_paid',
    })
    expect(fake.requestCounts()['GET /invoices']).toBe(2)
  })

  it('passes the customer and the issue-date window to KashFlow', async () => {
    const { fake, kashflow } = setup(server, {
      invoices: [
        { number: 1, gross: 10, customerCode: 'SMITH01', issuedDate: '2026-08-01' },
        { number: 2, gross: 20, customerCode: 'SMITH01', issuedDate: '2026-10-15' },
        { number: 3, gross: 30, customerCode: 'JONES01', issuedDate: '2026-10-16' },
        { number: 4, gross: 40, customerCode: 'SMITH01', issuedDate: '2026-11-30' },
      ],
    })
    pay(fake, 4, 40)
    const smith = await all(
      kashflow.invoices.listOpen({ customerCode: 'SMITH01', issuedFrom: '2026-10-01' }),
    )
    expect(smith.map((i) => i.Number)).toEqual([2])
    const window = await all(
      kashflow.invoices.listOpen({ issuedFrom: '2026-10-15', issuedTo: '2026-10-16' }),
    )
    expect(window.map((i) => i.Number)).toEqual([2, 3])
    const row = window[1]!
    expect(row).toMatchObject({
      CustomerCode: 'JONES01',
      CustomerName: 'Customer',
      Currency: { Code: 'GBP' },
    })
    expect(invoiceAmountOwed(row, 'GBP')).toMatchObject({ known: true, owed: money(3000, 'GBP') })
  })

  it('refuses a date that is not YYYY-MM-DD', () => {
    const { kashflow } = setup(server)
    expect(() => kashflow.invoices.listOpen({ issuedFrom: '01/10/2026' })).toThrow(
      /issuedFrom must be YYYY-MM-DD/,
    )
    expect(() => kashflow.invoices.listOpen({ issuedTo: '2026-1-1' })).toThrow(InvalidArgumentError)
  })

  it('keeps an unpaid invoice whose DueAmount reads 0 (the default switch), drops a paid one', async () => {
    for (const dueAmountOnUnpaid of ['zero', 'owed'] as const) {
      const { fake, kashflow } = setup(server, {
        invoices: [
          { number: 1, gross: 120 },
          { number: 2, gross: 50 },
        ],
        unconfirmed: { dueAmountOnUnpaid },
      })
      pay(fake, 2, 50)
      const open = await all(kashflow.invoices.listOpen())
      expect(open.map((i) => [i.Number, i.DueAmount])).toEqual([
        [1, dueAmountOnUnpaid === 'zero' ? 0 : 120],
      ])
      expect(invoiceAmountOwed(open[0]!, 'GBP')).toMatchObject({ owed: money(12000, 'GBP') })
    }
  })

  it('isOpenInvoice never reads Status, and never drops a row it cannot read', () => {
    const row = (fields: Partial<InvoiceSummary>, Status?: string): InvoiceSummary => ({
      Number: 1,
      ...fields,
      ...(Status ? { Status } : {}),
    })
    expect(isOpenInvoice(row({ DueAmount: 0.01 }, 'Paid'))).toBe(true)
    // DueAmount 0 is not trusted: gross minus paid decides.
    expect(isOpenInvoice(row({ DueAmount: 0, GrossAmount: 120, TotalPaidAmount: 0 }))).toBe(true)
    expect(isOpenInvoice(row({ DueAmount: 0, GrossAmount: 120, TotalPaidAmount: 120 }))).toBe(false)
    expect(isOpenInvoice(row({ DueAmount: -5, GrossAmount: 10, TotalPaidAmount: 15 }))).toBe(false)
    expect(isOpenInvoice(row({ DueAmount: null, GrossAmount: 0.3, TotalPaidAmount: 0.1 }))).toBe(
      true,
    )
    // Cannot tell: kept, for a person.
    expect(isOpenInvoice(row({ DueAmount: 0 }, 'Paid'))).toBe(true)
    expect(isOpenInvoice(row({}))).toBe(true)
    expect(isOpenInvoice(row({ DueAmount: 0, GrossAmount: 120 }))).toBe(true)
  })
})

describe('invoiceAmountOwed', () => {
  const row = (fields: Partial<InvoiceSummary>): InvoiceSummary => ({ Number: 1042, ...fields })
  const line = (Amount: number) => ({ Amount })

  it('takes DueAmount above 0, agreeing with gross minus paid when the row has both', () => {
    expect(invoiceAmountOwed(row({ DueAmount: 117.5 }), 'GBP')).toEqual({
      known: true,
      owed: money(11750, 'GBP'),
      from: 'due_amount',
    })
    expect(
      invoiceAmountOwed(row({ DueAmount: 80, GrossAmount: 120, TotalPaidAmount: 40 }), 'GBP'),
    ).toMatchObject({ owed: money(8000, 'GBP'), from: 'due_amount' })
  })

  it('computes gross minus paid where DueAmount is 0, below 0 or missing (live data, hcs-app 6.63.0)', () => {
    for (const DueAmount of [0, null, undefined, -1]) {
      expect(
        invoiceAmountOwed(row({ DueAmount, GrossAmount: 120, TotalPaidAmount: 20 }), 'GBP'),
      ).toEqual({ known: true, owed: money(10000, 'GBP'), from: 'gross_minus_paid' })
    }
    // Paid is TotalPaidAmount when present, else the sum of PaymentLines.
    expect(
      invoiceAmountOwed(
        row({ DueAmount: 0, GrossAmount: 0.3, PaymentLines: [line(0.1), line(0.1)] }),
        'GBP',
      ),
    ).toMatchObject({ owed: money(10, 'GBP') })
    expect(
      invoiceAmountOwed(
        row({ GrossAmount: 100, TotalPaidAmount: 30, PaymentLines: [line(99)] }),
        'GBP',
      ),
    ).toMatchObject({ owed: money(7000, 'GBP') })
    // Paid in full, or overpaid: nothing owed, and known.
    expect(
      invoiceAmountOwed(row({ DueAmount: 0, GrossAmount: 120, PaymentLines: [line(120)] }), 'GBP'),
    ).toEqual({
      known: true,
      owed: money(0, 'GBP'),
      from: 'gross_minus_paid',
    })
    expect(invoiceAmountOwed(row({ GrossAmount: 120, TotalPaidAmount: 150 }), 'GBP')).toMatchObject(
      { owed: money(-3000, 'GBP') },
    )
  })

  it('reads the invoice currency, else the home currency', () => {
    const eur = row({ GrossAmount: 10, TotalPaidAmount: 0, Currency: { Code: 'EUR' } })
    expect(invoiceAmountOwed(eur, 'GBP')).toMatchObject({ owed: money(1000, 'EUR') })
    expect(invoiceAmountOwed(row({ GrossAmount: 1000, TotalPaidAmount: 0 }), 'JPY')).toMatchObject({
      owed: money(1000, 'JPY'),
    })
  })

  it('says "cannot tell", with why, for a row that lacks what it needs: never a guess, never a throw', () => {
    const cannot = (fields: Partial<InvoiceSummary>) => invoiceAmountOwed(row(fields), 'GBP')
    expect(cannot({ DueAmount: 0 })).toEqual({
      known: false,
      reason:
        'invoice 1042: DueAmount reads 0 or less and the row has no GrossAmount, so what is owed cannot be told',
    })
    expect(cannot({ GrossAmount: 120 })).toEqual({
      known: false,
      reason:
        'invoice 1042: DueAmount is missing and the row has neither TotalPaidAmount nor PaymentLines, so what is owed cannot be told',
    })
    expect(cannot({ DueAmount: 0, GrossAmount: 120, PaymentLines: null })).toMatchObject({
      known: false,
    })
    expect(cannot({ DueAmount: 50, GrossAmount: 120, TotalPaidAmount: 20 })).toMatchObject({
      known: false,
      reason: expect.stringMatching(
        /DueAmount 50 disagrees with GrossAmount minus TotalPaidAmount/,
      ),
    })
    expect(cannot({ DueAmount: 0.001 })).toMatchObject({ known: false })
    expect(cannot({ DueAmount: 0, GrossAmount: 120.005, TotalPaidAmount: 0 })).toMatchObject({
      known: false,
      reason: expect.stringMatching(/GrossAmount 120.005 is not exact/),
    })
  })
})

describe('customerContactOf', () => {
  it('reads the primary email, the first postcode and the name', () => {
    expect(
      customerContactOf({
        Code: 'SMITH01',
        Name: 'Jo Smith',
        Contacts: [
          { IsPrimary: false, Email: 'accounts@example.co.uk' },
          { IsPrimary: true, Email: 'jo@example.co.uk' },
        ],
        Addresses: [{ Line1: '1 High St' }, { PostCode: 'SW1A 1AA' }],
      }),
    ).toEqual({
      code: 'SMITH01',
      name: 'Jo Smith',
      email: 'jo@example.co.uk',
      postcode: 'SW1A 1AA',
    })
    expect(
      customerContactOf({ Code: 'X', Contacts: [{ IsPrimary: true }, { Email: 'b@example.com' }] }),
    ).toEqual({ code: 'X', name: undefined, email: 'b@example.com', postcode: undefined })
  })
})

describe('customers.upsertByEmail', () => {
  const input = {
    name: 'Jo Smith',
    contact: { firstName: 'Jo', lastName: 'Smith', email: 'jo@example.co.uk' },
    address: { lines: ['1 High St'], city: 'London', postalCode: 'SW1A 1AA', countryCode: 'GB' },
    customText: { 'Opayo VendorTxCode': 'ORDER-5521' },
  }

  it('creates the customer when no one has the email', async () => {
    const { fake, kashflow } = setup(server, {
      customers: [{ Code: 'OTHER01', Name: 'Other', Contacts: [{ Email: 'other@example.com' }] }],
    })
    const { customer, created } = await kashflow.customers.upsertByEmail(input)
    expect(created).toBe(true)
    expect(customerContactOf(customer)).toMatchObject({
      email: 'jo@example.co.uk',
      postcode: 'SW1A 1AA',
      name: 'Jo Smith',
    })
    expect(fake.customers.size).toBe(2)
    expect(fake.requestCounts()['POST /customers']).toBe(1)
    expect(fake.requestCounts()['PUT /customers/OTHER01']).toBeUndefined()
  })

  it('names a new customer after the contact when no name is given', async () => {
    const { kashflow } = setup(server)
    const { customer } = await kashflow.customers.upsertByEmail({
      contact: { firstName: 'Jo', lastName: 'Smith', email: 'jo@example.co.uk' },
    })
    expect(customer.Name).toBe('Jo Smith')
  })

  it('finds the customer by email and updates it, keeping its code and other fields', async () => {
    const { fake, kashflow } = setup(server, {
      customers: [
        {
          Code: 'SMITH01',
          Name: 'J Smith',
          Contacts: [{ IsPrimary: true, Email: 'JO@example.co.uk', Telephone: '020 7946 0000' }],
          CustomTextBoxes: [{ Name: 'Account manager', Value: 'Sam' }],
          Note: 'VIP',
        },
      ],
    })
    const { customer, created } = await kashflow.customers.upsertByEmail({ ...input, code: 'NEW' })
    expect(created).toBe(false)
    expect(customer.Code).toBe('SMITH01')
    expect(customer.Name).toBe('Jo Smith')
    expect(customer.Note).toBe('VIP')
    expect(customer.Contacts?.[0]?.Telephone).toBe('020 7946 0000')
    expect(customer.CustomTextBoxes).toEqual([
      { Name: 'Account manager', Value: 'Sam' },
      { Name: 'Opayo VendorTxCode', Value: 'ORDER-5521' },
    ])
    expect(fake.customers.size).toBe(1)
    const counts = fake.requestCounts()
    expect(counts['PUT /customers/SMITH01']).toBe(1)
    expect(counts['POST /customers']).toBeUndefined()
  })

  it('a second upsert after a create finds the first (no duplicate customer)', async () => {
    const { fake, kashflow } = setup(server)
    fake.commitThenDropNextWrite()
    await expect(kashflow.customers.upsertByEmail(input)).rejects.toMatchObject({
      name: 'KashflowAmbiguousWriteError',
    })
    const again = await kashflow.customers.upsertByEmail(input)
    expect(again.created).toBe(false)
    expect(fake.customers.size).toBe(1)
  })

  it('refuses an input without an email, before any request', async () => {
    const { fake, kashflow } = setup(server)
    await expect(kashflow.customers.upsertByEmail({ name: 'Jo' })).rejects.toThrow(/contact\.email/)
    await expect(
      kashflow.customers.upsertByEmail({ name: 'Jo', contact: { email: 'not-an-email' } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError)
    expect(fake.log).toEqual([])
  })
})
