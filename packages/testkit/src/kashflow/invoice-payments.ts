// The fake KashFlow's invoice payments: `POST /invoices/bulk/payments` (each item a payment line
// on its invoice), `GET` and `DELETE /invoices/bulk/payments/{number}`, and the lines a marker
// was sent with.
import { error, json } from './http.js'
import { known } from './state.js'
import type { KashflowCall, KashflowRoute, KashflowState } from './state.js'
import type { FakePaymentLine } from './types.js'

// The request fields of KashFlow's published swagger (`POST /{objectType}/bulk/payments`); with
// `dropUnknownFields` the fake keeps only these.
const BULK_FIELDS: ReadonlySet<string> = new Set([
  'Number',
  'Date',
  'Comment',
  'AccountId',
  'Method',
  'Reconciled',
  'BankReconciliationId',
  'resetBankReconciliation',
  'PaymentItems',
  'ExportDetails',
  'BFSTransactionId',
  'DoesCustomersHaveEmail',
  'DoesSuppliersHaveEmail',
])
const BULK_ITEM_FIELDS: ReadonlySet<string> = new Set([
  'Id',
  'Amount',
  'PaidDate',
  'ObjectNumber',
  'ContactName',
  'ContactCode',
  'ContactId',
  'ContactReference',
  'ObjectIssuedDate',
  'VATReturnId',
  'EmailAddress',
  'ObjectDueDate',
  'resetBankReconciliation',
])

/**
 * The payment lines written by bulk payments whose `Comment` (as sent) contains `text`.
 * @example const lines = linesSentWith(state, 'OPAYO:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment')
 */
export function linesSentWith(state: KashflowState, text: string): FakePaymentLine[] {
  const numbers = new Set(
    [...state.bulkPayments.values()]
      .filter((b) => typeof b['Comment'] === 'string' && b['Comment'].includes(text))
      .map((b) => b['Number']),
  )
  return [...state.invoices.values()]
    .flatMap((invoice) => invoice.PaymentLines)
    .filter((line) => numbers.has(line.BulkPaymentNumber))
}

/** `POST /invoices/bulk/payments`: every item checked first, then one line per item. */
function create({ state, body }: KashflowCall): Response {
  const b = known(state, (body ?? {}) as Record<string, unknown>, BULK_FIELDS)
  const items = Array.isArray(b['PaymentItems'])
    ? (b['PaymentItems'] as unknown[]).map((item) =>
        known(state, (item ?? {}) as Record<string, unknown>, BULK_ITEM_FIELDS),
      )
    : undefined
  if (!items || items.length === 0) return error(400, 'ValidationError', 'PaymentItems is required')
  if (!state.bankAccounts.some((a) => a.Id === b['AccountId']))
    return error(400, 'ValidationError', 'Invalid bank account')
  if (!state.paymentMethods.some((m) => m.Id === b['Method']))
    return error(400, 'ValidationError', 'Invalid payment method')
  const date = typeof b['Date'] === 'string' ? b['Date'] : ''
  if (!/^\d{4}-\d{2}-\d{2}/.test(date)) return error(400, 'ValidationError', 'Date is invalid')
  for (const item of items) {
    const invoice = state.invoices.get(Number(item['ObjectNumber']))
    if (!invoice || invoice.Id !== item['Id']) return error(404, 'NotFound', 'InvoiceID not found')
    const amount = item['Amount']
    if (
      typeof amount !== 'number' ||
      !Number.isFinite(amount) ||
      Math.abs(amount * 100 - Math.round(amount * 100)) > 1e-6
    ) {
      return error(400, 'ValidationError', 'Amount must be a number with at most 2 decimal places')
    }
    if (amount < 0 && state.unconfirmed.negativeBulkAmounts === 'refused')
      return error(400, 'ValidationError', 'Amount must be greater than zero')
  }
  const number = (state.ids.bulk += 1)
  for (const item of items) {
    const invoice = state.invoices.get(Number(item['ObjectNumber']))!
    invoice.PaymentLines.push({
      Id: (state.ids.payment += 1),
      Date: `${(typeof item['PaidDate'] === 'string' ? item['PaidDate'] : date).slice(0, 10)} 12:00:00`,
      Amount: item['Amount'] as number,
      Method: b['Method'] as number,
      AccountId: b['AccountId'] as number,
      // UNCONFIRMED: whether the bulk Comment shows as each line's Note (switch commentToNote).
      Note: state.unconfirmed.commentToNote && typeof b['Comment'] === 'string' ? b['Comment'] : '',
      Reference: '',
      // Kept only when unknown fields are kept: the public bulk item schema has no such field.
      IsExternalRefund: item['IsExternalRefund'] === true,
      BulkId: number,
      BulkPaymentNumber: number,
    })
  }
  const stored = {
    Number: number,
    Date: date,
    AccountId: b['AccountId'],
    Method: b['Method'],
    Comment: b['Comment'],
    Reconciled: false,
    PaymentItems: items,
  }
  state.bulkPayments.set(number, stored)
  return json(200, stored)
}

/** `GET` and `DELETE /invoices/bulk/payments/{number}` (deleting removes its invoice lines). */
function byNumber({ state, method, parts }: KashflowCall): Response {
  const number = Number(parts[3])
  const stored = state.bulkPayments.get(number)
  if (!stored) return error(404, 'NotFound', 'Bulk payment not found')
  if (method === 'GET') return json(200, stored)
  if (method === 'DELETE') {
    state.bulkPayments.delete(number)
    for (const invoice of state.invoices.values())
      invoice.PaymentLines = invoice.PaymentLines.filter((l) => l.BulkPaymentNumber !== number)
    return json(200, {})
  }
  return error(405, 'MethodNotAllowed', 'Method not allowed')
}

/**
 * The bulk payment routes, ahead of the invoice routes in the table.
 * @example const route = invoicePaymentRoutes.find((r) => r.path.test('invoices/bulk/payments'))
 */
export const invoicePaymentRoutes: readonly KashflowRoute[] = [
  { method: 'POST', path: /^invoices\/bulk\/payments$/, handle: create },
  { method: '*', path: /^invoices\/bulk\/payments\/[^/]*$/, handle: byNumber },
]
