// The fake KashFlow's invoices: seeding, the detail view with amounts recomputed from the payment
// lines, `GET /invoices` (filters and paging), `GET /invoices/{number}`, `POST /invoices`, and
// the internal unallocate of one payment line.
import { cents, error, four, json, page } from './http.js'
import type { KashflowCall, KashflowRoute, KashflowState } from './state.js'
import type { FakeInvoice, FakeInvoiceSeed } from './types.js'

/**
 * Creates an invoice (as if raised in KashFlow) and keeps it by number.
 * @example const invoice = addInvoice(state, { number: 1042, gross: 120 })
 */
export function addInvoice(state: KashflowState, seed: FakeInvoiceSeed): FakeInvoice {
  const code = seed.currency ?? state.homeCurrency
  const invoice: FakeInvoice = {
    Id: seed.id ?? (state.ids.invoice += 1),
    Number: seed.number,
    CustomerCode: seed.customerCode ?? 'CUST01',
    CustomerName: 'Customer',
    CustomerReference: seed.reference ?? '',
    IssuedDate: `${seed.issuedDate ?? '2026-11-01'} 12:00:00`,
    DueDate: `${seed.issuedDate ?? '2026-11-01'} 12:00:00`,
    GrossAmount: seed.gross,
    NetAmount: four(seed.gross / 1.2),
    VATAmount: four(seed.gross - seed.gross / 1.2),
    Currency: {
      Code: code,
      Name: code,
      Symbol: code === 'GBP' ? '£' : code,
      ExchangeRate: seed.exchangeRate ?? 1,
    },
    PaymentLines: [],
  }
  if (seed.lines) {
    invoice.LineItems = seed.lines.map((line, i) => ({
      Number: i + 1,
      Description: line.description,
      Quantity: line.quantity,
      Rate: line.rate,
      VATAmount: line.vatAmount,
      ...(line.vatLevel === undefined ? {} : { VATLevel: line.vatLevel }),
      NominalCode: line.nominalCode,
    }))
    const net = seed.lines.reduce((sum, l) => sum + Math.round(l.quantity * l.rate * 100), 0)
    invoice.NetAmount = four(net / 100)
    invoice.VATAmount = four(seed.lines.reduce((sum, l) => sum + cents(l.vatAmount), 0) / 100)
  }
  state.invoices.set(invoice.Number, invoice)
  if (seed.omitCurrency === true) state.currencyless.add(invoice.Number)
  else state.currencyless.delete(invoice.Number)
  return invoice
}

/**
 * The invoice as `GET /invoices/{number}` shows it, with amounts recomputed. A credit note (a
 * negative gross) is paid when negative payments (the refund money out) bring it to zero: KashFlow
 * KB "Full refund of a payment leaving the invoice as paid", where "both invoice and credit note
 * end paid"; until then it is outstanding credit, its `DueAmount` negative (UNCONFIRMED).
 * @example const view = invoiceView(state, state.invoices.get(1042)!)
 */
export function invoiceView(state: KashflowState, invoice: FakeInvoice): Record<string, unknown> {
  const paid = invoice.PaymentLines.reduce((sum, line) => sum + cents(line.Amount), 0)
  const due = cents(invoice.GrossAmount) - paid
  const settled = cents(invoice.GrossAmount) < 0 ? due >= 0 : due <= 0
  const { Currency, ...rest } = invoice
  return {
    ...rest,
    ...(state.currencyless.has(invoice.Number) ? {} : { Currency }),
    GrossAmount: four(invoice.GrossAmount),
    TotalPaidAmount: four(paid / 100),
    // UNCONFIRMED: live DueAmount reads 0.00 on unpaid invoices (switch, 'zero' by default).
    DueAmount: due > 0 && state.unconfirmed.dueAmountOnUnpaid === 'zero' ? 0 : four(due / 100),
    Status: settled ? 'Paid' : 'Outstanding',
    PaidDate: settled ? (invoice.PaymentLines.at(-1)?.Date ?? null) : null,
    HomeCurrencyGrossAmount: four(invoice.GrossAmount / invoice.Currency.ExchangeRate),
    PaymentLines: invoice.PaymentLines.map((l) => ({ ...l, Amount: four(l.Amount) })),
  }
}

/** `GET /invoices`: `customercode`, `searchtext`, `issuedatefrom`/`issuedateto`, paged. */
function list({ state, query: q }: KashflowCall): Response {
  let rows = [...state.invoices.values()]
  const code = q.get('customercode')
  if (code) rows = rows.filter((i) => i.CustomerCode === code)
  const text = q.get('searchtext')
  if (text) {
    // UNCONFIRMED whether searchtext reaches CustomerReference (switch).
    const reference = state.unconfirmed.searchTextSearchesCustomerReference
    rows = rows.filter(
      (i) => String(i.Number).includes(text) || (reference && i.CustomerReference.includes(text)),
    )
  }
  // issuedatefrom / issuedateto: inclusive calendar days (YYYY-MM-DD).
  const from = q.get('issuedatefrom')
  if (from) rows = rows.filter((i) => i.IssuedDate.slice(0, 10) >= from.slice(0, 10))
  const to = q.get('issuedateto')
  if (to) rows = rows.filter((i) => i.IssuedDate.slice(0, 10) <= to.slice(0, 10))
  return page(
    rows.map((i) => ({ ...invoiceView(state, i), PaymentLines: null })),
    q,
    'invoices',
  )
}

