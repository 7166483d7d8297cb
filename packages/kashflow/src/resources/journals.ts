import { InvalidArgumentError, add, money } from '@opayo-kashflow/core'
import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { z } from 'zod'
import { KashflowCannotTellError } from '../errors/kashflow-error.js'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { parseKashflowDate } from '../wire/dates.js'
import { fromKashflowAmount, toKashflowAmount } from '../wire/money.js'
import { JournalSchema } from '../wire/schemas.js'
import type { Journal } from '../wire/schemas.js'
import { pages, paginate } from './invoices.js'

/**
 * One journal line: exactly one of debit or credit, positive.
 * @example
 * const line: JournalLineInput = { nominalCode: 7901, debit: money(342, 'GBP'), comment: 'Card fees' }
 */
export interface JournalLineInput {
  readonly nominalCode: number
  readonly debit?: Money
  readonly credit?: Money
  /** Sent as the line's `Comment`. */
  readonly comment?: string
}

/**
 * A journal to post.
 * @example
 * const input: JournalInput = {
 *   date: '2026-11-02',
 *   reference: 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:fees',
 *   comment: 'Opayo settlement fees',
 *   lines: [
 *     { nominalCode: 7901, debit: money(342, 'GBP') },
 *     { nominalCode: 1210, credit: money(342, 'GBP') },
 *   ],
 * }
 */
export interface JournalInput {
  /** YYYY-MM-DD (Europe/London). */
  readonly date: string
  /**
   * The idempotency marker, without spaces. Sent as `JournalName` (the field live list rows
   * carry, where `journals.find` looks for it) and as the first word of `Comment`.
   */
  readonly reference: string
  /** The rest of the `Comment`, after the reference. */
  readonly comment: string
  readonly lines: readonly JournalLineInput[]
}

/**
 * Checks a journal balances before it is sent: every line has exactly one positive side, one
 * currency throughout, debits equal credits.
 * @throws {InvalidArgumentError}
 * @example
 * const input: JournalInput = { date: '2026-11-02', reference: 'OPAYO-BATCH-77', comment: 'Opayo batch 77', lines: [{ nominalCode: 1210, debit: money(9830, 'GBP') }, { nominalCode: 1200, credit: money(9830, 'GBP') }] }
 * assertBalanced(input) // throws before anything is sent when debits and credits differ
 */
export function assertBalanced(input: JournalInput): void {
  if (input.lines.length < 2)
    throw new InvalidArgumentError('journals.create(): a journal needs at least two lines.')
  const currency = (input.lines[0]?.debit ?? input.lines[0]?.credit)?.currency ?? 'GBP'
  let debits = money(0, currency)
  let credits = money(0, currency)
  input.lines.forEach((line, i) => {
    const side = line.debit ?? line.credit
    if (
      (line.debit === undefined) === (line.credit === undefined) ||
      side === undefined ||
      side.amount <= 0
    ) {
      throw new InvalidArgumentError(
        `journals.create(): line ${i} must have exactly one positive debit or credit.`,
      )
    }
    if (side.currency !== currency) {
      throw new InvalidArgumentError(
        `journals.create(): line ${i} is in ${side.currency}, the journal in ${currency}.`,
      )
    }
    if (line.debit) debits = add(debits, line.debit)
    if (line.credit) credits = add(credits, line.credit)
  })
  if (debits.amount !== credits.amount) {
    throw new InvalidArgumentError(
      `journals.create(): debits (${debits.amount}) and credits (${credits.amount}) in minor units do not balance.`,
    )
  }
}

/** The `POST /journals` body: the shape is UNCONFIRMED and lives in KASHFLOW_UNCONFIRMED.journalPostBody. */
function journalBody(input: JournalInput) {
  return KASHFLOW_UNCONFIRMED.journalPostBody({
    date: input.date,
    marker: input.reference,
    // The marker also starts the Comment, so a JournalName cut short still finds the journal.
    comment: [input.reference, input.comment].filter((part) => part !== '').join(' '),
    lines: input.lines.map((line) => ({
      nominalCode: line.nominalCode,
      debit: line.debit ? toKashflowAmount(line.debit) : 0,
      credit: line.credit ? toKashflowAmount(line.credit) : 0,
      comment: line.comment ?? '',
    })),
  })
}

