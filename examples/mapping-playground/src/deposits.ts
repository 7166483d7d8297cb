// A bank statement export (Lloyds' CSV layout, named by a column mapping) read with
// parseBankStatement, and each settlement batch's deposit found among its lines with
// matchDeposit: by amount and date window, never by the text, as the sync engine does with
// `settlement.deposits: { "source": "statement" }`.
import { addDays, format, matchDeposit, money, parseBankStatement } from '@opayo-kashflow/core'
import type { BankStatementColumnsInput, DepositMatch } from '@opayo-kashflow/core'

/** Lloyds' export: money out and in as two positive columns, dates DD/MM/YYYY. */
export const LLOYDS_COLUMNS: BankStatementColumnsInput = {
  date: 'Transaction Date',
  paidIn: 'Credit Amount',
  paidOut: 'Debit Amount',
  description: 'Transaction Description',
  currency: 'GBP',
}

/** November's first week: two acquirer deposits, a card-fee direct debit, a customer's transfer. */
export const NOVEMBER_CSV = `Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance,
04/11/2026,BGC,'30-91-74,02344812,ELAVON MERCH SVCS,,143.34,12147.95,
05/11/2026,DD,'30-91-74,02344812,ELAVON FEES,21.60,,12126.35,
05/11/2026,FPI,'30-91-74,02344812,SMITH J REF 55,,143.34,12269.69,
06/11/2026,BGC,'30-91-74,02344812,ELAVON MERCH SVCS,,9.65,12279.34,
`

/** The batches' expected deposits (net of fees), as planSettlement works them out. */
export const BATCHES = [
  { batchId: '1234', date: '2026-11-03', net: 14334 },
  { batchId: '1235', date: '2026-11-04', net: 965 },
] as const

/** Each batch and what the statement shows for it. */
export function findDeposits(csv = NOVEMBER_CSV): { batchId: string; found: DepositMatch }[] {
  const read = parseBankStatement(csv, LLOYDS_COLUMNS)
  if (!read.ok) throw new Error(read.issues.map((i) => i.message).join('\n'))
  const moneyIn = read.value.filter((line) => line.amount.amount > 0)
  return BATCHES.map((batch) => ({
    batchId: batch.batchId,
    found: matchDeposit(
      {
        batchId: batch.batchId,
        amount: money(batch.net, 'GBP'),
        tolerance: 0,
        from: batch.date,
        to: addDays(batch.date, 5),
      },
      moneyIn,
    ),
  }))
}

/** One line per batch: its deposit, or the candidates a person chooses between. */
export function renderDeposits(results: ReturnType<typeof findDeposits>): string {
  return [
    'Deposits from the bank statement export:',
    ...results.map(({ batchId, found }) =>
      found.kind === 'matched'
        ? `  batch ${batchId}: ${format(found.line.amount)} on ${found.line.date} (${found.line.description})`
        : found.kind === 'ambiguous'
          ? `  batch ${batchId}: waits for a person, ${found.candidates.length} lines fit: ${found.candidates.map((c) => c.reason).join('; ')}`
          : `  batch ${batchId}: waits: ${found.message}`,
    ),
  ].join('\n')
}
