import { z } from 'zod'

// KashFlow REST v2 wire schemas (field names from KashFlow's published swagger,
// api.kashflow.com/v2/swagger/docs/v1, and its example bodies). Loose objects: unknown fields
// pass through untouched, which GET-merge-PUT relies on.

const num = z.number()
const str = z.string()
const opt = <T extends z.ZodType>(t: T) => t.nullable().optional()

/** Step 1 of login: `POST /sessiontoken`. */
export const SessionStartResponseSchema = z.looseObject({
  TemporaryToken: str,
  MemorableWordList: z.array(
    z.looseObject({ Position: z.number().int().positive(), Value: opt(str) }),
  ),
  HasTemporaryPassword: opt(z.boolean()),
  SubscriptionExpired: opt(z.boolean()),
  IsLockedOut: opt(z.boolean()),
})

/** Step 2 of login: `PUT /sessiontoken`. */
export const SessionTokenResponseSchema = z.looseObject({
  SessionToken: str.min(1),
  HasTemporaryPassword: opt(z.boolean()),
  SubscriptionExpired: opt(z.boolean()),
})

/** A KashFlow error body: `{ Error, Message }`. */
export const KashflowErrorBodySchema = z.looseObject({ Error: opt(str), Message: opt(str) })

/** One payment line inside an invoice (`PaymentLines[]` of `GET /invoices/{number}`). */
export const PaymentLineSchema = z.looseObject({
  Id: opt(num),
  Date: opt(str),
  Amount: num,
  Method: opt(num),
  AccountId: opt(num),
  Note: opt(str),
  Reference: opt(str),
  IsExternalRefund: opt(z.boolean()),
  BulkId: opt(num),
  BulkPaymentNumber: opt(num),
})
export type PaymentLine = z.output<typeof PaymentLineSchema>

export const AddressSchema = z.looseObject({
  Line1: opt(str),
  Line2: opt(str),
  Line3: opt(str),
  Line4: opt(str),
  PostCode: opt(str),
  CountryCode: opt(str),
  CountryName: opt(str),
})

export const CurrencyRefSchema = z.looseObject({
  Code: str,
  Name: opt(str),
  Symbol: opt(str),
  ExchangeRate: opt(num),
})

/** One invoice line (`LineItems[]`): the list and detail shapes are the same. */
export const InvoiceLineItemSchema = z.looseObject({
  Number: opt(num),
  Description: opt(str),
  Quantity: opt(num),
  Rate: opt(num),
  VATLevel: opt(num),
  VATAmount: opt(num),
  NominalCode: opt(num),
  ProductCode: opt(str),
})
export type InvoiceLineItem = z.output<typeof InvoiceLineItemSchema>

/** Invoice detail: `GET /invoices/{number}`. */
export const InvoiceSchema = z.looseObject({
  Id: num,
  Number: num,
  CustomerId: opt(num),
  CustomerCode: opt(str),
  CustomerName: opt(str),
  CustomerReference: opt(str),
  IssuedDate: opt(str),
  DueDate: opt(str),
  PaidDate: opt(str),
  NetAmount: opt(num),
  VATAmount: opt(num),
  GrossAmount: opt(num),
  TotalPaidAmount: opt(num),
  DueAmount: opt(num),
  Status: opt(str),
  Currency: opt(CurrencyRefSchema),
  PaymentLines: opt(z.array(PaymentLineSchema)),
  LineItems: opt(z.array(InvoiceLineItemSchema)),
  Address: opt(AddressSchema),
})
export type Invoice = z.output<typeof InvoiceSchema>

/** Invoice summary rows from `GET /invoices`. */
export const InvoiceSummarySchema = InvoiceSchema.partial().extend({ Number: num })
export type InvoiceSummary = z.output<typeof InvoiceSummarySchema>

/**
 * The answer to `POST /invoices`: the swagger documents both 201 with the invoice detail and 200
 * with an empty object (or no body), so all three are read; `invoices.create` reads back when
 * there is no `Number`.
 * @example
 * const answer = CreatedInvoiceResponseSchema.parse({})
 */
export const CreatedInvoiceResponseSchema = z.union([
  InvoiceSchema,
  z.looseObject({ Number: opt(num) }),
  z.null(),
  z.undefined(),
])

export const CustomTextBoxSchema = z.looseObject({ Name: str, Value: opt(str) })
/**
 * Swagger says boolean; KashFlow's own example shows "1" (its customer example, copied in
 * CappyTech/KashFlowAPI-CRON-ts docs/). Both are read.
 */
