import { z } from 'zod'

// KashFlow REST v2 wire schemas (field names from KashFlow's published swagger,
// api.kashflow.com/v2/swagger/docs/v1, and its example bodies). Loose objects: unknown fields
// pass through untouched, which GET-merge-PUT relies on.

const num = z.number()
const str = z.string()
/** A field KashFlow may leave out or send as null. */
export const opt = <T extends z.ZodType>(t: T) => t.nullable().optional()

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
 * One journal line in the live field family: the journal template's `LineItems[]` in KashFlow's
 * Swagger (`Journals_CreateTemplateJournal`: `{ Id, NominalCode, Comment, Debit, Credit,
 * ProjectNumber }`, `Debit` and `Credit` as numbers). What `GET /journals/{number}` answers for
 * lines is not confirmed by any source (KASHFLOW_UNCONFIRMED.journalDetailLines), so every field
 * is optional when read.
 * @example
 * const line = JournalLineItemSchema.parse({ NominalCode: 7901, Debit: 3.42, Credit: 0 })
 */
export const JournalLineItemSchema = z.looseObject({
  Id: opt(num),
  NominalCode: opt(num),
  Comment: opt(str),
  Debit: opt(num),
  Credit: opt(num),
  ProjectNumber: opt(num),
})
export type JournalLineItem = z.output<typeof JournalLineItemSchema>

/**
 * One journal line in the older documented shape (`Lines[]` on KashFlow's journal page, line
 * fields as hcs-app's unfinished `payrollJournalService.js` posts them): one positive `Amount` and
 * a boolean `Debit`. Read only when a detail answers with it.
 * @example
 * const line = JournalLineSchema.parse({ NominalCode: 1200, Amount: 9.99, Debit: true })
 */
export const JournalLineSchema = z.looseObject({
  Id: opt(num),
  NominalCode: opt(num),
  Description: opt(str),
  Amount: opt(num),
  Debit: opt(z.boolean()),
})

/**
 * A journal as KashFlow answers it. `GET /journals` rows, as a production sync stored 400 of them
 * from live accounts (CappyTech/hcs-app CHANGELOG 6.26.0, "Notes"; its
 * `mongoose/config/listControllerConfig.js` labels `JournalName` the reference and `JournalDate`
 * the date), carry `Number`, `JournalName`, `JournalDate` (`"YYYY-MM-DDTHH:mm:ss"`), `Comment`,
 * `TotalAmount`, `Category`, ... and no `Id`, `Date`, `Description` or lines; lines come only
 * from `GET /journals/{number}` (as `LineItems[]`, or the older `Lines[]`). The older documented
 * fields are read when present. Every field is optional: `journals.find` decides what a row must
 * carry, and says it cannot tell when a row lacks it.
 * @example
 * const row = JournalSchema.parse({
 *   Number: 301,
 *   JournalName: 'OPAYO-BATCH:B-100:fees',
 *   JournalDate: '2026-11-02T12:00:00',
 *   Comment: 'Opayo settlement fees',
 *   TotalAmount: 3.42,
 * })
 */
export const JournalSchema = z.looseObject({
  Number: opt(num),
  JournalName: opt(str),
  JournalDate: opt(str),
  Comment: opt(str),
  TotalAmount: opt(num),
  Category: opt(num),
  ExcludedFromProfitAndLoss: opt(z.boolean()),
  LineItems: opt(z.array(JournalLineItemSchema)),
  // The older documented shape (KashFlow's journal page), read when a detail answers with it.
  Id: opt(num),
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
