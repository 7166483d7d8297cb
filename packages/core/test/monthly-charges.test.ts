import { describe, expect, it } from 'vitest'
import {
  ChargeStatementSchema,
  SettlementConfigError,
  chargeMarker,
  defineChargeRules,
  parseChargeStatements,
  planMonthlyCharges,
} from '../src/index.js'
import type { ChargeStatement } from '../src/index.js'

// Merchant service charges are VAT-exempt (HMRC VATFIN3160); a gateway's fees standard-rated.
const rules = defineChargeRules({
  MSC: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
  gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
})

const HEADER = 'statement_id,period,date,fee_type,description,net,vat,currency'

function parsed(csv: string): ChargeStatement[] {
  const result = parseChargeStatements(csv)
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '))
  return [...result.value]
}

describe('parseChargeStatements', () => {
  it('reads one statement per id, each line as stated, in any column order', () => {
    const [elavon, opayo] = parsed(
      [
        HEADER,
        'ELV-2026-10,2026-10,,msc,Merchant service charge,3.75,0.00,GBP',
        'ELV-2026-10,2026-10,2026-11-03,authorisation,Authorisation fees,"1,204.50",0,GBP',
        'OPY-123,,2026-11-05,gateway,Opayo gateway,20.00,4.00,GBP',
      ].join('\r\n'),
    )
    expect(elavon?.statementId).toBe('ELV-2026-10')
    // Without a date, a line is dated the last day of its period.
    expect(elavon?.lines.map((l) => [l.lineNo, l.date, l.net.amount])).toEqual([
      [1, '2026-10-31', 375],
      [2, '2026-11-03', 120450],
    ])
    expect(opayo?.lines[0]).toMatchObject({ feeType: 'gateway', vat: { amount: 400 } })
  })

  it('lists every bad row with its line, and imports nothing', () => {
    const result = parseChargeStatements(
      [
        HEADER,
        'ELV-1,2026-10,,msc,,3.75,0,GBP',
        ',2026-10,,msc,,1,0,GBP',
        'ELV-1,2026-13,,msc,,abc,0,XXX',
      ].join('\n'),
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(new Set(result.issues.map((i) => i.line))).toEqual(new Set([3, 4]))
    const mixed = parseChargeStatements(
      [HEADER, 'ELV-1,2026-10,,msc,,3.75,0,GBP', 'ELV-1,2026-10,,msc,,1.00,0,EUR'].join('\n'),
    )
    expect(!mixed.ok && mixed.issues[0]).toMatchObject({ line: 3, code: 'currency_mismatch' })
  })

  it('needs the amounts, the fee type and a date or period', () => {
    const result = parseChargeStatements('statement_id,fee_type,net,currency\nA,msc,1,GBP\n')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.issues.map((i) => i.path[1])).toEqual(['vat', 'date'])
  })
})

