import { describe, expect, it } from 'vitest'
import { parseRegistrations } from '../src/cli/registrations-command.js'

describe('parseRegistrations', () => {
  it('takes a Form transaction without a SecurityKey (stored empty, so it never verifies a notification)', () => {
    const parsed = parseRegistrations({ 'INV-1042-F1': { amount: 12000, currency: 'GBP' } }, 0)
    expect(parsed).toMatchObject({
      ok: true,
      records: [{ vendorTxCode: 'INV-1042-F1', securityKey: '', txType: 'PAYMENT' }],
    })
  })

  it('names the row and field of a bad amount', () => {
    expect(
      parseRegistrations([{ vendorTxCode: 'A', amount: 1.5, currency: 'GBP' }], 0),
    ).toMatchObject({
      ok: false,
      issues: [{ row: 0, field: 'amount' }],
    })
  })
})
