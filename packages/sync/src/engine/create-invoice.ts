// `unmatchedReference: { action: 'create-invoice' }`: for a shop that takes payment first, the
// engine creates the KashFlow invoice the payment is for, then posts the payment to it. Each
// write goes through the ledger (intent, write, outcome): the customer upsert (found only by a
// contact with exactly the payer's email, so repeating it finds what a lost create made), then
// the invoice, whose CustomerReference is a marker derived from the Opayo transaction, so a
// crash or a lost answer between the create and the payment is read back with
// `invoices.findByCustomerReference` and never creates a second invoice.
import {
  applyCustomFieldMappings,
  londonDate,
  money,
  normaliseTransactionId,
  standardiseAddress,
} from '@opayo-kashflow/core'
import type { CanonicalAddress, CanonicalPayment, PostingRules } from '@opayo-kashflow/core'
import { customerFromIntent } from '@opayo-kashflow/kashflow'
import { parseOpayoBasket } from '@opayo-kashflow/opayo'
import type { InvoiceCreateInput, InvoiceLineInput } from '@opayo-kashflow/kashflow'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { writeOnce } from './ledger.js'
import { allowedVatRates, vatLevelOf } from './basket-vat.js'

type CreateInvoiceRule = Extract<
  PostingRules['unmatchedReference'],
  { readonly action: 'create-invoice' }
>

/** The ledger kinds of the two writes. */
export const INVOICE_CUSTOMER_KIND = 'invoice-customer'
export const INVOICE_CREATE_KIND = 'invoice-create'

/**
 * The invoice's marker, written as its CustomerReference: `OPAYO-INV:` and the Opayo transaction
 * id (the same for every attempt and every worker).
 * @example invoiceMarker('6E6A5B1C-0000-4000-8000-000000001042') // 'OPAYO-INV:6E6A5B1C-0000-4000-8000-000000001042'
 */
export function invoiceMarker(transactionId: string): string {
  return `OPAYO-INV:${normaliseTransactionId(transactionId)}`
}

/** Why no invoice can be created for this payment: dead-lettered with the words. */
export class CannotCreateInvoice extends Error {
  override readonly name = 'CannotCreateInvoice'
}

/**
 * One invoice line for the amount paid: VAT included at `vatRate`, so net + VAT equals the
 * payment to the penny (the VAT is rounded half up, the net takes the rest).
 */
export function oneLineFor(
  payment: CanonicalPayment,
  rule: Pick<CreateInvoiceRule, 'nominalCode' | 'vatRate'>,
): InvoiceLineInput {
  const gross = payment.amount.amount
  const vat = Math.round((gross * rule.vatRate) / (100 + rule.vatRate))
  return {
    description: `Opayo payment ${payment.source.vendorTxCode}`,
    quantity: 1,
    rate: money(gross - vat, payment.amount.currency),
    vatAmount: money(vat, payment.amount.currency),
    vatLevel: rule.vatRate,
    nominalCode: rule.nominalCode,
  }
}

/**
 * The invoice lines of the registration's basket, when they add up to the amount paid: each line
 * at its unit net price, its VAT (unit tax x quantity) and the allowed VAT rate that makes, on
 * `nominalCode`. Undefined (one line instead) when there is no basket, it does not parse, it has
 * discounts or a delivery charge (no VAT breakdown to post them with), a line cannot be posted (a
 * negative amount, or a VAT no rate of `vatRates` or `vatRate` explains: see basket-vat.ts), or
 * its lines do not add up to the payment.
 */
export function basketLinesFor(
  payment: CanonicalPayment,
  registration: { readonly basket?: string | undefined; readonly basketXml?: string | undefined },
  rule: Pick<CreateInvoiceRule, 'nominalCode'> &
    Partial<Pick<CreateInvoiceRule, 'vatRate' | 'vatRates'>>,
): InvoiceLineInput[] | undefined {
  const currency = payment.amount.currency
  const parsed = parseOpayoBasket(registration, currency)
  if (!parsed.ok) return undefined
  const basket = parsed.value
  if (basket.discounts.length > 0 || (basket.delivery && basket.delivery.amount !== 0))
    return undefined
  const allowed = allowedVatRates({ vatRate: rule.vatRate ?? 0, vatRates: rule.vatRates })
  const levels = basket.lines.map((line) =>
    vatLevelOf({ unitNet: line.unitNet.amount, unitTax: line.unitTax.amount }, allowed),
  )
  // One line that cannot be posted and the basket is not used: one line of the amount instead.
  if (levels.some((level) => level === undefined)) return undefined
  const lines = basket.lines.map((line, i) => ({
    description: line.description,
    quantity: line.quantity,
    rate: money(line.unitNet.amount, currency),
    vatAmount: money(line.unitTax.amount * line.quantity, currency),
    vatLevel: levels[i] ?? 0,
    nominalCode: rule.nominalCode,
  }))
  const total = lines.reduce((sum, l) => sum + l.rate.amount * l.quantity + l.vatAmount.amount, 0)
  return lines.length > 0 && total === payment.amount.amount ? lines : undefined
}

