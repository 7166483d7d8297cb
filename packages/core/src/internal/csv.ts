// RFC 4180 reading for this project's own CSV layouts (fee statements, charge statements), with
// every problem reported against the line of the file it is on.
import { issue } from '../result/issue.js'
import type { Issue, IssueCode } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'

/** An issue with the line of the file it is on (path: `[line, column]`). */
export interface LineIssue extends Issue {
  readonly line: number
}

/** One record of a CSV file and the line it starts on. */
export interface CsvRecord {
  readonly line: number
  readonly fields: readonly string[]
}

/** An issue about `column` on `line`, its message starting `Line N:`. */
export function lineIssue(
  code: IssueCode,
  line: number,
  column: string,
  message: string,
): LineIssue {
  return { ...issue(code, [line, column], `Line ${line}: ${message}`), line }
}

/** RFC 4180 records, each with the line it starts on. */
export function readCsv(text: string): Result<readonly CsvRecord[], readonly LineIssue[]> {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let start = 1
  let i = 0
  const endRecord = (): void => {
    fields.push(field)
    records.push({ line: start, fields })
    fields = []
    field = ''
  }
  while (i < source.length) {
    const c = source[i]
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else {
        if (c === '\n') line += 1
        field += c
      }
      i += 1
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i += 1
      endRecord()
      line += 1
      start = line
    } else field += c
    i += 1
  }
  if (quoted) {
    return err([
      lineIssue(
        'invalid_type',
        start,
        'csv',
        'A quoted field is not closed before the end of the file.',
      ),
    ])
  }
  if (field !== '' || fields.length > 0) endRecord()
  return ok(records)
}

/**
 * The columns a header line names, by the `headers` table (names compared without case, spaces,
 * `_` or `-`; other names ignored). A column named twice is pushed onto `issues`.
 */
export function headerColumns<C extends string>(
  header: CsvRecord,
  headers: Readonly<Record<string, C>>,
  issues: LineIssue[],
): Map<C, number> {
  const columns = new Map<C, number>()
  header.fields.forEach((name, index) => {
    const column = headers[name.toLowerCase().replace(/[\s_-]/g, '')]
    if (column === undefined) return
    if (columns.has(column)) {
      issues.push(lineIssue('invalid_type', header.line, name, `Column "${name}" appears twice.`))
    } else columns.set(column, index)
  })
  return columns
}

/** A record's cell in `column`, trimmed; undefined when the column is absent or the cell empty. */
export function cellOf<C extends string>(
  record: CsvRecord,
  columns: ReadonlyMap<C, number>,
  column: C,
): string | undefined {
  const index = columns.get(column)
  const value = index === undefined ? undefined : record.fields[index]?.trim()
  return value === '' ? undefined : value
}
