// The public types of the fake KashFlow: its seed, the switches for unconfirmed behaviours, the
// faults it can inject, and the invoices and payment lines it keeps.

/**
 * The one KashFlow user the fake knows, and the state of its account.
 * @example
 * const fake = new FakeKashflow({ user: { username: 'a@example.co.uk', password: 'pw', memorableWord: 'pineapple', locked: true } })
 */
export interface FakeKashflowUser {
  readonly username: string
  readonly password: string
  readonly memorableWord: string
  locked?: boolean
  temporaryPassword?: boolean
  subscriptionExpired?: boolean
}

/**
 * An invoice to seed (`FakeKashflowSeed.invoices`) or add later (`fake.addInvoice`).
 * @example fake.addInvoice({ number: 1043, gross: 99.5, currency: 'EUR', exchangeRate: 1.15 })
 */
export interface FakeInvoiceSeed {
  readonly number: number
  /** The internal Id (bulk payments need it). @default assigned */
  readonly id?: number
  readonly customerCode?: string
  /** Gross amount in major units as KashFlow shows it (e.g. 120). */
  readonly gross: number
  /** @default the fake's `homeCurrency` */
  readonly currency?: string
  /**
   * Leave `Currency` out of the invoice detail, as KashFlow does for home-currency invoices in
   * some responses. @default false
   */
  readonly omitCurrency?: boolean
  readonly exchangeRate?: number
  readonly issuedDate?: string
  readonly reference?: string
  /**
   * The invoice's lines, as `GET /invoices/{number}` shows them in `LineItems` (a credit-note
   * refund negates them). `NetAmount` and `VATAmount` are then the lines' sums.
   * @default none (no `LineItems`; net and VAT split from `gross` at 20%)
   */
  readonly lines?: readonly FakeInvoiceLineSeed[]
}

/**
 * One line of a seeded invoice, amounts in major units as KashFlow shows them.
 * @example fake.addInvoice({ number: 1042, gross: 120, lines: [{ description: 'Mug', quantity: 1, rate: 100, vatAmount: 20, vatLevel: 20, nominalCode: 4000 }] })
 */
export interface FakeInvoiceLineSeed {
  readonly description: string
  readonly quantity: number
  /** The unit price before VAT. */
  readonly rate: number
  /** The VAT on the whole line. */
  readonly vatAmount: number
  readonly vatLevel?: number
  readonly nominalCode: number
}

/**
 * One switch per KashFlow behaviour no public source confirms. The defaults are the PESSIMISTIC
 * reading: what a client can rely on only if the public API documents it.
 * @example
 * const optimistic = new FakeKashflow({
 *   unconfirmed: { commentToNote: true, dropUnknownFields: false, negativeBulkAmounts: 'accepted' },
 * })
 */
