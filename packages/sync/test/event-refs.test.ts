// The engine's events (and so its log lines) name the payment's VendorTxCode and, once it is read
// or matched, the invoice; a retry's log line says when it happens next and the error's class.
import { describe, expect, it } from 'vitest'
import type { SyncEvent } from '../src/index.js'
import { harness, payment } from './helpers.js'

const invoices = [{ number: 1042, gross: 120 }]

describe('event references', () => {
  it("a posted payment's events carry its VendorTxCode, and the invoice once it is read", async () => {
    const { engine, events } = harness({ seed: { invoices } })
    const p = payment(1042)
    await engine.ingest(p)
    await engine.drain()
    const mine = events.filter((e) => 'id' in e && e.id === p.id)
    expect(mine.map((e) => e.type)).toEqual(['received', 'planned', 'posted'])
    expect(mine[0]).toEqual({ type: 'received', id: p.id, vendorTxCode: p.source.vendorTxCode })
    for (const event of mine.slice(1))
      expect(event).toMatchObject({ vendorTxCode: p.source.vendorTxCode, invoice: '1042' })
  })

  it('a dead-lettered payment carries the reason and its VendorTxCode', async () => {
    const { engine, events, settle } = harness({
      seed: { invoices },
      engine: { retry: { notFoundDelaysMs: [] } },
    })
    const p = payment(7777)
    await engine.ingest(p)
    await settle()
    expect(events.filter((e) => e.type === 'dead-lettered')).toEqual([
      {
        type: 'dead-lettered',
        id: p.id,
        reason: 'invoice_not_found',
        vendorTxCode: p.source.vendorTxCode,
      },
    ])
  })

  it("a retry's log line says when it happens next (ISO 8601), the error's class and the VendorTxCode", async () => {
    const lines: { message: string; fields: Record<string, unknown> | undefined }[] = []
    const { engine, events, clock } = harness({
      seed: { invoices },
      engine: { logger: { info: (message, fields) => lines.push({ message, fields }) } },
    })
    const p = payment(7777)
    await engine.ingest(p)
    await engine.drain()
    const retry = events.find(
      (e): e is Extract<SyncEvent, { type: 'retry-scheduled' }> => e.type === 'retry-scheduled',
    )
    expect(retry).toMatchObject({
      id: p.id,
      vendorTxCode: p.source.vendorTxCode,
      cause: 'deferred',
    })
    expect(retry!.at).toBeGreaterThan(clock.now())
    const line = lines.find((l) => l.message === 'sync retry-scheduled')
    expect(line?.fields).toMatchObject({
      id: p.id,
      vendorTxCode: p.source.vendorTxCode,
      nextAttemptAt: new Date(retry!.at).toISOString(),
      error: { name: 'InvoiceNotFoundYet', message: expect.stringContaining('7777') },
    })
    // Not matched to an invoice: no invoice is named.
    expect(line?.fields).not.toHaveProperty('invoice')
  })
})
