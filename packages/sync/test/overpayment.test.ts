// The amount ceiling (rules.overpayments): never more than the invoice still owes; issue 19.
import { definePostingRules } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { harness, payment } from './helpers.js'

const invoices = [{ number: 1042, gross: 10 }]
const marker = (p: { id: string }) => p.id.replace(/^opayo:/, 'OPAYO:')

describe('the amount ceiling', () => {
  it('dead-letters a payment above what the invoice owes as overpayment, writing nothing', async () => {
    const h = harness({ seed: { invoices } })
    const p = payment(1042, { amount: { amount: 1001, currency: 'GBP' } })
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'dead', reason: 'overpayment' })
    expect(h.linesWith(marker(p))).toHaveLength(0)
    expect(await h.store.ledger(p.id)).toEqual([])
  })

  it('posts exactly what is owed', async () => {
    const h = harness({ seed: { invoices } })
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
  })

  it('does not refuse a retry whose write was begun: the invoice may already show it (read-back decides)', async () => {
    let crash = true
    const h = harness({
      seed: { invoices },
      engine: {
        leaseMs: 60_000,
        afterWrite: () => {
          if (crash) {
            crash = false
            throw new Error('simulated crash after the write')
          }
        },
      },
    })
    const p = payment(1042)
    await h.engine.ingest(p)
    await h.engine.runOnce()
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(h.linesWith(marker(p))).toHaveLength(1)
  })

  it('does not cap refunds: a refund on an invoice that owes nothing is posted', async () => {
    const h = harness({ seed: { invoices, unconfirmed: { negativeBulkAmounts: 'accepted' } } })
    const paid = payment(1042)
    await h.engine.ingest(paid)
    await h.settle()
    const refund = payment(1042, { kind: 'refund', amount: { amount: 2000, currency: 'GBP' } })
    await h.engine.ingest(refund)
    await h.settle()
    expect(await h.store.get(refund.id)).toMatchObject({ state: 'posted' })
    expect(h.linesWith(marker(refund))).toMatchObject([{ Amount: -20 }])
  })

  it("posts above what is owed when the rules say 'post'", async () => {
    const h = harness({
      seed: { invoices },
      engine: {
        rules: definePostingRules({
          bankAccountId: 55166,
          paymentMethodId: 409844,
          overpayments: 'post',
        }),
      },
    })
    const p = payment(1042, { amount: { amount: 5000, currency: 'GBP' } })
    await h.engine.ingest(p)
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
  })
})
