import { describe, expect, it } from 'vitest'
import { defineSettlementAccounts, money, parseFeeStatement, planSettlement } from '../src/index.js'
import type { FeeStatementRow, SettlementBatchInput } from '../src/index.js'

// Two payments of one GBP batch (VPSTxIds in Opayo's shape; the first is the vector in
// thephpleague/omnipay-sagepay tests/Message/ServerNotifyRequestTest.php).
const TX1 = '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}'
const TX2 = '{1E5D1C5E-2E0B-4C55-9D0A-1A6F2B3C4D5E}'
const gbp = (amount: number) => money(amount, 'GBP')
const accounts = defineSettlementAccounts({
  homeCurrency: 'GBP',
  clearing: { bankAccountId: 7, nominalCode: 1210 },
  bank: { bankAccountId: 1, nominalCode: 1200 },
  feesNominalCode: 7901,
  fxNominalCode: 7906,
})
const batch: SettlementBatchInput = {
  batchId: '1234',
  date: '2026-11-02',
  currency: 'GBP',
  gross: gbp(15000),
  transactions: [
    { transactionId: TX1, kind: 'payment', amount: gbp(10000), posted: { amount: gbp(10000) } },
    { transactionId: TX2, kind: 'payment', amount: gbp(5000), posted: { amount: gbp(5000) } },
  ],
}

/** A statement as `fees import` stores it: each row stamped with its import. */
function imported(statement: string, text: string): FeeStatementRow[] {
  const parsed = parseFeeStatement(text)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.value.map((row) => ({ ...row, statement }))
}

/** Planned with the deposit the acquirer paid: the batch less `fees` (minor units). */
const plan = (rows: readonly FeeStatementRow[], fees = 0) =>
  planSettlement(
    { ...batch, received: gbp(15000 - fees) },
    { accounts, fees: { source: 'statement', rows } },
  )

describe('statement fees that cover a batch in part, or twice', () => {
  it('waits while the statement covers one of two transactions and has no batch fee', () => {
    const rows = imported('a', `transaction_id,fee,currency\n${TX1},1.50,GBP`)
    expect(plan(rows)).toMatchObject({
      kind: 'wait',
      reason: 'fees_not_imported',
      message: expect.stringContaining('covers 1 of batch 1234') as unknown,
    })
  })

  it('posts once every transaction has its fee', () => {
    const rows = imported('a', `transaction_id,fee,currency\n${TX1},1.50,GBP\n${TX2},0.75,GBP`)
    expect(plan(rows, 225)).toMatchObject({
      kind: 'post',
      totals: { fees: gbp(225), clearingRemainder: gbp(0) },
    })
  })

  it('counts only the latest import: a corrected statement replaces, never adds', () => {
    const first = imported('a', `transaction_id,fee,currency\n${TX1},1.50,GBP\n${TX2},0.75,GBP`)
    // The same statement re-exported with its columns in another order, and one fee corrected.
    const second = imported('b', `currency,fee,transaction_id\nGBP,1.40,${TX1}\nGBP,0.75,${TX2}`)
    expect(plan([...first, ...second], 215)).toMatchObject({
      kind: 'post',
      totals: { fees: gbp(215), clearingRemainder: gbp(0) },
    })
  })

  it('keeps the earlier import for a batch the later one does not mention', () => {
    const first = imported('a', `transaction_id,fee,currency\n${TX1},1.50,GBP\n${TX2},0.75,GBP`)
    const other = imported('b', 'batch_id,fee,currency\n9999,5.00,GBP')
    expect(plan([...first, ...other], 225)).toMatchObject({
      kind: 'post',
      totals: { fees: gbp(225), clearingRemainder: gbp(0) },
    })
  })
})
