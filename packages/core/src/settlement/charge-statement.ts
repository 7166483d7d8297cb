// A monthly charge statement (an acquirer's merchant service charges, a gateway's invoice) in
// this project's own model and CSV layout, and the marker each of its lines is posted under.
import { z } from 'zod'
import { cellOf, headerColumns, lineIssue, readCsv } from '../internal/csv.js'
import type { LineIssue } from '../internal/csv.js'
import { CurrencyCodeSchema } from '../money/currency.js'
import { MoneySchema, parseAmount } from '../money/money.js'
import type { Money } from '../money/money.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'

/** A statement id as it may appear in a marker: one word, no colon. */
const STATEMENT_ID = /^[A-Za-z0-9._\-{}]{1,40}$/
const DAY = /^\d{4}-\d{2}-\d{2}$/
const PERIOD = /^(\d{4})-(\d{2})$/

/**
 * One line of a charge statement, as the statement states it: the fee type, the net charge and
 * the VAT on it, each taken as written (never recomputed per transaction).
 */
export const ChargeStatementLineSchema = z.object({
  /** The line's number within its statement, from 1: part of its marker. */
  lineNo: z.number().int().positive(),
  /** YYYY-MM-DD: the day the charge was collected or netted, the bank line's date. */
  date: z.string().regex(DAY, 'date must be YYYY-MM-DD'),
  /** YYYY-MM: the month the charge is for, when the statement says. */
  period: z.string().regex(PERIOD, 'period must be YYYY-MM').optional(),
  /** The fee type, as the statement names it (matched to a charge rule without case). */
  feeType: z.string().trim().min(1, 'the fee type must not be empty'),
  /** What the statement says the line is. @default '' */
  description: z.string().default(''),
  /** The net charge; negative for a credit (a charge refunded). */
  net: MoneySchema,
  /** The VAT on it, as the statement states it; 0 on a VAT-exempt line. */
  vat: MoneySchema,
})
/** One validated statement line. */
export type ChargeStatementLine = z.output<typeof ChargeStatementLineSchema>

/**
 * A monthly charge statement: an acquirer's merchant service charges or a gateway's invoice, in
 * one currency, one line per fee as the statement states it. Validate it with
 * `ChargeStatementSchema.parse`, or read it from CSV with {@link parseChargeStatements}.
 */
export const ChargeStatementSchema = z
  .object({
    /**
     * The statement's (or invoice's) id: one word of letters, digits and `-._{}`, 1-40 long; upper
     * cased (as batch ids are), so `elv-2026-10` re-exported as `ELV-2026-10` is the same statement.
     */
    statementId: z
      .string()
      .trim()
      .toUpperCase()
      .regex(STATEMENT_ID, 'statementId must be 1-40 letters, digits or -._{} characters'),
    currency: CurrencyCodeSchema,
    lines: z.array(ChargeStatementLineSchema).min(1, 'a statement has at least one line'),
  })
  .superRefine((statement, ctx) => {
    const seen = new Set<number>()
    statement.lines.forEach((line, index) => {
      if (seen.has(line.lineNo))
        ctx.addIssue({
          code: 'custom',
          path: ['lines', index, 'lineNo'],
          message: `line number ${line.lineNo} appears twice`,
        })
      seen.add(line.lineNo)
      for (const field of ['net', 'vat'] as const)
        if (line[field].currency !== statement.currency)
          ctx.addIssue({
            code: 'custom',
            path: ['lines', index, field],
            message: `line ${line.lineNo} is in ${line[field].currency}, the statement in ${statement.currency}`,
          })
    })
  })
/** A validated charge statement. */
export type ChargeStatement = z.output<typeof ChargeStatementSchema>
/** A charge statement as a caller writes it (plain numbers for minor units). */
export type ChargeStatementInput = z.input<typeof ChargeStatementSchema>

/**
 * The deterministic idempotency marker of one statement line: `OPAYO-CHARGE:{statementId}:{lineNo}`,
 * one word, written first in the bank line's `Comment`, where the read-back finds it.
 * @throws {InvalidArgumentError} for a statement id that is not one word of `A-Za-z0-9-._{}`, or a
 *   line number that is not a positive integer.
 * @example chargeMarker('ELV-2026-10', 2) // 'OPAYO-CHARGE:ELV-2026-10:2'
 */
