// The transfer step of planSettlement: what reached the bank, moved between the clearing account
// and the bank account (from bank to clearing when refunds exceeded payments).
import { format } from '../money/money.js'
import { journalLine, present } from './clearing-journals.js'
import type { MoneyOf } from './settlement-amounts.js'
import { depositDate } from './settlement-context.js'
import type { SettlementContext } from './settlement-context.js'
import { settlementMarker } from './settlement-marker.js'
import type { SettlementTransferIntent } from './settlement-plan-types.js'

/** ` on YYYY-MM-DD` when the deposit's date is known. */
const receivedOnText = (date: string | undefined) => (date === undefined ? '' : ` on ${date}`)

/**
 * The batch's transfer of `received` (home currency, signed), with the same movement as a
 * balanced journal between the two bank nominals; absent when nothing moved.
 * @example
 * const batch = SettlementBatchSchema.parse({ batchId: '1001', date: '2026-11-02', currency: 'GBP',
 *   gross: money(10000, 'GBP'), transactions: [{ transactionId: 'T1', kind: 'payment',
 *   amount: money(10000, 'GBP'), posted: { amount: money(10000, 'GBP') } }] })
 * const accounts = defineSettlementAccounts({ homeCurrency: 'GBP', feesNominalCode: 7901,
 *   fxNominalCode: 7906, clearing: { bankAccountId: 7, nominalCode: 1210 },
 *   bank: { bankAccountId: 1, nominalCode: 1200 } })
 * // What openBatch makes of them for every step:
 * const ctx = { batch, batchId: '1001', marker: 'OPAYO-BATCH:1001:settlement',
 *   eventId: 'opayo-batch:1001', ids: ['T1'], home: 'GBP', accounts, tolerance: 0, payout: 'net', maxRateDeviation: 5,
 *   monthEnd: 'deposit-date' } as const
 * const moneyOf = (units: bigint, code: CurrencyCode) => money(Number(units), code)
 * const transfer = settlementTransfer(ctx, moneyOf, 9830n)
 * // £98.30 from bank account 7 (clearing) to 1, its lines Dr 1200 and Cr 1210
 */
export function settlementTransfer(
  ctx: SettlementContext,
  money: MoneyOf,
  received: bigint,
): SettlementTransferIntent | undefined {
  if (received === 0n) return undefined
  const { accounts, batch, batchId, home } = ctx
  const transferMarker = settlementMarker(batchId, 'transfer')
  const outward = received > 0n
  const amount = money(outward ? received : -received, home, ['received'])
  const comment = outward
    ? `Opayo batch ${batchId} of ${batch.date}: deposit of ${format(amount)}${receivedOnText(batch.receivedOn)}, from clearing to bank`
    : `Opayo batch ${batchId} of ${batch.date}: ${format(amount)} taken by the acquirer${receivedOnText(batch.receivedOn)}, from bank to clearing`
  return {
    kind: 'bank-transfer',
    paymentId: ctx.eventId,
    marker: transferMarker,
    date: depositDate(ctx),
    reference: transferMarker,
    comment,
    amount,
    fromBankAccountId: outward ? accounts.clearing.bankAccountId : accounts.bank.bankAccountId,
    toBankAccountId: outward ? accounts.bank.bankAccountId : accounts.clearing.bankAccountId,
    lines: present([
      journalLine(
        ctx,
        money,
        accounts.bank.nominalCode,
        received,
        `Opayo batch ${batchId} of ${batch.date}`,
      ),
      journalLine(
        ctx,
        money,
        accounts.clearing.nominalCode,
        -received,
        `Opayo batch ${batchId} of ${batch.date}`,
      ),
    ]),
  }
}
