// The write-once ledger: every KashFlow write is recorded as an intent before it is made and as
// an outcome after; an intent without an outcome is read back against the pre-image first.
import { negate } from '@opayo-kashflow/core'
import type { PostingIntent } from '@opayo-kashflow/core'
import {
  KashflowAmbiguousWriteError,
  customerFromIntent,
  journalFromIntent,
  paymentFromIntent,
  paymentLinesOf,
} from '@opayo-kashflow/kashflow'
import type { Invoice, InvoicePaymentInput, InvoicePaymentRecord } from '@opayo-kashflow/kashflow'
import type { EventRecord, LedgerEntry } from '../store/store.js'
import type { EngineContext } from './context.js'
import { postVerifiedJournal } from './journal-verification.js'
import type { MatchRecord } from './matching.js'

/** The intents that write to KashFlow (planning ends the event on a skip or a dead letter). */
export type WriteIntent = Exclude<PostingIntent, { readonly kind: 'skip' | 'dead-letter' }>

/** The ledger's request for an invoice payment or refund: the write's input and the pre-image. */
interface PaymentLedgerRequest extends InvoicePaymentInput {
  readonly conversion?: unknown
  readonly match?: MatchRecord
  readonly preImage: readonly InvoicePaymentRecord[]
}

/** More than one new payment line could be ours: a person decides; the engine never writes again. */
export class NeedsReview extends Error {
  override readonly name = 'NeedsReview'
  constructor(
    readonly invoiceNumber: number,
    readonly candidates: readonly InvoicePaymentRecord[],
  ) {
    super(
      `Invoice ${invoiceNumber} has ${candidates.length} new payment lines that could be this posting; a person must decide which (if any) is ours.`,
    )
  }
}

// By name too, so two copies of the kashflow package agree.
const isAmbiguousWrite = (error: unknown): boolean =>
  error instanceof KashflowAmbiguousWriteError ||
  (error as Error | undefined)?.name === 'KashflowAmbiguousWriteError'

/**
 * KashFlow answered the write, and the answer says nothing was applied: a 429 (answered before a
 * write is applied, as HTTP intends; KASHFLOW_UNCONFIRMED.tooManyRequestsBeforeApplying), a 400
 * validation refusal, a 401/403 or a 404. Not the 400 database timeout (`KashflowTransientError`:
 * a timed-out statement may still commit), not a 5xx, a timeout or a reset (ambiguous).
 */
const DEFINITE_REFUSALS: ReadonlySet<string> = new Set([
  'KashflowRateLimitError',
  'KashflowValidationError',
  'KashflowAuthenticationError',
  'KashflowNotFoundError',
])
const isDefiniteRefusal = (error: unknown): boolean =>
  DEFINITE_REFUSALS.has((error as Error | undefined)?.name ?? '')

/**
 * The exactly-once write: record the intent in the ledger; if an earlier attempt already got
 * this far, read KashFlow back first; write; on an ambiguous failure read back again; record
 * the outcome. `readBack` gets the ledger entry as first recorded (with the pre-image taken
 * before the first write), so a restart compares against what KashFlow held before any
 * attempt, never against a later read. Returns the marker.
 *
 * A definite refusal (see DEFINITE_REFUSALS) of the only write an intent has had marks the entry
 * `refused`: the next attempt begins it afresh with its own pre-image and writes without reading
 * back, so a stranger's identical line added meanwhile is never taken as ours. After an earlier
 * ambiguous attempt the entry stays an intent: that write may still be in KashFlow, so the next
 * attempt reads back against the first pre-image.
 */
export async function writeOnce(
  ctx: EngineContext,
  event: EventRecord,
  entry: {
    readonly marker: string
    readonly kind: string
    readonly request: unknown
    readonly readBack: ((entry: LedgerEntry) => Promise<unknown>) | undefined
    readonly write: () => Promise<unknown>
  },
): Promise<string> {
  const { store, now } = ctx
  const { marker, readBack } = entry
  const begun = await store.ledgerBegin({
    eventId: event.id,
    marker,
    kind: entry.kind,
    request: entry.request,
    now: now(),
  })
  if (begun.entry.state === 'done') return marker
  const complete = (result: unknown) =>
    store.ledgerComplete({ eventId: event.id, marker, result, now: now() })
  if (!begun.created && readBack) {
    const found = await readBack(begun.entry)
    if (found !== undefined) {
      await complete({ readBack: found })
      return marker
    }
  }
  await ctx.confirmLease(event)
  let result: unknown
  try {
    result = await entry.write()
  } catch (error) {
    if (begun.created && isDefiniteRefusal(error)) {
      await store.ledgerRefused({ eventId: event.id, marker, now: now() })
      ctx.logger?.info?.('sync write refused', {
        id: event.id,
        marker,
        error: (error as Error).name,
      })
      throw error
    }
    const found = isAmbiguousWrite(error) && readBack ? await readBack(begun.entry) : undefined
    if (found === undefined) throw error
    result = { readBack: found }
  }
  await ctx.options.afterWrite?.(event.id, marker)
  await complete(result)
  return marker
}

