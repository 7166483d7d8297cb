import { money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { KashflowNotFoundError, KashflowValidationError, invoiceAmountOwed } from '../src/index.js'
import { recordingFetch, setup, useMsw } from './helpers.js'

const server = useMsw()
const MARKER = 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment'

describe('invoices', () => {
  it('gets an invoice by number, with amounts as KashFlow sends them', async () => {
    const { kashflow } = setup(server, {
      invoices: [{ number: 1234, id: 196172, gross: 120, customerCode: 'SMITHJ01' }],
    })
    await expect(kashflow.invoices.get(1234)).resolves.toMatchObject({
      Id: 196172,
      Number: 1234,
      CustomerCode: 'SMITHJ01',
      GrossAmount: 120,
      TotalPaidAmount: 0,
      // The live shape (fake switch dueAmountOnUnpaid: 'zero'): 0.00 on an unpaid invoice.
      DueAmount: 0,
      Status: 'Outstanding',
      Currency: { Code: 'GBP' },
      PaymentLines: [],
    })
  })

  it('answers 404 for an unknown invoice as KashflowNotFoundError', async () => {
    const { kashflow } = setup(server)
    const error = await kashflow.invoices.get(9999).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowNotFoundError)
    expect(error).toMatchObject({
      status: 404,
      kashflowMessage: 'InvoiceID not found',
      method: 'GET',
      path: '/invoices/9999',
    })
  })

  it('lists every invoice across pages of at most 100', async () => {
    const invoices = Array.from({ length: 230 }, (_, i) => ({ number: 2000 + i, gross: 10 }))
    const { kashflow, fake } = setup(server, { invoices })
    const numbers: number[] = []
    for await (const invoice of kashflow.invoices.list({ perPage: 500 }))
      numbers.push(invoice.Number)
    expect(numbers).toHaveLength(230)
    expect(new Set(numbers).size).toBe(230)
    expect(fake.log.filter((l) => l.path === 'invoices')).toHaveLength(3)
  })
})

