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
})
