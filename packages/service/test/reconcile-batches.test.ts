import { KashflowCannotTellError, KashflowServerError } from '@opayo-kashflow/kashflow'
import { createOpayoReportingClient } from '@opayo-kashflow/opayo'
import type { EventRecord } from '@opayo-kashflow/sync'
import { FakeOpayo } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { reconcileBatches } from '../src/service/reconcile-batches.js'

const DATE = '2026-11-03'
const FROM = new Date('2026-11-01T00:00:00Z')
const TO = new Date('2026-11-05T00:00:00Z')

/** Four batches of one £120.00 (or £45.50) payment each, closed by the fake one after another. */
function opayo() {
  const fake = new FakeOpayo({ now: () => new Date('2026-11-03T10:00:00Z') })
  for (const [n, amount] of [12000, 4550, 3000, 1000].entries()) {
    fake.seed({ vendorTxCode: `INV-${100 + n}-1`, amount })
    fake.closeBatches({ date: DATE })
  }
  const reporting = createOpayoReportingClient({
    vendor: 'sandbox',
    user: 'reporter',
    password: 'secret',
    environment: new URL('https://reporting.fake.test/access/access.htm'),
    fetch: fake.fetch,
  })
  return { fake, reporting }
}

const settled = (
  batchId: string,
  postedHome: number,
  gross = postedHome,
): Partial<EventRecord> => ({
  id: `batch:${batchId}`,
  state: 'posted',
  detail: {
    batchId,
    date: DATE,
    markers: [`OPAYO-BATCH:${batchId}:transfer`, `OPAYO-BATCH:${batchId}:fees`],
    totals: {
      gross: { amount: gross, currency: 'GBP' },
      postedHome: { amount: postedHome, currency: 'GBP' },
    },
  },
})

// KashFlow's journals by marker: the clearing nominal 1210 is credited by the transfer and fees.
const journal = (clearingCredit: number) => ({
  Lines: [
    { NominalCode: 1200, Amount: clearingCredit / 100, Debit: true },
    { NominalCode: 1210, Amount: clearingCredit / 100, Debit: false },
  ],
})

describe('reconcileBatches', () => {
  it('reports per batch: Opayo total, clearing, transfer, fees, remainder; and what needs attention', async () => {
    const { reporting } = opayo()
    const events = new Map<string, Partial<EventRecord>>([
      ['batch:1001', settled('1001', 12000)],
      ['batch:1002', settled('1002', 4550)],
      [
        'batch:1003',
        {
          id: 'batch:1003',
          state: 'waiting',
          lastError: {
            name: 'SettlementWaiting',
            message: 'Batch 1003: 1 of 1 transactions are not posted yet',
          },
        },
      ],
    ])
    const journals = new Map<string, ReturnType<typeof journal>>([
      ['OPAYO-BATCH:1001:transfer', journal(11800)],
      ['OPAYO-BATCH:1001:fees', journal(200)],
      // Batch 1002's fee journal is missing in KashFlow.
      ['OPAYO-BATCH:1002:transfer', journal(4462)],
    ])
    const asked: string[] = []
    const result = await reconcileBatches({
      reporting,
      store: { get: (id) => Promise.resolve(events.get(id) as EventRecord | undefined) },
      kashflow: {
        journals: {
          find: ({ date, reference }: { date: string; reference: string }) => {
            asked.push(`${date} ${reference}`)
            return Promise.resolve(journals.get(reference) as never)
          },
        } as never,
      },
      clearingNominalCode: 1210,
      from: FROM,
      to: TO,
    })
    expect(result.rows).toMatchObject([
      {
        batchId: '1001',
        status: 'settled',
        opayoTotal: 12000,
        postedToClearing: 12000,
        transfer: 11800,
        fees: 200,
        fxDifference: 0,
        clearingRemainder: 0,
      },
      {
        batchId: '1002',
        status: 'journal_mismatch',
        opayoTotal: 4550,
        transfer: 4462,
        fees: 0,
        clearingRemainder: 88,
        note: expect.stringContaining('OPAYO-BATCH:1002:fees') as string,
      },
      {
        batchId: '1003',
        status: 'waiting',
        opayoTotal: 3000,
        note: expect.stringContaining('not posted yet') as string,
      },
      { batchId: '1004', status: 'not_ingested', opayoTotal: 1000 },
    ])
    expect(result.needsAttention).toBe(2)
    expect(asked).toContain(`${DATE} OPAYO-BATCH:1001:fees`)
  })

  it('reports a posted batch whose total Opayo now reports differently as batch_changed', async () => {
    const { reporting } = opayo()
    // Batch 1001 was settled at £100.00; Opayo now says £120.00.
    const events = new Map([['batch:1001', settled('1001', 10000)]])
    const result = await reconcileBatches({
      reporting,
      store: { get: (id) => Promise.resolve(events.get(id) as EventRecord | undefined) },
      kashflow: {
        journals: { find: () => Promise.resolve(journal(10000) as never) },
      } as never,
      clearingNominalCode: 1210,
      from: FROM,
      to: TO,
    })
    expect(result.rows[0]).toMatchObject({
      batchId: '1001',
      status: 'batch_changed',
      opayoTotal: 12000,
      postedToClearing: 10000,
      note: expect.stringContaining('Opayo now reports 12000') as string,
    })
    expect(result.needsAttention).toBeGreaterThanOrEqual(1)
  })

  it('reads each journal with its detail, and reports a batch unknown (never missing) when KashFlow cannot tell', async () => {
    const { reporting } = opayo()
    const events = new Map<string, Partial<EventRecord>>([['batch:1001', settled('1001', 12000)]])
    const details: (boolean | undefined)[] = []
    const result = await reconcileBatches({
      reporting,
      store: { get: (id) => Promise.resolve(events.get(id) as EventRecord | undefined) },
      kashflow: {
        journals: {
          find: ({ detail }: { detail?: boolean }) => {
            details.push(detail)
            return Promise.reject(
              new KashflowCannotTellError('journals.find', '1 of 1 journal rows lack JournalName', {
                rowsLacking: 1,
              }),
            )
          },
        } as never,
      },
      clearingNominalCode: 1210,
      from: FROM,
      to: TO,
    })
    expect(result.rows[0]).toMatchObject({
      batchId: '1001',
      status: 'unknown',
      note: expect.stringContaining('lack JournalName') as string,
    })
    expect(result.rows[0]?.note).not.toMatch(/not found/)
    expect(result.needsAttention).toBeGreaterThanOrEqual(1)
    expect(details.every((d) => d === true)).toBe(true)
  })

  it('reports a batch unknown, with the status, when KashFlow answers 503 to the journal read', async () => {
    const { reporting } = opayo()
    const events = new Map<string, Partial<EventRecord>>([['batch:1001', settled('1001', 12000)]])
    const result = await reconcileBatches({
      reporting,
      store: { get: (id) => Promise.resolve(events.get(id) as EventRecord | undefined) },
      kashflow: {
        journals: {
          find: () =>
            Promise.reject(
              new KashflowServerError('GET /journals failed with HTTP 503', { status: 503 }),
            ),
        } as never,
      },
      clearingNominalCode: 1210,
      from: FROM,
      to: TO,
    })
    expect(result.rows[0]).toMatchObject({
      batchId: '1001',
      status: 'unknown',
      note: expect.stringContaining(
        'KashFlow unavailable: HTTP 503, kashflow_server_error',
      ) as string,
    })
  })
})
