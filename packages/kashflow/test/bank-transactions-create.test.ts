// Recording a receipt or payment on a bank account: the body sent (UNCONFIRMED in part), the
// read-back of the line by the answer's Id or by the marker, never an id guessed, and the typed
// errors when the line cannot be found or reads back otherwise than sent.
import { money } from '@opayo-kashflow/core'
import type { FakeKashflowUnconfirmed } from '@opayo-kashflow/testkit'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  KashflowAmbiguousWriteError,
  KashflowCannotTellError,
  KashflowValidationError,
} from '../src/index.js'
import type { BankTransactionInput } from '../src/index.js'
import { BASE, recordingFetch, setup, useMsw } from './helpers.js'

const server = useMsw()
const ACCOUNT = 55166
const LIST = `bankaccounts/${ACCOUNT}/transactions`
const fee: BankTransactionInput = {
  date: '2026-11-02',
  paidOut: money(342, 'GBP'),
  reference: 'OPAYO-FEE:B-100',
  comment: 'Opayo card fees\nbatch B-100',
  transactionType: 7901,
}

describe('bankTransactions.create', () => {
  it('sends the documented field names with the guessed MoneyType, the marker first in Comment', async () => {
    const { fetch, writes } = recordingFetch()
    const { kashflow } = setup(server, {}, { fetch })
    await kashflow.bankTransactions.create(ACCOUNT, {
      ...fee,
      vat: { rate: 20, amount: money(57, 'GBP') },
    })
    await kashflow.bankTransactions.create(ACCOUNT, {
      date: '2026-11-03',
      paidIn: money(9830, 'GBP'),
      reference: 'OPAYO-IN:B-101',
    })
    expect(writes).toEqual([
      {
        method: 'POST',
        path: LIST,
        body: {
          Date: '2026-11-02 12:00:00',
          MoneyType: 2,
          AccountId: ACCOUNT,
          PaidIn: 0,
          PaidOut: 3.42,
          Comment: 'OPAYO-FEE:B-100 Opayo card fees batch B-100',
          VATAble: true,
          VATRate: 20,
          VATAmount: 0.57,
          TransactionType: 7901,
        },
      },
      {
        method: 'POST',
        path: LIST,
        body: {
          Date: '2026-11-03 12:00:00',
          MoneyType: 1,
          AccountId: ACCOUNT,
          PaidIn: 98.3,
          PaidOut: 0,
          Comment: 'OPAYO-IN:B-101',
          VATAble: false,
          VATRate: 0,
          VATAmount: 0,
        },
      },
    ])
  })

  it.each<
    [NonNullable<FakeKashflowUnconfirmed['bankTransactionCreateAnswer']>, Record<string, number>]
  >([
    // 201 with no body: found again by the marker on its date.
    ['empty', { [`GET /${LIST}`]: 1 }],
    // 201 with the row: read back by its Id.
    ['row', { [`GET /${LIST}/8001`]: 1 }],
    // 201 with a bare number: not taken as an id; found by the marker.
    ['id', { [`GET /${LIST}`]: 1 }],
  ])('answered %s, reads the line back and returns it as written', async (answer, reads) => {
    const { kashflow, fake } = setup(server, {
      unconfirmed: { bankTransactionCreateAnswer: answer },
    })
    const line = await kashflow.bankTransactions.create(ACCOUNT, fee)
    expect(line).toMatchObject({
      id: 8001,
      accountId: ACCOUNT,
      date: '2026-11-02',
      paidIn: money(0, 'GBP'),
      paidOut: money(342, 'GBP'),
      comment: 'OPAYO-FEE:B-100 Opayo card fees batch B-100',
      transactionType: 7901,
      vatable: false,
    })
    const counts = fake.requestCounts()
    expect(counts[`POST /${LIST}`]).toBe(1)
    for (const [route, count] of Object.entries(reads)) expect(counts[route]).toBe(count)
    expect(fake.bankTransactions.get(ACCOUNT)).toHaveLength(1)
    await expect(
      kashflow.bankTransactions.find(ACCOUNT, { date: '2026-11-02', reference: fee.reference }),
    ).resolves.toMatchObject({ id: 8001 })
  })

  it('after a dropped connection, find() shows the line was written; nothing is retried', async () => {
    const { kashflow, fake } = setup(server)
    fake.commitThenDropNextWrite()
    await expect(kashflow.bankTransactions.create(ACCOUNT, fee)).rejects.toThrow(
      KashflowAmbiguousWriteError,
    )
    expect(fake.requestCounts()[`POST /${LIST}`]).toBe(1)
    const found = await kashflow.bankTransactions.find(ACCOUNT, {
      date: fee.date,
      reference: fee.reference,
    })
    expect(found?.paidOut).toEqual(money(342, 'GBP'))
    await expect(
      kashflow.bankTransactions.find(ACCOUNT, { date: fee.date, reference: 'OPAYO-FEE:B-999' }),
    ).resolves.toBeUndefined()
  })

  it('a line that reads back otherwise than sent is KashflowCannotTellError, naming the difference', async () => {
    const { kashflow, fake } = setup(server, {
      unconfirmed: { bankTransactionCreateAnswer: 'row' },
    })
    // KashFlow reading the guessed MoneyType as the other direction: money out stored as in.
    server.use(
      http.post(`${BASE}/${LIST}`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>
        const swapped = { ...body, PaidIn: body['PaidOut'], PaidOut: body['PaidIn'] }
        return fake.fetch(
          new Request(request.url, {
            method: 'POST',
            headers: request.headers,
            body: JSON.stringify(swapped),
          }),
        )
      }),
    )
    const failure = kashflow.bankTransactions.create(ACCOUNT, fee)
    await expect(failure).rejects.toThrow(KashflowCannotTellError)
    await expect(failure).rejects.toThrow(/PaidIn is 342 minor units, 0 were sent/)
  })

  it('a success answer with no Id and no line carrying the marker is KashflowCannotTellError', async () => {
    const { kashflow } = setup(server)
    server.use(http.post(`${BASE}/${LIST}`, () => new HttpResponse(null, { status: 201 })))
    await expect(kashflow.bankTransactions.create(ACCOUNT, fee)).rejects.toMatchObject({
      name: 'KashflowCannotTellError',
      operation: 'bankTransactions.create',
    })
  })

  it('refuses a bad input before sending, naming the field', async () => {
    const { kashflow, fake } = setup(server)
    const create = (input: Partial<BankTransactionInput>) =>
      kashflow.bankTransactions.create(ACCOUNT, { ...fee, ...input })
    await expect(create({ paidIn: money(100, 'GBP') })).rejects.toThrow(/exactly one of paidIn/)
    await expect(create({ paidOut: money(0, 'GBP') })).rejects.toThrow(
      /paidOut must be a positive amount/,
    )
    await expect(create({ reference: 'two words' })).rejects.toThrow(/one word/)
    await expect(create({ date: '02/11/2026' })).rejects.toThrow(/date must be YYYY-MM-DD/)
    await expect(create({ vat: { rate: 20, amount: money(57, 'EUR') } })).rejects.toThrow(
      /vat.amount is in EUR/,
    )
    await expect(create({ transactionType: 0 })).rejects.toThrow(/transactionType/)
    expect(fake.log).toEqual([])
  })

  it('passes KashFlow refusals through as KashflowValidationError, nothing written', async () => {
    const { kashflow, fake } = setup(server)
    await expect(
      kashflow.bankTransactions.create(ACCOUNT, { ...fee, customerCode: 'NOBODY' }),
    ).rejects.toThrow(KashflowValidationError)
    expect(fake.bankTransactions.get(ACCOUNT) ?? []).toEqual([])
  })
})

