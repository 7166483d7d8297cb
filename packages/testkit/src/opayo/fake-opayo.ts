// The fake Opayo: a thin class over the shared state (state.ts) and the route table (routes.ts)
// with a module per protocol: Pi (pi.ts), Reporting (reporting.ts, reporting-rows.ts), Server
// (server-registrations.ts, server-transactions.ts) and settlement batches (settlement.ts).
import { postServerNotification } from './server-notifications.js'
import type { ParsedNotificationReply } from './server-notifications.js'
import type { FakeServerRegistration } from './server-registrations.js'
import { generateRows } from './reporting-rows.js'
import { answerOpayo } from './routes.js'
import { completeServerTransaction } from './server-transactions.js'
import { closeBatches, feeStatementCsv, transactionGroups } from './settlement.js'
import { createOpayoState, seedTransaction } from './state.js'
import type { OpayoState } from './state.js'
import type {
  CompleteServerTransactionOptions,
  FakeBatchListOverride,
  FakeFault,
  FakeOpayoOptions,
  FakeOpayoTransaction,
  FakeReportingRowsOptions,
  FakeServerNotification,
  FakeSettlementBatch,
  FakeTransactionGroup,
} from './types.js'

/**
 * A stateful, in-memory Opayo that speaks the Pi REST and Reporting XML wire formats
 * (as academe/opayo-pi and ebizmarts SagePaySuite use them): Basic-auth checked, validation
 * errors in Opayo's body shape, transactions created through Pi visible to Reporting, refunds and
 * releases tied to their original, voids and aborts reflected in statusCode (2005/2006) and
 * txstateid (18/19).
 * A card identifier starting with "decline" is declined (NotAuthed, HTTP 403).
 *
 * It also takes Server registrations (`vspserver-register.vsp`, ISO-8859-1 form in, CRLF
 * `Name=Value` out): Vendor and required fields checked with Opayo's error texts, a reused
 * VendorTxCode refused (4042), each registration kept in `serverRegistrations` with a random
 * SecurityKey; `completeServerTransaction` then gives the signed notification Opayo would POST.
 *
 * `fake.fetch` is a web-standard fetch: pass it to a client, or serve it through msw
 * (`@opayo-kashflow/testkit/msw`).
 */
export class FakeOpayo {
  readonly #state: OpayoState
  readonly transactions: Map<string, FakeOpayoTransaction>
  /** Server registrations (`vspserver-register.vsp`), by VendorTxCode. */
  readonly serverRegistrations: Map<string, FakeServerRegistration>
  readonly requests: { method: string; url: string }[]
  /** Settlement batches closed by `closeBatches`, by batch id. */
  readonly batches: Map<string, FakeSettlementBatch>
  readonly options: Required<Omit<FakeOpayoOptions, 'now'>> & { now: () => Date }

  constructor(options: FakeOpayoOptions = {}) {
    const state = createOpayoState(options)
    this.#state = state
    this.transactions = state.transactions
    this.serverRegistrations = state.serverRegistrations
    this.requests = state.requests
    this.batches = state.batches
    this.options = state.options
  }

