// One getBatchList row read as a settlement batch: its settlement date (from `completed`, a
// London date-time) and Opayo's own totals per currency (`transactiongroups`). A row that lacks
// either is "cannot tell": an error result, never a guessed date or total. The facts this relies
// on are listed in REPORTING_UNCONFIRMED.batchList.
import { err, isCurrencyCode, issue, ok, parseAmount } from '@opayo-kashflow/core'
import type { CurrencyCode, Issue, Money, Result } from '@opayo-kashflow/core'
import { parseReportingDate } from './dates.js'
import type { ReportingBatch, ReportingTransactionGroup } from './schemas.js'

/**
 * Opayo's totals for one currency of a batch (one `transactiongroup`), in minor units.
 * @example
 * const group: ReportingBatchTotals = {
 *   currency: 'GBP',
 *   paymentCount: 2,
 *   payments: money(16550, 'GBP'),
 *   refunds: money(0, 'GBP'),
 * }
 */
export interface ReportingBatchTotals {
  readonly currency: CurrencyCode
  /** `paymentvalue`: the batch's payments in this currency. */
  readonly payments: Money
  /** `refundvalue` (zero when absent): the batch's refunds in this currency, positive. */
  readonly refunds: Money
  /** `paymentnumber`, when sent. */
  readonly paymentCount?: number
  /** `refundnumber`, when sent. */
  readonly refundCount?: number
}

/**
 * A getBatchList row read as a settlement batch.
 * @example
 * const july = { from: new Date('2026-07-01'), to: new Date('2026-07-31') }
 * for (const row of await reporting.batches.list(july)) {
 *   const read = readBatchListRow(row)
 *   if (read.ok) console.log(read.value.date, read.value.totals.length)
 * }
 */
export interface ReportingBatchSummary {
  readonly batchId: string
  /** `authprocessorname`: what getBatchDetail's `authprocessor` takes. */
  readonly authProcessor: string
  /** `completed` as an ISO 8601 instant with London's offset (`2026-07-15T00:20:31.123+01:00`). */
  readonly completedAt: string
  /** The settlement date: `completed`'s calendar date in London, YYYY-MM-DD. */
  readonly date: string
  /** Opayo's totals, one per `transactiongroup`, in the order sent (several: several currencies). */
  readonly totals: readonly ReportingBatchTotals[]
}

const COUNT = /^\d+$/

/**
 * Reads one getBatchList row (as `reporting.batches.list` returns it) into the batch's
 * settlement date and Opayo's per-currency totals. Fails closed: a row without a `completed`
 * date-time (open, or a shape this client does not know), without `authprocessorname`, without
 * any `transactiongroup`, or with a group whose currency, value or count cannot be read, is an
 * error result saying what is missing; nothing is guessed.
 * @example
 * const read = readBatchListRow({
 *   batchid: '1001',
 *   authprocessorname: 'Elavon',
 *   completed: '15/07/2026 00:20:31.123456',
 *   transactiongroups: {
 *     transactiongroup: [
 *       { currency: 'GBP', paymentnumber: '2', paymentvalue: '165.50', refundvalue: '0.00' },
 *     ],
 *   },
 * })
 * // read.ok && read.value.date === '2026-07-15' (the London date, although 23:20 UTC on the 14th)
 */
export function readBatchListRow(row: ReportingBatch): Result<ReportingBatchSummary> {
  const issues: Issue[] = []
  const completedAt = parseReportingDate(row.completed)
  if (completedAt === undefined) {
    issues.push(
      issue(
        'missing_value',
        ['completed'],
        `Batch ${row.batchid}: cannot tell when it settled: \`completed\` is ${describe(row.completed)}, not a London date-time d/m/Y H:i:s.u (an open batch, or a shape this client does not read).`,
      ),
    )
  }
  const authProcessor = (row.authprocessorname ?? '').trim()
  if (authProcessor === '') {
    issues.push(
      issue(
        'missing_value',
        ['authprocessorname'],
        `Batch ${row.batchid}: no \`authprocessorname\`, which getBatchDetail needs.`,
      ),
    )
  }
  const groups =
    typeof row.transactiongroups === 'object' ? (row.transactiongroups.transactiongroup ?? []) : []
  if (groups.length === 0) {
    issues.push(
      issue(
        'missing_value',
        ['transactiongroups'],
        `Batch ${row.batchid}: no \`transactiongroups/transactiongroup\`: cannot tell Opayo's totals to check the detail rows against.`,
      ),
    )
  }
  const totals: ReportingBatchTotals[] = []
  groups.forEach((group, index) => {
    const read = readGroup(row.batchid, group, ['transactiongroups', 'transactiongroup', index])
    if (read.ok) totals.push(read.value)
    else issues.push(...read.issues)
  })
  if (issues.length > 0 || completedAt === undefined) return err(issues)
  return ok({
    batchId: row.batchid,
    authProcessor,
    completedAt,
    date: completedAt.slice(0, 10),
    totals,
  })
}

function readGroup(
  batchId: string,
  group: ReportingTransactionGroup,
  path: readonly (string | number)[],
): Result<ReportingBatchTotals> {
  const currency = (group.currency ?? '').trim().toUpperCase()
  if (!isCurrencyCode(currency)) {
    return err([
      issue(
        group.currency === undefined ? 'missing_value' : 'unknown_currency',
        [...path, 'currency'],
        `Batch ${batchId}: a transactiongroup's currency is ${describe(group.currency)}, not an ISO 4217 code.`,
      ),
    ])
  }
  const issues: Issue[] = []
  const value = (name: 'paymentvalue' | 'refundvalue', text: string | undefined) => {
    if (text === undefined || text.trim() === '') {
      if (name === 'refundvalue') return { amount: 0, currency } as Money
      issues.push(
        issue(
          'missing_value',
          [...path, name],
          `Batch ${batchId}: the ${currency} transactiongroup has no \`${name}\`.`,
        ),
      )
      return undefined
    }
    const parsed = parseAmount(text, currency, [...path, name])
    if (!parsed.ok) {
      issues.push(...parsed.issues)
      return undefined
    }
    if (parsed.value.amount < 0) {
      issues.push(
        issue(
          'invalid_amount',
          [...path, name],
          `Batch ${batchId}: the ${currency} \`${name}\` is negative (${text}).`,
        ),
      )
      return undefined
    }
    return parsed.value
  }
  const count = (name: 'paymentnumber' | 'refundnumber', text: string | undefined) => {
    if (text === undefined || text.trim() === '') return undefined
    if (!COUNT.test(text.trim())) {
      issues.push(
        issue(
          'invalid_type',
          [...path, name],
          `Batch ${batchId}: the ${currency} \`${name}\` is ${describe(text)}, not a count.`,
        ),
      )
      return undefined
    }
    return Number(text.trim())
  }
  const payments = value('paymentvalue', group.paymentvalue)
  const refunds = value('refundvalue', group.refundvalue)
  const paymentCount = count('paymentnumber', group.paymentnumber)
  const refundCount = count('refundnumber', group.refundnumber)
  if (issues.length > 0 || payments === undefined || refunds === undefined) return err(issues)
  return ok({
    currency,
    payments,
    refunds,
    ...(paymentCount === undefined ? {} : { paymentCount }),
    ...(refundCount === undefined ? {} : { refundCount }),
  })
}

function describe(text: string | undefined): string {
  if (text === undefined) return 'absent'
  if (text.trim() === '') return 'empty'
  return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`
}
