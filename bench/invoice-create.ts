// `KashFlow invoice create, exactly once`: what an exactly-once invoice create costs in KashFlow
// requests, and how fast the client drives it against the in-process fake. Each create is the
// pattern docs/kashflow-client.md shows: `findByCustomerReference` first (the customer's invoice
// list, every page), then `invoices.create`, which on KashFlow's documented "200 with an empty
// object" answer reads the invoice back by its reference (list pages again, then the detail).
//
// Figures:
//  - requests per exactly-once create for a customer holding N invoices, against the fake's
//    pessimistic default (200 `{}`) and with `invoiceCreateReturnsBody: true` (201 + detail);
//    baseline: a bare POST (1 request). Request counts are exact (the fake counts them).
//  - creates per second in process (fake.fetch, no network, no rate budget wait: the client's
//    budget is set far above the load), baseline: invoice detail reads per second.
//
// Run alone: node --conditions=@opayo-kashflow/source --import tsx bench/invoice-create.ts
// BENCH_INVOICE_CREATES (default 300) sets how many creates the throughput figure times.
import { pathToFileURL } from 'node:url'
import { money } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import type { InvoiceCreateInput, KashflowClient } from '@opayo-kashflow/kashflow'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import { runSections } from './lib/figure.js'
import type { BenchSection, Figure } from './lib/figure.js'

const CREATES = Number(process.env['BENCH_INVOICE_CREATES'] ?? 300)

function client(fake: FakeKashflow): KashflowClient {
  return createKashflowClient({
    username: 'accounts@example.co.uk',
    password: 's3cret',
    memorableWord: 'pineapple',
    fetch: fake.fetch,
    homeCurrency: 'GBP',
    rateBudget: { limit: 1_000_000, windowMs: 1000 },
  })
}

function inputFor(n: number): InvoiceCreateInput {
  return {
    customerCode: 'SMITH01',
    reference: `OPAYO-INV:${n.toString(16).padStart(8, '0')}`,
    currency: 'GBP',
    issuedDate: '2026-11-02',
    lines: [
      {
        description: `Order ${n}`,
        quantity: 1,
        rate: money(10000, 'GBP'),
        vatAmount: money(2000, 'GBP'),
        nominalCode: 4000,
      },
    ],
  }
}

async function createOnce(kashflow: KashflowClient, input: InvoiceCreateInput): Promise<number> {
  const existing = await kashflow.invoices.findByCustomerReference(
    input.customerCode,
    input.reference,
  )
  if (existing) return existing.Number
  return (await kashflow.invoices.create(input)).Number
}

function fakeWith(invoices: number, returnsBody: boolean): FakeKashflow {
  return new FakeKashflow({
    customers: [{ Code: 'SMITH01', Name: 'Jo Smith' }],
    invoices: Array.from({ length: invoices }, (_, i) => ({
      number: 1000 + i,
      gross: 120,
      customerCode: 'SMITH01',
      reference: `PO ${i}`,
    })),
    unconfirmed: { invoiceCreateReturnsBody: returnsBody },
  })
}

/** Requests (login aside) one exactly-once create costs for a customer holding `invoices`. */
async function requestsPerCreate(invoices: number, returnsBody: boolean): Promise<number> {
  const fake = fakeWith(invoices, returnsBody)
  const kashflow = client(fake)
  await kashflow.invoices.get(1000 + Math.max(0, invoices - 1)).catch(() => undefined) // log in
  fake.resetRequestCounts()
  await createOnce(kashflow, inputFor(1))
  return fake.log.filter((r) => r.path !== 'sessiontoken').length
}

export const section: BenchSection = {
  title: 'KashFlow invoice create, exactly once',
  async run(): Promise<readonly Figure[]> {
    const figures: Figure[] = []
    const bare = { name: 'bare POST /invoices', value: 1, unit: 'requests' }
    for (const invoices of [0, 99, 250]) {
      for (const returnsBody of [false, true]) {
        const requests = await requestsPerCreate(invoices, returnsBody)
        const pages = Math.max(1, Math.ceil(invoices / 100))
        // Pre-check pages + POST, plus (on 200 {}) the read-back: pages again (one more row) and the detail.
        const expected =
          pages + 1 + (returnsBody ? 0 : Math.max(1, Math.ceil((invoices + 1) / 100)) + 1)
        figures.push({
          name: `requests per create, customer with ${invoices} invoices, ${returnsBody ? '201 + detail' : '200 {} (default)'}`,
          value: requests,
          unit: 'requests',
          baseline: bare,
          ratio: requests / bare.value,
          goal: `= ${expected} (list pages of 100 + POST${returnsBody ? '' : ' + read-back pages + detail'})`,
          met: requests === expected,
        })
      }
    }

    const fake = fakeWith(20, false)
    const kashflow = client(fake)
    await kashflow.invoices.get(1000)
    let started = performance.now()
    for (let i = 0; i < CREATES; i += 1) await kashflow.invoices.get(1000 + (i % 20))
    const reads = (CREATES / (performance.now() - started)) * 1000
    started = performance.now()
    for (let i = 0; i < CREATES; i += 1) await createOnce(kashflow, inputFor(10_000 + i))
    const creates = (CREATES / (performance.now() - started)) * 1000
    figures.push({
      name: `exactly-once creates in process (${CREATES}, one customer, 200 {} answers)`,
      value: creates,
      unit: 'creates/s',
      baseline: { name: 'GET /invoices/{n} in process', value: reads, unit: 'reads/s' },
      ratio: creates / reads,
      goal: 'report only (the customer list grows with every create, so later creates read more pages)',
      met: true,
      note: 'In process against fake.fetch: measures the client and the fake, not KashFlow; on a real account the request counts above and its latency decide.',
    })
    return figures
  },
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSections([section])
