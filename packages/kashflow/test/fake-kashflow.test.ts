// The fake's own behaviour, checked against KashFlow's documented example bodies (the invoice,
// customer and journal shapes of the KashFlow API v2 swagger and the examples copied in
// CappyTech/KashFlowAPI-CRON-ts docs/*RESTExample.json; the bulk payment as CappyTech/hcs-app
// posts it), copied here, so tests that use the fake test against KashFlow's documented shapes.
import { FakeKashflow, startFakeKashflowServer } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createKashflowClient } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

async function session(fake: FakeKashflow): Promise<string> {
  const start = (await (
    await fake.fetch('https://api.kashflow.com/v2/sessiontoken', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ UserName: CREDENTIALS.username, Password: CREDENTIALS.password }),
    })
  ).json()) as { TemporaryToken: string; MemorableWordList: { Position: number }[] }
  const done = (await (
    await fake.fetch('https://api.kashflow.com/v2/sessiontoken', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        TemporaryToken: start.TemporaryToken,
        // Characters are case-insensitive (kashflow.com/developers/rest-api/sessiontoken).
        MemorableWordList: start.MemorableWordList.map(({ Position }) => ({
          Position,
          Value: CREDENTIALS.memorableWord[Position - 1]!.toUpperCase(),
        })),
      }),
    })
  ).json()) as { SessionToken: string }
  return done.SessionToken
}

