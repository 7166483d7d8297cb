import { money } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { statusPage } from '../src/service/status-page.js'
import { payment } from './helpers.js'

describe('the status page', () => {
  it("shows every amount in its currency's minor units (JPY 0, BHD 3)", () => {
    const event = (amount: ReturnType<typeof money>) =>
      ({
        id: `opayo:X:${amount.currency}`,
        payment: { ...payment(1042), amount },
        state: 'posted',
        updatedAt: 0,
      }) as never
    const html = statusPage({
      status: {
        counts: {
          received: 0,
          planned: 0,
          posting: 0,
          posted: 2,
          waiting: 0,
          skipped: 0,
          dead: 0,
          discarded: 0,
        },
        oldestPendingAgeMs: undefined,
        conflicts: 0,
        paused: undefined,
        lastErrors: [],
      },
      dead: [],
      recent: [event(money(500, 'JPY')), event(money(1234, 'BHD'))],
    })
    expect(html).toContain('¥500')
    expect(html).toContain('1.234 BHD')
  })

  it('offers the resolve form for every reason a person can resolve by naming the invoice, overpayment included', () => {
    const dead = (reason: string) =>
      ({
        id: `opayo:X:${reason}`,
        payment: payment(1042),
        state: 'dead',
        reason,
        attempts: 1,
        updatedAt: 0,
      }) as never
    const html = (reason: string) =>
      statusPage({
        status: {
          counts: {
            received: 0,
            planned: 0,
            posting: 0,
            posted: 0,
            waiting: 0,
            skipped: 0,
            dead: 1,
            discarded: 0,
          },
          oldestPendingAgeMs: undefined,
          conflicts: 0,
          paused: undefined,
          lastErrors: [],
        },
        dead: [dead(reason)],
        recent: [],
        resolveAction: '/admin/resolve',
        resolveToken: 'page-token',
      })
    for (const reason of ['unmatched_reference', 'invoice_not_found', 'overpayment'])
      expect(html(reason), reason).toContain('action="/admin/resolve"')
    expect(html('kashflow_rejected')).not.toContain('action="/admin/resolve"')
  })
})
