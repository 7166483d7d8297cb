import { InvalidArgumentError, isCurrencyCode, negate } from '@opayo-kashflow/core'
import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { z } from 'zod'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { parseKashflowDate } from '../wire/dates.js'
import { fromKashflowAmount, toKashflowAmount } from '../wire/money.js'
import type { Invoice } from '../wire/schemas.js'
import type { invoicesResource } from './invoices.js'

/** A payment to record against an invoice. */
export interface InvoicePaymentInput {
  readonly invoiceNumber: number
  /** Positive, in the invoice's currency. */
  readonly amount: Money
  /** The calendar date (YYYY-MM-DD, Europe/London). */
  readonly date: string
  /** KashFlow invoice payment method id. */
  readonly methodId: number
  /** KashFlow bank account Id. */
  readonly bankAccountId: number
  /** Free text; put the idempotency marker first (see buildPaymentNote). */
  readonly note: string
  /** The Opayo reference (VendorTxCode); added to the note when the note lacks it. */
  readonly reference?: string
}

/** A payment line as read back from the invoice. */
export interface InvoicePaymentRecord {
  readonly id: number | undefined
  readonly invoiceNumber: number
  readonly date: string | undefined
  /** Negative for refunds. */
  readonly amount: Money
  readonly methodId: number | undefined
  readonly bankAccountId: number | undefined
  readonly note: string
  readonly reference: string
  readonly isExternalRefund: boolean
  readonly bulkPaymentNumber: number | undefined
}

/** What `create`/`refund` return: the bulk payment number when KashFlow sends one. */
export interface CreatedPayment {
  readonly invoiceNumber: number
  readonly bulkPaymentNumber: number | undefined
}

const BulkPaymentResponseSchema = z.union([
  z.looseObject({ Number: z.number().optional() }),
  z.null(),
  z.undefined(),
])

/**
 * An invoice's currency: its `Currency.Code` when that is an ISO 4217 code, else the account's
 * home currency (KashFlow omits the currency on home-currency invoices in some responses).
 */
export function invoiceCurrency(
  invoice: Invoice,
  homeCurrency: CurrencyCode = 'GBP',
): CurrencyCode {
  const code = invoice.Currency?.Code
  return code !== undefined && isCurrencyCode(code) ? code : homeCurrency
}

export function invoicePaymentsResource(
  transport: KashflowTransport,
  invoices: ReturnType<typeof invoicesResource>,
) {
  async function post(
    input: InvoicePaymentInput,
    amount: Money,
    refund: boolean,
    call?: KashflowCallOptions,
  ): Promise<CreatedPayment> {
    if (!Number.isInteger(input.invoiceNumber) || input.invoiceNumber <= 0) {
      throw new InvalidArgumentError(
        `invoicePayments: invoiceNumber must be a positive integer, got ${input.invoiceNumber}.`,
      )
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date)) {
      throw new InvalidArgumentError(
        `invoicePayments: date must be YYYY-MM-DD, got "${input.date}".`,
      )
    }
    // The bulk route needs the invoice's internal Id; reading it also confirms the invoice exists.
    const invoice = await invoices.get(input.invoiceNumber, call)
    const currency = invoiceCurrency(invoice)
    if (amount.currency !== currency) {
      throw new InvalidArgumentError(
        `invoicePayments: invoice ${input.invoiceNumber} is in ${currency} but the amount is in ${amount.currency}; convert first.`,
      )
    }
    const date = KASHFLOW_UNCONFIRMED.bulkPaymentDate(input.date)
    const result = await transport.request(
      {
        method: 'POST',
        path: 'invoices/bulk/payments',
        body: {
          Date: date,
          AccountId: input.bankAccountId,
          Method: input.methodId,
          // Bulk items have no Reference field (specs §12 1a): the reference rides in the comment.
          Comment:
            input.reference && !input.note.includes(input.reference)
              ? `${input.note}\nReference: ${input.reference}`
              : input.note,
          PaymentItems: [
            {
              Id: invoice.Id,
              ObjectNumber: invoice.Number,
              Amount: toKashflowAmount(amount),
              PaidDate: date,
              ...(invoice.CustomerCode ? { ContactCode: invoice.CustomerCode } : {}),
              ...(refund ? { IsExternalRefund: true } : {}),
            },
          ],
        },
        schema: BulkPaymentResponseSchema,
      },
      call,
    )
    return { invoiceNumber: input.invoiceNumber, bulkPaymentNumber: result?.Number }
  }

  async function list(
    invoiceNumber: number,
    call?: KashflowCallOptions,
  ): Promise<InvoicePaymentRecord[]> {
    const invoice = await invoices.get(invoiceNumber, call)
    const currency = invoiceCurrency(invoice)
    return (invoice.PaymentLines ?? []).map((line, index) => ({
      id: line.Id ?? undefined,
      invoiceNumber,
      date: parseKashflowDate(line.Date),
      amount: fromKashflowAmount(line.Amount, currency, `PaymentLines.${index}.Amount`),
      methodId: line.Method ?? undefined,
      bankAccountId: line.AccountId ?? undefined,
      note: line.Note ?? '',
      reference: line.Reference ?? '',
      isExternalRefund: line.IsExternalRefund === true,
      bulkPaymentNumber: line.BulkPaymentNumber ?? undefined,
    }))
  }

  return {
    /**
     * Records a payment with `POST /invoices/bulk/payments` and one item (specs/kashflow.md §5.2
     * route A). Never retried: a timeout or 5xx throws KashflowAmbiguousWriteError; read back with
     * `findByMarker` before trying again.
     */
    create(input: InvoicePaymentInput, call?: KashflowCallOptions): Promise<CreatedPayment> {
      if (input.amount.amount <= 0) {
        throw new InvalidArgumentError(
          'invoicePayments.create(): the amount must be positive; use refund() for money returned.',
        )
      }
      return post(input, input.amount, false, call)
    },
    /** Records money returned to the card as a negative payment marked as an external refund (§5.3). */
    refund(input: InvoicePaymentInput, call?: KashflowCallOptions): Promise<CreatedPayment> {
      if (input.amount.amount <= 0) {
        throw new InvalidArgumentError(
          'invoicePayments.refund(): give the refund as a positive amount.',
        )
      }
      return post(input, negate(input.amount), true, call)
    },
    /** The invoice's payment lines (from the invoice detail; the list endpoint has none). */
    list,
    /** The payment line whose note or reference carries the marker, if any: the read-back after an ambiguous write. */
    async findByMarker(
      invoiceNumber: number,
      marker: string,
      call?: KashflowCallOptions,
    ): Promise<InvoicePaymentRecord | undefined> {
      if (marker.trim() === '')
        throw new InvalidArgumentError('findByMarker(): the marker must not be empty.')
      const lines = await list(invoiceNumber, call)
      return lines.find((line) => line.note.includes(marker) || line.reference.includes(marker))
    },
    /** Removes a payment from the invoice (unallocates it). */
    async delete(
      input: { readonly invoiceNumber: number; readonly paymentId: number },
      call?: KashflowCallOptions,
    ): Promise<void> {
      await transport.request(
        {
          method: 'POST',
          path: KASHFLOW_UNCONFIRMED.deletePaymentPath(input.invoiceNumber, input.paymentId),
          schema: z.unknown(),
        },
        call,
      )
    },
  }
}
