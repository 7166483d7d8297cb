// Reading a bank account's lines: every page of the window, the window kept by calendar date even
// when KashFlow reads enddate as midnight, money in minor units, and typed errors (never a guess)
// for answers that cannot be read or pages that do not add up.
import { money } from '@opayo-kashflow/core'
import type { FakeBankTransactionSeed } from '@opayo-kashflow/testkit'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  KashflowCannotTellError,
  KashflowNotFoundError,
  KashflowResponseError,
} from '../src/index.js'
import { BASE, setup, useMsw } from './helpers.js'

const server = useMsw()
const ACCOUNT = 55166
const LIST = `bankaccounts/${ACCOUNT}/transactions`

/** `count` deposits a day from `first`, for `days` days, with their dates and amounts. */
function deposits(first: number, days: number, count: number): FakeBankTransactionSeed[] {
  return Array.from({ length: days * count }, (_, i) => ({
    date: `2026-11-${String(first + Math.floor(i / count)).padStart(2, '0')}`,
    paidIn: 10 + i / 100,
    comment: `Card settlement ${i}`,
  }))
}

/** A fetch that records every URL asked for, then passes the request on (to msw). */
function urlsAsked() {
  const urls: URL[] = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    const request = new Request(input, init)
    urls.push(new URL(request.url))
    return globalThis.fetch(request)
  }
  return { urls, fetch }
}

describe('bankTransactions.list', () => {
  it('reads every page of the window and returns exactly the lines dated from..to', async () => {
    const lines = [
      { date: '2026-10-31', paidIn: 1, comment: 'the day before' },
      ...deposits(1, 5, 50), // 250 lines, 2026-11-01 to 2026-11-05
      { date: '2026-11-06', paidOut: 2, comment: 'the day after' },
      { date: '2026-10-20', paidIn: 3, comment: 'long before' },
    ]
    const { urls, fetch } = urlsAsked()
    const { kashflow, fake } = setup(server, { bankTransactions: { [ACCOUNT]: lines } }, { fetch })
    const read = await kashflow.bankTransactions.list(ACCOUNT, {
      from: '2026-11-01',
      to: '2026-11-05',
    })
    expect(read).toHaveLength(250)
    expect(new Set(read.map((line) => line.id)).size).toBe(250)
    expect(read.every((line) => line.date >= '2026-11-01' && line.date <= '2026-11-05')).toBe(true)
    // The last day is there although the fake reads enddate as midnight (its default).
    expect(read.filter((line) => line.date === '2026-11-05')).toHaveLength(50)
    // 252 rows in the widened window: three pages of 100.
    expect(fake.requestCounts()[`GET /${LIST}`]).toBe(3)
    const asked = urls.filter((url) => url.pathname.endsWith(LIST))
    expect(asked.map((url) => url.searchParams.get('page'))).toEqual(['1', '2', '3'])
    expect(Object.fromEntries(asked[0]!.searchParams)).toEqual({
      startdate: '2026-10-31',
      enddate: '2026-11-06',
      includebulk: 'true',
      page: '1',
      perpage: '100',
    })
  })

  it('returns the same lines whether KashFlow reads enddate as midnight or as the whole day', async () => {
    const bankTransactions = { [ACCOUNT]: deposits(1, 3, 4) }
    const window = { from: '2026-11-02', to: '2026-11-03' }
    const ids = async (bankTransactionEndDate: 'midnight' | 'whole-day') => {
      const { kashflow } = setup(server, {
        bankTransactions,
        unconfirmed: { bankTransactionEndDate },
      })
      return (await kashflow.bankTransactions.list(ACCOUNT, window)).map((line) => line.date)
    }
    const expected = ['2026-11-02', '2026-11-03'].flatMap((day) => Array<string>(4).fill(day))
    expect(await ids('midnight')).toEqual(expected)
    expect(await ids('whole-day')).toEqual(expected)
  })

  it('converts money to integer minor units and dates to YYYY-MM-DD', async () => {
    const { kashflow } = setup(server, {
      bankTransactions: {
        [ACCOUNT]: [
          { date: '2026-11-02', paidIn: 98.3, comment: 'OPAYO SETTLEMENT B-100', id: 8101 },
          { date: '2026-11-02', paidOut: 3.42, comment: 'Card fees', id: 8102 },
        ],
      },
    })
    const [deposit, fee] = await kashflow.bankTransactions.list(ACCOUNT, {
      from: '2026-11-02',
      to: '2026-11-02',
    })
    expect(deposit).toMatchObject({
      id: 8101,
      accountId: ACCOUNT,
      date: '2026-11-02',
      paidIn: money(9830, 'GBP'),
      paidOut: money(0, 'GBP'),
      comment: 'OPAYO SETTLEMENT B-100',
      entityName: 'banktransaction',
    })
    expect(deposit!.row.Date).toBe('2026-11-02 12:00:00')
    expect(deposit!.bankFeedTransactionId).toEqual(expect.any(Number))
    expect(fee).toMatchObject({ paidIn: money(0, 'GBP'), paidOut: money(342, 'GBP') })
  })

  it('reads amounts in the home currency KashFlow states, or in the currency given', async () => {
    const { kashflow } = setup(server, {
      homeCurrency: 'EUR',
      bankTransactions: { [ACCOUNT]: [{ date: '2026-11-02', paidIn: 1250 }] },
    })
    const window = { from: '2026-11-02', to: '2026-11-02' }
    const [home] = await kashflow.bankTransactions.list(ACCOUNT, window)
    expect(home!.paidIn).toEqual(money(125000, 'EUR'))
    const [yen] = await kashflow.bankTransactions.list(ACCOUNT, { ...window, currency: 'JPY' })
    expect(yen!.paidIn).toEqual(money(1250, 'JPY'))
  })

  it("includes bulk payments' lines unless includeBulk is false", async () => {
    const { kashflow } = setup(server, {
      invoices: [{ number: 1042, gross: 120 }],
      bankTransactions: { [ACCOUNT]: [{ date: '2026-11-02', paidIn: 5 }] },
    })
    await kashflow.invoicePayments.create({
      invoiceNumber: 1042,
      amount: money(12000, 'GBP'),
      date: '2026-11-02',
      methodId: 409844,
      bankAccountId: ACCOUNT,
      note: 'OPAYO:X:payment',
    })
    const window = { from: '2026-11-02', to: '2026-11-02' }
    const all = await kashflow.bankTransactions.list(ACCOUNT, window)
    expect(all.map((line) => [line.entityName, line.paidIn.amount])).toEqual([
      ['banktransaction', 500],
      ['invoicebatchpayment', 12000],
    ])
    const own = await kashflow.bankTransactions.list(ACCOUNT, { ...window, includeBulk: false })
    expect(own.map((line) => line.entityName)).toEqual(['banktransaction'])
  })

  it('refuses a window that is not two YYYY-MM-DD dates in order, before sending', async () => {
    const { kashflow, fake } = setup(server)
    const list = (from: string, to: string) => kashflow.bankTransactions.list(ACCOUNT, { from, to })
    await expect(list('2026-11-5', '2026-11-06')).rejects.toThrow(/from must be YYYY-MM-DD/)
    await expect(list('2026-11-06', '2026-11-05')).rejects.toThrow(/is after/)
    await expect(
      kashflow.bankTransactions.list(0, { from: '2026-11-01', to: '2026-11-01' }),
    ).rejects.toThrow(/accountId/)
    expect(fake.log).toEqual([])
  })
})