export const CustomCheckBoxSchema = z.looseObject({
  Name: str,
  Value: opt(z.union([z.boolean(), str, num])),
})

export const ContactSchema = z.looseObject({
  Id: opt(num),
  IsPrimary: opt(z.boolean()),
  Name: opt(str),
  Title: opt(str),
  Firstname: opt(str),
  LastName: opt(str),
  Email: opt(str),
  Telephone: opt(str),
  Mobile: opt(str),
})

/** Customer detail: `GET /customers/{code}`. */
export const CustomerSchema = z.looseObject({
  Id: opt(num),
  Code: str,
  Name: opt(str),
  Contacts: opt(z.array(ContactSchema)),
  Addresses: opt(z.array(AddressSchema)),
  DeliveryAddresses: opt(z.array(AddressSchema)),
  Currency: opt(CurrencyRefSchema),
  CustomTextBoxes: opt(z.array(CustomTextBoxSchema)),
  CustomCheckBoxes: opt(z.array(CustomCheckBoxSchema)),
  Note: opt(str),
})
export type Customer = z.output<typeof CustomerSchema>

/**
 * One journal line as hcs-app posts it (`payrollJournalService.js`): one positive `Amount` and a
 * boolean `Debit`. KashFlow's page leaves the line fields undocumented (UNCONFIRMED; see
 * KASHFLOW_UNCONFIRMED.journalLineShape), so every field is optional when read.
 */
export const JournalLineSchema = z.looseObject({
  Id: opt(num),
  NominalCode: opt(num),
  Description: opt(str),
  Amount: opt(num),
  Debit: opt(z.boolean()),
})

/**
 * A journal as `GET /journals` and `GET /journals/{number}` document it: `Id`, `Number`, `Date`,
 * `Description`, `Lines[]` (KashFlow's published API docs, as digested in CappyTech/hcs-app
 * `mongoose/config/apiDocsConfig.js`). `Reference` is read when KashFlow returns it. Every field
 * is optional because `POST /journals` documents its answer only as "Created journal object".
 * @example
 * const journal = JournalSchema.parse({ Number: 301, Date: '2026-11-02 12:00:00', Lines: [] })
 */
export const JournalSchema = z.looseObject({
  Id: opt(num),
  Number: opt(num),
  Date: opt(str),
  Description: opt(str),
  Reference: opt(str),
  Lines: opt(z.array(JournalLineSchema)),
})
export type Journal = z.output<typeof JournalSchema>

/**
 * `GET /settings/customerandsupplier` (swagger operation
 * `CustomerAndSupplier_GetCustomerAndSupplierSettings`): only `HomeCurrency` is read.
 * @example
 * const settings = SettingsSchema.parse({ HomeCurrency: { Code: 'GBP' } })
 */
export const SettingsSchema = z.looseObject({
  HomeCurrency: opt(
    z.looseObject({
      Code: opt(str),
      Name: opt(str),
      Symbol: opt(str),
      ExchangeRate: opt(num),
    }),
  ),
})
export type Settings = z.output<typeof SettingsSchema>

export const BankAccountSchema = z.looseObject({
  Id: num,
  AccountName: opt(str),
  Code: opt(num),
  IsDefaultAccount: opt(z.boolean()),
  IsArchived: opt(z.boolean()),
})
export type BankAccount = z.output<typeof BankAccountSchema>

export const PaymentMethodSchema = z.looseObject({ Id: num, Name: opt(str) })
export type PaymentMethod = z.output<typeof PaymentMethodSchema>

export const CurrencySchema = z.looseObject({
  Id: opt(num),
  Code: str,
  Name: opt(str),
  Symbol: opt(str),
  ExchangeRate: opt(num),
  IsDefault: opt(z.boolean()),
})
export type KashflowCurrency = z.output<typeof CurrencySchema>

export const NominalSchema = z.looseObject({
  Id: opt(num),
  Code: num,
  Name: opt(str),
  Type: opt(str),
  Archived: opt(z.boolean()),
})
export type Nominal = z.output<typeof NominalSchema>

/**
 * Both list shapes: `{ MetaData, Data }` and a bare array (as `GET /bankaccounts` answers; see
 * CappyTech/KashFlowAPI-CRON-ts docs/apiFetchingGuide.md).
 */
export function listOf<T extends z.ZodType>(item: T) {
  return z.union([
    z.array(item),
    z.looseObject({
      Data: z.array(item).nullable(),
      MetaData: z
        .looseObject({ NextPageUrl: opt(str), TotalRecords: opt(num) })
        .nullable()
        .optional(),
    }),
  ])
}