export interface FakeKashflowUnconfirmed {
  /**
   * The shape of journals. `'live'`: `GET /journals` rows as a production sync stored 400 of them
   * from live accounts (CappyTech/hcs-app CHANGELOG 6.26.0, Notes): `Number`, `JournalName`,
   * `JournalDate` (`YYYY-MM-DDTHH:mm:ss`), `Comment`, `TotalAmount`, `Category`, ... and no `Id`,
   * `Date`, `Description` or lines; `GET /journals/{number}` adds `LineItems[{ NominalCode,
   * Comment, Debit, Credit }]`; `POST /journals` takes the live field family (`JournalDate`,
   * `JournalName`, `Comment`, `LineItems`: the client's UNCONFIRMED best guess) and refuses
   * `{ Date, Description, Lines }`. `'documented'`: KashFlow's journal page, `{ Date,
   * Description, Lines[{ NominalCode, Description, Amount, Debit: boolean }] }` posted, listed
   * (with lines) and read; the live body is refused. @default 'live'
   */
  readonly journalShape?: 'live' | 'documented'
  /**
   * `POST /journals` accepts the body (201) but misreads it, as KashFlow may if the UNCONFIRMED
   * body is wrong: `'sides-swapped'` stores each line's debit as a credit and the reverse;
   * `'name-dropped'` keeps no `JournalName`. @default 'none'
   */
  readonly journalBodyMisread?: 'none' | 'sides-swapped' | 'name-dropped'
  /**
   * Copy a bulk payment's `Comment` into each invoice payment line's `Note`. No public source
   * shows KashFlow doing it. @default false (lines have an empty Note)
   */
  readonly commentToNote?: boolean
  /**
   * Drop request fields the public schema lacks: on bulk payments and their items (e.g.
   * `PaymentItems[].IsExternalRefund`) and on journals (any field outside the `journalShape` in
   * force, e.g. `Reference`). @default true
   */
  readonly dropUnknownFields?: boolean
  /**
   * A negative bulk item `Amount` (a refund): `'refused'` answers 400 ValidationError and writes
   * nothing; `'accepted'` records a negative payment line. @default 'refused'
   */
  readonly negativeBulkAmounts?: 'refused' | 'accepted'
  /**
   * `POST /invoices` answers 201 with the invoice detail. The swagger documents both that and
   * "200 with an empty object". @default false (200 `{}`: the client must read back)
   */
  readonly invoiceCreateReturnsBody?: boolean
  /**
   * `GET /invoices?searchtext=` also searches `CustomerReference` (the swagger says only "Search
   * by reference"). @default false (it matches the invoice `Number` only)
   */
  readonly searchTextSearchesCustomerReference?: boolean
  /**
   * How `GET /customers/search?searchBy=email` matches a contact's `Email` (no source says):
   * `'contains'` (case-insensitive: `jo@x.com` also finds `bojo@x.com`) or `'exact'`
   * (case-insensitive). @default 'contains'
   */
  readonly customerSearchMatch?: 'contains' | 'exact'
  /**
   * `DueAmount` on an invoice that is not paid, in list rows and the detail: `'zero'` reads
   * 0.00, as a production sync found on live data (CappyTech/hcs-app CHANGELOG 6.63.0); `'owed'`
   * reads gross minus paid. `GrossAmount` and `TotalPaidAmount` are right either way, and a paid
   * invoice reads 0 in both. @default 'zero'
   */
  readonly dueAmountOnUnpaid?: 'zero' | 'owed'
  /**
   * What `POST /bankaccounts/{accountId}/transactions` answers: `'row'` 201 with the created
   * transaction (as KashFlow's curated docs say, CappyTech/hcs-app `apiDocsConfig.js`), `'id'` 201
   * with the bare `Id`, `'empty'` 201 with no body (the Swagger has no response schema).
   * @default 'empty' (the client must read back)
   */
  readonly bankTransactionCreateAnswer?: 'empty' | 'row' | 'id'
  /**
   * How `enddate` (and `startdate`) on `GET /bankaccounts/{accountId}/transactions` are read:
   * documented only as "on or before this date". `'midnight'`: a date without a time is that
   * day's 00:00:00, so a line stored at 12:00:00 on `enddate` is left out; `'whole-day'`: by
   * calendar date, both ends inclusive. @default 'midnight'
   */
  readonly bankTransactionEndDate?: 'midnight' | 'whole-day'
}

/**
 * What a {@link FakeKashflow} starts with, and its clock.
 * @example
 * const fake = new FakeKashflow({ homeCurrency: 'GBP', invoices: [{ number: 1042, gross: 120 }], sessionIdleMinutes: 60 })
 */
export interface FakeKashflowSeed {
  readonly user?: FakeKashflowUser
  /** The account's home currency, served by `GET /settings/customerandsupplier`. @default 'GBP' */
  readonly homeCurrency?: string
  /** The unconfirmed behaviours, pessimistic by default (see {@link FakeKashflowUnconfirmed}). */
  readonly unconfirmed?: FakeKashflowUnconfirmed
  readonly invoices?: readonly FakeInvoiceSeed[]
  readonly customers?: readonly Record<string, unknown>[]
  readonly bankAccounts?: readonly { Id: number; AccountName: string; Code: number }[]
  readonly paymentMethods?: readonly { Id: number; Name: string }[]
  readonly nominals?: readonly { Code: number; Name: string }[]
  /** Bank transactions already on each bank account, by the account's `Id`. */
  readonly bankTransactions?: Readonly<Record<number, readonly FakeBankTransactionSeed[]>>
  /** The clock for session idle expiry and downtime. @default Date.now */
  readonly now?: () => number
  /** Idle minutes before a session expires (KashFlow: 60, configurable). @default 60 */
  readonly sessionIdleMinutes?: number
}

