// Credit notes: a negative invoice created under a marker in CustomerReference, read back after
// every create, found again by the marker, and "cannot tell" (never "not written") when the
// customer's rows cannot show the marker.
import { InvalidArgumentError, money } from '@opayo-kashflow/core'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  KashflowAmbiguousWriteError,
  KashflowCannotTellError,
  creditNoteCreateBody,
  invoiceAmountOwed,
} from '../src/index.js'
import type { CreditNoteInput } from '../src/index.js'
import { BASE, setup, useMsw } from './helpers.js'

const server = useMsw()
const MARKER = 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:creditnote'
const customers = [{ Code: 'SMITH01', Name: 'Jo Smith' }]
const invoices = [{ number: 1042, gross: 120, customerCode: 'SMITH01' }]
const input: CreditNoteInput = {
  customerCode: 'SMITH01',
  reference: MARKER,
  currency: 'GBP',
  issuedDate: '2026-11-03',
  lines: [
    {
      description: 'Refund: mug',
      quantity: 2,
      rate: money(4000, 'GBP'),
      vatAmount: money(1600, 'GBP'),
      vatLevel: 20,
      nominalCode: 4000,
    },
    {
      description: 'Refund: book',
      quantity: 1,
      rate: money(2000, 'GBP'),
      vatAmount: money(0, 'GBP'),
      vatLevel: 0,
      nominalCode: 4010,
    },
  ],
}
const nominals = [
  { Code: 4000, Name: 'Sales' },
  { Code: 4010, Name: 'Book sales' },
]

describe('creditNoteCreateBody', () => {
  it('sends the invoice body with Rate and VATAmount negative and Quantity as given', () => {
    const body = creditNoteCreateBody(input)
    expect(body).toMatchObject({
      CustomerCode: 'SMITH01',
      CustomerReference: MARKER,
      Currency: { Code: 'GBP' },
      LineItems: [
        { Quantity: 2, Rate: -40, VATAmount: -16, VATLevel: 20, NominalCode: 4000 },
        { Quantity: 1, Rate: -20, VATAmount: 0, VATLevel: 0, NominalCode: 4010 },
      ],
    })
  })

  it('refuses negative amounts (they are given positive) and names the credit note call', () => {
    const line = { ...input.lines[0]!, rate: money(-4000, 'GBP') }
    expect(() => creditNoteCreateBody({ ...input, lines: [line] })).toThrow(InvalidArgumentError)
    expect(() => creditNoteCreateBody({ ...input, lines: [line] })).toThrow(
      /^creditNotes\.create\(\): lines\[0\]\.rate must not be negative/,
    )
    expect(() => creditNoteCreateBody({ ...input, reference: '' })).toThrow(
      /creditNotes\.create\(\): reference is required/,
    )
    expect(() => creditNoteCreateBody({ ...input, lines: [] })).toThrow(InvalidArgumentError)
  })
})

