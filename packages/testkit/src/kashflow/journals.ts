// The fake KashFlow's journals: `GET /journals` (rows), `GET /journals/{number}` (detail with
// lines) and `POST /journals`, in the live shape or the documented one
// (`unconfirmed.journalShape`), balanced and on known nominals, misread as
// `unconfirmed.journalBodyMisread` says.
import { cents, error, json, page } from './http.js'
import { known } from './state.js'
import type { KashflowCall, KashflowRoute, KashflowState } from './state.js'

// The request fields of KashFlow's API page for `POST /journals`; with `dropUnknownFields` the fake
// keeps only these. In the live field family: the journal template's fields
// (`Journals_CreateTemplateJournal`) with the list rows' `JournalName`/`JournalDate`/`Comment`.
const JOURNAL_FIELDS: ReadonlySet<string> = new Set([
  'Number',
  'JournalDate',
  'JournalName',
  'Comment',
  'Category',
  'ExcludedFromProfitAndLoss',
  'TradeBorderType',
  'LineItems',
])
const JOURNAL_LINE_FIELDS: ReadonlySet<string> = new Set([
  'Id',
  'NominalCode',
  'Comment',
  'Debit',
  'Credit',
  'ProjectNumber',
  'Disallowed',
])
// KashFlow's journal page (`journalShape: 'documented'`).
const DOCUMENTED_JOURNAL_FIELDS: ReadonlySet<string> = new Set(['Date', 'Description', 'Lines'])

/**
 * The journals (as stored, detail with lines) that carry `marker` in `JournalName`, `Comment`
 * or `Description`, whatever `unconfirmed.journalShape` is.
 * @example const journals = journalsCarrying(state, 'OPAYO-BATCH:B-100:fees')
 */
export function journalsCarrying(state: KashflowState, marker: string): Record<string, unknown>[] {
  return [...state.journals.values()].filter((journal) =>
    ['JournalName', 'Comment', 'Description', 'Reference'].some((field) => {
      const value = journal[field]
      return typeof value === 'string' && value.split(/\s+/).includes(marker)
    }),
  )
}

/** `GET /journals`: live rows carry no lines (they exist only on the detail); documented ones do. */
function list({ state, query }: KashflowCall): Response {
  const all = [...state.journals.values()]
  const rows =
    state.unconfirmed.journalShape === 'live'
      ? all.map(({ LineItems: _lines, ...row }) => row)
      : all
  return page(rows, query, 'journals')
}

/** `POST /journals`, in the shape `unconfirmed.journalShape` says. */
function create(call: KashflowCall): Response {
  return call.state.unconfirmed.journalShape === 'live' ? createLive(call) : createDocumented(call)
}

/** `GET /journals/{number}` (any other method under /journals is not found). */
function byNumber({ state, method, parts }: KashflowCall): Response {
  const journal = state.journals.get(Number(parts[1]))
  return journal && method === 'GET'
    ? json(200, journal)
    : error(404, 'NotFound', 'Journal not found')
}

/**
 * `POST /journals` in the live field family (the client's best guess; UNCONFIRMED):
 * `{ JournalDate, JournalName, Comment, Category, ExcludedFromProfitAndLoss, LineItems[{
 * NominalCode, Debit, Credit, Comment }] }`, stored as a live row plus `LineItems`, misread as
 * `unconfirmed.journalBodyMisread` says.
 */
