import { describe, expect, it } from 'vitest'
import { planCharges, renderCharges } from '../src/charges.js'

describe('the monthly charges in the playground', () => {
  it('plans one bank line per statement line, exempt MSC from clearing, 20% gateway from the bank', () => {
    const lines = planCharges()
    expect(lines.map((l) => [l.marker, l.from, l.amount.amount, l.vat?.amount.amount])).toEqual([
      ['OPAYO-CHARGE:ELV-2026-10:1', 'clearing', 375, undefined],
      ['OPAYO-CHARGE:ELV-2026-10:2', 'clearing', 125, undefined],
      ['OPAYO-CHARGE:OPY-2026-10:1', 'bank', 2400, 400],
    ])
    expect(renderCharges(lines)).toContain('VAT 20% £4.00')
  })
})