describe('answers that cannot be read are typed errors', () => {
  const answer = (body: Record<string, unknown>) =>
    server.use(http.get(`${BASE}/${LIST}`, () => HttpResponse.json(body)))
  const window = { from: '2026-11-02', to: '2026-11-02' }
  const meta = (total: number, next: string | null = null) => ({
    TotalRecords: total,
    NextPageUrl: next,
  })

  it('a row without an Id fails the schema: KashflowResponseError', async () => {
    const { kashflow } = setup(server)
    answer({ MetaData: meta(1), Data: [{ Date: '2026-11-02 12:00:00', PaidIn: 5 }] })
    await expect(kashflow.bankTransactions.list(ACCOUNT, window)).rejects.toThrow(
      KashflowResponseError,
    )
  })

  it.each([
    ['a Date that is not a date', { Date: 'yesterday', PaidIn: 5 }, /Date "yesterday"/],
    ['neither PaidIn nor PaidOut', { Date: '2026-11-02 12:00:00' }, /neither PaidIn nor PaidOut/],
    ['a negative PaidIn', { Date: '2026-11-02 12:00:00', PaidIn: -5 }, /negative/],
    ['a fraction of a penny', { Date: '2026-11-02 12:00:00', PaidIn: 1.005 }, /minor units/],
  ])('a row with %s: KashflowResponseError', async (_, row, message) => {
    const { kashflow } = setup(server)
    answer({ MetaData: meta(1), Data: [{ Id: 8001, ...row }] })
    const failure = kashflow.bankTransactions.list(ACCOUNT, window)
    await expect(failure).rejects.toThrow(KashflowResponseError)
    await expect(failure).rejects.toThrow(message)
  })

  it('pages that repeat an Id and fall short of TotalRecords: KashflowCannotTellError', async () => {
    const { kashflow } = setup(server)
    const row = (Id: number) => ({ Id, Date: '2026-11-02 12:00:00', PaidIn: 1, Comment: '' })
    server.use(
      http.get(`${BASE}/${LIST}`, ({ request }) => {
        const page = new URL(request.url).searchParams.get('page')
        return page === '1'
          ? HttpResponse.json({
              MetaData: meta(3, `${BASE}/${LIST}?page=2`),
              Data: [row(1), row(2)],
            })
          : HttpResponse.json({ MetaData: meta(3), Data: [row(2)] })
      }),
    )
    const failure = kashflow.bankTransactions.list(ACCOUNT, window)
    await expect(failure).rejects.toThrow(KashflowCannotTellError)
    await expect(failure).rejects.toMatchObject({
      operation: 'bankTransactions.list',
      seen: { rowsRead: 3, distinctIds: 2, totalRecords: 3 },
    })
  })

  it('a TotalRecords that changes between pages: KashflowCannotTellError', async () => {
    const { kashflow } = setup(server)
    const row = (Id: number) => ({ Id, Date: '2026-11-02 12:00:00', PaidIn: 1 })
    server.use(
      http.get(`${BASE}/${LIST}`, ({ request }) =>
        new URL(request.url).searchParams.get('page') === '1'
          ? HttpResponse.json({ MetaData: meta(2, `${BASE}/${LIST}?page=2`), Data: [row(1)] })
          : HttpResponse.json({ MetaData: meta(3), Data: [row(2), row(3)] }),
      ),
    )
    await expect(kashflow.bankTransactions.list(ACCOUNT, window)).rejects.toThrow(
      /TotalRecords changed from 2 to 3/,
    )
  })
})