describe('invoice payments', () => {
  const invoices = [{ number: 1042, gross: 120, customerCode: 'SAMJ01' }]
  const payment = {
    invoiceNumber: 1042,
    amount: money(4000, 'GBP'),
    date: '2026-11-02',
    methodId: 409844,
    bankAccountId: 55166,
    note: `${MARKER}\nFraud score: 37`,
    reference: 'INV-1042-1',
  }
  it('posts a payment through the bulk route, with only public-schema fields, and the invoice recomputes', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow, fake } = setup(server, { invoices }, { fetch })
    await expect(kashflow.invoicePayments.create(payment)).resolves.toMatchObject({
      invoiceNumber: 1042,
      bulkPaymentNumber: 51,
    })
    expect(fake.log.find((l) => l.method === 'POST' && l.path !== 'sessiontoken')?.path).toBe(
      'invoices/bulk/payments',
    )
    expect(writes.map((w) => w.body)).toEqual([
      {
        Date: '2026-11-02',
        AccountId: 55166,
        Method: 409844,
        Comment: `${MARKER}\nFraud score: 37\nReference: INV-1042-1`,
        PaymentItems: [
          {
            Id: fake.invoices.get(1042)!.Id,
            ObjectNumber: 1042,
            Amount: 40,
            PaidDate: '2026-11-02',
            ContactCode: 'SAMJ01',
          },
        ],
      },
    ])
    const after = await kashflow.invoices.get(1042)
    expect(after).toMatchObject({ TotalPaidAmount: 40, Status: 'Outstanding' })
    expect(invoiceAmountOwed(after, 'GBP')).toEqual({
      known: true,
      owed: money(8000, 'GBP'),
      from: 'gross_minus_paid',
    })
    const lines = await kashflow.invoicePayments.list(1042)
    expect(lines).toEqual([
      {
        id: expect.any(Number),
        invoiceNumber: 1042,
        date: '2026-11-02',
        amount: money(4000, 'GBP'),
        methodId: 409844,
        bankAccountId: 55166,
        // The pessimistic fake does not copy the bulk Comment to the line's Note.
        note: '',
        reference: '',
        isExternalRefund: false,
        bulkPaymentNumber: 51,
      },
    ])
  })

  it('makes exactly one request (the POST) when given the invoice it just read', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const invoice = await kashflow.invoices.get(1042)
    fake.resetRequestCounts()
    await kashflow.invoicePayments.create({ ...payment, invoice })
    expect(fake.requestCounts()).toEqual({ 'POST /invoices/bulk/payments': 1 })
    fake.resetRequestCounts()
    await kashflow.invoicePayments.create(payment)
    expect(fake.requestCounts()).toEqual({
      'GET /invoices/1042': 1,
      'POST /invoices/bulk/payments': 1,
    })
  })

  it('refuses an invoice that is not the one named, before any request', async () => {
    const { kashflow, fake } = setup(server, { invoices: [...invoices, { number: 7, gross: 1 }] })
    const other = fake.invoiceView(fake.invoices.get(7)!) as never
    await expect(kashflow.invoicePayments.create({ ...payment, invoice: other })).rejects.toThrow(
      /number 7, not 1042/,
    )
    expect(fake.log).toEqual([])
  })

  it('finds a payment again by its marker when KashFlow copies the Comment (optimistic switch only)', async () => {
    const { kashflow } = setup(server, { invoices, unconfirmed: { commentToNote: true } })
    await kashflow.invoicePayments.create(payment)
    await expect(kashflow.invoicePayments.findByMarker(1042, MARKER)).resolves.toMatchObject({
      amount: { amount: 4000 },
    })
    await expect(
      kashflow.invoicePayments.findByMarker(1042, 'OPAYO:OTHER:payment'),
    ).resolves.toBeUndefined()
  })

  it('cannot find a payment by its marker when the Comment is not copied (the pessimistic default)', async () => {
    const { kashflow } = setup(server, { invoices })
    await kashflow.invoicePayments.create(payment)
    await expect(kashflow.invoicePayments.findByMarker(1042, MARKER)).resolves.toBeUndefined()
  })

  it('sends a refund as a negative bulk amount with no IsExternalRefund, and the invoice reopens', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow } = setup(
      server,
      { invoices, unconfirmed: { negativeBulkAmounts: 'accepted' } },
      { fetch },
    )
    const invoice = await kashflow.invoices.get(1042)
    await kashflow.invoicePayments.create({ ...payment, amount: money(12000, 'GBP'), invoice })
    await expect(kashflow.invoices.get(1042)).resolves.toMatchObject({
      Status: 'Paid',
      DueAmount: 0,
    })
    await kashflow.invoicePayments.refund({
      ...payment,
      amount: money(2000, 'GBP'),
      note: 'OPAYO:043D:refund',
    })
    expect(writes).toHaveLength(2)
    const item = (writes[1]!.body as { PaymentItems: Record<string, unknown>[] }).PaymentItems[0]
    expect(item).toMatchObject({ Amount: -20, ObjectNumber: 1042 })
    expect(item).not.toHaveProperty('IsExternalRefund')
    const lines = await kashflow.invoicePayments.list(1042)
    expect(lines.at(-1)).toMatchObject({ amount: money(-2000, 'GBP'), isExternalRefund: false })
    const reopened = await kashflow.invoices.get(1042)
    expect(reopened).toMatchObject({ Status: 'Outstanding', TotalPaidAmount: 100 })
    expect(invoiceAmountOwed(reopened, 'GBP')).toMatchObject({ owed: money(2000, 'GBP') })
  })

  it('surfaces a refused negative amount (the pessimistic default) as a validation error, writing nothing', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await kashflow.invoicePayments.create({ ...payment, amount: money(12000, 'GBP') })
    const error = await kashflow.invoicePayments
      .refund({ ...payment, amount: money(2000, 'GBP') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowValidationError)
    expect(fake.invoices.get(1042)!.PaymentLines).toHaveLength(1)
  })

  it('deletes a bulk payment with DELETE /invoices/bulk/payments/{number}', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    const created = await kashflow.invoicePayments.create(payment)
    await kashflow.invoicePayments.delete({ bulkPaymentNumber: created.bulkPaymentNumber! })
    expect(fake.log.filter((l) => l.method === 'DELETE').map((l) => l.path)).toEqual([
      'invoices/bulk/payments/51',
    ])
    await expect(kashflow.invoicePayments.list(1042)).resolves.toEqual([])
    expect(fake.bulkPayments.has(51)).toBe(false)
  })

  it('unallocates a payment through the unallocate route, which is not the delete', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await kashflow.invoicePayments.create(payment)
    const [line] = await kashflow.invoicePayments.list(1042)
    await kashflow.invoicePayments.unallocate({ invoiceNumber: 1042, paymentId: line!.id! })
    expect(fake.log.at(-1)).toMatchObject({
      method: 'POST',
      path: `internal/invoices/1042/payments/${line!.id}/unallocate`,
    })
    expect(fake.log.some((l) => l.method === 'DELETE')).toBe(false)
  })

  it('refuses a payment in another currency than the invoice, or not positive, before writing', async () => {
    const { kashflow, fake } = setup(server, { invoices })
    await expect(
      kashflow.invoicePayments.create({ ...payment, amount: money(4000, 'EUR') }),
    ).rejects.toThrow(/convert first/)
    expect(() => kashflow.invoicePayments.create({ ...payment, amount: money(0, 'GBP') })).toThrow(
      /positive/,
    )
    expect(fake.log.some((l) => l.method === 'POST' && l.path !== 'sessiontoken')).toBe(false)
  })

  it('reports an unknown invoice as not found (the seed\'s "InvoiceID not found")', async () => {
    const { kashflow } = setup(server, { invoices })
    await expect(
      kashflow.invoicePayments.create({ ...payment, invoiceNumber: 7777 }),
    ).rejects.toBeInstanceOf(KashflowNotFoundError)
  })

  it('surfaces KashFlow validation errors with their code and message', async () => {
    const { kashflow } = setup(server, { invoices })
    const error = await kashflow.invoicePayments
      .create({ ...payment, bankAccountId: 1 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowValidationError)
    expect(error).toMatchObject({
      status: 400,
      kashflowCode: 'ValidationError',
      kashflowMessage: 'Invalid bank account',
    })
  })
})

