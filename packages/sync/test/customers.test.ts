// Customers through the engine, against the pessimistic fake (its email search matches
// "contains", case-insensitive): a search hit for another address is never touched, several
// customers with the payer's email stop the event as needs_review with their codes, and a customer
// without an email is created once however its create's answer is lost.
import { definePostingRules } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { harness, payment } from './helpers.js'

const invoices = [{ number: 1042, gross: 10, customerCode: 'CUST01' }]
const upserting = definePostingRules({
  bankAccountId: 55166,
  paymentMethodId: 409844,
  upsertCustomers: true,
})
const person = (code: string, email: string) => ({
  Code: code,
  Name: code,
  Contacts: [{ IsPrimary: true, Firstname: code, Email: email }],
  Addresses: [{ Line1: `${code} Street`, PostCode: 'AB1 2CD', CountryCode: 'GB' }],
})
const jo = { firstName: 'Jo', lastName: 'Bloggs', email: 'jo@x.com' }
const customerWrites = (h: ReturnType<typeof harness>) =>
  h.fake.log.filter((r) => r.method !== 'GET' && r.path.startsWith('customers'))

describe('customer upserts by email (a "contains" search)', () => {
  it('a contains-match customer search for jo@x.com never touches bojo@x.com (default fake)', async () => {
    const bojo = person('BOJO', 'bojo@x.com')
    const h = harness({ seed: { invoices, customers: [bojo] }, engine: { rules: upserting } })
    const p = payment(1042, { customer: jo })
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(h.fake.customers.get('BOJO')).toEqual({ Id: expect.any(Number), ...bojo })
    const others = [...h.fake.customers.values()].filter((c) => c['Code'] !== 'BOJO')
    expect(others).toHaveLength(1)
    expect(others[0]).toMatchObject({ Contacts: [{ Email: 'jo@x.com' }] })
  })

  it('two customers with that exact email → needs_review with both codes, nothing written', async () => {
    const h = harness({
      seed: {
        invoices,
        customers: [person('JO01', 'jo@x.com'), person('JO02', 'JO@X.COM')],
      },
      engine: { rules: upserting },
    })
    const p = payment(1042, { customer: jo })
    await h.engine.ingest(p)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({ state: 'dead', reason: 'needs_review' })
    expect(dead?.detail).toMatchObject({ seen: { codes: ['JO01', 'JO02'] } })
    expect(customerWrites(h)).toEqual([])
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(0)
  })

  it('create-invoice: two customers with the email → needs_review with both codes, no invoice', async () => {
    const h = harness({
      seed: { customers: [person('JO01', 'jo@x.com'), person('JO02', 'jo@x.com')] },
      engine: {
        rules: definePostingRules({
          bankAccountId: 55166,
          paymentMethodId: 409844,
          unmatchedReference: { action: 'create-invoice', nominalCode: 4000, vatRate: 20 },
        }),
      },
    })
    const p = payment(0, {
      customer: jo,
      source: {
        system: 'opayo',
        protocol: 'server',
        transactionId: '5A0E0000-0000-4000-8000-0000000C0001',
        vendorTxCode: 'SHOP-ORDER-1',
        verified: true,
      },
    })
    await h.engine.ingest(p)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({ state: 'dead', reason: 'needs_review' })
    expect(dead?.detail).toMatchObject({ seen: { codes: ['JO01', 'JO02'] } })
    expect(h.fake.invoices.size).toBe(0)
    expect(customerWrites(h)).toEqual([])
  })

  it('matching: two customers with the email → needs_review with both codes, nothing posted', async () => {
    const h = harness({
      seed: {
        customers: [person('JO01', 'jo@x.com'), person('JO02', 'jo@x.com')],
        invoices: [{ number: 1042, gross: 10, customerCode: 'JO01' }],
      },
      engine: { matching: { autoPost: { minScore: 1, requireUnique: true } } },
    })
    const p = payment(0, {
      customer: jo,
      source: {
        system: 'opayo',
        protocol: 'server',
        transactionId: '5A0E0000-0000-4000-8000-0000000C0002',
        vendorTxCode: 'WEB-ORDER-77',
        verified: true,
      },
    })
    await h.engine.ingest(p)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({ state: 'dead', reason: 'needs_review' })
    expect(dead?.detail).toMatchObject({ seen: { codes: ['JO01', 'JO02'] } })
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBeUndefined()
  })
})

describe('a customer without an email', () => {
  const walkIn = { firstName: 'Walk', lastName: 'In' }

  it('a customer without email whose create response is lost (fake fault `commit-then-drop`) exists once after the engine retries', async () => {
    const h = harness({ seed: { invoices }, engine: { rules: upserting } })
    const p = payment(1042, { customer: walkIn })
    await h.engine.ingest(p)
    await h.engine.runOnce() // logs in
    h.fake.commitThenDropNextWrite()
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    const created = [...h.fake.customers.values()].filter((c) => c['Name'] === 'Walk In')
    expect(created).toHaveLength(1)
    expect(created[0]!['Code']).toMatch(/^OPAYO-[A-Z2-7]{14}$/)
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(1)
  })

  it('a crash after the create and before the outcome is read back by the code: one customer', async () => {
    let crash = true
    const h = harness({
      seed: { invoices },
      engine: {
        rules: upserting,
        leaseMs: 60_000,
        afterWrite: () => {
          if (!crash) return
          crash = false
          throw new Error('simulated crash after the write')
        },
      },
    })
    const p = payment(1042, { customer: walkIn })
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect([...h.fake.customers.values()].filter((c) => c['Name'] === 'Walk In')).toHaveLength(1)
    expect(h.fake.invoices.get(1042)!.PaymentLines).toHaveLength(1)
  })
})