describe('creditNotes.create', () => {
  it('creates a negative invoice and reads it back by its marker (200 with an empty object)', async () => {
    const { fake, kashflow } = setup(server, { customers, invoices, nominals })
    const note = await kashflow.creditNotes.create(input)
    expect(note.Number).toBe(1043)
    expect(note.GrossAmount).toBe(-116)
    expect(note.CustomerReference).toBe(MARKER)
    // Not paid yet: credit the customer holds, nothing owed by them.
    expect(note.Status).toBe('Outstanding')
    expect(invoiceAmountOwed(note, 'GBP')).toMatchObject({
      known: true,
      owed: money(-11600, 'GBP'),
    })
    expect(fake.invoices.get(1043)?.LineItems).toEqual([
      expect.objectContaining({ Quantity: 2, Rate: -40, VATAmount: -16, NominalCode: 4000 }),
      expect.objectContaining({ Quantity: 1, Rate: -20, NominalCode: 4010 }),
    ])
    expect(fake.requestCounts()['POST /invoices']).toBe(1)
    expect(await kashflow.creditNotes.findByMarker('SMITH01', MARKER)).toMatchObject({
      Number: 1043,
    })
  })

  it('ends Paid when the refund is paid out as a negative payment on it', async () => {
    const { kashflow } = setup(server, {
      customers,
      invoices,
      nominals,
      unconfirmed: { negativeBulkAmounts: 'accepted' },
    })
    const note = await kashflow.creditNotes.create(input)
    await kashflow.invoicePayments.refund({
      invoiceNumber: note.Number,
      amount: money(11600, 'GBP'),
      date: '2026-11-03',
      methodId: 409844,
      bankAccountId: 55166,
      note: 'OPAYO:043D6711-E722-ACC6-2C2E-B03E00BF7603:refund',
      invoice: note,
    })
    const paid = await kashflow.invoices.get(note.Number)
    expect(paid).toMatchObject({ Status: 'Paid', TotalPaidAmount: -116, DueAmount: 0 })
  })

  it('throws KashflowCannotTellError when the credit note reads back otherwise than sent', async () => {
    const { kashflow } = setup(server, { customers, invoices, nominals })
    server.use(
      http.post(`${BASE}/invoices`, () => HttpResponse.json({ Number: 1043 })),
      http.get(`${BASE}/invoices/1043`, () =>
        // Accepted but read as an invoice: the minus was lost.
        HttpResponse.json({ Id: 9, Number: 1043, CustomerReference: MARKER, GrossAmount: 116 }),
      ),
    )
    await expect(kashflow.creditNotes.create(input)).rejects.toBeInstanceOf(KashflowCannotTellError)
  })

  it('after a lost answer, throws the ambiguous error and findByMarker finds the one credit note', async () => {
    const { fake, kashflow } = setup(server, { customers, invoices, nominals })
    fake.commitThenDropNextWrite()
    await expect(kashflow.creditNotes.create(input)).rejects.toBeInstanceOf(
      KashflowAmbiguousWriteError,
    )
    expect(await kashflow.creditNotes.findByMarker('SMITH01', MARKER)).toMatchObject({
      Number: 1043,
      GrossAmount: -116,
    })
  })
})

describe('creditNotes.findByMarker', () => {
  it('answers undefined when every row carries a CustomerReference and none is the marker', async () => {
    const { kashflow } = setup(server, { customers, invoices })
    expect(await kashflow.creditNotes.findByMarker('SMITH01', MARKER)).toBeUndefined()
  })

  it('cannot tell when the rows carry no CustomerReference, or the customer lists nothing', async () => {
    const { kashflow } = setup(server, { customers, invoices })
    server.use(
      http.get(`${BASE}/invoices`, () =>
        HttpResponse.json({ Data: [{ Number: 1042, GrossAmount: 120 }], MetaData: {} }),
      ),
    )
    const error = await kashflow.creditNotes
      .findByMarker('SMITH01', MARKER)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KashflowCannotTellError)
    expect(error).toMatchObject({ seen: { rows: 1, rowsWithoutCustomerReference: 1 } })
    server.use(http.get(`${BASE}/invoices`, () => HttpResponse.json({ Data: [], MetaData: {} })))
    await expect(kashflow.creditNotes.findByMarker('SMITH01', MARKER)).rejects.toThrow(
      /lists no invoice at all/,
    )
  })

  it('cannot tell when the marked row is not a credit note', async () => {
    const { kashflow } = setup(server, {
      customers,
      invoices: [{ number: 1042, gross: 120, customerCode: 'SMITH01', reference: MARKER }],
    })
    await expect(kashflow.creditNotes.findByMarker('SMITH01', MARKER)).rejects.toThrow(
      /is not a credit note/,
    )
  })

  it('refuses an empty customer code or marker before any request', async () => {
    const { kashflow, fake } = setup(server, { customers, invoices })
    await expect(kashflow.creditNotes.findByMarker('', MARKER)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    )
    await expect(kashflow.creditNotes.findByMarker('SMITH01', ' ')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    )
    expect(fake.requestCounts()['GET /invoices']).toBeUndefined()
  })
})
