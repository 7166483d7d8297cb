import { normaliseTransactionId } from '../model/canonical-payment.js'
import { parseAmount } from '../money/money.js'
import type { Money } from '../money/money.js'
import { cellOf, headerColumns, lineIssue, readCsv } from '../internal/csv.js'
import type { Issue } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'

/**
 * One fee from an acquirer statement. A row with a `transactionId` or `vendorTxCode` is the fee of
 * that transaction; a row with only a `batchId` is a fee on the whole batch (planSettlement spreads
 * it over the batch's transactions with `allocate`).
 */
export interface FeeStatementRow {
  /** The line of the file the row starts on (1 is the header). */
  readonly line: number
  /** Opayo's batch id, as written (trimmed). */
  readonly batchId?: string
  /** Opayo's VPSTxId, without braces, upper case (as {@link normaliseTransactionId} makes it). */
  readonly transactionId?: string
  /** The merchant's VendorTxCode, as written (trimmed). */
  readonly vendorTxCode?: string
  /** The fee, positive (or zero), in the row's currency. */
  readonly fee: Money
  /**
   * Which import the row came from (the sync store sets the statement's digest). When several
   * imports have rows for one batch, the latest import's rows replace the earlier ones: a
   * corrected statement re-imported never adds to the first.
   */
  readonly statement?: string
}

/** A problem in a fee statement, with the line of the file it is on (path: `[line, column]`). */
export interface FeeStatementIssue extends Issue {
  readonly line: number
}

type Column = 'batchId' | 'transactionId' | 'vendorTxCode' | 'fee' | 'currency'

/** Header names accepted for each column, compared without case, spaces, `_` or `-`. */
const HEADERS: Readonly<Record<string, Column>> = {
  batchid: 'batchId',
  batch: 'batchId',
  transactionid: 'transactionId',
  vpstxid: 'transactionId',
  vendortxcode: 'vendorTxCode',
  fee: 'fee',
  feeamount: 'fee',
  currency: 'currency',
}

/**
 * Parses a fee statement in this project's own CSV layout (not any acquirer's format: Opayo
 * publishes no per-transaction fee statement and acquirers bill monthly; map their figures onto
 * these columns) (RFC 4180: comma separated, fields in double
 * quotes may hold commas, quotes written `""` and line breaks; CRLF or LF; a UTF-8 BOM is ignored).
 *
 * The first line names the columns, in any order, case and spacing ignored; other columns are
 * ignored:
 *
 * | Column | Also accepted as | Required | Meaning |
 * | --- | --- | --- | --- |
 * | `batch_id` | `batch` | one of the three ids | Opayo batch id: a fee on the whole batch |
 * | `transaction_id` | `VPSTxId` | one of the three ids | Opayo transaction id (braces optional) |
 * | `vendor_tx_code` | `VendorTxCode` | one of the three ids | the merchant's VendorTxCode |
 * | `fee` | `fee_amount` | yes | the fee in major units: `0.35`, `1,204.50`; never negative |
 * | `currency` | | yes | ISO 4217 code of the fee |
 *
 * Blank lines are skipped. Rows for the same transaction or batch add up. All or nothing: one bad
 * row fails the whole file (a partly imported statement would make a batch's fees wrong), and
 * every problem is listed with its line.
 * @example
 * const parsed = parseFeeStatement('transaction_id,fee,currency\n{F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2},0.35,GBP\n')
 * if (parsed.ok) console.log(parsed.value[0]?.fee) // { amount: 35, currency: 'GBP' }
 */
export function parseFeeStatement(
  text: string,
): Result<readonly FeeStatementRow[], readonly FeeStatementIssue[]> {
  const records = readCsv(text)
  if (!records.ok) return records
  const [header, ...body] = records.value
  if (header === undefined) {
    return err([lineIssue('missing_value', 1, 'header', 'The fee statement is empty.')])
  }
  const issues: FeeStatementIssue[] = []
  const columns = headerColumns(header, HEADERS, issues)
  for (const required of ['fee', 'currency'] as const) {
    if (!columns.has(required)) {
      issues.push(
        lineIssue(
          'missing_value',
          header.line,
          required,
          `The header has no "${required}" column.`,
        ),
      )
    }
  }
  if (!columns.has('batchId') && !columns.has('transactionId') && !columns.has('vendorTxCode')) {
    issues.push(
      lineIssue(
        'missing_value',
        header.line,
        'id',
        'The header needs a batch_id, transaction_id (VPSTxId) or vendor_tx_code column.',
      ),
    )
  }
  if (issues.length > 0) return err(issues)

  const rows: FeeStatementRow[] = []
  for (const record of body) {
    if (record.fields.every((f) => f.trim() === '')) continue
    const cell = (column: Column) => cellOf(record, columns, column)
    const batchId = cell('batchId')
    const transactionId = cell('transactionId')
    const vendorTxCode = cell('vendorTxCode')
    const feeText = cell('fee')
    const currency = cell('currency')?.toUpperCase()
    const before = issues.length
    if (batchId === undefined && transactionId === undefined && vendorTxCode === undefined) {
      issues.push(
        lineIssue('missing_value', record.line, 'id', 'The row names no batch or transaction.'),
      )
    }
    if (feeText === undefined) {
      issues.push(lineIssue('missing_value', record.line, 'fee', 'The row has no fee.'))
    }
    if (currency === undefined) {
      issues.push(lineIssue('missing_value', record.line, 'currency', 'The row has no currency.'))
    }
    if (feeText === undefined || currency === undefined) continue
    const fee = parseAmount(feeText, currency)
    if (!fee.ok) {
      for (const i of fee.issues) {
        issues.push(
          lineIssue(
            i.code,
            record.line,
            i.code === 'unknown_currency' ? 'currency' : 'fee',
            i.message,
          ),
        )
      }
      continue
    }
    if (fee.value.amount < 0) {
      issues.push(
        lineIssue(
          'invalid_amount',
          record.line,
          'fee',
          `Fee "${feeText}" is negative; write fees as positive amounts.`,
        ),
      )
    }
    if (issues.length > before) continue
    rows.push({
      line: record.line,
      ...(batchId === undefined ? {} : { batchId }),
      ...(transactionId === undefined
        ? {}
        : { transactionId: normaliseTransactionId(transactionId) }),
      ...(vendorTxCode === undefined ? {} : { vendorTxCode }),
      fee: fee.value,
    })
  }
  return issues.length > 0 ? err(issues) : ok(rows)
}
