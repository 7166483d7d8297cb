import { InvalidArgumentError, add, money } from '@opayo-kashflow/core'
import type { Money } from '@opayo-kashflow/core'
import { z } from 'zod'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { parseKashflowDate } from '../wire/dates.js'
import { toKashflowAmount } from '../wire/money.js'
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
  /** Sent as the line's `Description`. */
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
   * The idempotency marker, without spaces. Sent as `Reference` and as the first word of
   * `Description` (the field KashFlow documents), which is where `journals.find` looks for it.
   */
  readonly reference: string
  /** The rest of the `Description`, after the reference. */
  readonly comment: string
  readonly lines: readonly JournalLineInput[]
}

/**
 * Checks a journal balances before it is sent: every line has exactly one positive side, one
 * currency throughout, debits equal credits.
 * @throws {InvalidArgumentError}
 * @example
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

/**
 * The body of `POST /journals` in the public shape: `{ Date, Description, Lines }` as KashFlow's
 * page documents it, plus `Reference` and the line fields `{ NominalCode, Description, Amount,
 * Debit }` as hcs-app posts them (UNCONFIRMED line shape; see KASHFLOW_UNCONFIRMED).
 */
function journalBody(input: JournalInput) {
  return {
    Date: input.date,
    Description: [input.reference, input.comment].filter((part) => part !== '').join(' '),
    Reference: input.reference,
    Lines: input.lines.map((line) => {
      const side = (line.debit ?? line.credit)!
      return {
        NominalCode: line.nominalCode,
        Description: line.comment ?? '',
        Amount: toKashflowAmount(side),
        Debit: line.debit !== undefined,
      }
    }),
  }
}

/** The journal carries the reference: as `Reference`, or as a word of `Description`. */
function carries(journal: Journal, reference: string): boolean {
  if (journal.Reference === reference) return true
  return (journal.Description ?? '').split(/\s+/).includes(reference)
}

/** Nominal journals: create (balanced, never retried), get, list, and find by date and reference (the read-back). */
export interface JournalsResource {
  /**
   * Creates a balanced journal with `POST /journals` in the public shape
   * `{ Date, Description, Reference, Lines: [{ NominalCode, Description, Amount, Debit }] }`.
   * Rejects an unbalanced journal before sending. Never retried: after
   * KashflowAmbiguousWriteError, read back with `find` before posting again.
   * @throws {InvalidArgumentError} for an unbalanced journal, a bad date or a reference with spaces.
   * @example
   * const journal = await kashflow.journals.create(input)
   */
  create(input: JournalInput, call?: KashflowCallOptions): Promise<Journal>
  /**
   * One journal by its number.
   * @example
   * const journal = await kashflow.journals.get(301)
   */
  get(number: number, call?: KashflowCallOptions): Promise<Journal>
  /**
   * Every journal, page by page (`GET /journals`).
   * @example
   * for await (const journal of kashflow.journals.list()) console.log(journal.Number)
   */
  list(call?: KashflowCallOptions): AsyncIterable<Journal>
  /**
   * The read-back of a journal: the first journal dated `date` that carries `reference` (as
   * `Reference` or as a word of `Description`), or undefined. The caller compares its `Lines`
   * with what it sent.
   *
   * `GET /journals` documents no date filter (only `page`, `perpage`), so this pages through
   * the list and stops once the rows have passed `date`: it assumes the list is ordered by date,
   * in either direction, and learns which from the rows (UNCONFIRMED;
   * KASHFLOW_UNCONFIRMED.journalListOrderedByDate). When the dates it sees are not in order it
   * reads every page rather than miss a journal.
   * @example
   * const found = await kashflow.journals.find({ date: '2026-11-02', reference: marker })
   */
  find(
    input: { readonly date: string; readonly reference: string },
    call?: KashflowCallOptions,
  ): Promise<Journal | undefined>
}

export function journalsResource(transport: KashflowTransport): JournalsResource {
  return {
    create(input: JournalInput, call?: KashflowCallOptions): Promise<Journal> {
      assertBalanced(input)
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date))
        throw new InvalidArgumentError(
          `journals.create(): date must be YYYY-MM-DD, got "${input.date}".`,
        )
      if (input.reference === '' || /\s/.test(input.reference))
        throw new InvalidArgumentError(
          'journals.create(): the reference must be one word (journals.find looks for it as a word of the Description).',
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
      input: { readonly date: string; readonly reference: string },
      call?: KashflowCallOptions,
    ): Promise<Journal | undefined> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date))
        throw new InvalidArgumentError(
          `journals.find(): date must be YYYY-MM-DD, got "${input.date}".`,
        )
      if (input.reference.trim() === '')
        throw new InvalidArgumentError('journals.find(): the reference must not be empty.')
      let direction: 1 | -1 | 0 = 0
      let ordered = true
      let previous: string | undefined
      const rows = pages(
        transport,
        'journals',
        JournalSchema as z.ZodType<Journal>,
        {},
        KASHFLOW_UNCONFIRMED.maxPerPage,
        call,
      )
      for await (const page of rows) {
        let found: Journal | undefined
        for (const journal of page) {
          const date = parseKashflowDate(journal.Date)
          if (date === undefined) continue
          if (previous !== undefined && date !== previous) {
            const step = date > previous ? 1 : -1
            if (direction === 0) direction = step
            else if (step !== direction) ordered = false
          }
          previous = date
          if (found === undefined && date === input.date && carries(journal, input.reference))
            found = journal
        }
        if (found !== undefined) return found
        const passed =
          previous !== undefined &&
          ((direction === 1 && previous > input.date) ||
            (direction === -1 && previous < input.date))
        if (ordered && passed) return undefined
      }
      return undefined
    },
  }
}