describe('bankTransactions.get and the fake', () => {
  it('reads one line by Id, and 404 for an unknown Id', async () => {
    const { kashflow } = setup(server, {
      bankTransactions: { [ACCOUNT]: [{ date: '2026-11-02', paidIn: 98.3, id: 8101 }] },
    })
    const line = await kashflow.bankTransactions.get(ACCOUNT, 8101)
    expect(line).toMatchObject({ id: 8101, date: '2026-11-02', paidIn: money(9830, 'GBP') })
    // The detail leaves out the list-only computed fields.
    expect(line.row).not.toHaveProperty('Balance')
    expect(line.row).not.toHaveProperty('EntityName')
    await expect(kashflow.bankTransactions.get(ACCOUNT, 1)).rejects.toThrow(KashflowNotFoundError)
  })

  it('serves the wire shape: MetaData with balances, rows with the documented fields', async () => {
    const answers: { MetaData: Record<string, unknown>; Data: Record<string, unknown>[] }[] = []
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init)
      const response = await globalThis.fetch(request)
      if (new URL(request.url).pathname.endsWith(LIST))
        answers.push((await response.clone().json()) as (typeof answers)[number])
      return response
    }
    const { kashflow, fake } = setup(
      server,
      {
        bankTransactions: {
          [ACCOUNT]: [
            { date: '2026-10-30', paidIn: 100 },
            { date: '2026-11-02', paidIn: 98.3 },
            { date: '2026-11-02', paidOut: 3.42 },
          ],
        },
      },
      { fetch },
    )
    fake.addBankTransaction(ACCOUNT, { date: '2026-11-04', paidIn: 5, comment: 'late deposit' })
    await kashflow.bankTransactions.list(ACCOUNT, { from: '2026-11-02', to: '2026-11-02' })
    const [answer] = answers
    expect(answer!.MetaData).toMatchObject({
      TotalRecords: 2,
      NextPageUrl: null,
      OpeningBalance: 100,
      ClosingBalance: 194.88,
    })
    expect(answer!.Data.map((row) => row['Balance'])).toEqual([198.3, 194.88])
    expect(Object.keys(answer!.Data[0]!)).toEqual(
      expect.arrayContaining([
        ...['Id', 'Date', 'MoneyType', 'Comment', 'VATAble', 'VATAmount', 'VATRate', 'AccountId'],
        ...['PaidIn', 'PaidOut', 'VATPaid', 'EntityName', 'ResourceNumber', 'Type', 'Reconciled'],
        ...['BFSTransactionId', 'CustomerCode', 'SupplierCode', 'TransactionType', 'PaymentId'],
      ]),
    )
    expect(fake.bankTransactions.get(ACCOUNT)).toHaveLength(4)
  })
})