describe('bankTransactions.find', () => {
  const day = { date: '2026-11-02', reference: 'OPAYO-FEE:B-100' }
  const answer = (rows: Record<string, unknown>[]) =>
    server.use(
      http.get(`${BASE}/${LIST}`, () =>
        HttpResponse.json({ MetaData: { TotalRecords: rows.length }, Data: rows }),
      ),
    )
  const row = (Id: number, extra: Record<string, unknown>) => ({
    Id,
    Date: '2026-11-02 12:00:00',
    PaidOut: 3.42,
    ...extra,
  })

  it('cannot tell when a line of the day has no Comment field', async () => {
    const { kashflow } = setup(server)
    answer([row(1, { Comment: 'Card fees' }), row(2, {})])
    await expect(kashflow.bankTransactions.find(ACCOUNT, day)).rejects.toMatchObject({
      name: 'KashflowCannotTellError',
      seen: { rowsRead: 2, rowsLacking: 1 },
    })
  })

  it('cannot tell when two lines carry the marker, or one carries it cut short', async () => {
    const { kashflow } = setup(server)
    answer([row(1, { Comment: `${day.reference} a` }), row(2, { Comment: `${day.reference} b` })])
    await expect(kashflow.bankTransactions.find(ACCOUNT, day)).rejects.toThrow(/2 lines/)
    answer([row(3, { Comment: 'OPAYO-FEE:B-1 fees' })])
    await expect(kashflow.bankTransactions.find(ACCOUNT, day)).rejects.toThrow(/cut short/)
  })

  it('answers undefined only when every line of the day carries a Comment and none the marker', async () => {
    const { kashflow } = setup(server)
    answer([row(1, { Comment: 'Card fees' }), row(2, { Comment: '' })])
    await expect(kashflow.bankTransactions.find(ACCOUNT, day)).resolves.toBeUndefined()
  })
})
