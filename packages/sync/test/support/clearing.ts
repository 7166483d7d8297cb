// Clearing mode's test set-up, shared by the settlement suites: the fake KashFlow's accounts and
// nominals, the clearing posting rules, the settlement accounts, and a batch of payments.
import { definePostingRules, defineSettlementAccounts } from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import type { SettlementBatchEventInput } from '../../src/index.js'

export const CLEARING = 55170
export const BANK = 55166

/** Two open invoices, the bank and clearing accounts, and the nominals the journals name. */
export const clearingSeed = {
  invoices: [
    { number: 1042, gross: 120 },
    { number: 1043, gross: 50 },
  ],
  bankAccounts: [
    { Id: BANK, AccountName: 'Current Account', Code: 1200 },
    { Id: CLEARING, AccountName: 'Opayo clearing', Code: 1210 },
  ],
  nominals: [
    { Code: 1200, Name: 'Current Account' },
    { Code: 1210, Name: 'Opayo clearing' },
    { Code: 4000, Name: 'Sales' },
    { Code: 7901, Name: 'Bank charges' },
    { Code: 7903, Name: 'Chargebacks' },
    { Code: 7906, Name: 'Exchange differences' },
  ],
}

export const clearingAccounts = defineSettlementAccounts({
  clearing: { bankAccountId: CLEARING, nominalCode: 1210 },
  bank: { bankAccountId: BANK, nominalCode: 1200 },
  feesNominalCode: 7901,
  fxNominalCode: 7906,
})

export const clearingRules = definePostingRules({
  bankAccountId: BANK,
  paymentMethodId: 409844,
  mode: 'clearing',
  clearingBankAccountId: CLEARING,
})

/** A GBP batch of 2026-11-03 settling these Visa payments (Opayo's view: no deposit yet). */
export const batchOf = (
  batchId: string,
  payments: readonly CanonicalPayment[],
): SettlementBatchEventInput => ({
  batchId,
  date: '2026-11-03',
  currency: 'GBP',
  gross: { amount: payments.reduce((sum, p) => sum + p.amount.amount, 0), currency: 'GBP' },
  transactions: payments.map((p) => ({
    transactionId: p.source.transactionId,
    vendorTxCode: p.source.vendorTxCode,
    kind: 'payment' as const,
    amount: p.amount,
    scheme: 'visa' as const,
  })),
})