/**
 * One injected fault.
 * @example fake.inject({ kind: 'rate-limit', retryAfter: '2' }, { kind: 'status', status: 502 })
 */
export type FakeKashflowFault =
  | {
      readonly kind: 'status'
      readonly status: number
      readonly body?: unknown
      readonly headers?: Record<string, string>
    }
  | { readonly kind: 'rate-limit'; readonly retryAfter: string }
  | { readonly kind: 'sql-timeout' }
  | { readonly kind: 'commit-then-drop' }

/**
 * One payment line on a fake invoice, as `GET /invoices/{number}` shows it in `PaymentLines`.
 * @example const lines: FakePaymentLine[] = fake.invoices.get(1042)?.PaymentLines ?? []
 */
export interface FakePaymentLine {
  Id: number
  Date: string
  Amount: number
  Method: number
  AccountId: number
  Note: string
  Reference: string
  IsExternalRefund: boolean
  BulkId: number
  BulkPaymentNumber: number
}

/**
 * An invoice as the fake keeps it (`fake.invoices`, by number); `fake.invoiceView` shows it as
 * KashFlow answers, with the amounts recomputed.
 * @example const invoice: FakeInvoice | undefined = fake.invoices.get(1042)
 */
export interface FakeInvoice {
  Id: number
  Number: number
  CustomerCode: string
  CustomerName: string
  CustomerReference: string
  IssuedDate: string
  DueDate: string
  GrossAmount: number
  NetAmount: number
  VATAmount: number
  Currency: { Code: string; Name: string; Symbol: string; ExchangeRate: number }
  PaymentLines: FakePaymentLine[]
  /** The lines as created through `POST /invoices` (seeded invoices have none). */
  LineItems?: Record<string, unknown>[]
}

/**
 * A bank transaction to seed (`FakeKashflowSeed.bankTransactions`) or add later
 * (`fake.addBankTransaction`), as the bank feed brings it in. Amounts in major units, as KashFlow
 * shows them.
 * @example fake.addBankTransaction(55166, { date: '2026-11-02', paidIn: 98.3, comment: 'OPAYO SETTLEMENT' })
 */
export interface FakeBankTransactionSeed {
  /** YYYY-MM-DD; stored as `YYYY-MM-DD 12:00:00`, as KashFlow shows bank lines. */
  readonly date: string
  /** @default 0 */
  readonly paidIn?: number
  /** @default 0 */
  readonly paidOut?: number
  /** @default '' */
  readonly comment?: string
  /** @default assigned */
  readonly id?: number
  /** KashFlow's values are not published. @default 0 */
  readonly moneyType?: number
  /** @default 0 */
  readonly transactionType?: number
  readonly customerCode?: string
  /** The bank feed line it came from. @default assigned */
  readonly bankFeedTransactionId?: number
}

/**
 * A bank transaction as the fake keeps it (`fake.bankTransactions`, by account `Id`): the fields
 * of KashFlow's list rows that are not computed per request (`Balance` is).
 * @example const lines: FakeBankTransaction[] = fake.bankTransactions.get(55166) ?? []
 */
export interface FakeBankTransaction {
  Id: number
  AccountId: number
  /** `YYYY-MM-DD 12:00:00`. */
  Date: string
  MoneyType: number
  PaidIn: number
  PaidOut: number
  Comment: string
  TransactionType: number
  CustomerCode: string
  SupplierCode: string
  VATAble: boolean
  VATRate: number
  VATAmount: number
  Reconciled: boolean
  BFSTransactionId: number
  /** What KashFlow made the line from: `banktransaction` for a line of its own. */
  EntityName: string
  ResourceNumber: number
  ProjectNumber: number
  PaymentId: number
  Disallowed: boolean
}
