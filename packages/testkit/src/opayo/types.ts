// The public types of the fake Opayo: its options, the transactions, settlement batches and
// Server notifications it keeps or makes, and the faults it can serve.
import type { ServerNotificationFields } from './server-notifications.js'

/**
 * A transaction as the fake keeps it (one record serves both Pi and Reporting views).
 * @example const tx: FakeOpayoTransaction = fakeOpayo.seed({ vendorTxCode: 'INV-1042-1', amount: 12000 })
 */
export interface FakeOpayoTransaction {
  transactionId: string
  vendorTxCode: string
  transactionType: 'Payment' | 'Deferred' | 'Authenticate' | 'Repeat' | 'Refund' | 'Authorise'
  status: 'Ok' | 'NotAuthed' | 'Rejected'
  statusCode: string
  statusDetail: string
  amount: number
  currency: string
  createdAt: Date
  relatedTransactionId?: string
  cardType: string
  lastFourDigits: string
  expiryDate: string
  /** Set by instructions: void (2005), abort (2006), release, cancel. */
  instruction?: { type: 'void' | 'abort' | 'release' | 'cancel'; date: Date; amount?: number }
  /** Amount refunded so far against this transaction. */
  refunded: number
}

/**
 * A settlement batch the fake closed (`closeBatches`): what getBatchList and getBatchDetail
 * serve. The fee is not Opayo's (the acquirer deducts it); the fake keeps it to write the
 * acquirer's statement (`feeStatementCsv`).
 * @example const batch: FakeSettlementBatch | undefined = fakeOpayo.batches.get('1001')
 */
export interface FakeSettlementBatch {
  readonly batchId: string
  /** The settlement date, YYYY-MM-DD (London). */
  readonly date: string
  /**
   * `completed` as getBatchList serves it: the settlement date-time in London,
   * `dd/mm/yyyy HH:MM:SS.mmm` (the shape fhdalikhan/opayo-reporting-api parses).
   */
  readonly completed: string
  /** The batch currency: the first of `currencies`. */
  readonly currency: string
  /** Every currency in the batch, one `transactiongroup` each (several only with `mixCurrencies`). */
  readonly currencies: readonly string[]
  readonly authProcessor: string
  /** Transaction ids, in the order taken. */
  readonly transactionIds: readonly string[]
  /** Per transaction id: the acquirer's fee in minor units. */
  readonly fees: ReadonlyMap<string, number>
}

/**
 * One `transactiongroup` as getBatchList serves it: text, as sent.
 * @example
 * const group: FakeTransactionGroup = { currency: 'GBP', paymentnumber: '1', paymentvalue: '120.00', refundvalue: '0.00' }
 */
export interface FakeTransactionGroup {
  readonly currency?: string
  readonly paymentnumber?: string
  readonly paymentvalue?: string
  readonly refundnumber?: string
  readonly refundvalue?: string
}

/**
 * What getBatchList says of one batch instead of what its transactions make
 * (`fake.overrideBatchListRow`): a list row that disagrees with getBatchDetail, or one in a shape
 * the client must refuse.
 * @example
 * fakeOpayo.overrideBatchListRow('1001', { completed: 'YES', transactionGroups: null })
 */
export interface FakeBatchListOverride {
  /** `completed` as served; `null` leaves the element out. */
  readonly completed?: string | null
  /** The groups served; `null` leaves `<transactiongroups>` out, `[]` serves it empty. */
  readonly transactionGroups?: readonly FakeTransactionGroup[] | null
  /** More elements to serve in the row, e.g. `{ batchdate: '03/11/2026' }`. */
  readonly extra?: Readonly<Record<string, string>>
}

/**
 * How a {@link FakeOpayo} is set up: credentials, the clock, and the unconfirmed batch row shape.
 * @example
 * const fakeOpayo = new FakeOpayo({ vendorName: 'acme', reporting: { vendor: 'acme', user: 'reporter', password: 'secret' } })
 */
export interface FakeOpayoOptions {
  readonly integrationKey?: string
  readonly integrationPassword?: string
  readonly vendorName?: string
  /** Reporting API credentials. */
  readonly reporting?: { readonly vendor: string; readonly user: string; readonly password: string }
  /** The clock for created dates. @default () => new Date() */
  readonly now?: () => Date
  /**
   * What a getBatchDetail `<transaction>` row carries (UNCONFIRMED). `'thin'`: only what the
   * public clients read from it, `vpstxid`, `vendortxcode`, `started` and `refunded`
   * (fhdalikhan/opayo-reporting-api `src/OpayoReportingApi.php`); a client needing the amount
   * must ask getTransactionDetail. `'full'`: every field of a getTransactionList row.
   * @default 'thin'
   */
  readonly batchDetailRows?: 'thin' | 'full'
}

/**
 * Rows the Reporting API serves without the fake holding them: row `index` is made from its
 * index when a page asks for it, so a million rows cost no memory.
 * @example
 * fakeOpayo.generateReportingRows({ count: 1_000_000, from: new Date('2026-01-01T00:00:00Z'), spacingMs: 1000 })
 */
export interface FakeReportingRowsOptions {
  /** How many rows. */
  readonly count: number
  /** When row 0 was taken; row `i` at `from + i * spacingMs`. */
  readonly from: Date
  /** @default 1000 */
  readonly spacingMs?: number
  /**
   * Row `index`'s fields, over the defaults: transactionId `AE000000-0000-4000-8000-{index in
   * 12 hex digits}`, vendorTxCode `GEN-{index}`, a payment of `1000 + index % 9000` pence in GBP,
   * succeeded. Must be deterministic.
   */
  readonly row?: (index: number) => Partial<FakeOpayoTransaction>
}

/**
 * A fault to serve instead of the real answer.
 * @example fakeOpayo.failNext({ status: 503 }, { status: 429, headers: { 'retry-after': '1' } })
 */
export interface FakeFault {
  readonly status: number
  readonly body?: string
  readonly headers?: Record<string, string>
}

/**
 * The Status a completed Server transaction's notification carries.
 * @example fakeOpayo.completeServerTransaction('INV-1042-1', { status: 'NOTAUTHED' })
 */
export type FakeServerNotificationStatus =
  'OK' | 'NOTAUTHED' | 'REJECTED' | 'ABORT' | 'ERROR' | 'PENDING' | 'AUTHENTICATED' | 'REGISTERED'

/**
 * How {@link FakeOpayo.completeServerTransaction} completes a registered transaction.
 * @example fakeOpayo.completeServerTransaction('INV-1042-1', { status: 'OK', fields: { CardType: 'MC' } })
 */
export interface CompleteServerTransactionOptions {
  /**
   * The outcome. @default 'OK' ('AUTHENTICATED' for an AUTHENTICATE registration)
   */
  readonly status?: FakeServerNotificationStatus
  /** Fields to add, change or (with `undefined`) remove before signing. */
  readonly fields?: Partial<ServerNotificationFields>
}

/**
 * A signed Server notification, ready to POST to the registration's NotificationURL.
 * @example
 * const { notificationUrl, body } = fakeOpayo.completeServerTransaction('INV-1042-1')
 * await fetch(notificationUrl, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
 */
export interface FakeServerNotification {
  readonly notificationUrl: string
  /** The form fields, VPSSignature included. */
  readonly fields: ServerNotificationFields
  /** `application/x-www-form-urlencoded`, as Opayo posts it. */
  readonly body: string
}
