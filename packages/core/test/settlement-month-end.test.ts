// `monthEnd`: a batch of October whose deposit reaches the bank in November.
import { describe, expect, it } from 'vitest'
import {
  InvalidArgumentError,
  defineFeeRules,
  defineSettlementAccounts,
  money,
  planSettlement,
} from '../src/index.js'
import type {
  PlanSettlementOptions,
  SettlementBatchInput,
  SettlementPostPlan,
} from '../src/index.js'

// The VPSTxId of thephpleague/omnipay-sagepay tests/Message/ServerNotifyRequestTest.php.
const TX1 = '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}'
const gbp = (units: number) => money(units, 'GBP')

const accounts = defineSettlementAccounts({
  homeCurrency: 'GBP',
  clearing: { bankAccountId: 7, nominalCode: 1210 },
  bank: { bankAccountId: 1, nominalCode: 1200 },
  feesNominalCode: 7901,
  fxNominalCode: 7906,
})
const fees = {
  source: 'rules',
  rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }),
} as const

/**
 * £100.00 paid on a EUR invoice (posted as €116.50 at KashFlow's older 1.15: £101.30 booked), so
 * the batch has a fee (£1.70) and an exchange difference (£1.30); Opayo closes it on 31 October.
 */
function octoberBatch(receivedOn: string): SettlementBatchInput {
  return {
    batchId: '3110',
    date: '2026-10-31',
    currency: 'GBP',
    gross: gbp(10000),
    received: gbp(9830),
    receivedOn,
    transactions: [
      {
        transactionId: TX1,
        kind: 'payment',
        amount: gbp(10000),
        scheme: 'visa',
        posted: {
          amount: money(11650, 'EUR'),
          rate: { from: 'GBP', to: 'EUR', value: '1.15', source: 'kashflow', at: '2026-10-01' },
        },
      },
    ],
  }
}

function datesOf(receivedOn: string, options: Partial<PlanSettlementOptions> = {}) {
  const plan = planSettlement(octoberBatch(receivedOn), { accounts, fees, ...options })
  expect(plan.kind).toBe('post')
  const { transfer, feeJournal, fxJournal } = plan as SettlementPostPlan
  expect([transfer, feeJournal, fxJournal].every((entry) => entry !== undefined)).toBe(true)
  return { transfer: transfer?.date, fees: feeJournal?.date, fx: fxJournal?.date }
}

describe('planSettlement: monthEnd', () => {
  it("dates every entry on the deposit's day by default, even in the next month", () => {
    expect(datesOf('2026-11-03')).toEqual({
      transfer: '2026-11-03',
      fees: '2026-11-03',
      fx: '2026-11-03',
    })
  })

  it("with 'split', keeps October's fees in October; the transfer and the realised difference stay on the deposit's day", () => {
    expect(datesOf('2026-11-03', { monthEnd: 'split' })).toEqual({
      transfer: '2026-11-03',
      fees: '2026-10-31',
      fx: '2026-11-03',
    })
    // Across a year end too.
    const december = { ...octoberBatch('2027-01-04'), date: '2026-12-31' }
    const plan = planSettlement(december, { accounts, fees, monthEnd: 'split' })
    expect(plan.kind === 'post' && plan.feeJournal?.date).toBe('2026-12-31')
  })

  it("with 'split', changes nothing when the deposit arrives in the batch's month", () => {
    const inMonth = { ...octoberBatch('2026-10-31'), date: '2026-10-28' }
    const plan = planSettlement(inMonth, { accounts, fees, monthEnd: 'split' })
    expect(plan.kind === 'post' && plan.feeJournal?.date).toBe('2026-10-31')
  })

  it('refuses an unknown monthEnd as a programming error', () => {
    const options = { accounts, fees, monthEnd: 'month' } as unknown as PlanSettlementOptions
    expect(() => planSettlement(octoberBatch('2026-11-03'), options)).toThrow(InvalidArgumentError)
    expect(() => planSettlement(octoberBatch('2026-11-03'), options)).toThrow(
      /monthEnd must be "deposit-date" or "split", got "month"/,
    )
  })
})