function createLive({ state, body }: KashflowCall): Response {
  const b = known(state, (body ?? {}) as Record<string, unknown>, JOURNAL_FIELDS)
  const date = typeof b['JournalDate'] === 'string' ? b['JournalDate'] : ''
  if (!/^\d{4}-\d{2}-\d{2}/.test(date))
    return error(400, 'ValidationError', 'The JournalDate field is required.')
  const items = b['LineItems']
  if (!Array.isArray(items) || items.length < 2)
    return error(400, 'ValidationError', 'The LineItems field is required.')
  let debits = 0
  let credits = 0
  const lines: Record<string, unknown>[] = []
  for (const item of items as Record<string, unknown>[]) {
    const line = known(state, item ?? {}, JOURNAL_LINE_FIELDS)
    if (!state.nominals.some((n) => n.Code === line['NominalCode']))
      return error(
        400,
        'ValidationError',
        `Nominal code ${String(line['NominalCode'])} does not exist`,
      )
    const debit = line['Debit'] ?? 0
    const credit = line['Credit'] ?? 0
    if (
      typeof debit !== 'number' ||
      typeof credit !== 'number' ||
      debit < 0 ||
      credit < 0 ||
      debit > 0 === credit > 0
    )
      return error(400, 'ValidationError', 'Each line needs a Debit or a Credit')
    debits += cents(debit)
    credits += cents(credit)
    const swapped = state.unconfirmed.journalBodyMisread === 'sides-swapped'
    lines.push({
      Id: 0,
      NominalCode: line['NominalCode'],
      Comment: typeof line['Comment'] === 'string' ? line['Comment'] : '',
      Debit: swapped ? credit : debit,
      Credit: swapped ? debit : credit,
      ProjectNumber: 0,
    })
  }
  if (debits !== credits) return error(400, 'ValidationError', 'Debits and credits must balance')
  const number = (state.ids.journal += 1)
  const name = typeof b['JournalName'] === 'string' ? b['JournalName'] : ''
  const stored = {
    Number: number,
    JournalName: state.unconfirmed.journalBodyMisread === 'name-dropped' ? '' : name,
    JournalDate: `${date.slice(0, 10)}T12:00:00`,
    Comment: typeof b['Comment'] === 'string' ? b['Comment'] : '',
    TotalAmount: debits / 100,
    Category: typeof b['Category'] === 'number' ? b['Category'] : 0,
    CategoryDescription: 'StandardJournals',
    TradeBorderType: 0,
    ExcludedFromProfitAndLoss: b['ExcludedFromProfitAndLoss'] === true,
    VATReturnId: 0,
    LockedBankLines: false,
    IsTemplate: false,
    TemplateName: null,
    LineItems: lines.map((line, i) => ({ ...line, Id: number * 100 + i })),
  }
  state.journals.set(number, stored)
  return json(201, stored)
}

/** `POST /journals` as KashFlow's journal page documents it: `{ Date, Description, Lines }`. */
function createDocumented({ state, body }: KashflowCall): Response {
  const b = known(state, (body ?? {}) as Record<string, unknown>, DOCUMENTED_JOURNAL_FIELDS)
  // The documented body is { Date (required), Description, Lines (required) }; the live
  // family { JournalDate, JournalName, LineItems } is refused.
  const date = typeof b['Date'] === 'string' ? b['Date'] : ''
  if (!/^\d{4}-\d{2}-\d{2}/.test(date))
    return error(400, 'ValidationError', 'The Date field is required.')
  const lines = b['Lines']
  if (!Array.isArray(lines) || lines.length < 2)
    return error(400, 'ValidationError', 'The Lines field is required.')
  let debit = 0
  let credit = 0
  for (const line of lines as Record<string, unknown>[]) {
    if (!state.nominals.some((n) => n.Code === line['NominalCode']))
      return error(
        400,
        'ValidationError',
        `Nominal code ${String(line['NominalCode'])} does not exist`,
      )
    const amount = line['Amount']
    if (typeof amount !== 'number' || !(amount > 0) || typeof line['Debit'] !== 'boolean')
      return error(400, 'ValidationError', 'Each line needs a positive Amount and Debit')
    if (line['Debit']) debit += cents(amount)
    else credit += cents(amount)
  }
  if (debit !== credit) return error(400, 'ValidationError', 'Debits and credits must balance')
  const number = (state.ids.journal += 1)
  const swapped = state.unconfirmed.journalBodyMisread === 'sides-swapped'
  const stored = {
    Id: number + 900_000,
    Number: number,
    Date: `${date.slice(0, 10)} 12:00:00`,
    Description: typeof b['Description'] === 'string' ? b['Description'] : '',
    Lines: (lines as Record<string, unknown>[]).map((line, i) => ({
      Id: number * 100 + i,
      NominalCode: line['NominalCode'],
      Description: typeof line['Description'] === 'string' ? line['Description'] : '',
      Amount: line['Amount'],
      Debit: swapped ? !line['Debit'] : line['Debit'],
    })),
  }
  state.journals.set(number, stored)
  return json(201, stored)
}

/**
 * The journal routes, in the order they are tried.
 * @example const route = journalRoutes.find((r) => r.path.test('journals/301'))
 */
export const journalRoutes: readonly KashflowRoute[] = [
  { method: 'GET', path: /^journals$/, handle: list },
  { method: 'POST', path: /^journals$/, handle: create },
  { method: '*', path: /^journals(\/|$)/, handle: byNumber },
]
