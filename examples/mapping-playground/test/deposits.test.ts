import { describe, expect, it } from 'vitest'
import { findDeposits, renderDeposits } from '../src/deposits.js'

describe('the deposits in the playground', () => {
  it("finds batch 1235's deposit, and lists two candidates for 1234 (a customer paid the same amount)", () => {
    const results = findDeposits()
    const [first, second] = results
    expect(first?.found.kind).toBe('ambiguous')
    expect(second?.found).toMatchObject({ kind: 'matched', line: { date: '2026-11-06' } })
    expect(renderDeposits(results)).toContain('batch 1234: waits for a person, 2 lines fit')
  })
})