const has = (row: object, field: string): boolean => Object.hasOwn(row, field)

/** The field names of the rows read, for a cannot-tell error's `seen` (names only, no values). */
export function fieldsOf(rows: readonly object[]): string[] {
  return [...new Set(rows.flatMap((row) => Object.keys(row)))].sort()
}

/** The row carries the marker: as its `JournalName`, or as the first word of its `Comment`. */
function carries(journal: Journal, reference: string): boolean {
  if (journal.JournalName === reference) return true
  return (journal.Comment ?? '').split(/\s+/)[0] === reference
}

/**
 * One journal line read back: the nominal code and one side, in integer minor units.
 * @example
 * const line: JournalLineRead = { nominalCode: 7901, side: 'debit', amount: money(342, 'GBP') }
 */
export interface JournalLineRead {
  readonly nominalCode: number
  readonly side: 'debit' | 'credit'
  readonly amount: Money
}

/**
 * The lines of a journal detail (`GET /journals/{number}`), in minor units of `currency`: from
 * `LineItems[{ NominalCode, Debit, Credit }]` (numbers, one of them 0), or the older
 * `Lines[{ NominalCode, Amount, Debit: boolean }]`. List rows carry no lines.
 * @throws {KashflowCannotTellError} when the journal carries neither, or a line cannot be read
 *   (no nominal code, both sides or neither, an amount that is not whole minor units).
 * @example
 * const lines = journalLinesOf(await kashflow.journals.get(301), 'GBP')
 */
export function journalLinesOf(journal: Journal, currency: CurrencyCode): JournalLineRead[] {
  const operation = 'journalLinesOf'
  const seen = { number: journal.Number, fields: fieldsOf([journal]) }
  const cannot = (message: string) => new KashflowCannotTellError(operation, message, seen)
  const amount = (value: number, field: string) => {
    try {
      return fromKashflowAmount(value, currency, field)
    } catch {
      throw cannot(`${field} ${value} is not a whole number of ${currency} minor units`)
    }
  }
  if (Array.isArray(journal.LineItems) && journal.LineItems.length > 0) {
    return journal.LineItems.map((line, i) => {
      const debit = line.Debit ?? 0
      const credit = line.Credit ?? 0
      if (typeof line.NominalCode !== 'number') throw cannot(`LineItems[${i}] has no NominalCode`)
      if ((debit === 0) === (credit === 0) || debit < 0 || credit < 0)
        throw cannot(`LineItems[${i}] does not have exactly one positive Debit or Credit`)
      return debit !== 0
        ? { nominalCode: line.NominalCode, side: 'debit', amount: amount(debit, 'Debit') }
        : { nominalCode: line.NominalCode, side: 'credit', amount: amount(credit, 'Credit') }
    })
  }
  if (Array.isArray(journal.Lines) && journal.Lines.length > 0) {
    return journal.Lines.map((line, i) => {
      if (typeof line.NominalCode !== 'number') throw cannot(`Lines[${i}] has no NominalCode`)
      if (typeof line.Amount !== 'number' || line.Amount <= 0 || typeof line.Debit !== 'boolean')
        throw cannot(`Lines[${i}] does not have a positive Amount and a Debit flag`)
      return {
        nominalCode: line.NominalCode,
        side: line.Debit ? 'debit' : 'credit',
        amount: amount(line.Amount, 'Amount'),
      }
    })
  }
  throw cannot('the journal carries no lines (neither LineItems nor Lines); list rows never do')
}

/**
 * What `journals.verify` concluded about a journal it wrote: read back as written, or not (with
 * what differs and what KashFlow answered).
 * @example
 * const check: JournalCheck = { state: 'as-written', number: 301 }
 */
export type JournalCheck =
  | { readonly state: 'as-written'; readonly number: number }
  | {
      readonly state: 'not-as-written'
      readonly number: number | undefined
      /** One sentence per difference. */
      readonly differences: readonly string[]
      /** What KashFlow answered (field names, numbers, counts); safe to log. */
      readonly seen: Readonly<Record<string, unknown>>
    }

