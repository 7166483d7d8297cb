// planSettlement: one closed Opayo batch in, one decision out (post, wait, or dead-letter). Each
// step is its own module; this file runs them in order and stops at the first wait or dead letter.
import type { Issue } from '../result/issue.js'
import { feeJournal, fxJournal } from './clearing-journals.js'
import { postedInHome } from './match-postings.js'
import { moneyCollecting } from './settlement-amounts.js'
import type { SettlementBatchInput } from './settlement-batch.js'
import { deadLetter, openBatch, wait } from './settlement-context.js'
import { settlementFigures } from './settlement-figures.js'
import type { PlanSettlementOptions, SettlementPlan } from './settlement-plan-types.js'
import { postPlan, settlementTotals, transactionLines } from './settlement-result.js'
import { settlementTransfer } from './settlement-transfer.js'
import { transactionFees } from './transaction-fees.js'
import { checkBatch } from './validate-batch.js'

/**
 * Plans the KashFlow entries that settle one closed Opayo batch in `clearing` mode. Pure and
 * total: every input gets a decision.
 *
 * - `wait` while any transaction is unposted (listing them), while a foreign-currency batch's
 *   `received` is unknown, or while statement fees have no row for the batch.
 * - `dead-letter` at once, before any wait, when the transactions do not add up to Opayo's own
 *   totals (`opayoTotals`: `settlement_totals_mismatch`, both figures in the message) or those
 *   totals name several currencies (`settlement_multi_currency`).
 * - `dead-letter` when the batch contradicts itself (gross is not payments minus refunds, mixed
 *   currencies, a posting that differs from what Opayo settled, a missing rate, a fee difference
 *   beyond `maxFeeDifference`).
 * - `post` otherwise: a transfer of what reached the bank from clearing to bank, a fee journal
 *   (fees nominal debit, clearing credit, plus a named "fee difference" line when the acquirer
 *   deducted a little more or less than planned) and a realised exchange gain/loss journal for
 *   what is left on clearing. Every journal balances in integer minor units; fees + net = gross;
 *   batch-level fees and the exchange difference are spread over the transactions with
 *   {@link allocate}, so no minor unit is lost; afterwards the batch leaves zero on clearing.
 *
 * @throws {InvalidArgumentError} when `maxFeeDifference` is not a non-negative integer, or
 * `accounts.homeCurrency` is not set.
 * @example
 * const accounts = defineSettlementAccounts({ clearing: { bankAccountId: 7, nominalCode: 1210 }, bank: { bankAccountId: 1, nominalCode: 1200 }, feesNominalCode: 7901, fxNominalCode: 7906 })
 * const plan = planSettlement(
 *   {
 *     batchId: '1234', date: '2026-11-02', currency: 'GBP', gross: money(10000, 'GBP'),
 *     transactions: [{ transactionId: '{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2}', kind: 'payment',
 *       amount: money(10000, 'GBP'), scheme: 'visa', posted: { amount: money(10000, 'GBP') } }],
 *   },
 *   { accounts, fees: { source: 'rules', rules: defineFeeRules({ currency: 'GBP', rules: [{ percent: '1.5', fixed: 20 }] }) } },
 * )
 * if (plan.kind === 'post') console.log(plan.totals.net) // 9830p: transfer £98.30, fees £1.70
 */
export function planSettlement(
  input: SettlementBatchInput,
  options: PlanSettlementOptions,
): SettlementPlan {
  const opened = openBatch(input, options)
  if ('stop' in opened) return opened.stop
  const ctx = opened.next

  const checked = checkBatch(ctx)
  if ('stop' in checked) return checked.stop
  const matched = postedInHome(ctx)
  if ('stop' in matched) return matched.stop
  const postedHome = matched.next

  const fees = transactionFees(ctx.batch, ctx.ids, options.fees)
  if (fees.kind === 'wait') return wait(ctx, 'fees_not_imported', fees.message).stop
  if (fees.kind === 'issues') return deadLetter(ctx, fees.issues).stop
  const figured = settlementFigures(ctx, checked.next, fees.values, postedHome)
  if ('stop' in figured) return figured.stop
  const figures = figured.next

  // Money that does not fit (only beyond 2^53 minor units) is collected and dead-letters.
  const issues: Issue[] = []
  const money = moneyCollecting(issues)
  const totals = settlementTotals(ctx, money, figures)
  const transactions = transactionLines(ctx, money, fees.values, postedHome, totals)
  if (issues.length > 0) return deadLetter(ctx, issues).stop

  const transfer = settlementTransfer(ctx, money, figures.received)
  const feeEntry = feeJournal(ctx, money, figures, totals)
  const fxEntry = fxJournal(ctx, money, figures, totals)
  if (issues.length > 0) return deadLetter(ctx, issues).stop

  return postPlan(ctx, { transfer, feeJournal: feeEntry, fxJournal: fxEntry, totals, transactions })
}