  /**
   * Closes settlement batches over every settled transaction not yet in one (succeeded payments,
   * repeats, released deferreds and refunds; voided, aborted, cancelled, failed and unreleased
   * ones stay out): one batch per currency (or one batch with a `transactiongroup` per currency
   * with `mixCurrencies`), dated `date` and completed at `time` London wall-clock time
   * (`HH:MM:SS.mmm`, default `00:15:00.000`: in summer that is the evening before in UTC). `fee`
   * prices each transaction in minor units (the acquirer's deduction, for `feeStatementCsv`).
   * Returns the new batches.
   * @example
   * const [batch] = fakeOpayo.closeBatches({ date: '2026-11-03', fee: (tx) => Math.round(tx.amount * 0.015) + 20 })
   */
  closeBatches(
    input: {
      readonly date?: string
      readonly time?: string
      readonly fee?: (tx: FakeOpayoTransaction) => number
      readonly authProcessor?: string
      readonly mixCurrencies?: boolean
    } = {},
  ): FakeSettlementBatch[] {
    return closeBatches(this.#state, input)
  }

  /**
   * The acquirer's fee statement for closed batches, as CSV with the columns `fees import` reads
   * (`batch_id,transaction_id,vendor_tx_code,fee,currency`), one row per transaction.
   */
  feeStatementCsv(batchIds: readonly string[] = [...this.batches.keys()]): string {
    return feeStatementCsv(this.#state, batchIds)
  }

  /**
   * Opayo's totals for a closed batch, one `transactiongroup` per currency, as getBatchList
   * serves them by default: `paymentnumber`/`paymentvalue` over payments, repeats and released
   * deferreds, `refundnumber`/`refundvalue` over refunds, values in major units.
   * @example fakeOpayo.transactionGroups('1001') // [{ currency: 'GBP', paymentnumber: '1', paymentvalue: '120.00', ... }]
   */
  transactionGroups(batchId: string): FakeTransactionGroup[] {
    return transactionGroups(this.#state, batchId)
  }

  /**
   * Serves this getBatchList row for a batch instead of the one its transactions make: the
   * switch for a list that disagrees with getBatchDetail (`transactionGroups`), or a row the
   * client must refuse (`completed: 'YES'`, no groups). `undefined` removes the override.
   * @example fakeOpayo.overrideBatchListRow('1001', { transactionGroups: [{ currency: 'GBP', paymentnumber: '1', paymentvalue: '99.00', refundvalue: '0.00' }] })
   */
  overrideBatchListRow(batchId: string, row: FakeBatchListOverride | undefined): void {
    if (row === undefined) this.#state.batchListOverrides.delete(batchId)
    else this.#state.batchListOverrides.set(batchId, row)
  }

  /** Serve these faults, one per request, before answering normally again. */
  failNext(...faults: FakeFault[]): void {
    this.#state.faults.push(...faults)
  }

  /** Adds a transaction directly (as if taken through Server or Form), for Reporting reads. */
  seed(
    transaction: Partial<FakeOpayoTransaction> &
      Pick<FakeOpayoTransaction, 'vendorTxCode' | 'amount'>,
  ): FakeOpayoTransaction {
    return seedTransaction(this.#state, transaction)
  }

  /**
   * Serves `count` more Reporting rows from getTransactionList without keeping them: each is
   * generated from its index when a page covers it, after the transactions the fake holds (which
   * come first, by date). Replaces any rows generated before. getTransactionDetail finds one by its
   * default transactionId.
   * @example
   * fakeOpayo.generateReportingRows({ count: 1_000_000, from: new Date('2026-01-01T00:00:00Z') })
   */
  generateReportingRows(options: FakeReportingRowsOptions): void {
    generateRows(this.#state, options)
  }

  /**
   * Completes a registered Server transaction: the notification Opayo would POST to its
   * NotificationURL, signed with the registration's SecurityKey and the fake's vendor name (the
   * signing of {@link signServerNotification}). An OK, NOTAUTHED or REJECTED outcome also
   * becomes a transaction Reporting can read. Call it again for a repeated notification.
   * @throws {Error} for a VendorTxCode that was never registered.
   * @example
   * const { notificationUrl, body } = fakeOpayo.completeServerTransaction('INV-1042-1')
   * await fetch(notificationUrl, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
   */
  completeServerTransaction(
    vendorTxCode: string,
    options: CompleteServerTransactionOptions = {},
  ): FakeServerNotification {
    return completeServerTransaction(this.#state, vendorTxCode, options)
  }

  /**
   * {@link completeServerTransaction}, then POSTs the notification to the NotificationURL as Opayo
   * does and parses the reply; `fetch` (e.g. `(url, init) => handle(new Request(url, init))`)
   * delivers it to a web handler in-process instead.
   * @example
   * const reply = await fakeOpayo.notifyServerTransaction('INV-1042-1')
   * expect(reply.status).toBe('OK')
   */
  async notifyServerTransaction(
    vendorTxCode: string,
    options: CompleteServerTransactionOptions & { readonly fetch?: typeof fetch } = {},
  ): Promise<ParsedNotificationReply> {
    const { notificationUrl, fields } = this.completeServerTransaction(vendorTxCode, options)
    return postServerNotification(
      notificationUrl,
      fields,
      options.fetch ? { fetch: options.fetch } : {},
    )
  }

  /**
   * A web-standard fetch that answers Pi (`.../api/v1/...`), Reporting (`.../access/access.htm`)
   * and Server registration (`.../gateway/service/vspserver-register.vsp`).
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    this.requests.push({ method: request.method, url: request.url })
    const fault = this.#state.faults.shift()
    if (fault)
      return new Response(fault.body ?? '', { status: fault.status, headers: fault.headers ?? {} })
    return answerOpayo(this.#state, request)
  }
}