/** `GET /invoices/{number}`. */
function get({ state, parts }: KashflowCall): Response {
  const invoice = state.invoices.get(Number(parts[1]))
  return invoice
    ? json(200, invoiceView(state, invoice))
    : error(404, 'NotFound', 'InvoiceID not found')
}

/**
 * `POST /invoices`: `CustomerCode` (required) must name a customer; the next free `Number` is
 * assigned unless one is given; `NetAmount` is the sum of `Quantity × Rate` (each line rounded
 * to the penny), `VATAmount` the sum of the lines' `VATAmount`. Answers 200 `{}` or, with
 * `unconfirmed.invoiceCreateReturnsBody`, 201 with the detail.
 */
function create({ state, body }: KashflowCall): Response {
  const b = (body ?? {}) as Record<string, unknown>
  const code = typeof b['CustomerCode'] === 'string' ? b['CustomerCode'] : ''
  if (code === '') return error(400, 'ValidationError', 'The CustomerCode field is required.')
  const customer = state.customers.get(code)
  if (!customer) return error(400, 'ValidationError', `Customer ${code} does not exist`)
  const items = Array.isArray(b['LineItems']) ? (b['LineItems'] as Record<string, unknown>[]) : []
  let net = 0
  let vat = 0
  for (const item of items) {
    const quantity = item['Quantity']
    const rate = item['Rate']
    const lineVat = item['VATAmount'] ?? 0
    if (typeof quantity !== 'number' || typeof rate !== 'number' || typeof lineVat !== 'number')
      return error(400, 'ValidationError', 'Each line needs a numeric Quantity and Rate')
    if (
      item['NominalCode'] !== undefined &&
      !state.nominals.some((n) => n.Code === item['NominalCode'])
    )
      return error(
        400,
        'ValidationError',
        `Nominal code ${JSON.stringify(item['NominalCode'])} does not exist`,
      )
    net += Math.round(quantity * rate * 100)
    vat += cents(lineVat)
  }
  const taken = typeof b['Number'] === 'number' && state.invoices.has(b['Number'])
  if (taken) return error(400, 'ValidationError', 'Invoice number already exists')
  const number =
    typeof b['Number'] === 'number' ? b['Number'] : Math.max(0, ...[...state.invoices.keys()]) + 1
  const currency = (b['Currency'] ?? {}) as { Code?: unknown; ExchangeRate?: unknown }
  const currencyCode = typeof currency.Code === 'string' ? currency.Code : state.homeCurrency
  const issued = typeof b['IssuedDate'] === 'string' ? b['IssuedDate'].slice(0, 10) : '2026-11-01'
  const due = typeof b['DueDate'] === 'string' ? b['DueDate'].slice(0, 10) : issued
  const invoice = addInvoice(state, {
    number,
    customerCode: code,
    gross: (net + vat) / 100,
    currency: currencyCode,
    exchangeRate: typeof currency.ExchangeRate === 'number' ? currency.ExchangeRate : 1,
    issuedDate: issued,
    reference: typeof b['CustomerReference'] === 'string' ? b['CustomerReference'] : '',
  })
  invoice.CustomerName = typeof customer['Name'] === 'string' ? customer['Name'] : code
  invoice.DueDate = `${due} 12:00:00`
  invoice.NetAmount = four(net / 100)
  invoice.VATAmount = four(vat / 100)
  invoice.LineItems = items.map((item, i) => ({ Number: i + 1, ...item }))
  return state.unconfirmed.invoiceCreateReturnsBody
    ? json(201, invoiceView(state, invoice))
    : json(200, {})
}

/** `POST /internal/invoices/{number}/payments/{id}/unallocate`: removes one payment line. */
function unallocate({ state, parts }: KashflowCall): Response {
  const invoice = state.invoices.get(Number(parts[2]))
  const id = Number(parts[4])
  if (!invoice || !invoice.PaymentLines.some((l) => l.Id === id))
    return error(404, 'NotFound', 'Payment not found')
  invoice.PaymentLines = invoice.PaymentLines.filter((l) => l.Id !== id)
  return json(200, { Id: id })
}

/**
 * The invoice routes (bulk payments are `invoicePaymentRoutes`).
 * @example const route = invoiceRoutes.find((r) => r.path.test('invoices/1042'))
 */
export const invoiceRoutes: readonly KashflowRoute[] = [
  { method: 'POST', path: /^invoices$/, handle: create },
  { method: 'GET', path: /^invoices$/, handle: list },
  { method: 'GET', path: /^invoices\/[^/]*$/, handle: get },
  {
    method: 'POST',
    path: /^internal\/invoices\/[^/]*\/payments\/[^/]*\/unallocate(\/|$)/,
    handle: unallocate,
  },
]