export function chargeMarker(statementId: string, lineNo: number): string {
  if (!STATEMENT_ID.test(statementId) || !Number.isInteger(lineNo) || lineNo <= 0)
    throw new InvalidArgumentError(
      `chargeMarker(): statement id "${statementId}" must be 1-40 letters, digits or -._{} characters and the line number a positive integer, got ${lineNo}.`,
    )
  return `OPAYO-CHARGE:${statementId}:${lineNo}`
}

type Column =
  | 'statementId'
  | 'lineNo'
  | 'period'
  | 'date'
  | 'feeType'
  | 'description'
  | 'net'
  | 'vat'
  | 'currency'

/** Header names accepted for each column, compared without case, spaces, `_` or `-`. */
const HEADERS: Readonly<Record<string, Column>> = {
  statementid: 'statementId',
  statement: 'statementId',
  invoice: 'statementId',
  line: 'lineNo',
  lineno: 'lineNo',
  period: 'period',
  date: 'date',
  feetype: 'feeType',
  type: 'feeType',
  description: 'description',
  net: 'net',
  netamount: 'net',
  vat: 'vat',
  vatamount: 'vat',
  currency: 'currency',
}

/** The last day of a YYYY-MM period. */
function lastDayOf(period: string): string {
  const [, year = '0', month = '0'] = PERIOD.exec(period) ?? []
  const last = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate()
  return `${period}-${String(last).padStart(2, '0')}`
}

interface ParsedRow {
  readonly line: number
  readonly statementId: string
  readonly lineNo?: number
  readonly row: Omit<ChargeStatementLine, 'lineNo'>
}

/**
 * Parses charge statements in this project's own CSV layout (not any acquirer's or gateway's
 * format: map your statement's figures onto these columns; RFC 4180, CRLF or LF, a UTF-8 BOM
 * ignored). One row per statement line; a file may hold several statements. The first line names
 * the columns, in any order, case and spacing ignored; other columns are ignored:
 *
 * | Column | Also accepted as | Required | Meaning |
 * | --- | --- | --- | --- |
 * | `statement_id` | `statement`, `invoice` | yes | the statement's or invoice's id (one word) |
 * | `line` | `line_no` | no | the line's number in its statement; default: its order in the file |
 * | `date` | | `date` or `period` | YYYY-MM-DD: the day it was collected or netted |
 * | `period` | | `date` or `period` | YYYY-MM: the month charged; without `date`, dated its last day |
 * | `fee_type` | `type` | yes | the fee type, matched to `settlement.charges` without case |
 * | `description` | | no | what the statement calls it |
 * | `net` | `net_amount` | yes | the net charge in major units, as stated; negative for a credit |
 * | `vat` | `vat_amount` | yes | the VAT on the line as stated: `0.00` on an exempt line |
 * | `currency` | | yes | ISO 4217 code, one per statement |
 *
 * Blank lines are skipped. All or nothing: one bad row fails the file, every problem listed with
 * its line.
 * @example
 * const parsed = parseChargeStatements('statement_id,period,fee_type,description,net,vat,currency\nELV-2026-10,2026-10,msc,Merchant service charge,3.75,0.00,GBP\n')
 * if (parsed.ok) console.log(parsed.value[0]?.lines[0]?.net) // { amount: 375, currency: 'GBP' }
 */
export function parseChargeStatements(
  text: string,
): Result<readonly ChargeStatement[], readonly LineIssue[]> {
  const records = readCsv(text)
  if (!records.ok) return records
  const [header, ...body] = records.value
  if (header === undefined)
    return err([lineIssue('missing_value', 1, 'header', 'The charge statement is empty.')])
  const issues: LineIssue[] = []
  const columns = headerColumns(header, HEADERS, issues)
  for (const required of ['statementId', 'feeType', 'net', 'vat', 'currency'] as const)
    if (!columns.has(required))
      issues.push(
        lineIssue(
          'missing_value',
          header.line,
          required,
          `The header has no "${required}" column.`,
        ),
      )
  if (!columns.has('date') && !columns.has('period'))
    issues.push(
      lineIssue('missing_value', header.line, 'date', 'The header needs a date or period column.'),
    )
  if (issues.length > 0) return err(issues)

  const rows: ParsedRow[] = []
  for (const record of body) {
    if (record.fields.every((f) => f.trim() === '')) continue
    const row = readRow(record.line, (column) => cellOf(record, columns, column), issues)
    if (row) rows.push(row)
  }
  if (issues.length > 0) return err(issues)
  return groupStatements(rows)
}

