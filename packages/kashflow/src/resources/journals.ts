import { InvalidArgumentError, add, money } from '@opayo-kashflow/core'
import type { Money } from '@opayo-kashflow/core'
import type { z } from 'zod'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { toKashflowDate } from '../wire/dates.js'
import { toKashflowAmount } from '../wire/money.js'
import { JournalSchema } from '../wire/schemas.js'
import type { Journal } from '../wire/schemas.js'
import { paginate } from './invoices.js'

/** One journal line: exactly one of debit or credit, positive. */
export interface JournalLineInput {
  readonly nominalCode: number
  readonly debit?: Money
  readonly credit?: Money
  readonly comment?: string
}

export interface JournalInput {
  /** YYYY-MM-DD (Europe/London). */
  readonly date: string
  /** Shown as the journal's reference (`JournalName`); put the idempotency marker here. */
  readonly reference: string
  readonly comment: string
  readonly lines: readonly JournalLineInput[]
}

/**
 * Checks a journal balances before it is sent: every line has exactly one positive side, one
 * currency throughout, debits equal credits.
 * @throws {InvalidArgumentError}
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

export function journalsResource(transport: KashflowTransport) {
  return {
    /**
     * Creates a balanced journal. The body shape is the specs' best guess (UNCONFIRMED; see
     * KASHFLOW_UNCONFIRMED.journalBody). Rejects an unbalanced journal before sending.
     */
    create(input: JournalInput, call?: KashflowCallOptions): Promise<Journal> {
      assertBalanced(input)
      return transport.request(
        {
          method: 'POST',
          path: 'journals',
          body: {
            JournalDate: toKashflowDate(input.date),
            JournalName: input.reference,
            Comment: input.comment,
            Category: 0,
            ExcludedFromProfitAndLoss: false,
            LineItems: input.lines.map((line) => ({
              NominalCode: line.nominalCode,
              Debit: line.debit ? toKashflowAmount(line.debit) : 0,
              Credit: line.credit ? toKashflowAmount(line.credit) : 0,
              Comment: line.comment ?? '',
              ProjectNumber: 0,
            })),
          },
          schema: JournalSchema,
        },
        call,
      )
    },
    get(number: number, call?: KashflowCallOptions): Promise<Journal> {
      return transport.request(
        { method: 'GET', path: `journals/${number}`, schema: JournalSchema },
        call,
      )
    },
    /** Journal summaries (no lines; fetch one with `get` for its lines). */
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
  }
}