/**
 * Posts one intent through the ledger: an invoice payment or refund (read back against the
 * invoice's pre-image), a customer upsert (by email, or created under a code derived from
 * the marker and read back by it), or a journal (read back by date and
 * reference). `invoice` is the invoice as read for planning; the write reuses it. `match` (a
 * resolution or a matching decision) is kept in the payment's ledger request. Returns the
 * intent's marker.
 */
export async function executeIntent(
  ctx: EngineContext,
  event: EventRecord,
  intent: WriteIntent,
  invoice: Invoice | undefined,
  match?: MatchRecord,
): Promise<string> {
  const { kashflow } = ctx
  switch (intent.kind) {
    case 'invoice-payment':
    case 'invoice-refund': {
      // Planning makes these only for an invoice it read (see process-event.ts).
      if (!invoice) throw new Error(`No invoice was read for ${intent.marker}.`)
      const input = paymentFromIntent(intent)
      const home = await ctx.homeCurrency()
      const request: PaymentLedgerRequest = {
        ...input,
        ...(intent.conversion ? { conversion: intent.conversion } : {}),
        // How the invoice was chosen when the reference failed (a resolution or matching).
        ...(match ? { match } : {}),
        // What the invoice held before this posting: after an ambiguous write or a restart, a
        // line new since then that matches is ours, whether or not KashFlow kept the marker.
        preImage: paymentLinesOf(invoice, home),
      }
      const expected = {
        amount: intent.kind === 'invoice-refund' ? negate(input.amount) : input.amount,
        date: input.date,
        methodId: input.methodId,
        bankAccountId: input.bankAccountId,
      }
      return writeOnce(ctx, event, {
        marker: intent.marker,
        kind: intent.kind,
        request,
        readBack: async (entry) => {
          const recorded = (entry.request as Partial<PaymentLedgerRequest> | null)?.preImage
          // A ledger entry from before pre-images: only the marker can say.
          if (!Array.isArray(recorded))
            return kashflow.invoicePayments.findByMarker(input.invoiceNumber, intent.marker)
          const candidates = await kashflow.invoicePayments.findNew({
            invoiceNumber: input.invoiceNumber,
            preImage: recorded,
            expected,
            marker: intent.marker,
          })
          if (candidates.length === 0) return undefined
          if (candidates.length === 1) return candidates[0]
          throw new NeedsReview(input.invoiceNumber, candidates)
        },
        write: () =>
          intent.kind === 'invoice-payment'
            ? kashflow.invoicePayments.create({ ...input, invoice })
            : kashflow.invoicePayments.refund({ ...input, invoice }),
      })
    }
    case 'customer-upsert': {
      const input = customerFromIntent(intent)
      const marker = intent.marker
      // With an email: find the customer one of whose contacts has exactly that email, then
      // update or create. Repeating it after a lost answer finds the customer the lost create
      // made, so there is nothing to read back. Several customers with the email throw
      // KashflowCannotTellError: the event stops, needs_review, with their codes.
      // Without an email nothing would find the customer again, so it is created under a code
      // derived from the marker and read back by that code (GET /customers/{code}, exact and
      // documented): a lost answer, a restart or a racing retry never makes a second one.
      const email = intent.customer.email
      return writeOnce(ctx, event, {
        marker,
        kind: intent.kind,
        request: input,
        readBack: email
          ? undefined
          : async () => {
              const found = await kashflow.customers.findByMarker(marker)
              return found ? { code: found.Code } : undefined
            },
        write: async () => {
          const saved = email
            ? (await kashflow.customers.upsertByEmail(input)).customer
            : (await kashflow.customers.createMarked(input, marker)).customer
          return { code: saved.Code }
        },
      })
    }
    case 'journal': {
      const input = journalFromIntent(intent)
      // The POST body is unconfirmed: the first journal after a start is read back by detail and
      // compared; if it differs, journals stop (journal-verification.ts).
      await postVerifiedJournal(ctx, event, input, async () => {
        let number: number | undefined
        await writeOnce(ctx, event, {
          marker: intent.marker,
          kind: intent.kind,
          request: input,
          // Read back by the marker (JournalName) and date. Rows that lack those fields throw
          // KashflowCannotTellError: never "not written", so the journal is never posted twice.
          readBack: async () => {
            const journal = await kashflow.journals.find({
              date: input.date,
              reference: input.reference,
            })
            number = journal?.Number ?? undefined
            return journal ? { number: journal.Number } : undefined
          },
          write: async () => {
            number = (await kashflow.journals.create(input)).Number ?? undefined
            return { number }
          },
        })
        return { number }
      })
      return intent.marker
    }
  }
}
