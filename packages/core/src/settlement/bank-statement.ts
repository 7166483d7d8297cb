// A bank statement exported as CSV (any bank's layout, named by a column mapping): the lines the
// bank shows, each with an id derived from what it says, so the same line in two overlapping
// exports is one line. The deposits of settlement batches are matched among them (matchDeposit).
import { z } from 'zod'
import { headerColumns, lineIssue, readCsv } from '../internal/csv.js'
import type { CsvRecord, LineIssue } from '../internal/csv.js'
import { CurrencyCodeSchema } from '../money/currency.js'
import { money, parseAmount } from '../money/money.js'
import type { Money } from '../money/money.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'

/**
 * Which columns of a bank's CSV export hold what, by their header names (compared without case,
 * spaces, `_` or `-`). The amount is either one signed column (`amount`: money in positive, out
 * negative) or two (`paidIn` and `paidOut`, each a positive figure or empty). Lines before the
 * header (an account summary some banks put first) are skipped.
 */
export const BankStatementColumnsSchema = z
  .strictObject({
    /** The header of the date column. */
    date: z.string().trim().min(1),
    /** How dates are written. @default 'DD/MM/YYYY' (UK banks' exports) */
    dateFormat: z.enum(['DD/MM/YYYY', 'YYYY-MM-DD']).default('DD/MM/YYYY'),
    /** The header of one signed amount column. */
    amount: z.string().trim().min(1).optional(),
    /** The headers of a money-in and a money-out column, instead of `amount`. */
    paidIn: z.string().trim().min(1).optional(),
    paidOut: z.string().trim().min(1).optional(),
    /** The header of the text the bank shows for the line (kept, never matched on). */
    description: z.string().trim().min(1).optional(),
    /** The account's currency: every amount is in it. */
    currency: CurrencyCodeSchema,
  })
  .refine(
    (c) =>
      c.amount !== undefined
        ? c.paidIn === undefined && c.paidOut === undefined
        : c.paidIn !== undefined && c.paidOut !== undefined,
    'name one signed amount column ("amount") or a money-in and a money-out column ("paidIn" and "paidOut"), not both',
  )
/** A validated column mapping. */
export type BankStatementColumns = z.output<typeof BankStatementColumnsSchema>
/** A column mapping as a caller writes it. */
export type BankStatementColumnsInput = z.input<typeof BankStatementColumnsSchema>

/** One line of a bank statement. */
export interface BankStatementLine {
  /**
   * `{date}:{minor units}:{description hash}:{n}`, n counting the lines alike in date, amount and
   * description from 1: the same line in two overlapping exports has the same id.
   */
  readonly id: string
  /** The line of the file it is on. */
  readonly line: number
  /** YYYY-MM-DD. */
  readonly date: string
  /** Money in positive, money out negative. */
  readonly amount: Money
  readonly description: string
}

type Field = 'date' | 'amount' | 'paidIn' | 'paidOut' | 'description'
const FIELDS: readonly Field[] = ['date', 'amount', 'paidIn', 'paidOut', 'description']
const squash = (name: string): string => name.toLowerCase().replace(/[\s_-]/g, '')

/**
 * Reads a bank's CSV export with a column mapping, all or nothing: every problem (a date or an
 * amount that does not parse, a line with money both in and out, no header naming the columns)
 * is an issue naming its line, and no line is returned when there is one. Empty lines and lines
 * with no amount (a balance brought forward) are skipped.
 * @example
 * const csv = 'Date,Description,Paid in,Paid out\n04/11/2026,ELAVON MERCH,143.34,\n05/11/2026,CARD FEES,,2.16\n'
 * const read = parseBankStatement(csv, { date: 'Date', paidIn: 'Paid in', paidOut: 'Paid out', description: 'Description', currency: 'GBP' })
 * if (read.ok) console.log(read.value.map((l) => [l.date, l.amount.amount])) // [['2026-11-04', 14334], ['2026-11-05', -216]]
 * @throws {InvalidArgumentError} when `columns` is not a valid mapping.
 */
