// Every KashFlow fact that no public source confirms, with the guess we use, in one place so a
// user with a KashFlow account can check each (see packages/kashflow/README.md, "Unconfirmed").
// Sources: KashFlow's published Swagger 2.0 spec (https://api.kashflow.com/v2/swagger/docs/v1)
// as digested in CappyTech/hcs-app `mongoose/config/apiDocsGenerated.js` and
// `mongoose/config/apiDocsConfig.js`, and hcs-app's working client code.
//
// Rule: the correctness of money never rests on an entry here. `invoicePayments.findNew` reads
// back without the marker, and `journals.find` reads the marker from `JournalName`, which live list
// rows carry (and says "cannot tell" when they do not); the entries below change how much is read
// or how a write is shaped, and each is named in an error message when it fails.

export const KASHFLOW_UNCONFIRMED = {
  /** Largest `perpage` the list endpoints accept without `skipperpagevalidation`. */
  maxPerPage: 100,
  /** Logout: the swagger's path form `DELETE /sessiontoken/{sessionToken}`. */
  logoutPath: (token: string) => `sessiontoken/${encodeURIComponent(token)}`,
  /** Payment methods for invoices: `GET /paymentmethods/invoice` (no response schema) → `[{ Id, Name }]`. */
  paymentMethodsPath: 'paymentmethods/invoice',
  /**
   * The bulk payment's `Comment` is copied to each invoice payment line's `Note`. No public
   * source shows it. Only `findByMarker` relies on it; `findNew` does not.
   */
  bulkCommentBecomesLineNote: true,
  /**
   * A refund is a bulk payment item with a negative `Amount`. The public bulk schema has no
   * refund flag on items (`IsExternalRefund` exists only on invoice `PaymentLines`), and no
   * source shows a negative bulk amount accepted. If KashFlow refuses it, `refund()` gets a
   * `KashflowValidationError` and nothing is written.
   */
  negativeBulkAmounts: true,
  /** Bulk payment dates: `YYYY-MM-DD`, as hcs-app sends them in production. */
  bulkPaymentDate: (date: string) => date,
  /** The bulk payment POST answers (no schema in the swagger) with the payment, `{ Number, ... }`. */
  bulkPaymentResponseHasNumber: true,
  /**
   * The body of `POST /journals`. No working client shows one: KashFlow's page documents
   * `{ Date, Description, Lines }` without line fields, and hcs-app's unfinished
   * `payrollJournalService.js` posts `{ Date, Description, Reference, Lines[{ NominalCode,
   * Description, Amount, Debit: boolean }] }`, a shape the live list rows contradict. We send the
   * live field family instead: the names `GET /journals` rows carry (`JournalName`,
   * `JournalDate`, `Comment`; CappyTech/hcs-app CHANGELOG 6.26.0, 400 live rows) and the line shape
   * of the nearest Swagger model, the journal template `Journals_CreateTemplateJournal`
   * (`Category`, `ExcludedFromProfitAndLoss`, `LineItems[{ NominalCode, Comment, Debit: number,
   * Credit: number }]`). The marker goes in `JournalName`, where list rows carry it.
   *
   * If it is wrong, either KashFlow refuses it (`journals.create` gets `KashflowValidationError`,
   * nothing is written) or it accepts and misreads it. The sync engine therefore reads the first
   * journal it writes after every start back by detail and compares it line by line; if it
   * differs, journals stop with one `journal_shape_unverified` dead letter.
   */
  journalPostBody: (journal: {
    /** YYYY-MM-DD. */
    readonly date: string
    readonly marker: string
    readonly comment: string
    readonly lines: readonly {
      readonly nominalCode: number
      /** Major units; 0 on a credit line. */
      readonly debit: number
      /** Major units; 0 on a debit line. */
      readonly credit: number
      readonly comment: string
    }[]
  }) => ({
    JournalDate: `${journal.date} 12:00:00`,
    JournalName: journal.marker,
    Comment: journal.comment,
    Category: 0,
    ExcludedFromProfitAndLoss: false,
    LineItems: journal.lines.map((line) => ({
      NominalCode: line.nominalCode,
      Debit: line.debit,
      Credit: line.credit,
      Comment: line.comment,
    })),
  }),
  /**
   * `JournalName` is kept whole (KashFlow publishes no length limit). If KashFlow cut it short,
   * `journals.find` would not recognise the row: it also looks for the marker as the first word of
   * `Comment`, and a row whose `JournalName` is a cut-short marker on that date is "cannot tell",
   * never "not written". The engine's first-journal check finds a cut on its first journal.
   */
  journalNameKeptWhole: true,
  /**
   * What `GET /journals/{number}` answers for lines (no source shows a journal detail): we read
   * the template's `LineItems[{ NominalCode, Debit: number, Credit: number }]` and, if present,
   * the older `Lines[{ NominalCode, Amount, Debit: boolean }]`. A detail with neither, or with
   * lines that cannot be compared, is "cannot tell" (`KashflowCannotTellError`), and the engine's
   * first-journal check stops journals.
   */
  journalDetailLines:
    'LineItems[{ NominalCode, Debit, Credit }] or Lines[{ NominalCode, Amount, Debit }]',
  /**
   * `GET /journals` has only `page`/`perpage` (no date filter, no documented order). We assume
   * it is ordered by date (either direction): `journals.find` stops paging once the rows have
   * passed the date it looks for, and reads every page when the dates it sees are not in order.
   */
  journalListOrderedByDate: true,
  /** Deleting a bulk payment answers 200 and removes its lines from the invoices it paid. */
  bulkPaymentDeleteRemovesLines: true,
  /**
   * `GET /customers/search?searchBy=email` returns `[{ key: customerId, value }]` (hcs-app
   * `apiDocsConfig.js`, the Swagger digest); what `value` holds is not stated, so the code comes
   * from the customer list rows (`Id`, `Code`). If list rows lack `Id`, `findByEmail` throws
   * `KashflowCannotTellError` (never "no customer"), and the engine dead-letters `needs_review`.
   */
  customerSearchReturnsIds: true,
  /**
   * How `searchBy=email` matches: no source says whether it is exact or "contains", nor whether
   * case matters (hcs-app `apiDocsConfig.js` names the parameters only). Not relied on for
   * *which* customer: every hit is read and kept only if a contact's `Email` equals the email
   * (trimmed, any case). Relied on in one way: a customer with exactly that email is among the
   * hits. If the search is case-sensitive, a customer stored as `Jo@X.com` is not found for
   * `jo@x.com` and `upsertByEmail` creates a second customer; if it caps its hits, one beyond the
   * cap is missed the same way.
   */
  customerSearchMatch: 'unknown: exact or contains, any case; every hit is checked',
  /**
   * Customer codes: KashFlow publishes no limit. Integrators keep to `^[A-Z0-9_-]{1,20}$`
   * (hcs-app's app-level rule). `customers.createMarked` sends a 20-character code, `OPAYO-` and
   * 14 base32 characters of the marker's hash. If KashFlow cuts or changes it, `createMarked`
   * throws `KashflowCannotTellError` naming the code it kept (the customer exists once; a person
   * looks); if it refuses it, `createMarked` throws `KashflowValidationError` and nothing is written.
   */
  customerCodePattern: /^[A-Z0-9_-]{1,20}$/,
  /** The longest customer code sent (see `customerCodePattern`). */
  customerCodeMaxLength: 20,
  /**
   * `POST /customers` with a `Code` already taken, and without `CreateCustomerCodeIfDuplicate`,
   * is refused (HTTP 400) rather than renamed (the swagger's flag implies it; its error body is
   * not shown). `createMarked` then reads the code back with `GET /customers/{code}`. If KashFlow
   * renamed instead, the code check after the create throws `KashflowCannotTellError`.
   */
  duplicateCustomerCodeRefused: true,
  /**
   * The request budget per KashFlow account when none is configured. KashFlow publishes no rate
   * limit, no 429 and no rate-limit headers; production syncs (CappyTech/hcs-sync: 4 list
   * requests and 8 detail reads in flight, hourly) run unthrottled. 60 requests a second is a
   * guess well above that load; a 429 shrinks it, and stated RateLimit headers replace it. Set
   * the client's `rateBudget` when you know your account's limit.
   */
  defaultRateBudget: { limit: 60, windowMs: 1000 },
  /**
   * KashFlow sends no rate-limit headers that any source shows. When it does, the client reads
   * the IETF `RateLimit-Limit`/`-Remaining`/`-Reset`, `RateLimit-Policy` and combined `RateLimit`
   * (drafts 00-07 and 08 on), and `X-RateLimit-Limit`/`-Remaining`/`-Reset`; Retry-After on a 429
   * is always honoured.
   */
  honouredRateLimitHeaders: [
    'RateLimit-Limit',
    'RateLimit-Remaining',
    'RateLimit-Reset',
    'RateLimit-Policy',
    'RateLimit',
    'X-RateLimit-Limit',
    'X-RateLimit-Remaining',
    'X-RateLimit-Reset',
    'Retry-After',
  ],
  /**
   * Writes in flight at once per client when `writeThrottle.concurrency` is not set. KashFlow
   * documents no limit; production syncs keep 4 to 8 requests in flight without trouble
   * (CappyTech/hcs-sync). The rate budget, not this, keeps the request rate down; one write at a
   * time would make every write wait out the budget queue alone. The sync engine never has two
   * writes for one invoice in flight.
   */
  writesInFlight: 4,
  /**
   * A 429 is answered before KashFlow applies a write (as HTTP intends; KashFlow documents no 429
   * at all). The client never resends a write after a 429. The sync engine relies on this: after
   * a 429 on an intent's only write, its next attempt takes a fresh pre-image and writes without
   * reading back, so a stranger's identical line added meanwhile is not taken for ours. If
   * KashFlow ever applied a write it answered 429, that attempt would post a second line. A 5xx,
   * a timeout, a reset and the 400 database timeout are ambiguous and always read back first.
   */
  tooManyRequestsBeforeApplying: true,
  /**
   * `POST /invoices`: the swagger's operation-level success is "200 with an empty object", its
   * responses section "201 with the invoice detail". `invoices.create` reads both; on an empty
   * answer it reads the invoice back by its `CustomerReference` (the customer's invoice list).
   */
  invoiceCreateReturnsBody: false,
  /**
   * Whether `GET /invoices?searchtext=` searches `CustomerReference` ("Search by reference" in
   * the swagger does not say which reference). Not relied on: `findByCustomerReference` lists the
   * customer's invoices (`customercode`) and compares the reference here.
   */
  searchTextSearchesCustomerReference: false,
  /**
   * `CustomerReference` is kept as sent, whole, up to this many characters. The swagger gives no
   * limit; 100 is a guess, so `invoices.create` refuses longer references before sending rather
   * than risk KashFlow cutting the marker short. Keep markers short (under 40 characters).
   */
  customerReferenceMaxLength: 100,
  /**
   * The invoice `Status` values (and `statusfilter`) are not published. Open invoices are those
   * that may still have money owed (`isOpenInvoice`, by the rules of `invoiceAmountOwed`),
   * compared by the client; `Status` is never read.
   */
  openInvoiceStatus: 'not read: owed by invoiceAmountOwed',
  /**
   * `DueAmount` is not trusted when it reads 0 (or less, or is missing): a production sync that
   * stored live KashFlow invoices found it reading 0.00 on unpaid invoices and derives "owed" as
   * gross minus paid (CappyTech/hcs-app CHANGELOG 6.63.0, Fixed). `invoiceAmountOwed` therefore
   * takes `DueAmount` only above 0 (and only when it agrees with gross minus paid, if the row
   * has both), else `GrossAmount` minus `TotalPaidAmount` (else minus the sum of
   * `PaymentLines`). Unconfirmed: which of the list row's fields live KashFlow fills
   * (`GrossAmount`, `TotalPaidAmount`; list rows carry no `PaymentLines`), and whether
   * `TotalPaidAmount` counts credit notes. If a row lacks them, what is owed is "cannot tell":
   * the invoice stays a matching candidate for a person (amount due `'unknown'`) and is never
   * posted to automatically; if `TotalPaidAmount` ignored credit notes, gross minus paid would
   * overstate what is owed, so an amount-based match could miss (never post twice).
   */
  dueAmountOnUnpaidInvoices:
    'not trusted at 0: owed = GrossAmount - (TotalPaidAmount, else sum of PaymentLines)',
  /**
   * The body of `POST /bankaccounts/{accountId}/transactions`. The field names are KashFlow's
   * (Swagger digest; hcs-app `apiDocsConfig.js` "banktransactions-create": `Date` and `MoneyType`
   * required, `PaidIn`, `PaidOut`, `Comment`, `AccountId`, `CustomerCode`, `SupplierCode`,
   * `TransactionType`, `VATAble`, `VATRate`, `VATAmount` optional). Guessed: the `MoneyType`
   * values ("Money type code", none published), 1 for money in and 2 for money out; the `Date` as
   * `YYYY-MM-DD 12:00:00` (how rows read back); and a line without VAT sent as `VATAble: false`,
   * `VATRate: 0`, `VATAmount: 0`, so no default rate applies. Refused: `bankTransactions.create`
   * gets a `KashflowValidationError`, nothing is written. Accepted but read otherwise (money in
   * taken as out): `create` reads the line back, compares, and throws `KashflowCannotTellError`
   * naming the difference (the line exists; a person looks).
   */
  bankTransactionPostBody: (line: {
    readonly accountId: number
    /** YYYY-MM-DD. */
    readonly date: string
    /** Major units; exactly one is above 0. */
    readonly paidIn: number
    readonly paidOut: number
    readonly comment: string
    readonly transactionType?: number | undefined
    readonly customerCode?: string | undefined
    readonly supplierCode?: string | undefined
    /** Major units; absent: no VAT. */
    readonly vat?: { readonly rate: number; readonly amount: number } | undefined
  }) => ({
    Date: `${line.date} 12:00:00`,
    MoneyType: line.paidIn > 0 ? 1 : 2,
    AccountId: line.accountId,
    PaidIn: line.paidIn,
    PaidOut: line.paidOut,
    Comment: line.comment,
    VATAble: line.vat !== undefined,
    VATRate: line.vat?.rate ?? 0,
    VATAmount: line.vat?.amount ?? 0,
    ...(line.transactionType === undefined ? {} : { TransactionType: line.transactionType }),
    ...(line.customerCode === undefined ? {} : { CustomerCode: line.customerCode }),
    ...(line.supplierCode === undefined ? {} : { SupplierCode: line.supplierCode }),
  }),
  /**
   * The answer to that POST: "HTTP 201 with the created transaction" (hcs-app `apiDocsConfig.js`;
   * the Swagger has no schema). Only an object with a numeric `Id` is taken, and that transaction is
   * read back (`GET .../transactions/{Id}`) and compared; any other answer (empty, a bare number)
   * is read back by the marker in `Comment` on the line's date. An id is never guessed.
   */
  bankTransactionCreateAnswer: 'an object with a numeric Id, read back; otherwise found by marker',
  /**
   * `startdate`/`enddate` are documented as "on or after" / "on or before this date", with no
   * format and no word on time of day. They are sent as YYYY-MM-DD this many days wider on each
   * side, and rows are kept by their calendar date here: a line stored at 12:00 on the last day
   * is not lost if KashFlow reads `enddate` as midnight.
   */
  bankTransactionDateWidening: 1,
  /**
   * Bank transaction rows, and the documented bank account fields, carry no currency. Amounts
   * are read in the account's home currency (`settings.homeCurrency()`) unless the caller names the
   * bank account's currency (`currency`); a foreign-currency account read without it would be
   * read at the wrong unit.
   */
  bankTransactionCurrency: 'the home currency, unless the caller names it',
  /**
   * `TransactionType` ("Transaction type code", an integer; `Type` is its label) is sent as the
   * caller gives it. What it holds is not published: KashFlow's nominal settings have a "Bank
   * Transaction type" category (`PUT /nominals/Code/{code}?nominalCategory=3`), which suggests a
   * nominal, but not whether its code or its Id. Read an existing line's `TransactionType` first.
   */
  bankTransactionType: 'passed through as given; read an existing line to learn the values',
  /**
   * What the sync engine sends as `TransactionType` on a monthly charge line (an acquirer's
   * merchant service charge, a gateway's fee): the fee type's nominal code, as configured in
   * `settlement.charges`. A guess from that "Bank Transaction type" nominal category (see
   * `bankTransactionType`): whether KashFlow wants the nominal's `Code`, its `Id`, or a value of
   * another list is not published. If it wants something else, KashFlow either refuses the line
   * (`KashflowValidationError`, nothing written) or books it to another nominal, which the
   * read-back cannot see (it compares date, amounts, marker and VAT, not the type). A user with a
   * sandbox should post one charge, open the bank line in KashFlow and check its nominal.
   */
  chargeTransactionType: (nominalCode: number): number => nominalCode,
  /**
   * `Comment` is kept whole (no published limit): the marker is its first word, so a comment cut
   * short still carries it; a first word that may be the marker cut short is "cannot tell".
   */
  bankTransactionCommentKeptWhole: true,
  /**
   * A credit note is `POST /invoices` for the customer with negative lines: KashFlow KB "Full
   * refund of a payment leaving the invoice as paid" (a credit note "whose lines are negative"),
   * and the Swagger digest's only create route for sales documents (there is no credit-note
   * path). Which sign carries the minus is not published ("negative `Quantity` or negative
   * `Rate`"); we keep `Quantity` as on the invoice and send `Rate` and `VATAmount` negative, as a
   * purchase credit read back from live KashFlow shows a negative `GrossAmount` (hcs-app tests).
   * If KashFlow refuses it, `creditNotes.create` gets `KashflowValidationError` and nothing is
   * written; if it accepts and reads it otherwise, the read-back after the create compares the
   * gross and throws `KashflowCannotTellError` (the credit note exists once; a person looks).
   */
  creditNoteLine: (line: {
    readonly Quantity: number
    readonly Rate: number
    readonly VATAmount: number
  }) => ({ Quantity: line.Quantity, Rate: 0 - line.Rate, VATAmount: 0 - line.VATAmount }), // 0 - 0 is +0, never -0
  /**
   * `GET /invoices?customercode=` rows carry `CustomerReference` (the Swagger digest lists it on
   * the invoice model; no source shows a list row). `creditNotes.findByMarker` reads it there; a
   * customer whose rows lack it, or who lists no invoice at all (not even the one refunded), is
   * "cannot tell" (`KashflowCannotTellError`), never "no credit note".
   */
  creditNoteListRowsCarryReference: true,
  /**
   * The refund money of a credit note is a bulk payment item with a negative `Amount` on the
   * credit note, from the bank (or clearing) account: KashFlow KB "Refunds: credit note, bank
   * account" shows KashFlow itself booking `-£X` on a credit note in a bulk payment when one is
   * applied, and the full-refund article's "I've paid the refund" records the money leaving the
   * bank. No source shows a negative bulk item sent by the REST API (see `negativeBulkAmounts`);
   * if KashFlow refuses it, the credit note stays and the payment is dead-lettered, and a replay
   * resumes at the payment.
   */
  creditNoteRefundIsNegativePayment: true,
  /**
   * How a paid credit note reads: KashFlow KB (full refund) says both invoice and credit note end
   * "paid". The fields behind it (`GrossAmount` negative, `TotalPaidAmount` negative, `DueAmount`
   * 0, `Status` "Paid", and what `Type` says) are not published. The client never reads `Status`
   * or `Type`; a credit note is known by its marker and a negative `GrossAmount`.
   */
  creditNotePaidFields: 'not read: known by marker and negative GrossAmount',
} as const
