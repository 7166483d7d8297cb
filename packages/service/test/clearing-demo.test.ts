import { describe, expect, it } from 'vitest'
import { runClearingDemo } from '../src/demo/clearing-demo.js'

describe("the clearing demo's closing check", () => {
  it('fails when the acquirer pays the batch gross while the tool expects it net of fees', async () => {
    // An acquirer that deducts nothing: £670.48 arrives where £658.51 was expected net of fees.
    const result = await runClearingDemo({ log: () => {}, acquirerFee: () => 0, timeoutMs: 3_000 })
    expect(result.cleared).toBe(false)
    expect(result.deposited).toBe(67048)
    // No deposit of the expected amount: the batch waits, nothing leaves clearing, and it says so.
    expect(result.problems).toContainEqual(expect.stringContaining('No deposit of £658.51'))
    expect(result.clearingBalance).toBe(67048)
    expect(result.bankBalance).toBe(0)
    expect(result.problems).toContainEqual(
      'the bank nominal holds 0p but the acquirer paid in 67048p',
    )
  }, 30_000)
})