const lineKey = (line: JournalLineRead) =>
  `${line.nominalCode} ${line.side} ${line.amount.amount} ${line.amount.currency}`

/** The differences between the lines sent and the lines read, as multisets (order aside). */
function lineDifferences(sent: readonly JournalLineRead[], read: readonly JournalLineRead[]) {
  const left = sent.map(lineKey)
  const right = read.map(lineKey)
  const differences: string[] = []
  for (const key of left) {
    const i = right.indexOf(key)
    if (i === -1) differences.push(`sent line "${key}" is not in KashFlow`)
    else right.splice(i, 1)
  }
  for (const key of right) differences.push(`KashFlow has line "${key}", which was not sent`)
  return differences
}

/** Nominal journals: create (balanced, never retried), get, list, find by marker (the read-back) and verify. */
export interface JournalsResource {
  /**
   * Creates a balanced journal with `POST /journals`. The body is UNCONFIRMED (see
   * KASHFLOW_UNCONFIRMED.journalPostBody): `{ JournalDate: "YYYY-MM-DD 12:00:00", JournalName:
   * reference, Comment, Category: 0, ExcludedFromProfitAndLoss: false, LineItems: [{ NominalCode,
   * Debit, Credit, Comment }] }`. Rejects an unbalanced journal before sending. Never retried:
   * after KashflowAmbiguousWriteError, read back with `find` before posting again; check a new
   * shape with `verify`.
   * @throws {InvalidArgumentError} for an unbalanced journal, a bad date or a reference with spaces.
   * @example
   * const input: JournalInput = { date: '2026-11-02', reference: 'OPAYO-BATCH-77', comment: 'Opayo batch 77', lines: [{ nominalCode: 1210, debit: money(9830, 'GBP') }, { nominalCode: 1200, credit: money(9830, 'GBP') }] }
   * const journal = await kashflow.journals.create(input)
   */
  create(input: JournalInput, call?: KashflowCallOptions): Promise<Journal>
  /**
   * One journal by its number (`GET /journals/{number}`): the detail, the only answer that
   * carries lines.
   * @example
   * const journal = await kashflow.journals.get(301)
   */
  get(number: number, call?: KashflowCallOptions): Promise<Journal>
  /**
   * Every journal, page by page (`GET /journals`). Rows carry no lines.
   * @example
   * for await (const journal of kashflow.journals.list()) console.log(journal.Number)
   */
  list(call?: KashflowCallOptions): AsyncIterable<Journal>
  /**
   * The read-back of a journal: the row dated `date` whose `JournalName` is `reference` (or whose
   * `Comment` starts with it), or undefined when every row read carries `JournalName` and
   * `JournalDate` and none is it. With `detail: true` the row found is read again by its `Number`
   * (`GET /journals/{number}`), for its lines.
   *
   * `GET /journals` documents no date filter (only `page`, `perpage`), so this pages through the
   * list and stops once the rows have passed `date`: it assumes the list is ordered by date, in
   * either direction, and learns which from the rows (UNCONFIRMED;
   * KASHFLOW_UNCONFIRMED.journalListOrderedByDate). When the dates are not in order it reads every
   * page rather than miss a journal.
   * @throws {KashflowCannotTellError} when a row read lacks `JournalName` or `JournalDate` (the
   *   live list carries both: anything else cannot prove the journal absent), when a row carries
   *   the marker on another date or a marker cut short, or with `detail` when the row has no
   *   `Number`.
   * @example
   * const found = await kashflow.journals.find({ date: '2026-11-02', reference: marker })
   */
  find(
    input: { readonly date: string; readonly reference: string; readonly detail?: boolean },
    call?: KashflowCallOptions,
  ): Promise<Journal | undefined>
  /**
   * Checks that a journal written with `create` reads back as written: `find` recognises it by
   * its marker on its date, it is the journal `number` (when `create` answered one), and its
   * detail holds the same lines (nominal code, side, amount in minor units; order aside). Use it
   * on the first journal written with an unconfirmed body shape. A row or detail that cannot be
   * read (`KashflowCannotTellError`, `KashflowResponseError`) is `not-as-written`; other failures
   * (5xx, timeouts) are thrown.
   * @example
   * const input: JournalInput = { date: '2026-11-02', reference: 'OPAYO-BATCH-77', comment: 'Opayo batch 77', lines: [{ nominalCode: 1210, debit: money(9830, 'GBP') }, { nominalCode: 1200, credit: money(9830, 'GBP') }] }
   * const check = await kashflow.journals.verify(input, { number: 301 })
   * if (check.state === 'not-as-written') console.log(check.differences)
   */
  verify(
    input: JournalInput,
    options?: { readonly number?: number | undefined },
    call?: KashflowCallOptions,
  ): Promise<JournalCheck>
}