/** One row, or undefined after pushing its problems. */
function readRow(
  line: number,
  cell: (column: Column) => string | undefined,
  issues: LineIssue[],
): ParsedRow | undefined {
  const before = issues.length
  const problem = (column: string, message: string, code: LineIssue['code'] = 'missing_value') =>
    issues.push(lineIssue(code, line, column, message))
  const statementId = cell('statementId')?.toUpperCase()
  const feeType = cell('feeType')
  const currency = cell('currency')?.toUpperCase()
  const period = cell('period')
  const date = cell('date') ?? (period && PERIOD.test(period) ? lastDayOf(period) : undefined)
  if (statementId === undefined) problem('statementId', 'The row has no statement id.')
  else if (!STATEMENT_ID.test(statementId))
    problem(
      'statementId',
      `Statement id "${statementId}" must be 1-40 letters, digits or -._{} characters.`,
      'invalid_type',
    )
  if (feeType === undefined) problem('feeType', 'The row has no fee type.')
  if (period !== undefined && !PERIOD.test(period))
    problem('period', `Period "${period}" is not YYYY-MM.`, 'invalid_type')
  if (date === undefined) problem('date', 'The row has no date or period.')
  else if (!DAY.test(date)) problem('date', `Date "${date}" is not YYYY-MM-DD.`, 'invalid_type')
  const lineText = cell('lineNo')
  const lineNo = lineText === undefined ? undefined : Number(lineText)
  if (lineNo !== undefined && !(Number.isInteger(lineNo) && lineNo > 0))
    problem('lineNo', `Line number "${lineText}" is not a positive whole number.`, 'invalid_type')
  const amounts: Partial<Record<'net' | 'vat', Money>> = {}
  if (currency === undefined) problem('currency', 'The row has no currency.')
  for (const column of ['net', 'vat'] as const) {
    const text = cell(column)
    if (text === undefined) {
      problem(column, `The row has no ${column} amount (write 0.00 for none).`)
      continue
    }
    if (currency === undefined) continue
    const amount = parseAmount(text, currency)
    if (amount.ok) amounts[column] = amount.value
    else
      for (const i of amount.issues)
        problem(i.code === 'unknown_currency' ? 'currency' : column, i.message, i.code)
  }
  if (issues.length > before || !amounts.net || !amounts.vat) return undefined
  return {
    line,
    statementId: statementId ?? '',
    ...(lineNo === undefined ? {} : { lineNo }),
    row: {
      date: date ?? '',
      ...(period === undefined ? {} : { period }),
      feeType: feeType ?? '',
      description: cell('description') ?? '',
      net: amounts.net,
      vat: amounts.vat,
    },
  }
}

/** The rows grouped by statement, in file order, each checked as a whole. */
function groupStatements(
  rows: readonly ParsedRow[],
): Result<readonly ChargeStatement[], readonly LineIssue[]> {
  const groups = new Map<string, ParsedRow[]>()
  for (const row of rows) groups.set(row.statementId, [...(groups.get(row.statementId) ?? []), row])
  const issues: LineIssue[] = []
  const statements: ChargeStatement[] = []
  for (const [statementId, group] of groups) {
    const first = group[0] as ParsedRow
    const input = {
      statementId,
      currency: first.row.net.currency,
      lines: group.map((g, index) => ({ lineNo: g.lineNo ?? index + 1, ...g.row })),
    }
    const parsed = ChargeStatementSchema.safeParse(input)
    if (parsed.success) statements.push(parsed.data)
    else
      for (const i of parsed.error.issues) {
        const at = typeof i.path[1] === 'number' ? (group[i.path[1]] ?? first) : first
        const code = /currency|is in/.test(i.message) ? 'currency_mismatch' : 'invalid_type'
        issues.push(
          lineIssue(
            code,
            at.line,
            String(i.path.at(-1) ?? 'statement'),
            `statement ${statementId}: ${i.message}.`,
          ),
        )
      }
  }
  return issues.length > 0 ? err(issues) : ok(statements)
}