describe('customers', () => {
  const existing = {
    Code: 'SMITHJ01',
    Name: 'Jane Smith',
    Contacts: [
      { IsPrimary: true, Firstname: 'Jane', LastName: 'Smith', Email: 'jane.smith@example.com' },
    ],
    CustomTextBoxes: [{ Name: 'Opayo Customer Ref', Value: 'CUST-1' }],
    CustomCheckBoxes: [{ Name: 'Card Customer', Value: '0' }],
    PaymentTerms: { Type: 'Days', Days: 14 },
    VATNumber: 'GB123456789',
  }

  it('creates a customer with contact, address and custom fields', async () => {
    const { kashflow } = setup(server)
    const created = await kashflow.customers.create({
      code: 'SAMJ01',
      name: 'Sam Jones',
      contact: { firstName: 'Sam', lastName: 'Jones', email: 'sam@example.co.uk' },
      address: {
        lines: ['407 St John Street'],
        city: 'London',
        postalCode: 'EC1V 4AB',
        countryCode: 'GB',
      },
      customText: { 'Last Opayo tx': 'F955C22E' },
      customCheckboxes: { 'Card Customer': true },
    })
    expect(created).toMatchObject({
      Code: 'SAMJ01',
      Contacts: [
        { IsPrimary: true, Firstname: 'Sam', LastName: 'Jones', Email: 'sam@example.co.uk' },
      ],
      Addresses: [
        { Line1: '407 St John Street', Line2: 'London', PostCode: 'EC1V 4AB', CountryCode: 'GB' },
      ],
      CustomTextBoxes: [{ Name: 'Last Opayo tx', Value: 'F955C22E' }],
      CustomCheckBoxes: [{ Name: 'Card Customer', Value: true }],
    })
  })

  it('finds a customer by email through the search Ids', async () => {
    const { kashflow } = setup(server, { customers: [existing, { Code: 'OTHER', Name: 'Other' }] })
    await expect(kashflow.customers.findByEmail('jane.smith@example.com')).resolves.toMatchObject({
      Code: 'SMITHJ01',
    })
    await expect(kashflow.customers.findByEmail('nobody@example.com')).resolves.toBeUndefined()
  })

  it('updates by GET, merge, PUT: unknown fields kept, checkbox written in the type KashFlow returned', async () => {
    const { kashflow, fake } = setup(server, { customers: [existing] })
    await kashflow.customers.update('SMITHJ01', {
      customText: { 'Opayo Customer Ref': 'CUST-2' },
      customCheckboxes: { 'Card Customer': true },
    })
    expect(fake.customers.get('SMITHJ01')).toMatchObject({
      VATNumber: 'GB123456789',
      PaymentTerms: { Type: 'Days', Days: 14 },
      Contacts: [{ Email: 'jane.smith@example.com' }],
      CustomTextBoxes: [{ Name: 'Opayo Customer Ref', Value: 'CUST-2' }],
      CustomCheckBoxes: [{ Name: 'Card Customer', Value: '1' }],
    })
  })

  it('records Greece as EL', async () => {
    const { kashflow } = setup(server)
    const created = await kashflow.customers.create({
      name: 'Nikos',
      address: { lines: ['Odos 1'], countryCode: 'GR' },
    })
    expect(created).toMatchObject({ Addresses: [{ CountryCode: 'EL' }] })
  })
})

describe('lookups', () => {
  it('lists bank accounts, payment methods, currencies and nominals (bare arrays)', async () => {
    const { kashflow } = setup(server)
    await expect(kashflow.bankAccounts.list()).resolves.toEqual([
      { Id: 55166, AccountName: 'Current Account', Code: 1200 },
    ])
    await expect(kashflow.paymentMethods.list()).resolves.toEqual([
      { Id: 409844, Name: 'Credit/Debit Card' },
    ])
    await expect(kashflow.currencies.list()).resolves.toMatchObject([{ Code: 'GBP' }])
    await expect(kashflow.nominals.list()).resolves.toHaveLength(3)
  })
})
