// The write-once ledger: every KashFlow write is recorded as an intent before it is made and as
// an outcome after; an intent without an outcome is read back against the pre-image first.
import { negate } from '@opayo-kashflow/core'
import type { InvoicePaymentIntent, InvoiceRefundIntent, PostingIntent } from '@opayo-kashflow/core'
import {
  customerFromIntent,
  journalFromIntent,
  paymentFromIntent,
  paymentLinesOf,
} from '@opayo-kashflow/kashflow'
import type { Invoice, InvoicePaymentInput, InvoicePaymentRecord } from '@opayo-kashflow/kashflow'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { postVerifiedJournal } from './journal-verification.js'
import type { MatchRecord } from './matching.js'
import { writeOnce } from './write-once.js'
import { postCreditNoteRefund } from './credit-note.js'

export { writeOnce }

/** The intents that write to KashFlow (planning ends the event on a skip or a dead letter). */
export type WriteIntent = Exclude<PostingIntent, { readonly kind: 'skip' | 'dead-letter' }>

/** The ledger's request for an invoice payment or refund: the write's input and the pre-image. */
interface PaymentLedgerRequest extends InvoicePaymentInput {
  /** The invoice a credit-note refund is for (`invoiceNumber` is then the credit note). */
  readonly creditNoteOf?: number
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

/**
 * Posts one intent through the ledger: an invoice payment or refund (read back against the
 * invoice's pre-image; a `credit-note` refund creates its credit note first, credit-note.ts), a customer upsert (by email, or created under a code derived from
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
      if (intent.kind === 'invoice-refund' && intent.mode === 'credit-note')
        return postCreditNoteRefund(ctx, event, intent, invoice, (note) =>
          writePayment(ctx, event, intent, note, match, invoice.Number),
        )
      return writePayment(ctx, event, intent, invoice, match)
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

/**
 * Posts an invoice payment or refund through the ledger, read back against the pre-image of
 * `invoice` (the payment lines it held before). `creditNoteOf`: the refund is paid on the credit
 * note `invoice` made for that invoice (credit-note.ts), not on the intent's invoice.
 */
export async function writePayment(
  ctx: EngineContext,
  event: EventRecord,
  intent: InvoicePaymentIntent | InvoiceRefundIntent,
  invoice: Invoice,
  match?: MatchRecord,
  creditNoteOf?: number,
): Promise<string> {
  const { kashflow } = ctx
  const planned = paymentFromIntent(intent)
  const input = creditNoteOf === undefined ? planned : { ...planned, invoiceNumber: invoice.Number }
  const home = await ctx.homeCurrency()
  const request: PaymentLedgerRequest = {
    ...input,
    ...(creditNoteOf === undefined ? {} : { creditNoteOf }),
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
