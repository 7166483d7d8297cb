// The testkit's FakeOpayo closes settlement batches from the transactions it took and serves them
// through getBatchList / getBatchDetail, as the Reporting client reads them.
import { parseFeeStatement } from '@opayo-kashflow/core'
import { FakeOpayo } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createOpayoReportingClient, readBatchListRow } from '../src/index.js'

describe('FakeOpayo settlement batches', () => {
  it('batches settled money per currency, leaves out what moves none, and serves the rows', async () => {
    const fake = new FakeOpayo({ now: () => new Date('2026-11-03T10:00:00Z') })
    const paid = fake.seed({ vendorTxCode: 'INV-1-1', amount: 12000 })
    fake.seed({
      vendorTxCode: 'INV-1-R1',
      amount: 2000,
      transactionType: 'Refund',
      relatedTransactionId: paid.transactionId,
    })
    const euro = fake.seed({ vendorTxCode: 'INV-2-1', amount: 11650, currency: 'EUR' })
    fake.seed({ vendorTxCode: 'INV-3-1', amount: 500, status: 'NotAuthed' })
    fake.seed({
      vendorTxCode: 'INV-4-1',
      amount: 700,
      instruction: { type: 'void', date: new Date() },
    })
    fake.seed({ vendorTxCode: 'INV-5-1', amount: 900, transactionType: 'Deferred' })
    const released = fake.seed({
      vendorTxCode: 'INV-6-1',
      amount: 300,
      transactionType: 'Deferred',
      instruction: { type: 'release', date: new Date() },
    })

    const batches = fake.closeBatches({
      date: '2026-11-03',
      fee: (tx) => (tx.transactionType === 'Refund' ? 0 : 35),
    })
    expect(batches.map((b) => [b.currency, b.transactionIds.length])).toEqual([
      ['GBP', 3],
      ['EUR', 1],
    ])
    // Nothing new since: no new batch.
    expect(fake.closeBatches({ date: '2026-11-04' })).toEqual([])

    const reporting = createOpayoReportingClient({
      vendor: 'sandbox',
      user: 'reporter',
      password: 'secret',
      environment: new URL('https://reporting.fake.test/access/access.htm'),
      fetch: fake.fetch,
    })
    const listed = await reporting.batches.list({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-05T00:00:00Z'),
    })
    // The public shape: `completed` a London date-time, Opayo's totals per currency.
    expect(listed).toEqual([
      {
        batchid: '1001',
        authprocessorname: 'Elavon',
        completed: '03/11/2026 00:15:00.000',
        transactiongroups: {
          transactiongroup: [
            {
              currency: 'GBP',
              paymentnumber: '2',
              paymentvalue: '123.00',
              refundnumber: '1',
              refundvalue: '20.00',
            },
          ],
        },
      },
      {
        batchid: '1002',
        authprocessorname: 'Elavon',
        completed: '03/11/2026 00:15:00.000',
        transactiongroups: {
          transactiongroup: [
            {
              currency: 'EUR',
              paymentnumber: '1',
              paymentvalue: '116.50',
              refundnumber: '0',
              refundvalue: '0.00',
            },
          ],
        },
      },
    ])
    expect(listed.map((b) => readBatchListRow(b).ok && readBatchListRow(b))).toMatchObject([
      { value: { date: '2026-11-03', totals: [{ currency: 'GBP', payments: { amount: 12300 } }] } },
      { value: { date: '2026-11-03', totals: [{ currency: 'EUR', refunds: { amount: 0 } }] } },
    ])
    const rows: Record<string, unknown>[] = []
    for await (const row of reporting.batches.get({ batchId: '1001', authProcessor: 'Elavon' }))
      rows.push(row)
    expect(rows.map((r) => r['vpstxid'])).toEqual([
      paid.transactionId,
      expect.any(String),
      released.transactionId,
    ])
    // Thin rows by default: only what the public clients read from getBatchDetail.
    expect(rows.map((r) => Object.keys(r).sort())).toEqual(
      Array.from({ length: 3 }, () => ['refunded', 'started', 'vendortxcode', 'vpstxid']),
    )
    expect(rows.map((r) => r['refunded'])).toEqual(['YES', 'NO', 'NO'])
    expect(
      await reporting.batches.list({
        from: new Date('2026-11-10T00:00:00Z'),
        to: new Date('2026-11-12T00:00:00Z'),
      }),
    ).toEqual([])

    // The acquirer's statement, as `fees import` reads it.
    const statement = parseFeeStatement(fake.feeStatementCsv())
    expect(
      statement.ok && statement.value.map((r) => [r.batchId, r.fee.amount, r.fee.currency]),
    ).toEqual([
      ['1001', 35, 'GBP'],
      ['1001', 0, 'GBP'],
      ['1001', 35, 'GBP'],
      ['1002', 35, 'EUR'],
    ])
    expect(euro.currency).toBe('EUR')
  })

  const client = (fake: FakeOpayo) =>
    createOpayoReportingClient({
      vendor: 'sandbox',
      user: 'reporter',
      password: 'secret',
      environment: new URL('https://reporting.fake.test/access/access.htm'),
      fetch: fake.fetch,
    })

  it('lists a batch by when it completed in London, and can hold several currencies in one batch', async () => {
    const fake = new FakeOpayo()
    fake.seed({ vendorTxCode: 'INV-1-1', amount: 12000 })
    fake.seed({ vendorTxCode: 'INV-2-1', amount: 11650, currency: 'EUR' })
    const [batch, ...more] = fake.closeBatches({
      date: '2026-07-15',
      time: '00:20:31.123',
      mixCurrencies: true,
    })
    expect(more).toEqual([])
    expect(batch).toMatchObject({ currency: 'GBP', currencies: ['GBP', 'EUR'] })
    const reporting = client(fake)
    // 00:20 London on the 15th is 23:20 UTC on the 14th: inside a range that ends at 23:30 UTC.
    const listed = await reporting.batches.list({
      from: new Date('2026-07-14T23:00:00Z'),
      to: new Date('2026-07-14T23:30:00Z'),
    })
    expect(listed.map((b) => readBatchListRow(b))).toMatchObject([
      {
        ok: true,
        value: {
          date: '2026-07-15',
          totals: [
            { currency: 'GBP', payments: { amount: 12000 } },
            { currency: 'EUR', payments: { amount: 11650 } },
          ],
        },
      },
    ])
    expect(
      await reporting.batches.list({
        from: new Date('2026-07-14T23:30:00Z'),
        to: new Date('2026-07-15T23:00:00Z'),
      }),
    ).toEqual([])
  })

  it('serves an overridden list row: other totals, or a row the client must refuse', async () => {
    const fake = new FakeOpayo()
    fake.seed({ vendorTxCode: 'INV-1-1', amount: 12000 })
    fake.closeBatches({ date: '2026-11-03' })
    const reporting = client(fake)
    const range = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-05T00:00:00Z') }
    fake.overrideBatchListRow('1001', {
      transactionGroups: [{ currency: 'GBP', paymentnumber: '1', paymentvalue: '99.00' }],
    })
    const [other] = await reporting.batches.list(range)
    expect(other && readBatchListRow(other)).toMatchObject({
      ok: true,
      value: { totals: [{ payments: { amount: 9900 }, refunds: { amount: 0 } }] },
    })
    fake.overrideBatchListRow('1001', {
      completed: 'YES',
      transactionGroups: null,
      extra: { batchdate: '03/11/2026' },
    })
    const [guessed] = await reporting.batches.list(range)
    expect(guessed).toEqual({
      batchid: '1001',
      authprocessorname: 'Elavon',
      completed: 'YES',
      batchdate: '03/11/2026',
    })
    expect(guessed && readBatchListRow(guessed).ok).toBe(false)
    fake.overrideBatchListRow('1001', undefined)
    const [back] = await reporting.batches.list(range)
    expect(back && readBatchListRow(back).ok).toBe(true)
  })
})