const tidy = (address: CanonicalAddress | undefined): CanonicalAddress | undefined => {
  if (!address) return undefined
  const { countryCode, ...rest } = address
  const standard = standardiseAddress(
    { ...rest, ...(countryCode ? { country: countryCode } : {}) },
    { target: 'kashflow' },
  )
  return standard.ok ? standard.value.address : address
}

/**
 * Creates (once) the KashFlow invoice for a payment whose reference matched no pattern and
 * returns its number: upserts the payer by email (standardised addresses, the configured
 * customer custom fields) or uses `rule.customerCode`, then creates the invoice with the marker,
 * each through the ledger. A ledger entry already done returns its number without a request.
 * @throws {CannotCreateInvoice} when the payer has no email and the rule names no customerCode.
 */
export async function createInvoiceFor(
  ctx: EngineContext,
  event: EventRecord,
  payment: CanonicalPayment,
  rule: CreateInvoiceRule,
): Promise<{
  readonly invoiceNumber: number
  readonly marker: string
  readonly customerCode: string
}> {
  const { kashflow, store } = ctx
  const marker = invoiceMarker(payment.source.transactionId)
  const done = async (kind: string): Promise<Record<string, unknown> | undefined> => {
    const entry = (await store.ledger(event.id)).find((l) => l.kind === kind && l.state === 'done')
    return entry?.result as Record<string, unknown> | undefined
  }

  // 1. The customer: the payer by email (found only when one of its contacts has exactly the
  // email, then updated, else made; repeating it finds what a lost create made). A search hit for
  // another address is never touched; several customers with the email throw
  // KashflowCannotTellError, which lookUpWithMatching passes on and processEvent dead-letters
  // needs_review with their codes, before any invoice is written.
  let customerCode: string
  const email = payment.customer?.email
  if (payment.customer && email) {
    const fields = ctx.options.customFields
      ? applyCustomFieldMappings(ctx.options.customFields, payment)
      : undefined
    const input = customerFromIntent({
      kind: 'customer-upsert',
      paymentId: payment.id,
      marker: `${marker}:customer`,
      customer: {
        ...payment.customer,
        ...(payment.customer.billingAddress
          ? { billingAddress: tidy(payment.customer.billingAddress) }
          : {}),
        ...(payment.customer.deliveryAddress
          ? { deliveryAddress: tidy(payment.customer.deliveryAddress) }
          : {}),
      },
      customerFields: fields?.ok ? fields.value.customer : [],
    })
    const customerMarker = `${marker}:customer`
    await writeOnce(ctx, event, {
      marker: customerMarker,
      kind: INVOICE_CUSTOMER_KIND,
      request: input,
      readBack: undefined,
      write: async () => {
        const { customer, created } = await kashflow.customers.upsertByEmail({
          ...input,
          contact: { ...input.contact, email },
        })
        return { code: customer.Code, created }
      },
    })
    const code = (await done(INVOICE_CUSTOMER_KIND))?.['code']
    if (typeof code !== 'string')
      throw new Error(`No customer code recorded for ${customerMarker}.`)
    customerCode = code
  } else if (rule.customerCode) {
    customerCode = rule.customerCode
  } else {
    throw new CannotCreateInvoice(
      `The payment gives no customer email and unmatchedReference.customerCode is not set: no customer to invoice.`,
    )
  }

  // 2. The invoice, marked; read back by the marker before any second create. Its lines: the
  // registration's basket when it adds up to the payment, else one line of the amount paid.
  const registration = await store.getRegistration(payment.source.vendorTxCode)
  const request: InvoiceCreateInput = {
    customerCode,
    reference: marker,
    currency: payment.amount.currency,
    issuedDate: londonDate(payment.occurredAt),
    lines: (registration && basketLinesFor(payment, registration, rule)) ?? [
      oneLineFor(payment, rule),
    ],
  }
  await writeOnce(ctx, event, {
    marker,
    kind: INVOICE_CREATE_KIND,
    request,
    readBack: async (entry) => {
      const code = (entry.request as { customerCode?: unknown } | null)?.customerCode
      const found = await kashflow.invoices.findByCustomerReference(
        typeof code === 'string' ? code : customerCode,
        marker,
      )
      return found ? { number: found.Number } : undefined
    },
    write: async () => ({ number: (await kashflow.invoices.create(request)).Number }),
  })
  const result = await done(INVOICE_CREATE_KIND)
  const number =
    result?.['number'] ?? (result?.['readBack'] as { number?: unknown } | undefined)?.number
  if (typeof number !== 'number') throw new Error(`No invoice number recorded for ${marker}.`)
  return { invoiceNumber: number, marker, customerCode }
}
