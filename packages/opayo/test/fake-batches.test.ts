// The testkit's FakeOpayo closes settlement batches from the transactions it took and serves them
// through getBatchList / getBatchDetail, as the Reporting client reads them.
import { parseFeeStatement } from '@opayo-kashflow/core'
import { FakeOpayo } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createOpayoReportingClient } from '../src/index.js'

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
    expect(listed).toMatchObject([
      { batchid: '1001', completed: 'YES', batchdate: '03/11/2026', currency: 'GBP' },
      { batchid: '1002', currency: 'EUR' },
    ])
    const rows: Record<string, unknown>[] = []
    for await (const row of reporting.batches.get({ batchId: '1001', authProcessor: 'Elavon' }))
      rows.push(row)
    expect(rows.map((r) => r['vpstxid'])).toEqual([
      paid.transactionId,
      expect.any(String),
      released.transactionId,
    ])
    expect(rows.map((r) => r['transactiontype'])).toEqual(['Payment', 'Refund', 'Deferred'])
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
})