const call = async (
  fake: FakeKashflow,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) => {
  const response = await fake.fetch(`https://api.kashflow.com/v2/${path}`, {
    method,
    headers: { authorization: `KfToken ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return {
    status: response.status,
    body: (await response.json().catch(() => undefined)) as Record<string, unknown>,
  }
}

describe("the fake KashFlow against KashFlow's documented example bodies", () => {
  it('starts a session with 1-based memorable-word positions', async () => {
    const fake = new FakeKashflow()
    const response = await fake.fetch('https://api.kashflow.com/v2/sessiontoken', {
      method: 'POST',
      body: JSON.stringify({ username: CREDENTIALS.username, password: CREDENTIALS.password }),
    })
    const body = (await response.json()) as {
      MemorableWordList: { Position: number; Value: string }[]
      IsLockedOut: boolean
    }
    expect(body.MemorableWordList).toHaveLength(3)
    for (const { Position, Value } of body.MemorableWordList) {
      expect(Position).toBeGreaterThanOrEqual(1)
      expect(Position).toBeLessThanOrEqual(9)
      expect(Value).toBe('')
    }
    expect(body.IsLockedOut).toBe(false)
  })

  it('returns an invoice with its fields, and 401 InvalidSessionToken without a session', async () => {
    const fake = new FakeKashflow({
      invoices: [
        {
          number: 1234,
          id: 196172,
          gross: 120,
          customerCode: 'SMITHJ01',
          reference: 'OPY-2025-000981',
        },
      ],
    })
    expect(await call(fake, 'nope', 'GET', 'invoices/1234')).toEqual({
      status: 401,
      body: { Error: 'InvalidSessionToken', Message: 'Session token provided is invalid.' },
    })
    const token = await session(fake)
    const { status, body } = await call(fake, token, 'GET', 'invoices/1234')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      Id: 196172,
      Number: 1234,
      CustomerCode: 'SMITHJ01',
      CustomerReference: 'OPY-2025-000981',
      GrossAmount: 120,
      TotalPaidAmount: 0,
      DueAmount: 0, // as live data shows on an unpaid invoice (switch dueAmountOnUnpaid)
      Status: 'Outstanding',
      Currency: { Code: 'GBP', ExchangeRate: 1 },
      PaymentLines: [],
    })
    expect(String(body['IssuedDate'])).toMatch(/^\d{4}-\d{2}-\d{2} 12:00:00$/)
  })

  it('accepts a documented bulk payment exactly and shows it on the invoice', async () => {
    const fake = new FakeKashflow({
      invoices: [{ number: 1234, id: 196172, gross: 120, customerCode: 'SMITHJ01' }],
    })
    const token = await session(fake)
    const example = {
      Date: '2025-03-12',
      AccountId: 55166,
      Method: 409844,
      Comment: 'Opayo VPSTxId {7A1B...} VendorTxCode OPY-2025-000981',
      PaymentItems: [
        {
          Id: 196172,
          ObjectNumber: 1234,
          Amount: 120.0,
          PaidDate: '2025-03-12',
          ContactCode: 'SMITHJ01',
        },
      ],
    }
    const posted = await call(fake, token, 'POST', 'invoices/bulk/payments', example)
    expect(posted.status).toBe(200)
    expect(posted.body).toMatchObject({ Number: expect.any(Number) })
    const invoice = await call(fake, token, 'GET', 'invoices/1234')
    expect(invoice.body).toMatchObject({
      Status: 'Paid',
      DueAmount: 0,
      PaymentLines: [
        {
          Amount: 120,
          Method: 409844,
          AccountId: 55166,
          BulkPaymentNumber: posted.body['Number'],
          Date: '2025-03-12 12:00:00',
        },
      ],
    })
  })

  it('accepts a documented customer and journal', async () => {
    const fake = new FakeKashflow({
      nominals: [
        { Code: 7901, Name: 'Card fees' },
        { Code: 1210, Name: 'Opayo clearing' },
      ],
    })
    const token = await session(fake)
    const customer = await call(fake, token, 'POST', 'customers', {
      Code: 'SMITHJ01',
      Name: 'Jane Smith',
      CreateCustomerCodeIfDuplicate: true,
      Contacts: [
        {
          IsPrimary: true,
          ReceiveEmails: true,
          Title: 'Ms',
          Firstname: 'Jane',
          LastName: 'Smith',
          Email: 'jane.smith@example.com',
          Telephone: '0113 496 0000',
        },
      ],
      Addresses: [
        {
          Line1: '1 High Street',
          Line2: 'Headingley',
          Line3: 'Leeds',
          Line4: '',
          PostCode: 'LS6 1AA',
          CountryCode: 'GB',
        },
      ],
      UseCustomDeliveryAddress: false,
      Currency: { Code: 'GBP' },
      PaymentTerms: { Type: 'Days', Days: 0 },
      CustomTextBoxes: [{ Name: 'Opayo Customer Ref', Value: 'CUST-000981' }],
      CustomCheckBoxes: [{ Name: 'Card Customer', Value: true }],
      Note: 'Created by Opayo sync',
    })
    expect(customer).toMatchObject({
      status: 201,
      body: { Code: 'SMITHJ01', Id: expect.any(Number) },
    })
    // The live field family (the client's best guess for the POST body: the names live list rows
    // carry, and the journal template's LineItems).
    const journal = await call(fake, token, 'POST', 'journals', {
      JournalDate: '2025-03-12 12:00:00',
      JournalName: 'OPY-FEES-20250312',
      Comment: 'Opayo settlement fees 12/03/2025',
      Category: 0,
      ExcludedFromProfitAndLoss: false,
      LineItems: [
        { NominalCode: 7901, Debit: 3.42, Credit: 0, Comment: 'Card fees' },
        { NominalCode: 1210, Debit: 0, Credit: 3.42, Comment: 'Opayo clearing' },
      ],
    })
    expect(journal).toMatchObject({
      status: 201,
      body: { Number: expect.any(Number), JournalDate: '2025-03-12T12:00:00' },
    })
  })

  it('serves journal list rows in the live shape: no lines, Id, Date or Description; lines on the detail only', async () => {
    const fake = new FakeKashflow({
      nominals: [
        { Code: 7901, Name: 'Card fees' },
        { Code: 1210, Name: 'Opayo clearing' },
      ],
    })
    const token = await session(fake)
    await call(fake, token, 'POST', 'journals', {
      JournalDate: '2025-03-12 12:00:00',
      JournalName: 'OPY-FEES-20250312',
      Comment: 'Opayo settlement fees',
      LineItems: [
        { NominalCode: 7901, Debit: 3.42, Credit: 0 },
        { NominalCode: 1210, Debit: 0, Credit: 3.42 },
      ],
    })
    const list = (await call(fake, token, 'GET', 'journals')) as unknown as {
      body: { Data: Record<string, unknown>[] }
    }
    const [row] = list.body.Data
    expect(row).toMatchObject({
      Number: 301,
      JournalName: 'OPY-FEES-20250312',
      JournalDate: '2025-03-12T12:00:00',
      Comment: 'Opayo settlement fees',
      TotalAmount: 3.42,
      Category: 0,
    })
    for (const field of ['Id', 'Date', 'Description', 'Lines', 'LineItems'])
      expect(row).not.toHaveProperty(field)
    expect(await call(fake, token, 'GET', 'journals/301')).toMatchObject({
      status: 200,
      body: {
        LineItems: [
          { NominalCode: 7901, Debit: 3.42 },
          { NominalCode: 1210, Credit: 3.42 },
        ],
      },
    })
  })

  it('refuses the documented { Date, Description, Lines } by default, and the live body with journalShape documented', async () => {
    const nominals = [
      { Code: 7901, Name: 'Card fees' },
      { Code: 1210, Name: 'Opayo clearing' },
    ]
    const documentedBody = {
      Date: '2025-03-12',
      Description: 'Opayo settlement fees 12/03/2025',
      Lines: [
        { NominalCode: 7901, Description: 'Card fees', Amount: 3.42, Debit: true },
        { NominalCode: 1210, Description: 'Opayo clearing', Amount: 3.42, Debit: false },
      ],
    }
    const liveBody = {
      JournalDate: '2025-03-12 12:00:00',
      JournalName: 'OPY-FEES-20250312',
      LineItems: [
        { NominalCode: 7901, Debit: 3.42, Credit: 0 },
        { NominalCode: 1210, Debit: 0, Credit: 3.42 },
      ],
    }
    const fake = new FakeKashflow({ nominals })
    const token = await session(fake)
    expect(await call(fake, token, 'POST', 'journals', documentedBody)).toMatchObject({
      status: 400,
      body: { Error: 'ValidationError' },
    })
    expect(fake.journals.size).toBe(0)

    const documented = new FakeKashflow({ nominals, unconfirmed: { journalShape: 'documented' } })
    const other = await session(documented)
    expect(await call(documented, other, 'POST', 'journals', liveBody)).toMatchObject({
      status: 400,
    })
    expect(await call(documented, other, 'POST', 'journals', documentedBody)).toMatchObject({
      status: 201,
      body: {
        Date: '2025-03-12 12:00:00',
        Lines: [{ Amount: 3.42, Debit: true }, { Debit: false }],
      },
    })
    // The documented list carries lines and no JournalName.
    const list = (await call(documented, other, 'GET', 'journals')) as unknown as {
      body: { Data: Record<string, unknown>[] }
    }
    expect(list.body.Data[0]).toHaveProperty('Lines')
    expect(list.body.Data[0]).not.toHaveProperty('JournalName')
  })

  it('misreads a journal body when told: sides swapped, or the JournalName dropped', async () => {
    const nominals = [
      { Code: 7901, Name: 'Card fees' },
      { Code: 1210, Name: 'Opayo clearing' },
    ]
    const body = {
      JournalDate: '2025-03-12 12:00:00',
      JournalName: 'OPY-FEES-20250312',
      LineItems: [
        { NominalCode: 7901, Debit: 3.42, Credit: 0 },
        { NominalCode: 1210, Debit: 0, Credit: 3.42 },
      ],
    }
    const swapped = new FakeKashflow({
      nominals,
      unconfirmed: { journalBodyMisread: 'sides-swapped' },
    })
    expect(await call(swapped, await session(swapped), 'POST', 'journals', body)).toMatchObject({
      status: 201,
      body: {
        LineItems: [
          { NominalCode: 7901, Debit: 0, Credit: 3.42 },
          { NominalCode: 1210, Debit: 3.42, Credit: 0 },
        ],
      },
    })
    const dropped = new FakeKashflow({
      nominals,
      unconfirmed: { journalBodyMisread: 'name-dropped' },
    })
    expect(await call(dropped, await session(dropped), 'POST', 'journals', body)).toMatchObject({
      status: 201,
      body: { JournalName: '' },
    })
  })

  it('refuses an unbalanced journal and a page of more than 100 rows', async () => {
    const fake = new FakeKashflow()
    const token = await session(fake)
    const unbalanced = await call(fake, token, 'POST', 'journals', {
      JournalDate: '2026-11-02 12:00:00',
      JournalName: 'X',
      LineItems: [
        { NominalCode: 1200, Debit: 5, Credit: 0 },
        { NominalCode: 9999, Debit: 0, Credit: 4 },
      ],
    })
    expect(unbalanced).toMatchObject({
      status: 400,
      body: { Error: 'ValidationError', Message: 'Debits and credits must balance' },
    })
    expect((await call(fake, token, 'GET', 'invoices?perpage=250')).status).toBe(400)
  })

  it('injects downtime, a request budget and the SQL timeout', async () => {
    let now = 1_000_000
    const fake = new FakeKashflow({ now: () => now, invoices: [{ number: 1, gross: 1 }] })
    const token = await session(fake)
    fake.downtime(now, now + 60_000)
    expect((await call(fake, token, 'GET', 'invoices/1')).status).toBe(503)
    now += 60_000
    expect((await call(fake, token, 'GET', 'invoices/1')).status).toBe(200)
    fake.requestBudget(1, 10_000)
    expect((await call(fake, token, 'GET', 'invoices/1')).status).toBe(200)
    const limited = await fake.fetch('https://api.kashflow.com/v2/invoices/1', {
      headers: { authorization: `KfToken ${token}` },
    })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    fake.clearFaults()
    fake.sqlTimeoutNext()
    expect(await call(fake, token, 'GET', 'invoices/1')).toMatchObject({
      status: 400,
      body: { Error: '-2146232060' },
    })
  })

  it('serves over real loopback HTTP, where a dropped write resets the socket', async () => {
    const server = await startFakeKashflowServer({
      port: 0,
      seed: { invoices: [{ number: 1042, gross: 120 }] },
    })
    try {
      const { url, fake } = server
      const kashflow = createKashflowClient({ ...CREDENTIALS, baseUrl: url })
      await expect(kashflow.invoices.get(1042)).resolves.toMatchObject({ Number: 1042 })
      fake.commitThenDropNextWrite()
      const payment = {
        invoiceNumber: 1042,
        amount: { amount: 1000, currency: 'GBP' } as never,
        date: '2026-11-02',
        methodId: 409844,
        bankAccountId: 55166,
        note: 'OPAYO:A:payment',
      }
      await expect(kashflow.invoicePayments.create(payment)).rejects.toMatchObject({
        name: 'KashflowAmbiguousWriteError',
      })
      await expect(
        kashflow.invoicePayments.findNew({
          invoiceNumber: 1042,
          preImage: [],
          expected: {
            amount: payment.amount,
            date: payment.date,
            methodId: 409844,
            bankAccountId: 55166,
          },
        }),
      ).resolves.toHaveLength(1)
    } finally {
      await server.close()
    }
  })
})

describe('the switches for what no public source confirms', () => {
  const bulk = (amount: number, extra: Record<string, unknown> = {}) => ({
    Date: '2026-11-02',
    AccountId: 55166,
    Method: 409844,
    Comment: 'OPAYO:A:payment',
    PaymentItems: [
      { Id: 196172, ObjectNumber: 1234, Amount: amount, PaidDate: '2026-11-02', ...extra },
    ],
  })
  const invoices = [{ number: 1234, id: 196172, gross: 120 }]

  it('are pessimistic by default', () => {
    expect(new FakeKashflow().unconfirmed).toEqual({
      commentToNote: false,
      dropUnknownFields: true,
      journalShape: 'live',
      journalBodyMisread: 'none',
      negativeBulkAmounts: 'refused',
      invoiceCreateReturnsBody: false,
      searchTextSearchesCustomerReference: false,
      customerSearchMatch: 'contains',
      dueAmountOnUnpaid: 'zero',
      bankTransactionCreateAnswer: 'empty',
      bankTransactionEndDate: 'midnight',
    })
  })

  it("dueAmountOnUnpaid: DueAmount reads 0.00 on an unpaid invoice by default, gross minus paid when 'owed'", async () => {
    for (const dueAmountOnUnpaid of [undefined, 'zero', 'owed'] as const) {
      const fake = new FakeKashflow({
        invoices: [
          { number: 1, gross: 120 },
          { number: 2, gross: 50 },
        ],
        ...(dueAmountOnUnpaid ? { unconfirmed: { dueAmountOnUnpaid } } : {}),
      })
      const token = await session(fake)
      const paid = { Date: '2026-11-02', Method: 409844, AccountId: 55166, Note: '' }
      for (const [number, Amount] of [
        [1, 20],
        [2, 50],
      ] as const) {
        const invoice = fake.invoices.get(number)!
        await call(fake, token, 'POST', 'invoices/bulk/payments', {
          ...paid,
          PaymentItems: [
            {
              Id: invoice.Id,
              ObjectNumber: number,
              Amount,
              PaidDate: paid.Date,
              ContactCode: invoice.CustomerCode,
            },
          ],
        })
      }
      const owed = dueAmountOnUnpaid === 'owed' ? 100 : 0
      const list = await call(fake, token, 'GET', 'invoices')
      expect(
        (list.body['Data'] as Record<string, unknown>[]).map((r) => [
          r['Number'],
          r['GrossAmount'],
          r['TotalPaidAmount'],
          r['DueAmount'],
        ]),
      ).toEqual([
        [1, 120, 20, owed],
        [2, 50, 50, 0],
      ])
      const detail = await call(fake, token, 'GET', 'invoices/1')
      expect(detail.body).toMatchObject({
        TotalPaidAmount: 20,
        DueAmount: owed,
        Status: 'Outstanding',
      })
    }
  })

  it('invoiceCreateReturnsBody: POST /invoices answers 200 {} by default, 201 with the invoice when on', async () => {
    for (const invoiceCreateReturnsBody of [false, true]) {
      const fake = new FakeKashflow({
        customers: [{ Code: 'SMITH01', Name: 'Jo Smith' }],
        invoices: [{ number: 1042, gross: 120 }],
        unconfirmed: { invoiceCreateReturnsBody },
      })
      const token = await session(fake)
      const created = await call(fake, token, 'POST', 'invoices', {
        CustomerCode: 'SMITH01',
        CustomerReference: 'OPAYO-INV:1',
        IssuedDate: '2026-11-02 12:00:00',
        LineItems: [
          { Description: 'Mug', Quantity: 3, Rate: 3.33, VATAmount: 2, NominalCode: 4000 },
          { Description: 'Post', Quantity: 1, Rate: 1.5, VATAmount: 0.3, NominalCode: 4000 },
        ],
      })
      if (invoiceCreateReturnsBody) {
        expect(created.status).toBe(201)
        expect(created.body).toMatchObject({ Number: 1043, CustomerReference: 'OPAYO-INV:1' })
      } else expect(created).toEqual({ status: 200, body: {} })
      const detail = await call(fake, token, 'GET', 'invoices/1043')
      expect(detail.body).toMatchObject({
        Number: 1043,
        CustomerCode: 'SMITH01',
        CustomerName: 'Jo Smith',
        CustomerReference: 'OPAYO-INV:1',
        NetAmount: 11.49,
        VATAmount: 2.3,
        GrossAmount: 13.79,
        DueAmount: 0, // unpaid: 0.00 by default, as live data shows
        Status: 'Outstanding',
      })
      expect(fake.requestCounts()['POST /invoices']).toBe(1)
    }
  })

  it('POST /invoices refuses a missing or unknown customer, an unknown nominal, a taken Number', async () => {
    const fake = new FakeKashflow({
      customers: [{ Code: 'SMITH01', Name: 'Jo Smith' }],
      invoices: [{ number: 1042, gross: 120 }],
    })
    const token = await session(fake)
    const line = { Description: 'Mug', Quantity: 1, Rate: 10, VATAmount: 2, NominalCode: 4000 }
    for (const body of [
      { LineItems: [line] },
      { CustomerCode: 'NOBODY', LineItems: [line] },
      { CustomerCode: 'SMITH01', LineItems: [{ ...line, NominalCode: 4321 }] },
      { CustomerCode: 'SMITH01', Number: 1042, LineItems: [line] },
    ]) {
      const answer = await call(fake, token, 'POST', 'invoices', body)
      expect(answer.status).toBe(400)
      expect(answer.body['Error']).toBe('ValidationError')
    }
    expect(fake.invoices.size).toBe(1)
  })

  it('searchTextSearchesCustomerReference: searchtext reaches CustomerReference only when on', async () => {
    for (const on of [false, true]) {
      const fake = new FakeKashflow({
        invoices: [{ number: 1042, gross: 120, reference: 'OPAYO-INV:9' }],
        unconfirmed: { searchTextSearchesCustomerReference: on },
      })
      const token = await session(fake)
      const byReference = await call(fake, token, 'GET', 'invoices?searchtext=OPAYO-INV')
      expect((byReference.body['Data'] as unknown[]).length).toBe(on ? 1 : 0)
      const byNumber = await call(fake, token, 'GET', 'invoices?searchtext=1042')
      expect((byNumber.body['Data'] as unknown[]).length).toBe(1)
    }
  })

  it('commentToNote: the bulk Comment becomes the line Note only when on', async () => {
    for (const commentToNote of [false, true]) {
      const fake = new FakeKashflow({ invoices, unconfirmed: { commentToNote } })
      const token = await session(fake)
      await call(fake, token, 'POST', 'invoices/bulk/payments', bulk(120))
      expect(fake.invoices.get(1234)!.PaymentLines[0]!.Note).toBe(
        commentToNote ? 'OPAYO:A:payment' : '',
      )
    }
  })

  it('dropUnknownFields: IsExternalRefund on a bulk item is dropped unless off', async () => {
    for (const dropUnknownFields of [true, false]) {
      const fake = new FakeKashflow({
        invoices,
        unconfirmed: { dropUnknownFields, negativeBulkAmounts: 'accepted' },
      })
      const token = await session(fake)
      await call(
        fake,
        token,
        'POST',
        'invoices/bulk/payments',
        bulk(-5, { IsExternalRefund: true }),
      )
      expect(fake.invoices.get(1234)!.PaymentLines[0]!.IsExternalRefund).toBe(!dropUnknownFields)
    }
  })

  it("negativeBulkAmounts: 'refused' answers 400 and writes nothing; 'accepted' records a negative line", async () => {
    const refusing = new FakeKashflow({ invoices })
    const token = await session(refusing)
    expect(await call(refusing, token, 'POST', 'invoices/bulk/payments', bulk(-5))).toMatchObject({
      status: 400,
      body: { Error: 'ValidationError' },
    })
    expect(refusing.invoices.get(1234)!.PaymentLines).toEqual([])
    expect(refusing.bulkPayments.size).toBe(0)
    const accepting = new FakeKashflow({
      invoices,
      unconfirmed: { negativeBulkAmounts: 'accepted' },
    })
    const token2 = await session(accepting)
    expect((await call(accepting, token2, 'POST', 'invoices/bulk/payments', bulk(-5))).status).toBe(
      200,
    )
    expect(accepting.invoices.get(1234)!.PaymentLines).toMatchObject([{ Amount: -5 }])
  })
})

describe('the rest of the public surface the fake serves', () => {
  it('serves the home currency from GET /settings/customerandsupplier', async () => {
    for (const [seed, code] of [
      [undefined, 'GBP'],
      ['EUR', 'EUR'],
    ] as const) {
      const fake = new FakeKashflow(seed ? { homeCurrency: seed } : {})
      const token = await session(fake)
      expect(await call(fake, token, 'GET', 'settings/customerandsupplier')).toMatchObject({
        status: 200,
        body: { HomeCurrency: { Code: code } },
      })
    }
  })

  it('gets and deletes a bulk payment, which removes its invoice lines', async () => {
    const fake = new FakeKashflow({ invoices: [{ number: 1234, id: 196172, gross: 120 }] })
    const token = await session(fake)
    const posted = await call(fake, token, 'POST', 'invoices/bulk/payments', {
      Date: '2026-11-02',
      AccountId: 55166,
      Method: 409844,
      PaymentItems: [{ Id: 196172, ObjectNumber: 1234, Amount: 20 }],
    })
    const number = posted.body['Number'] as number
    expect((await call(fake, token, 'GET', `invoices/bulk/payments/${number}`)).status).toBe(200)
    expect((await call(fake, token, 'DELETE', `invoices/bulk/payments/${number}`)).status).toBe(200)
    expect(fake.invoices.get(1234)!.PaymentLines).toEqual([])
    expect((await call(fake, token, 'DELETE', `invoices/bulk/payments/${number}`)).status).toBe(404)
  })

  it('counts requests per method and path', async () => {
    const fake = new FakeKashflow({ invoices: [{ number: 1234, gross: 120 }] })
    const token = await session(fake)
    await call(fake, token, 'GET', 'invoices/1234')
    await call(fake, token, 'GET', 'invoices/1234')
    expect(fake.requestCounts()).toEqual({
      'POST /sessiontoken': 1,
      'PUT /sessiontoken': 1,
      'GET /invoices/1234': 2,
    })
    fake.resetRequestCounts()
    expect(fake.requestCounts()).toEqual({})
  })
})
