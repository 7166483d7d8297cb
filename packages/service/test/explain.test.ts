// A dead letter's explanation is words a person can act on, not a schema dump.
import { parseCanonicalPayment } from '@opayo-kashflow/core'
import type { EventRecord } from '@opayo-kashflow/sync'
import { describe, expect, it } from 'vitest'
import { explain } from '../src/service/explain.js'
import { payment } from './helpers.js'

const dead = (over: Partial<EventRecord>): EventRecord => ({
  id: 'opayo:A:payment',
  payment: {},
  fingerprint: 'f',
  state: 'dead',
  attempts: 0,
  nextAttemptAt: 0,
  partition: undefined,
  lastError: undefined,
  reason: undefined,
  detail: undefined,
  createdAt: 0,
  updatedAt: 0,
  claimedBy: undefined,
  leaseUntil: undefined,
  ...over,
})

describe('explain', () => {
  it('names each bad field of an invalid payment in words, without zod categories', () => {
    const { amount: _amount, ...rest } = payment(1042)
    const broken = { ...rest, source: { ...rest.source, vendorTxCode: 42 } }
    const parsed = parseCanonicalPayment(broken)
    expect(parsed.ok).toBe(false)
    const text = explain(
      dead({ reason: 'invalid_payment', detail: { issues: parsed.ok ? [] : parsed.issues } }),
    )
    expect(text).toMatch(/^The payment as stored is not valid, so nothing was posted: /)
    expect(text).toContain('amount is missing')
    expect(text).toContain('source.vendorTxCode is not valid (expected string, received number)')
    expect(text).not.toMatch(/Invalid input/)
    expect(text).not.toMatch(/\.\.$/)
  })

  it('explains a missing invoice, an unconfirmed hint, and otherwise the last error', () => {
    expect(
      explain(
        dead({
          reason: 'invoice_not_found',
          detail: { invoiceNumber: 7777, reference: 'INV-7777-1' },
        }),
      ),
    ).toBe('Invoice 7777 (from "INV-7777-1") never appeared in KashFlow.')
    expect(
      explain(
        dead({ reason: 'unconfirmed', detail: { reason: 'Opayo has no such transaction.' } }),
      ),
    ).toBe('Opayo did not confirm this claim: Opayo has no such transaction. Nothing was posted.')
    expect(
      explain(dead({ lastError: { name: 'KashflowApiError', message: 'Invoice is locked' } })),
    ).toBe('Invoice is locked')
  })
})