describe('planMonthlyCharges', () => {
  const [statement] = parsed(
    [
      HEADER,
      // £3.75 as the statement states it, not a sum of per-transaction fees recomputed here.
      'ELV-2026-10,2026-10,,MSC,Merchant service charge,3.75,0.00,GBP',
      'ELV-2026-10,2026-10,,gateway,Opayo gateway,20.00,4.00,GBP',
      'ELV-2026-10,2026-10,,msc,PCI,0.00,0.00,GBP',
    ].join('\n'),
  ) as [ChargeStatement]

  it('plans one bank line per statement line: exempt MSC from clearing, 20% gateway from the bank', () => {
    const plan = planMonthlyCharges(statement, rules)
    expect(plan.ok).toBe(true)
    if (!plan.ok) return
    expect(plan.value.lines).toEqual([
      expect.objectContaining({
        marker: 'OPAYO-CHARGE:ELV-2026-10:1',
        date: '2026-10-31',
        from: 'clearing',
        direction: 'paidOut',
        nominalCode: 7901,
        amount: { amount: 375, currency: 'GBP' },
        net: { amount: 375, currency: 'GBP' },
        vat: undefined,
      }),
      expect.objectContaining({
        marker: 'OPAYO-CHARGE:ELV-2026-10:2',
        from: 'bank',
        nominalCode: 7902,
        amount: { amount: 2400, currency: 'GBP' },
        net: { amount: 2000, currency: 'GBP' },
        vat: { rate: 20, amount: { amount: 400, currency: 'GBP' } },
      }),
    ])
    // A line that moves nothing is not written.
    expect(plan.value.skipped).toEqual([3])
  })

  it('takes the VAT as stated within 1p of the rate, and refuses more', () => {
    const line = (net: number, vat: number) =>
      ChargeStatementSchema.parse({
        statementId: 'OPY-1',
        currency: 'GBP',
        lines: [
          {
            lineNo: 1,
            date: '2026-11-05',
            feeType: 'gateway',
            net: { amount: net, currency: 'GBP' },
            vat: { amount: vat, currency: 'GBP' },
          },
        ],
      })
    // 20% of 12.37 is 2.474: the statement's 2.47 and a 2.48 rounded elsewhere both stand.
    expect(planMonthlyCharges(line(1237, 247), rules).ok).toBe(true)
    expect(planMonthlyCharges(line(1237, 248), rules).ok).toBe(true)
    const wrong = planMonthlyCharges(line(1237, 250), rules)
    expect(wrong).toMatchObject({ ok: false, issues: [{ code: 'charge_vat_mismatch' }] })
    if (!wrong.ok) expect(wrong.issues[0]?.message).toMatch(/line 1 \(gateway\)/)
    // A credit (a charge refunded) comes back into the account.
    const credit = planMonthlyCharges(line(-500, -100), rules)
    expect(credit.ok && credit.value.lines[0]?.direction).toBe('paidIn')
  })

  it('refuses VAT on an exempt fee type and names an unknown fee type', () => {
    const bad = ChargeStatementSchema.parse({
      statementId: 'ELV-1',
      currency: 'GBP',
      lines: [
        {
          lineNo: 1,
          date: '2026-10-31',
          feeType: 'msc',
          net: { amount: 375, currency: 'GBP' },
          vat: { amount: 75, currency: 'GBP' },
        },
        {
          lineNo: 2,
          date: '2026-10-31',
          feeType: 'terminal rental',
          net: { amount: 1500, currency: 'GBP' },
          vat: { amount: 300, currency: 'GBP' },
        },
      ],
    })
    const plan = planMonthlyCharges(bad, rules)
    expect(plan.ok).toBe(false)
    if (plan.ok) return
    expect(plan.issues.map((i) => i.code)).toEqual(['charge_vat_mismatch', 'unknown_fee_type'])
    expect(plan.issues[0]?.message).toMatch(/exempt/)
    expect(plan.issues[1]?.message).toMatch(/"terminal rental"/)
  })
})

describe('defineChargeRules and chargeMarker', () => {
  it('refuses two fee types that differ only in case, and a malformed VAT', () => {
    expect(() =>
      defineChargeRules({
        msc: { nominalCode: 7901, vat: 'exempt', from: 'bank' },
        MSC: { nominalCode: 7901, vat: 'exempt', from: 'bank' },
      }),
    ).toThrow(SettlementConfigError)
    expect(() =>
      defineChargeRules({ msc: { nominalCode: 7901, vat: 'standard', from: 'bank' } } as never),
    ).toThrow(/charge rules are invalid/)
  })

  it('makes one-word markers only', () => {
    expect(chargeMarker('ELV-2026-10', 2)).toBe('OPAYO-CHARGE:ELV-2026-10:2')
    expect(() => chargeMarker('has space', 1)).toThrow(/statement id/)
  })
})

describe('statement ids', () => {
  it('are upper-cased, so a re-export in other case is the same statement', () => {
    const [lower] = parsed(`${HEADER}\nelv-2026-10,2026-10,,msc,,3.75,0.00,GBP\n`)
    expect(lower?.statementId).toBe('ELV-2026-10')
  })
})
