// refunds: 'credit-note': a refund becomes a credit note for the invoice's customer, paid by the
// refund money out of the bank (or clearing) account; the invoice stays paid. Exactly once: each
// of the two writes has its own ledger entry, and a failure between them resumes at the payment.
import { definePostingRules, postingMarker } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import type { FakeKashflowSeed } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { DEBTORS_NOMINAL, VAT_NOMINAL, trialBalance } from '../../../test/support/trial-balance.js'
import { CREDIT_NOTE_CREATE_KIND } from '../src/engine/credit-note.js'
import { netOfGross } from '../src/engine/credit-note-lines.js'
import { harness, payment } from './helpers.js'

const CLEARING = { Id: 77001, AccountName: 'Opayo clearing', Code: 1210 }
const BANK = { Id: 55166, AccountName: 'Current Account', Code: 1200 }
const MUG = {
  description: 'Mug',
  quantity: 2,
  rate: 40,
  vatAmount: 16,
  vatLevel: 20,
  nominalCode: 4000,
}
const BOOK = {
  description: 'Book',
  quantity: 1,
  rate: 24,
  vatAmount: 0,
  vatLevel: 0,
  nominalCode: 4010,
}

const seed = (lines = [MUG], extra: Partial<FakeKashflowSeed> = {}): FakeKashflowSeed => ({
  customers: [{ Code: 'CUST01', Name: 'Jo Bloggs' }],
  bankAccounts: [BANK, CLEARING],
  nominals: [
    { Code: 1200, Name: 'Current Account' },
    { Code: 1210, Name: 'Opayo clearing' },
    { Code: 4000, Name: 'Sales' },
    { Code: 4010, Name: 'Book sales' },
  ],
  invoices: [
    {
      number: 1042,
      customerCode: 'CUST01',
      gross: lines.reduce((sum, l) => sum + l.quantity * l.rate + l.vatAmount, 0),
      lines,
    },
  ],
  // The refund money out is a negative bulk amount on the credit note (UNCONFIRMED; refused by
  // the fake's pessimistic default, which the resume test uses).
  unconfirmed: { negativeBulkAmounts: 'accepted' },
  ...extra,
})

const creditRules = (mode: 'direct' | 'clearing' = 'direct') =>
  definePostingRules({
    bankAccountId: BANK.Id,
    paymentMethodId: 409844,
    refunds: 'credit-note',
    ...(mode === 'clearing' ? { mode, clearingBankAccountId: CLEARING.Id } : {}),
  })

const paidAndRefunded = (paid: number, refunded: number) => {
  const p = payment(1042, { amount: { amount: paid, currency: 'GBP' } })
  const r = payment(1042, {
    kind: 'refund',
    amount: { amount: refunded, currency: 'GBP' },
    occurredAt: '2026-11-03T09:00:00Z',
  })
  return { p, r }
}

const creditNotes = (h: ReturnType<typeof harness>, refund: CanonicalPayment) =>
  [...h.fake.invoices.values()].filter(
    (i) => i.CustomerReference === postingMarker(refund.source.transactionId, 'creditnote'),
  )

