// A month's acquirer and gateway charges, in this project's charge statement CSV layout, planned
// as the KashFlow bank lines the sync engine would write: one per statement line, VAT per fee
// type (merchant service charges exempt, HMRC VATFIN3160; the gateway's fees standard-rated).
import {
  defineChargeRules,
  format,
  parseChargeStatements,
  planMonthlyCharges,
} from '@opayo-kashflow/core'
import type { PlannedCharge } from '@opayo-kashflow/core'

/** Net credit: the acquirer's charges came off a deposit; the gateway invoice is paid from the bank. */
export const CHARGE_RULES = defineChargeRules({
  msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
  authorisation: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
  gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
})

/** October's statements, mapped onto this project's layout (not the acquirer's own format). */
export const OCTOBER_CHARGES_CSV = `statement_id,date,period,fee_type,description,net,vat,currency
ELV-2026-10,2026-11-03,2026-10,msc,Merchant service charge,3.75,0.00,GBP
ELV-2026-10,2026-11-03,2026-10,authorisation,Authorisation fees,1.25,0.00,GBP
OPY-2026-10,2026-11-05,2026-10,gateway,Opayo gateway fees,20.00,4.00,GBP
`

/** The bank lines the statements become, or throws with every problem found. */
export function planCharges(csv = OCTOBER_CHARGES_CSV): PlannedCharge[] {
  const parsed = parseChargeStatements(csv)
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'))
  return parsed.value.flatMap((statement) => {
    const plan = planMonthlyCharges(statement, CHARGE_RULES)
    if (!plan.ok) throw new Error(plan.issues.map((i) => i.message).join('\n'))
    return [...plan.value.lines]
  })
}

/** One line per bank line: marker, account, amount, nominal and VAT. */
export function renderCharges(lines: readonly PlannedCharge[]): string {
  return [
    `Monthly charges: ${lines.length} bank lines`,
    ...lines.map(
      (l) =>
        `  ${l.marker.padEnd(28)} ${l.from.padEnd(8)} ${l.direction} ${format(l.amount).padStart(7)}  nominal ${l.nominalCode}  ${l.vat ? `VAT ${l.vat.rate}% ${format(l.vat.amount)}` : 'VAT exempt'}`,
    ),
  ].join('\n')
}
