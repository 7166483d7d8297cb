import { describe, expect, it } from 'vitest'
import {
  ChargeStatementSchema,
  SettlementConfigError,
  defineChargeRules,
  money,
  planChargeTrueUp,
  planMonthlyCharges,
} from '../src/index.js'

// The acquirer's merchant service charge was deducted from each deposit and booked per batch by
// fee rules (an estimate); its monthly statement is the figure to true the estimates up to.
const rules = defineChargeRules({
  msc: { nominalCode: 7901, vat: 'exempt', from: 'true-up' },
  authorisation: { nominalCode: 7901, vat: 'exempt', from: 'true-up' },
  gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
})

const line = (lineNo: number, feeType: string, net: number, period?: string, vat = 0) => ({
  lineNo,
  date: '2026-11-02',
  ...(period ? { period } : {}),
  feeType,
  net: { amount: net, currency: 'GBP' },
  vat: { amount: vat, currency: 'GBP' },
})
const statement = (lines: ReturnType<typeof line>[]) =>
  ChargeStatementSchema.parse({ statementId: 'ELV-2026-10', currency: 'GBP', lines })

describe('the true-up of per-batch fee estimates', () => {
  it('sums the true-up lines of one month apart from the bank lines', () => {
    const plan = planMonthlyCharges(
      statement([
        line(1, 'msc', 1375, '2026-10'),
        line(2, 'authorisation', 125, '2026-10'),
        line(3, 'gateway', 2000, '2026-10', 400),
      ]),
      rules,
    )
    expect(plan.ok).toBe(true)
    if (!plan.ok) return
    expect(plan.value.lines.map((l) => [l.lineNo, l.from, l.amount.amount])).toEqual([
      [3, 'bank', 2400],
    ])
    expect(plan.value.trueUp).toEqual({
      period: '2026-10',
      lineNos: [1, 2],
      stated: money(1500, 'GBP'),
      feeType: 'msc',
      nominalCode: 7901,
      date: '2026-11-02',
    })
  })

  it('posts only the difference, off clearing, under the first line marker; nothing when it agrees', () => {
    const plan = planMonthlyCharges(statement([line(1, 'msc', 1500, '2026-10')]), rules)
    if (!plan.ok || !plan.value.trueUp) throw new Error('no true-up')
    const trueUp = plan.value.trueUp
    const more = planChargeTrueUp('ELV-2026-10', trueUp, money(1460, 'GBP'))
    expect(more).toMatchObject({
      marker: 'OPAYO-CHARGE:ELV-2026-10:1',
      from: 'clearing',
      direction: 'paidOut',
      amount: { amount: 40 },
      nominalCode: 7901,
      vat: undefined,
    })
    expect(more?.comment).toMatch(
      /true-up: statement ELV-2026-10 states 1500, the month's batches booked 1460/,
    )
    expect(planChargeTrueUp('ELV-2026-10', trueUp, money(1525, 'GBP'))).toMatchObject({
      direction: 'paidIn',
      amount: { amount: 25 },
    })
    expect(planChargeTrueUp('ELV-2026-10', trueUp, money(1500, 'GBP'))).toBeUndefined()
  })

  it('refuses true-up lines without one period, and a true-up fee type with VAT', () => {
    const plan = planMonthlyCharges(
      statement([line(1, 'msc', 1375, '2026-10'), line(2, 'authorisation', 125)]),
      rules,
    )
    expect(plan.ok).toBe(false)
    if (!plan.ok) expect(plan.issues.map((i) => i.code)).toEqual(['charge_true_up_period'])
    expect(() =>
      defineChargeRules({ msc: { nominalCode: 7901, vat: { rate: 20 }, from: 'true-up' } }),
    ).toThrow(SettlementConfigError)
  })
})