export function journalsResource(transport: KashflowTransport): JournalsResource {
  const resource: JournalsResource = {
    create(input: JournalInput, call?: KashflowCallOptions): Promise<Journal> {
      assertBalanced(input)
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date))
        throw new InvalidArgumentError(
          `journals.create(): date must be YYYY-MM-DD, got "${input.date}".`,
        )
      if (input.reference === '' || /\s/.test(input.reference))
        throw new InvalidArgumentError(
          'journals.create(): the reference must be one word (it is the JournalName journals.find reads back).',
        )
      return transport
        .request(
          {
            method: 'POST',
            path: 'journals',
            body: journalBody(input),
            // "Created journal object", with no documented fields: an empty body is accepted.
            schema: z.union([JournalSchema, z.null(), z.undefined()]),
          },
          call,
        )
        .then((journal) => journal ?? {})
    },
    get(number: number, call?: KashflowCallOptions): Promise<Journal> {
      return transport.request(
        { method: 'GET', path: `journals/${number}`, schema: JournalSchema },
        call,
      )
    },
    list(call?: KashflowCallOptions): AsyncIterable<Journal> {
      return paginate(
        transport,
        'journals',
        JournalSchema as z.ZodType<Journal>,
        {},
        KASHFLOW_UNCONFIRMED.maxPerPage,
        call,
      )
    },
    async find(
      input: { readonly date: string; readonly reference: string; readonly detail?: boolean },
      call?: KashflowCallOptions,
    ): Promise<Journal | undefined> {
      const operation = 'journals.find'
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date))
        throw new InvalidArgumentError(
          `journals.find(): date must be YYYY-MM-DD, got "${input.date}".`,
        )
      if (input.reference.trim() === '')
        throw new InvalidArgumentError('journals.find(): the reference must not be empty.')
      let direction: 1 | -1 | 0 = 0
      let ordered = true
      let previous: string | undefined
      let read = 0
      const lacking: Journal[] = []
      const rows = pages(
        transport,
        'journals',
        JournalSchema as z.ZodType<Journal>,
        {},
        KASHFLOW_UNCONFIRMED.maxPerPage,
        call,
      )
      const found = async (journal: Journal): Promise<Journal> => {
        if (!input.detail) return journal
        if (typeof journal.Number !== 'number')
          throw new KashflowCannotTellError(
            operation,
            `the journal carrying ${input.reference} has no Number, so its lines cannot be read`,
            { fields: fieldsOf([journal]) },
          )
        return resource.get(journal.Number, call)
      }
      for await (const page of rows) {
        let match: Journal | undefined
        for (const journal of page) {
          read += 1
          if (!has(journal, 'JournalName') || !has(journal, 'JournalDate')) lacking.push(journal)
          const date = parseKashflowDate(journal.JournalDate)
          if (carries(journal, input.reference)) {
            if (date === input.date) match ??= journal
            else
              throw new KashflowCannotTellError(
                operation,
                `journal ${journal.Number ?? '(no Number)'} carries ${input.reference} but is dated ${journal.JournalDate ?? '(no JournalDate)'}, not ${input.date}`,
                { number: journal.Number, journalDate: journal.JournalDate },
              )
          } else if (
            date === input.date &&
            typeof journal.JournalName === 'string' &&
            journal.JournalName.length >= 8 &&
            input.reference.startsWith(journal.JournalName)
          ) {
            throw new KashflowCannotTellError(
              operation,
              `journal ${journal.Number ?? '(no Number)'} on ${input.date} is named "${journal.JournalName}", which may be ${input.reference} cut short`,
              { number: journal.Number, journalName: journal.JournalName },
            )
          }
          if (date === undefined) continue
          if (previous !== undefined && date !== previous) {
            const step = date > previous ? 1 : -1
            if (direction === 0) direction = step
            else if (step !== direction) ordered = false
          }
          previous = date
        }
        if (match !== undefined) return found(match)
        const passed =
          previous !== undefined &&
          ((direction === 1 && previous > input.date) ||
            (direction === -1 && previous < input.date))
        if (ordered && passed) break
      }
      // "Not written" only from rows that carry the marker's field and the date.
      if (lacking.length > 0)
        throw new KashflowCannotTellError(
          operation,
          `${lacking.length} of ${read} journal rows lack JournalName or JournalDate, so ${input.reference} cannot be shown absent`,
          { rowsRead: read, rowsLacking: lacking.length, fields: fieldsOf(lacking) },
        )
      return undefined
    },
    async verify(
      input: JournalInput,
      options: { readonly number?: number | undefined } = {},
      call?: KashflowCallOptions,
    ): Promise<JournalCheck> {
      const notAsWritten = (
        number: number | undefined,
        differences: readonly string[],
        seen: Readonly<Record<string, unknown>>,
      ): JournalCheck => ({ state: 'not-as-written', number, differences, seen })
      const currency = (input.lines[0]?.debit ?? input.lines[0]?.credit)?.currency ?? 'GBP'
      const sent: JournalLineRead[] = input.lines.map((line) =>
        line.debit
          ? { nominalCode: line.nominalCode, side: 'debit', amount: line.debit }
          : { nominalCode: line.nominalCode, side: 'credit', amount: line.credit! },
      )
      let row: Journal | undefined
      try {
        row = await resource.find({ date: input.date, reference: input.reference }, call)
      } catch (error) {
        if (!unreadable(error)) throw error
        return notAsWritten(options.number, [error.message], seenOf(error))
      }
      if (row === undefined)
        return notAsWritten(
          options.number,
          [`no journal row carries ${input.reference} as its JournalName on ${input.date}`],
          {},
        )
      const number = row.Number
      if (typeof number !== 'number')
        return notAsWritten(options.number, ['the journal row found has no Number'], {
          fields: fieldsOf([row]),
        })
      if (options.number !== undefined && options.number !== number)
        return notAsWritten(
          options.number,
          [
            `create answered journal ${options.number}, but ${input.reference} is on journal ${number}`,
          ],
          { number },
        )
      let detail: Journal
      let read: JournalLineRead[]
      try {
        detail = await resource.get(number, call)
        read = journalLinesOf(detail, currency)
      } catch (error) {
        if (!unreadable(error)) throw error
        return notAsWritten(number, [error.message], seenOf(error))
      }
      const differences = lineDifferences(sent, read)
      if (has(detail, 'JournalName') && detail.JournalName !== input.reference)
        differences.push(`the detail's JournalName is "${detail.JournalName ?? ''}"`)
      const detailDate = parseKashflowDate(detail.JournalDate ?? detail.Date)
      if (detailDate !== undefined && detailDate !== input.date)
        differences.push(`the detail is dated ${detailDate}, not ${input.date}`)
      return differences.length === 0
        ? { state: 'as-written', number }
        : notAsWritten(number, differences, {
            number,
            fields: fieldsOf([detail]),
            lines: read.map(lineKey),
          })
    },
  }
  return resource
}

/** A read that could not be understood: the verification's "not as written", never a retry. */
function unreadable(error: unknown): error is Error {
  const name = (error as Error | undefined)?.name
  return name === 'KashflowCannotTellError' || name === 'KashflowResponseError'
}

function seenOf(error: Error): Readonly<Record<string, unknown>> {
  return error instanceof KashflowCannotTellError ? error.seen : { error: error.name }
}