describe("refunds: 'credit-note'", () => {
  it('refunds in full with a credit note negating each line, paid from the bank: both end paid', async () => {
    const h = harness({ seed: seed([MUG, BOOK]), engine: { rules: creditRules() } })
    const { p, r } = paidAndRefunded(12000, 12000)
    await h.engine.ingest(p)
    await h.settle()
    await h.engine.ingest(r)
    await h.settle()
    expect(await h.store.get(r.id)).toMatchObject({ state: 'posted' })

    const invoice = await h.kashflow.invoices.get(1042)
    expect(invoice).toMatchObject({ Status: 'Paid', TotalPaidAmount: 120 })
    expect(invoice.PaymentLines).toHaveLength(1) // nothing was taken off the invoice

    const [note, ...others] = creditNotes(h, r)
    expect(others).toEqual([])
    expect(note).toMatchObject({ CustomerCode: 'CUST01', GrossAmount: -120 })
    expect(note?.LineItems).toEqual([
      expect.objectContaining({
        Quantity: 2,
        Rate: -40,
        VATAmount: -16,
        VATLevel: 20,
        NominalCode: 4000,
      }),
      expect.objectContaining({
        Quantity: 1,
        Rate: -24,
        VATAmount: 0,
        VATLevel: 0,
        NominalCode: 4010,
      }),
    ])
    const shown = await h.kashflow.invoices.get(note!.Number)
    expect(shown).toMatchObject({ Status: 'Paid', TotalPaidAmount: -120 })
    expect(shown.PaymentLines).toEqual([
      expect.objectContaining({ Amount: -120, AccountId: BANK.Id, Method: 409844 }),
    ])
    expect(h.fake.requestCounts()['POST /invoices']).toBe(1)
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBe(2)
    const ledger = await h.store.ledger(r.id)
    expect(ledger.map((l) => [l.kind, l.state])).toEqual([
      [CREDIT_NOTE_CREATE_KIND, 'done'],
      ['invoice-refund', 'done'],
    ])

    // The trial balance from what KashFlow received: the sale and its refund cancel out.
    const balances = trialBalance(h.fake)
    expect(balances.get(1200)).toBe(0)
    expect(balances.get(DEBTORS_NOMINAL)).toBe(0)
    expect(balances.get(4000)).toBe(0)
    expect(balances.get(4010)).toBe(0)
    expect(balances.get(VAT_NOMINAL)).toBe(0)
  })

  it('part-refunds with one line at the invoice VAT rate, from the clearing account', async () => {
    const h = harness({ seed: seed(), engine: { rules: creditRules('clearing') } })
    const { p, r } = paidAndRefunded(9600, 2500)
    await h.engine.ingest(p)
    await h.engine.ingest(r)
    await h.settle()
    expect(await h.store.get(r.id)).toMatchObject({ state: 'posted' })
    const [note] = creditNotes(h, r)
    // £25.00 at 20%: net 2500 / 1.2 = 2083.33 -> £20.83, VAT £4.17.
    expect(note?.LineItems).toEqual([
      expect.objectContaining({
        Quantity: 1,
        Rate: -20.83,
        VATAmount: -4.17,
        VATLevel: 20,
        NominalCode: 4000,
      }),
    ])
    expect(await h.kashflow.invoices.get(note!.Number)).toMatchObject({
      Status: 'Paid',
      PaymentLines: [expect.objectContaining({ Amount: -25, AccountId: CLEARING.Id })],
    })
    expect(await h.kashflow.invoices.get(1042)).toMatchObject({ Status: 'Paid' })
    const balances = trialBalance(h.fake)
    expect(balances.get(1210)).toBe(9600 - 2500) // clearing falls by the refund
    expect(balances.get(1200)).toBeUndefined()
    expect(balances.get(4000)).toBe(-8000 + 2083)
    expect(balances.get(VAT_NOMINAL)).toBe(-1600 + 417)
    expect(balances.get(DEBTORS_NOMINAL)).toBe(0)
  })

  it('rounds the part-refund net half up to the penny', () => {
    expect(netOfGross(2500, 20)).toBe(2083) // 2083.33
    expect(netOfGross(3, 20)).toBe(3) // 2.5 -> 3
    expect(netOfGross(1175, 17.5)).toBe(1000)
    expect(netOfGross(500, 0)).toBe(500)
  })

  it('dead-letters a part refund of a mixed-VAT invoice as credit_note_vat_unclear, writing nothing', async () => {
    const h = harness({ seed: seed([MUG, BOOK]), engine: { rules: creditRules() } })
    const { p, r } = paidAndRefunded(12000, 2400)
    await h.engine.ingest(p)
    await h.settle()
    await h.engine.ingest(r)
    await h.settle()
    expect(await h.store.get(r.id)).toMatchObject({
      state: 'dead',
      reason: 'credit_note_vat_unclear',
      detail: {
        issues: [expect.objectContaining({ message: expect.stringMatching(/VAT rates 20%, 0%/) })],
        creditNote: { invoiceNumber: 1042, amount: { amount: 2400, currency: 'GBP' } },
      },
    })
    expect(h.fake.requestCounts()['POST /invoices']).toBeUndefined()
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBe(1) // the payment only
    expect(await h.store.ledger(r.id)).toEqual([])
  })

  it('a crash after the credit note is created resumes at the payment: one credit note, paid once', async () => {
    let crashAt: string | undefined
    const h = harness({
      seed: seed(),
      engine: {
        rules: creditRules(),
        afterWrite: (_id, marker) => {
          if (marker === crashAt) {
            crashAt = undefined
            throw new Error('the process died after KashFlow created the credit note')
          }
        },
      },
    })
    const { p, r } = paidAndRefunded(9600, 9600)
    crashAt = postingMarker(r.source.transactionId, 'creditnote')
    await h.engine.ingest(p)
    await h.engine.ingest(r)
    await h.settle()
    expect(crashAt).toBeUndefined() // the crash happened
    expect(await h.store.get(r.id)).toMatchObject({ state: 'posted' })
    expect(creditNotes(h, r)).toHaveLength(1)
    expect(h.fake.requestCounts()['POST /invoices']).toBe(1)
    expect(creditNotes(h, r)[0]?.PaymentLines).toHaveLength(1)
  })

  it('a refused payment leaves the credit note; replayed, it pays that one and creates no other', async () => {
    // KashFlow refuses the credit note's payment once (400), then accepts it.
    const h = harness({
      seed: seed(),
      engine: { rules: creditRules() },
      wrapFetch: onFirstRefundPayment(() =>
        Response.json(
          { Error: 'ValidationError', Message: 'Amount must be greater than zero' },
          { status: 400 },
        ),
      ),
    })
    const { p, r } = paidAndRefunded(9600, 9600)
    await h.engine.ingest(p)
    await h.engine.ingest(r)
    await h.settle()
    expect(await h.store.get(r.id)).toMatchObject({ state: 'dead' })
    expect(creditNotes(h, r)).toHaveLength(1)
    expect(creditNotes(h, r)[0]?.PaymentLines).toEqual([])
    expect((await h.store.ledger(r.id)).map((l) => [l.kind, l.state])).toEqual([
      [CREDIT_NOTE_CREATE_KIND, 'done'],
      ['invoice-refund', 'refused'],
    ])

    expect(await h.engine.deadLetters.replay([r.id])).toMatchObject({ replayed: [r.id] })
    await h.settle()
    expect(await h.store.get(r.id)).toMatchObject({ state: 'posted' })
    expect(creditNotes(h, r)).toHaveLength(1)
    expect(h.fake.requestCounts()['POST /invoices']).toBe(1)
    expect(await h.kashflow.invoices.get(creditNotes(h, r)[0]!.Number)).toMatchObject({
      Status: 'Paid',
      PaymentLines: [expect.objectContaining({ Amount: -96 })],
    })
  })

  it('a lost answer on the payment is read back, and a retried event posts nothing twice', async () => {
    // KashFlow commits the credit note's payment and the connection drops before the answer.
    const h = harness({
      seed: seed(),
      engine: { rules: creditRules() },
      wrapFetch: onFirstRefundPayment(async (request, fetch) => {
        await fetch(request)
        throw new TypeError('fetch failed: socket hang up')
      }),
    })
    const { p, r } = paidAndRefunded(9600, 9600)
    await h.engine.ingest(p)
    await h.engine.ingest(r)
    await h.settle()
    expect(await h.store.get(r.id)).toMatchObject({ state: 'posted' })
    expect(creditNotes(h, r)).toHaveLength(1)
    expect(creditNotes(h, r)[0]?.PaymentLines).toHaveLength(1)
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBe(2) // payment + refund

    // The same refund again: a duplicate; a replay of the posted event does nothing.
    expect(await h.engine.ingest(r)).toMatchObject({ outcome: 'duplicate' })
    expect(await h.engine.deadLetters.replay([r.id])).toEqual({ replayed: [], dryRun: false })
    await h.settle()
    expect(h.fake.requestCounts()['POST /invoices']).toBe(1)
    expect(h.fake.requestCounts()['POST /invoices/bulk/payments']).toBe(2)
    expect(trialBalance(h.fake).get(1200)).toBe(0)
  })
})

/** A fetch wrapper that hands the first negative bulk payment (a refund) to `act` instead. */
function onFirstRefundPayment(
  act: (request: Request, fetch: typeof globalThis.fetch) => Response | Promise<Response>,
) {
  return (fetch: typeof globalThis.fetch): typeof globalThis.fetch => {
    let done = false
    return async (input, init) => {
      const request = new Request(input, init)
      if (!done && request.method === 'POST' && request.url.endsWith('/invoices/bulk/payments')) {
        const body = (await request.clone().json()) as { PaymentItems?: { Amount?: number }[] }
        if ((body.PaymentItems?.[0]?.Amount ?? 0) < 0) {
          done = true
          return act(request, fetch)
        }
      }
      return fetch(request)
    }
  }
}
