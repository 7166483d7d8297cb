import { FakeOpayo, opayoHandlers } from '@opayo-kashflow/testkit/msw'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  OpayoNotFoundError,
  OpayoReportingError,
  OpayoServerError,
  ReportingFraudDetailSchema,
  ReportingTransactionSchema,
  buildReportingXml,
  createOpayoReportingClient,
  parseReportingDate,
  parseReportingXml,
  toCanonicalPayment,
  toReportingDate,
} from '../src/index.js'
import { REPORTING_RESPONSES as R, REPORTING_SIGNATURE_VECTORS } from './fixtures/vectors.js'

const URL_ = 'https://sandbox.opayo.eu.elavon.com/access/access.htm'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
const bytes = (text: string) => Buffer.from(text, 'latin1')

describe('Reporting signatures (ebizmarts ReportingTest vectors)', () => {
  it.each(REPORTING_SIGNATURE_VECTORS.map((v) => [v.command, v.params, v.md5] as const))(
    '%s %j signs to %s',
    (command, params, md5) => {
      const built = buildReportingXml(command, params, {
        vendor: '',
        user: '',
        password: '',
      })
      expect(built.signature).toBe(md5)
      expect(built.xml).toBe(
        `<vspaccess><command>${command}</command><vendor></vendor><user></user>${params.map(([n, v]) => `<${n}>${v}</${n}>`).join('')}<signature>${md5}</signature></vspaccess>`,
      )
      expect(built.signedText.endsWith('<password></password>')).toBe(true)
    },
  )

  it('never puts the password in the message sent', () => {
    const built = buildReportingXml('version', [], {
      vendor: 'v',
      user: 'u',
      password: 'S3cret&<x>',
    })
    expect(built.xml).not.toContain('S3cret')
    expect(built.signedText).toContain('<password>S3cret&amp;&lt;x&gt;</password>')
  })
})

