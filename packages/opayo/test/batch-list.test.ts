// getBatchList rows in the shape the public clients read (fixtures/batch-list.ts names them):
// `completed` a London date-time that dates the batch, `transactiongroups` with Opayo's own
// totals per currency. A row without them is "cannot tell", never a guessed date or total.
import { describe, expect, it } from 'vitest'
import { createOpayoReportingClient, parseReportingDate, readBatchListRow } from '../src/index.js'
import type { ReportingBatch } from '../src/index.js'
import { BATCH_LIST_GUESSED, BATCH_LIST_SUMMER, BATCH_LIST_TWO } from './fixtures/batch-list.js'

function clientAnswering(body: string) {
  const sent: string[] = []
  const reporting = createOpayoReportingClient({
    vendor: 'sandbox',
    user: 'reporter',
    password: 'secret',
    environment: new URL('https://reporting.example.test/access/access.htm'),
    fetch: async (input, init) => {
      const request = new Request(input, init)
      sent.push(new URLSearchParams(await request.text()).get('XML') ?? '')
      return new Response(Buffer.from(body, 'latin1'), {
        status: 200,
        headers: { 'content-type': 'text/xml; charset=ISO-8859-1' },
      })
    },
  })
  return { reporting, sent }
}

const range = { from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') }

describe('getBatchList in the public shape', () => {
  it('a batch list in the public shape (completed date-time, transactiongroups) is read, dated by completed in London', async () => {
    const { reporting, sent } = clientAnswering(BATCH_LIST_SUMMER)
    const [row, ...rest] = await reporting.batches.list(range)
    expect(rest).toEqual([])
    expect(sent[0]).toContain('<command>getBatchList</command>')
    const read = readBatchListRow(row as ReportingBatch)
    // 00:20 on 15 July in London is 23:20 UTC on the 14th: the batch is dated the 15th.
    expect(read).toEqual({
      ok: true,
      value: {
        batchId: '40123',
        authProcessor: 'Elavon',
        completedAt: '2026-07-15T00:20:31.123+01:00',
        date: '2026-07-15',
        totals: [
          {
            currency: 'GBP',
            payments: { amount: 16550, currency: 'GBP' },
            refunds: { amount: 2000, currency: 'GBP' },
            paymentCount: 2,
            refundCount: 1,
          },
        ],
      },
    })
    expect(new Date(read.ok ? read.value.completedAt : '').toISOString()).toBe(
      '2026-07-14T23:20:31.123Z',
    )
  })

  it('reads every group of a batch and each batch of the list (winter dates, refundnumber absent)', async () => {
    const { reporting } = clientAnswering(BATCH_LIST_TWO)
    const rows = await reporting.batches.list(range)
    const read = rows.map((r) => readBatchListRow(r))
    expect(read.map((r) => r.ok && r.value.date)).toEqual(['2026-11-03', '2026-11-04'])
    expect(read[0]).toMatchObject({
      ok: true,
      value: { completedAt: '2026-11-03T23:30:00.000+00:00' },
    })
    expect(read[1]).toMatchObject({
      ok: true,
      value: {
        totals: [
          { currency: 'GBP', payments: { amount: 4550 }, paymentCount: 1 },
          { currency: 'EUR', payments: { amount: 11650 }, refunds: { amount: 0 } },
        ],
      },
    })
    expect(read[1]?.ok && 'refundCount' in (read[1].value.totals[0] ?? {})).toBe(false)
  })

  it('cannot tell from the shape this project guessed before (completed YES, batchdate): an error, no date', async () => {
    const { reporting } = clientAnswering(BATCH_LIST_GUESSED)
    const [row] = await reporting.batches.list(range)
    const read = readBatchListRow(row as ReportingBatch)
    expect(read.ok).toBe(false)
    const messages = read.ok ? [] : read.issues.map((i) => i.message)
    expect(messages).toEqual([
      expect.stringContaining('cannot tell when it settled: `completed` is "YES"'),
      expect.stringContaining('no `transactiongroups/transactiongroup`'),
    ])
  })

  it.each([
    ['no completed', { completed: undefined }, 'completed'],
    ['an empty completed', { completed: '' }, 'completed'],
    ['a date without a time', { completed: '03/11/2026' }, 'completed'],
    ['not a calendar date', { completed: '31/02/2026 10:00:00.000' }, 'completed'],
    ['no authprocessorname', { authprocessorname: undefined }, 'authprocessorname'],
    ['an empty transactiongroups', { transactiongroups: '' }, 'transactiongroups'],
    [
      'a group without currency',
      { transactiongroups: { transactiongroup: [{ paymentvalue: '1.00' }] } },
      'currency',
    ],
    [
      'a group without paymentvalue',
      { transactiongroups: { transactiongroup: [{ currency: 'GBP' }] } },
      'paymentvalue',
    ],
    [
      'a value in pence-looking text',
      { transactiongroups: { transactiongroup: [{ currency: 'GBP', paymentvalue: '12.345' }] } },
      'paymentvalue',
    ],
    [
      'a count that is not one',
      {
        transactiongroups: {
          transactiongroup: [{ currency: 'GBP', paymentvalue: '1.00', paymentnumber: 'two' }],
        },
      },
      'paymentnumber',
    ],
  ] as const)('a row with %s is cannot-tell (%s)', (_name, patch, path) => {
    const base: ReportingBatch = {
      batchid: '7',
      authprocessorname: 'Elavon',
      completed: '03/11/2026 23:30:00.000',
      transactiongroups: { transactiongroup: [{ currency: 'GBP', paymentvalue: '1.00' }] },
    }
    const read = readBatchListRow({ ...base, ...patch } as ReportingBatch)
    expect(read.ok).toBe(false)
    expect(read.ok ? [] : read.issues.map((i) => i.path.at(-1))).toContain(path)
  })

  it('reads an absent refundvalue as zero (the rows are then checked against it)', () => {
    const read = readBatchListRow({
      batchid: '7',
      authprocessorname: 'Elavon',
      completed: '03/11/2026 23:30:00.000',
      transactiongroups: { transactiongroup: [{ currency: 'gbp', paymentvalue: '1,231.47' }] },
    })
    expect(read).toMatchObject({
      ok: true,
      value: {
        totals: [
          {
            currency: 'GBP',
            payments: { amount: 123147 },
            refunds: { amount: 0, currency: 'GBP' },
          },
        ],
      },
    })
  })

  it('parses microseconds and refuses dates that are not on the calendar', () => {
    expect(parseReportingDate('15/07/2026 00:20:31.123456')).toBe('2026-07-15T00:20:31.123+01:00')
    expect(parseReportingDate('31/02/2026 10:00:00')).toBeUndefined()
    expect(parseReportingDate('03/11/2026 24:00:00')).toBeUndefined()
  })
})
