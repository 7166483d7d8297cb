import { describe, expect, it } from 'vitest'
import { matchDeposit, money } from '../src/index.js'
import type { DepositLine, ExpectedDeposit } from '../src/index.js'

const gbp = (amount: number) => money(amount, 'GBP')
const expected: ExpectedDeposit = {
  batchId: '1234',
  amount: gbp(14334),
  tolerance: 0,
  from: '2026-11-02',
  to: '2026-11-07',
}
const line = (id: string, date: string, amount: number, description?: string): DepositLine => ({
  id,
  date,
  amount: gbp(amount),
  ...(description === undefined ? {} : { description }),
})

describe('matchDeposit', () => {
  it('matches the one line of the expected amount in the window, whatever its text says', () => {
    const found = matchDeposit(expected, [
      line('1', '2026-11-01', 14334, 'before the batch closed'),
      line('2', '2026-11-04', 14334, 'ELAVON MERCHANT SVCS'),
      line('3', '2026-11-04', 14335),
      line('4', '2026-11-08', 14334, 'OPAYO BATCH 1234'),
    ])
    expect(found).toMatchObject({ kind: 'matched', line: { id: '2' } })
    expect(found.kind === 'matched' && found.reason).toContain('the expected amount')
  })

  it('lists every candidate with its reason when several fit, and picks none', () => {
    const found = matchDeposit({ ...expected, tolerance: 5 }, [
      line('2', '2026-11-03', 14334),
      line('3', '2026-11-05', 14331),
    ])
    expect(found.kind).toBe('ambiguous')
    expect(found.kind === 'ambiguous' && found.candidates.map((c) => c.reason)).toEqual([
      '£143.34 on 2026-11-03, the expected amount, within 2026-11-02..2026-11-07',
      '£143.31 on 2026-11-05, -£0.03 from the expected £143.34, within 2026-11-02..2026-11-07',
    ])
  })

  it('finds none in another currency or outside the window, and says what it looked for', () => {
    const found = matchDeposit(expected, [
      { id: '5', date: '2026-11-04', amount: money(14334, 'EUR') },
      line('6', '2026-11-09', 14334),
    ])
    expect(found).toEqual({
      kind: 'none',
      message: 'No deposit of £143.34 between 2026-11-02 and 2026-11-07 for batch 1234.',
    })
  })
})