describe('Reporting responses (ebizmarts ReportingTest, joeratzer ExtensionsTests)', () => {
  it('parses each published response', () => {
    expect(parseReportingXml(bytes(R.detailOk))).toMatchObject({
      errorcode: '0000',
      vpstxid: 'EE6025C6-7D24-4873-FB92-CD7A66B9494E',
    })
    expect(parseReportingXml(bytes(R.invalidStatus))).toMatchObject({
      errorcode: '2015',
      error: 'INVALID STATUS',
    })
    expect(ReportingFraudDetailSchema.parse(parseReportingXml(bytes(R.fraudRed)))).toMatchObject({
      fraudprovidername: 'ReD',
      fraudscreenrecommendation: 'ACCEPT',
      fraudcode: '0100',
    })
    const t3m = parseReportingXml(bytes(R.fraudT3m))
    expect(t3m).toMatchObject({
      t3mscore: '37',
      t3maction: 'HOLD',
      t3mresults: { rule: [{ score: '4' }, { score: '10' }] },
    })
    expect(parseReportingXml(bytes(R.tokenCount))).toMatchObject({ totalnumber: '255' })
  })

  it('reads the ISO-8859-1 transaction detail with its XML declaration', () => {
    const doc = parseReportingXml(bytes(R.transactionDetail))
    expect(ReportingTransactionSchema.parse(doc)).toMatchObject({
      txstateid: '16',
      transactiontype: 'Payment',
    })
  })

  it('reports a detail with no amount as an issue rather than inventing one', () => {
    const transaction = ReportingTransactionSchema.parse(
      parseReportingXml(bytes(R.transactionDetail)),
    )
    expect(toCanonicalPayment({ protocol: 'reporting', transaction })).toMatchObject({
      ok: false,
      issues: [{ code: 'missing_value', path: ['amount'] }],
    })
  })

  it('maps T3M fraud data onto the canonical vocabulary', () => {
    const transaction = ReportingTransactionSchema.parse({
      ...parseReportingXml(bytes(R.transactionDetail)),
      amount: '1,231.47',
      currency: 'GBP',
      started: '04/11/2013 11:45:32.123',
    })
    const fraud = ReportingFraudDetailSchema.parse(parseReportingXml(bytes(R.fraudT3m)))
    expect(toCanonicalPayment({ protocol: 'reporting', transaction, fraud })).toMatchObject({
      ok: true,
      value: {
        source: {
          protocol: 'reporting',
          verified: true,
          transactionId: '11111-814B-8B59-326C-B8041600546D',
        },
        kind: 'payment',
        status: 'succeeded',
        amount: { amount: 123147, currency: 'GBP' },
        occurredAt: '2013-11-04T11:45:32.123+00:00',
        risk: { fraud: { provider: 't3m', recommendation: 'challenge', score: 37 } },
      },
    })
  })

  it('tolerates HTTP headers echoed before the XML', () => {
    expect(
      parseReportingXml(bytes(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n${R.tokenCount}`)),
    ).toMatchObject({
      totalnumber: '255',
    })
    expect(parseReportingXml(bytes('<html>nope</html>'))).toBeUndefined()
  })
})

describe('Reporting dates (Europe/London)', () => {
  it('parses winter and summer times with the right offset', () => {
    expect(parseReportingDate('04/11/2013 11:45:32')).toBe('2013-11-04T11:45:32.000+00:00')
    expect(parseReportingDate('01/07/2026 09:00:00.500')).toBe('2026-07-01T09:00:00.500+01:00')
    expect(parseReportingDate('31/02/2026 xx')).toBeUndefined()
  })

  it('gives each side of a clock change its own offset, however often the hour was parsed before', () => {
    // BST 2026: from 01:00 UTC on 29 March to 01:00 UTC on 25 October (gov.uk/when-do-the-clocks-change).
    for (let pass = 0; pass < 2; pass += 1) {
      expect(parseReportingDate('29/03/2026 00:59:59')).toBe('2026-03-29T00:59:59.000+00:00')
      expect(parseReportingDate('29/03/2026 02:00:00')).toBe('2026-03-29T02:00:00.000+01:00')
      expect(parseReportingDate('25/10/2026 00:30:00')).toBe('2026-10-25T00:30:00.000+01:00')
      expect(parseReportingDate('25/10/2026 02:00:00')).toBe('2026-10-25T02:00:00.000+00:00')
    }
    // Every minute of a day round-trips through the request format.
    for (let m = 0; m < 24 * 60; m += 7) {
      const instant = new Date(Date.UTC(2026, 9, 25) + m * 60_000)
      expect(new Date(parseReportingDate(toReportingDate(instant)) ?? '').getTime()).toBe(
        // The repeated hour (01:00-02:00 local) is read as its second, GMT, occurrence.
        m < 60 ? instant.getTime() + 3_600_000 : instant.getTime(),
      )
    }
  })

  it('writes request dates in London time', () => {
    expect(toReportingDate(new Date('2026-07-01T08:00:00Z'))).toBe('01/07/2026 09:00:00')
    expect(toReportingDate(new Date('2026-01-01T08:00:00Z'))).toBe('01/01/2026 08:00:00')
  })
})

describe('the Reporting client against the fake Opayo', () => {
  const credentials = { vendor: 'sandbox', user: 'reporter', password: 'secret' }
  const waits: number[] = []
  const reporting = createOpayoReportingClient({
    ...credentials,
    sleep: (ms) => (waits.push(ms), Promise.resolve()),
    random: () => 0,
    pageSize: 2,
    maxRangeDays: 10,
  })

  it('gets a transaction by VPSTxId and by VendorTxCode, and maps 0043 to not found', async () => {
    const fake = new FakeOpayo({ reporting: credentials })
    server.use(...opayoHandlers(fake))
    const tx = fake.seed({ vendorTxCode: 'INV-1042-1', amount: 12000 })
    await expect(
      reporting.transactions.get({ vpsTxId: `{${tx.transactionId}}` }),
    ).resolves.toMatchObject({
      vendortxcode: 'INV-1042-1',
      txstateid: '16',
      amount: '120.00',
    })
    await expect(reporting.transactions.get({ vendorTxCode: 'INV-1042-1' })).resolves.toMatchObject(
      { vpstxid: tx.transactionId },
    )
    await expect(reporting.transactions.get({ vendorTxCode: 'nope' })).rejects.toBeInstanceOf(
      OpayoNotFoundError,
    )
  })

  it('signs every request so the fake (checking as Opayo does) accepts it, and rejects a wrong password', async () => {
    const fake = new FakeOpayo({ reporting: { ...credentials, password: 'other' } })
    server.use(...opayoHandlers(fake))
    const error = await reporting.version().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpayoReportingError)
    expect((error as OpayoReportingError).errorCode).toBe('2007')
  })

  it('lists a range page by page and splits ranges longer than allowed', async () => {
    const fake = new FakeOpayo({ reporting: credentials })
    server.use(...opayoHandlers(fake))
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 12))
    for (const d of [1, 2, 3, 12, 13, 25])
      fake.seed({ vendorTxCode: `INV-${d}-1`, amount: 100 * d, createdAt: day(d) })
    const seen: string[] = []
    for await (const row of reporting.transactions.list({ from: day(1), to: day(28) }))
      seen.push(row.vendortxcode)
    expect(seen).toEqual(['INV-1-1', 'INV-2-1', 'INV-3-1', 'INV-12-1', 'INV-13-1', 'INV-25-1'])
    const lists = fake.requests.filter((r) => r.method === 'POST').length
    // 3 windows of ≤ 10 days; pages of 2 rows: [1,2,3] -> 2 pages, [12,13] -> 2 pages (the second empty), [25] -> 1 page
    expect(lists).toBe(5)
  })

  it('asks for the next page only when the previous one has been consumed', async () => {
    const fake = new FakeOpayo({ reporting: credentials })
    server.use(...opayoHandlers(fake))
    // Rows generated from their index: the fake holds none of them; held ones come first.
    fake.seed({ vendorTxCode: 'HELD-1', amount: 100, createdAt: new Date('2026-11-01T00:00:00Z') })
    fake.generateReportingRows({
      count: 7,
      from: new Date('2026-11-02T00:00:00Z'),
      spacingMs: 60_000,
    })
    const pages = () => fake.requests.length
    const seen: { code: string; pages: number }[] = []
    const range = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-05T00:00:00Z') }
    for await (const row of reporting.transactions.list(range))
      seen.push({ code: row.vendortxcode, pages: pages() })
    // Pages of 2 rows: a consumer at row n has caused ceil(n / 2) requests, never more.
    expect(seen).toEqual(
      ['HELD-1', 'GEN-0', 'GEN-1', 'GEN-2', 'GEN-3', 'GEN-4', 'GEN-5', 'GEN-6'].map((code, i) => ({
        code,
        pages: Math.ceil((i + 1) / 2),
      })),
    )
    expect(pages()).toBe(5) // four full pages, then one empty
  })

  it('serves generated rows by date: a range that starts inside them skips the earlier ones', async () => {
    const fake = new FakeOpayo({ reporting: credentials })
    server.use(...opayoHandlers(fake))
    fake.generateReportingRows({
      count: 100,
      from: new Date('2026-11-02T00:00:00Z'),
      spacingMs: 60_000,
      row: (i) => ({ amount: 5000 + i, vendorTxCode: `INV-${2000 + i}-1` }),
    })
    const rows: { code: string; amount: string | undefined }[] = []
    const range = { from: new Date('2026-11-02T01:35:00Z'), to: new Date('2026-11-02T01:38:00Z') }
    for await (const row of reporting.transactions.list(range))
      rows.push({ code: row.vendortxcode, amount: row.amount })
    expect(rows).toEqual([
      { code: 'INV-2095-1', amount: '50.95' },
      { code: 'INV-2096-1', amount: '50.96' },
      { code: 'INV-2097-1', amount: '50.97' },
    ])
    expect(() => fake.generateReportingRows({ count: -1, from: new Date() })).toThrow(RangeError)
  })

  it('shows transactions made through Pi, with refunds related to their original', async () => {
    const fake = new FakeOpayo({ reporting: credentials })
    server.use(...opayoHandlers(fake))
    const original = fake.seed({ vendorTxCode: 'INV-1042-1', amount: 12000 })
    const refund = fake.seed({
      vendorTxCode: 'INV-1042-R1',
      amount: 2000,
      transactionType: 'Refund',
      relatedTransactionId: original.transactionId,
    })
    const row = await reporting.transactions.get({ vpsTxId: refund.transactionId })
    const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
    expect(payment).toMatchObject({
      ok: true,
      value: {
        kind: 'refund',
        source: { relatedTransactionId: original.transactionId },
        amount: { amount: 2000 },
      },
    })
  })

  it('reads fraud screening, batches and the version through the client', async () => {
    const fake = new FakeOpayo({ reporting: credentials })
    server.use(...opayoHandlers(fake))
    await expect(
      reporting.fraud.get('{EE6025C6-7D24-4873-FB92-CD7A66B9494E}'),
    ).resolves.toMatchObject({
      fraudprovidername: 'ReD',
      fraudscreenrecommendation: 'ACCEPT',
    })
    await expect(
      reporting.batches.list({ from: new Date('2026-11-01'), to: new Date('2026-11-02') }),
    ).resolves.toEqual([])
    await expect(reporting.version()).resolves.toBe('3.00')
  })

  it('reads getBatchList and pages getBatchDetail', async () => {
    let detailCalls = 0
    server.use(
      http.post(URL_, async ({ request }) => {
        const xml = new URLSearchParams(await request.text()).get('XML') ?? ''
        if (xml.includes('<command>getBatchList</command>')) {
          return new HttpResponse(
            '<vspaccess><errorcode>0000</errorcode><batches><batch><batchid>77</batchid><authprocessorname>Elavon</authprocessorname><completed>02/11/2026 23:00:00</completed></batch></batches></vspaccess>',
          )
        }
        detailCalls += 1
        const rows = detailCalls === 1 ? 50 : 3
        const body = Array.from(
          { length: rows },
          (_, i) => `<transaction><vpstxid>T${detailCalls}-${i}</vpstxid></transaction>`,
        ).join('')
        expect(xml).toContain(`<startrow>${detailCalls === 1 ? 1 : 51}</startrow>`)
        return new HttpResponse(
          `<vspaccess><errorcode>0000</errorcode><transactions>${body}</transactions></vspaccess>`,
        )
      }),
    )
    await expect(
      reporting.batches.list({ from: new Date('2026-11-01'), to: new Date('2026-11-03') }),
    ).resolves.toEqual([
      { batchid: '77', authprocessorname: 'Elavon', completed: '02/11/2026 23:00:00' },
    ])
    let count = 0
    for await (const _row of reporting.batches.get({ batchId: '77', authProcessor: 'Elavon' }))
      count += 1
    expect(count).toBe(53)
  })

  it('retries 503s and honours Retry-After, then gives up with a server error', async () => {
    let calls = 0
    server.use(
      http.post(URL_, () => {
        calls += 1
        return new HttpResponse('', { status: 503, headers: { 'retry-after': '2' } })
      }),
    )
    waits.length = 0
    await expect(reporting.version()).rejects.toBeInstanceOf(OpayoServerError)
    expect(calls).toBe(4)
    expect(waits).toEqual([2000, 2000, 2000])
  })
})