export function parseBankStatement(
  csv: string,
  columns: BankStatementColumnsInput,
): Result<readonly BankStatementLine[], readonly LineIssue[]> {
  const mapping = BankStatementColumnsSchema.safeParse(columns)
  if (!mapping.success)
    throw new InvalidArgumentError(
      `parseBankStatement(): the column mapping is not valid: ${mapping.error.issues.map((i) => `${i.path.join('.') || '(mapping)'}: ${i.message}`).join('; ')}.`,
    )
  const map = mapping.data
  const read = readCsv(csv)
  if (!read.ok) return read
  const wanted = new Map(
    FIELDS.flatMap((field) => {
      const name = map[field]
      return name === undefined ? [] : [[squash(name), field] as const]
    }),
  )
  const headerAt = read.value.findIndex((record) => {
    const names = new Set(record.fields.map(squash))
    return [...wanted.keys()].every((name) => names.has(name))
  })
  if (headerAt < 0)
    return err([
      lineIssue(
        'invalid_type',
        1,
        'header',
        `No line names every mapped column (${[...wanted.keys()].join(', ')}).`,
      ),
    ])
  const issues: LineIssue[] = []
  const header = read.value[headerAt] as CsvRecord
  const index = headerColumns(header, Object.fromEntries(wanted), issues)
  const lines: BankStatementLine[] = []
  const seen = new Map<string, number>()
  for (const record of read.value.slice(headerAt + 1)) {
    if (record.fields.every((f) => f.trim() === '')) continue
    const cell = (field: Field) => {
      const at = index.get(field)
      return at === undefined ? '' : (record.fields[at] ?? '').trim()
    }
    const amount = amountOf(record.line, cell, map, issues)
    if (amount === undefined) continue
    const date = dateOf(record.line, cell('date'), map.dateFormat, issues)
    if (date === undefined) continue
    const description = cell('description').replace(/\s+/g, ' ')
    const alike = `${date}:${amount.amount}:${hashOf(description.toUpperCase())}`
    const n = (seen.get(alike) ?? 0) + 1
    seen.set(alike, n)
    lines.push({ id: `${alike}:${n}`, line: record.line, date, amount, description })
  }
  return issues.length > 0 ? err(issues) : ok(lines)
}

/** The line's signed amount; undefined (and an issue unless the line has none) when not read. */
function amountOf(
  line: number,
  cell: (field: Field) => string,
  map: BankStatementColumns,
  issues: LineIssue[],
): Money | undefined {
  const parse = (field: Field): Money | undefined | null => {
    const text = cell(field)
      .replace(/^([+-]?)\s*£/, '$1')
      .replace(/^\((.*)\)$/, '-$1')
    if (text === '') return null
    const parsed = parseAmount(text, map.currency)
    if (parsed.ok) return parsed.value
    issues.push(lineIssue('invalid_amount', line, field, `"${cell(field)}" is not an amount.`))
    return undefined
  }
  if (map.amount !== undefined) {
    const amount = parse('amount')
    return amount ?? undefined
  }
  const paidIn = parse('paidIn')
  const paidOut = parse('paidOut')
  if (paidIn === undefined || paidOut === undefined) return undefined
  const inAmount = paidIn?.amount ?? 0
  const outAmount = paidOut?.amount ?? 0
  // Money out may be written negative (some banks do); money in written negative is not clear.
  if (inAmount < 0) {
    issues.push(
      lineIssue(
        'invalid_amount',
        line,
        'paidIn',
        `"${cell('paidIn')}" in the money-in column is negative: is it money out?`,
      ),
    )
    return undefined
  }
  if (inAmount !== 0 && outAmount !== 0) {
    issues.push(
      lineIssue('invalid_amount', line, 'paidIn', 'The line has money both paid in and paid out.'),
    )
    return undefined
  }
  if (paidIn === null && paidOut === null) return undefined
  return money(inAmount !== 0 ? inAmount : -Math.abs(outAmount), map.currency)
}

const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/

function dateOf(
  line: number,
  text: string,
  format: BankStatementColumns['dateFormat'],
  issues: LineIssue[],
): string | undefined {
  const match = (format === 'DD/MM/YYYY' ? DMY : YMD).exec(text)
  const [day, month, year] =
    format === 'DD/MM/YYYY'
      ? [match?.[1], match?.[2], match?.[3]]
      : [match?.[3], match?.[2], match?.[1]]
  const iso = `${year}-${(month ?? '').padStart(2, '0')}-${(day ?? '').padStart(2, '0')}`
  const time = Date.parse(`${iso}T00:00:00Z`)
  if (match !== null && !Number.isNaN(time) && new Date(time).toISOString().startsWith(iso))
    return iso
  issues.push(lineIssue('invalid_type', line, 'date', `"${text}" is not a date written ${format}.`))
  return undefined
}

/** FNV-1a, 32 bits, as 8 hex digits: a short, stable name for a description. */
function hashOf(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}
