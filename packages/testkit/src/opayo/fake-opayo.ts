import { randomUUID } from 'node:crypto'
import { buildReportingXml, parseReportingDate, toReportingDate } from '@opayo-kashflow/opayo'
import type { ReportingParam } from '@opayo-kashflow/opayo'
import { XMLParser } from 'fast-xml-parser'
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
} from './server-notifications.js'
import type { ParsedNotificationReply, ServerNotificationFields } from './server-notifications.js'
import {
  DUPLICATE_VENDOR_TX_CODE,
  checkServerRegistration,
  decodeFormBody,
  randomSecurityKey,
  randomVpsTxId,
  serverAnswer,
} from './server-registrations.js'
import type { FakeServerRegistration } from './server-registrations.js'

/** A transaction as the fake keeps it (one record serves both Pi and Reporting views). */
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
 * fake.overrideBatchListRow('1001', { completed: 'YES', transactionGroups: null })
 */
export interface FakeBatchListOverride {
  /** `completed` as served; `null` leaves the element out. */
  readonly completed?: string | null
  /** The groups served; `null` leaves `<transactiongroups>` out, `[]` serves it empty. */
  readonly transactionGroups?: readonly FakeTransactionGroup[] | null
  /** More elements to serve in the row, e.g. `{ batchdate: '03/11/2026' }`. */
  readonly extra?: Readonly<Record<string, string>>
}

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
 * fake.generateReportingRows({ count: 1_000_000, from: new Date('2026-01-01T00:00:00Z'), spacingMs: 1000 })
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

/** A fault to serve instead of the real answer. */
export interface FakeFault {
  readonly status: number
  readonly body?: string
  readonly headers?: Record<string, string>
}

const DECLINE_PREFIX = 'decline'

/**
 * The Status a completed Server transaction's notification carries.
 * @example fake.completeServerTransaction('INV-1042-1', { status: 'NOTAUTHED' })
 */
export type FakeServerNotificationStatus =
  'OK' | 'NOTAUTHED' | 'REJECTED' | 'ABORT' | 'ERROR' | 'PENDING' | 'AUTHENTICATED' | 'REGISTERED'

/**
 * How {@link FakeOpayo.completeServerTransaction} completes a registered transaction.
 * @example fake.completeServerTransaction('INV-1042-1', { status: 'OK', fields: { CardType: 'MC' } })
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
 * const { notificationUrl, body } = fake.completeServerTransaction('INV-1042-1')
 * await fetch(notificationUrl, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
 */
export interface FakeServerNotification {
  readonly notificationUrl: string
  /** The form fields, VPSSignature included. */
  readonly fields: ServerNotificationFields
  /** `application/x-www-form-urlencoded`, as Opayo posts it. */
  readonly body: string
}

// StatusDetail texts: academe/SagePay src/Academe/SagePay/Metadata/error-codes.tsv.
const NOTIFICATION_DETAIL: Partial<Record<FakeServerNotificationStatus, string>> = {
  OK: '0000 : The Authorisation was Successful.',
  NOTAUTHED: '2000 : The Authorisation was Declined by the bank.',
  REJECTED: '2001 : The Authorisation was Rejected by the vendor rule-base.',
  AUTHENTICATED: '2010 : The Authentication was Successful.',
}

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
  readonly transactions = new Map<string, FakeOpayoTransaction>()
  /** Server registrations (`vspserver-register.vsp`), by VendorTxCode. */
  readonly serverRegistrations = new Map<string, FakeServerRegistration>()
  readonly requests: { method: string; url: string }[] = []
  /** Settlement batches closed by `closeBatches`, by batch id. */
  readonly batches = new Map<string, FakeSettlementBatch>()
  #batched = new Set<string>()
  #batchListOverrides = new Map<string, FakeBatchListOverride>()
  readonly options: Required<Omit<FakeOpayoOptions, 'now'>> & { now: () => Date }
  #faults: FakeFault[] = []
  #generated: Required<Omit<FakeReportingRowsOptions, 'from'>> & { from: number } = {
    count: 0,
    from: 0,
    spacingMs: 1000,
    row: () => ({}),
  }

  constructor(options: FakeOpayoOptions = {}) {
    this.options = {
      integrationKey:
        options.integrationKey ?? 'hJYxsw7HLbj40cB8udES8CDRFLhuJ8G54O6rDpUXvE6hYDrria',
      integrationPassword:
        options.integrationPassword ??
        'o2iHSrFybYMZpmWOQMuhsXP52V4fBtpuSDshrKDSWsBY1OiN6hwd9Kb12z4j5Us5u',
      vendorName: options.vendorName ?? 'sandbox',
      reporting: options.reporting ?? { vendor: 'sandbox', user: 'reporter', password: 'secret' },
      now: options.now ?? (() => new Date()),
      batchDetailRows: options.batchDetailRows ?? 'thin',
    }
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
   * const [batch] = fake.closeBatches({ date: '2026-11-03', fee: (tx) => Math.round(tx.amount * 0.015) + 20 })
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
    const date = input.date ?? this.options.now().toISOString().slice(0, 10)
    const completed = `${date.split('-').reverse().join('/')} ${input.time ?? '00:15:00.000'}`
    const byCurrency = new Map<string, FakeOpayoTransaction[]>()
    for (const tx of this.transactions.values()) {
      if (this.#batched.has(tx.transactionId) || !settles(tx)) continue
      const key = input.mixCurrencies ? '' : tx.currency
      byCurrency.set(key, [...(byCurrency.get(key) ?? []), tx])
    }
    const made: FakeSettlementBatch[] = []
    for (const txs of byCurrency.values()) {
      const batchId = String(1000 + this.batches.size + 1)
      const currencies = [...new Set(txs.map((t) => t.currency))]
      const batch: FakeSettlementBatch = {
        batchId,
        date,
        completed,
        currency: currencies[0] ?? 'GBP',
        currencies,
        authProcessor: input.authProcessor ?? 'Elavon',
        transactionIds: txs.map((t) => t.transactionId),
        fees: new Map(txs.map((t) => [t.transactionId, input.fee?.(t) ?? 0])),
      }
      for (const t of txs) this.#batched.add(t.transactionId)
      this.batches.set(batchId, batch)
      made.push(batch)
    }
    return made
  }

  /**
   * The acquirer's fee statement for closed batches, as CSV with the columns `fees import` reads
   * (`batch_id,transaction_id,vendor_tx_code,fee,currency`), one row per transaction.
   */
  feeStatementCsv(batchIds: readonly string[] = [...this.batches.keys()]): string {
    const lines = ['batch_id,transaction_id,vendor_tx_code,fee,currency']
    for (const id of batchIds) {
      const batch = this.batches.get(id)
      if (!batch) continue
      for (const txId of batch.transactionIds) {
        const tx = this.transactions.get(txId)
        if (!tx) continue
        const fee = batch.fees.get(txId) ?? 0
        lines.push(`${id},${txId},${tx.vendorTxCode},${(fee / 100).toFixed(2)},${tx.currency}`)
      }
    }
    return `${lines.join('\n')}\n`
  }

  /**
   * Opayo's totals for a closed batch, one `transactiongroup` per currency, as getBatchList
   * serves them by default: `paymentnumber`/`paymentvalue` over payments, repeats and released
   * deferreds, `refundnumber`/`refundvalue` over refunds, values in major units.
   * @example fake.transactionGroups('1001') // [{ currency: 'GBP', paymentnumber: '1', paymentvalue: '120.00', ... }]
   */
  transactionGroups(batchId: string): FakeTransactionGroup[] {
    const batch = this.batches.get(batchId)
    if (!batch) return []
    const txs = batch.transactionIds
      .map((id) => this.transactions.get(id))
      .filter((t): t is FakeOpayoTransaction => t !== undefined)
    return batch.currencies.map((currency) => {
      const of = txs.filter((t) => t.currency === currency)
      const refunds = of.filter((t) => t.transactionType === 'Refund')
      const payments = of.filter((t) => t.transactionType !== 'Refund')
      const value = (list: FakeOpayoTransaction[]) =>
        (list.reduce((sum, t) => sum + t.amount, 0) / 100).toFixed(2)
      return {
        currency,
        paymentnumber: String(payments.length),
        paymentvalue: value(payments),
        refundnumber: String(refunds.length),
        refundvalue: value(refunds),
      }
    })
  }

  /**
   * Serves this getBatchList row for a batch instead of the one its transactions make: the
   * switch for a list that disagrees with getBatchDetail (`transactionGroups`), or a row the
   * client must refuse (`completed: 'YES'`, no groups). `undefined` removes the override.
   * @example fake.overrideBatchListRow('1001', { transactionGroups: [{ currency: 'GBP', paymentnumber: '1', paymentvalue: '99.00', refundvalue: '0.00' }] })
   */
  overrideBatchListRow(batchId: string, row: FakeBatchListOverride | undefined): void {
    if (row === undefined) this.#batchListOverrides.delete(batchId)
    else this.#batchListOverrides.set(batchId, row)
  }

  /** Serve these faults, one per request, before answering normally again. */
  failNext(...faults: FakeFault[]): void {
    this.#faults.push(...faults)
  }

  /** Adds a transaction directly (as if taken through Server or Form), for Reporting reads. */
  seed(
    transaction: Partial<FakeOpayoTransaction> &
      Pick<FakeOpayoTransaction, 'vendorTxCode' | 'amount'>,
  ): FakeOpayoTransaction {
    const tx: FakeOpayoTransaction = {
      transactionId: randomUUID().toUpperCase(),
      transactionType: 'Payment',
      status: 'Ok',
      statusCode: '0000',
      statusDetail: 'The Authorisation was Successful.',
      currency: 'GBP',
      createdAt: this.options.now(),
      cardType: 'Visa',
      lastFourDigits: '0006',
      expiryDate: '1228',
      refunded: 0,
      ...transaction,
    }
    this.transactions.set(tx.transactionId, tx)
    return tx
  }

  /**
   * Serves `count` more Reporting rows from getTransactionList without keeping them: each is
   * generated from its index when a page covers it, after the transactions the fake holds (which
   * come first, by date). Replaces any rows generated before. getTransactionDetail finds one by its
   * default transactionId.
   * @example
   * fake.generateReportingRows({ count: 1_000_000, from: new Date('2026-01-01T00:00:00Z') })
   */
  generateReportingRows(options: FakeReportingRowsOptions): void {
    if (!Number.isInteger(options.count) || options.count < 0)
      throw new RangeError('FakeOpayo.generateReportingRows(): count must be a whole number >= 0.')
    const spacingMs = options.spacingMs ?? 1000
    if (!(spacingMs > 0))
      throw new RangeError('FakeOpayo.generateReportingRows(): spacingMs must be positive.')
    this.#generated = {
      count: options.count,
      from: options.from.getTime(),
      spacingMs,
      row: options.row ?? (() => ({})),
    }
  }

  /** Generated row `index`, as {@link generateReportingRows} describes it. */
  #generatedRow(index: number): FakeOpayoTransaction {
    const g = this.#generated
    return {
      transactionId: `AE000000-0000-4000-8000-${index.toString(16).toUpperCase().padStart(12, '0')}`,
      vendorTxCode: `GEN-${index}`,
      transactionType: 'Payment',
      status: 'Ok',
      statusCode: '0000',
      statusDetail: 'The Authorisation was Successful.',
      amount: 1000 + (index % 9000),
      currency: 'GBP',
      createdAt: new Date(g.from + index * g.spacingMs),
      cardType: 'Visa',
      lastFourDigits: '0006',
      expiryDate: '1228',
      refunded: 0,
      ...g.row(index),
    }
  }

  /** The generated row with this default transactionId (its index in hex), if there is one. */
  #generatedById(id: string | undefined): FakeOpayoTransaction | undefined {
    const m = /^AE000000-0000-4000-8000-([0-9A-F]{12})$/.exec(id ?? '')
    if (!m) return undefined
    const index = Number.parseInt(m[1] ?? '', 16)
    if (!(index < this.#generated.count)) return undefined
    const tx = this.#generatedRow(index)
    return tx.transactionId === id ? tx : undefined
  }

  /** Rows `start..end` (1-based, inclusive) of getTransactionList over `[from, to)`. */
  #listPage(from: number, to: number, start: number, end: number): FakeOpayoTransaction[] {
    const held = [...this.transactions.values()]
      .filter((t) => t.createdAt.getTime() >= from && t.createdAt.getTime() < to)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    const page = held.slice(start - 1, end)
    const g = this.#generated
    if (g.count === 0 || page.length >= end - start + 1) return page
    // The generated rows in [from, to) are the indexes [first, last).
    const first = Math.max(0, Math.ceil((from - g.from) / g.spacingMs))
    const last = Math.min(g.count, Math.max(0, Math.ceil((to - g.from) / g.spacingMs)))
    const skip = Math.max(0, start - 1 - held.length)
    for (let i = first + skip; i < last && page.length < end - start + 1; i += 1)
      page.push(this.#generatedRow(i))
    return page
  }

  /**
   * Completes a registered Server transaction: the notification Opayo would POST to its
   * NotificationURL, signed with the registration's SecurityKey and the fake's vendor name (the
   * signing of {@link signServerNotification}). An OK, NOTAUTHED or REJECTED outcome also
   * becomes a transaction Reporting can read. Call it again for a repeated notification.
   * @throws {Error} for a VendorTxCode that was never registered.
   * @example
   * const { notificationUrl, body } = fake.completeServerTransaction('INV-1042-1')
   * await fetch(notificationUrl, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
   */
  completeServerTransaction(
    vendorTxCode: string,
    options: CompleteServerTransactionOptions = {},
  ): FakeServerNotification {
    const registration = this.serverRegistrations.get(vendorTxCode)
    if (registration === undefined)
      throw new Error(`FakeOpayo: no Server registration for VendorTxCode ${vendorTxCode}.`)
    const status =
      options.status ?? (registration.txType === 'AUTHENTICATE' ? 'AUTHENTICATED' : 'OK')
    const authorised = status === 'OK'
    const fields = signServerNotification(
      buildServerNotification({
        VPSProtocol: '4.00',
        TxType: registration.txType,
        VendorTxCode: registration.vendorTxCode,
        VPSTxId: registration.vpsTxId,
        Status: status,
        StatusDetail: NOTIFICATION_DETAIL[status],
        // TxAuthNo and the bank's code only come with an authorisation.
        ...(authorised ? {} : { TxAuthNo: undefined, BankAuthCode: undefined }),
        ...(status === 'NOTAUTHED' ? { DeclineCode: '05' } : {}),
        ...options.fields,
      }),
      { vendorName: this.options.vendorName, securityKey: registration.securityKey },
    )
    const id = registration.vpsTxId.replace(/[{}]/g, '')
    const outcome = authorised
      ? 'Ok'
      : status === 'NOTAUTHED'
        ? 'NotAuthed'
        : status === 'REJECTED'
          ? 'Rejected'
          : undefined
    if (outcome !== undefined && !this.transactions.has(id)) {
      this.seed({
        transactionId: id,
        vendorTxCode: registration.vendorTxCode,
        transactionType:
          registration.txType === 'PAYMENT'
            ? 'Payment'
            : registration.txType === 'DEFERRED'
              ? 'Deferred'
              : 'Authenticate',
        status: outcome,
        statusCode: authorised ? '0000' : status === 'NOTAUTHED' ? '2000' : '2001',
        statusDetail: (NOTIFICATION_DETAIL[status] ?? '').replace(/^\d{4} : /, ''),
        amount: registration.amount,
        currency: registration.currency,
      })
    }
    return {
      notificationUrl: registration.notificationUrl,
      fields,
      body: new URLSearchParams(fields).toString(),
    }
  }

  /**
   * {@link completeServerTransaction}, then POSTs the notification to the NotificationURL as Opayo
   * does and parses the reply.
   * @example const reply = await fake.notifyServerTransaction('INV-1042-1', { fetch: app.request })
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
    const fault = this.#faults.shift()
    if (fault)
      return new Response(fault.body ?? '', { status: fault.status, headers: fault.headers ?? {} })
    const url = new URL(request.url)
    if (url.pathname.endsWith('/access/access.htm')) return this.#reporting(request)
    if (url.pathname.endsWith('/gateway/service/vspserver-register.vsp'))
      return this.#serverRegister(request)
    if (url.pathname.endsWith('/Simulator/VSPServerPaymentPage.asp') && request.method === 'GET') {
      return new Response(
        `Fake Opayo payment page for ${url.searchParams.get('TransactionID') ?? '?'}: complete it with fake.completeServerTransaction(vendorTxCode).`,
        { status: 200, headers: { 'content-type': 'text/plain' } },
      )
    }
    const pi = /\/api\/v1\/(.*)$/.exec(url.pathname)
    if (pi) return this.#pi(request, pi[1] ?? '')
    return json(404, { description: 'Not found', code: 1010 })
  }

  async #serverRegister(request: Request): Promise<Response> {
    if (request.method !== 'POST') return new Response('Method not allowed', { status: 405 })
    const fields = decodeFormBody(
      new Uint8Array(await request.arrayBuffer()),
      request.headers.get('content-type'),
    )
    const refuse = (refusal: { status: string; statusDetail: string }) =>
      serverAnswer([
        ['VPSProtocol', '4.00'],
        ['Status', refusal.status],
        ['StatusDetail', refusal.statusDetail],
      ])
    const checked = checkServerRegistration(fields, this.options.vendorName)
    if ('status' in checked) return refuse(checked)
    const code = checked.vendorTxCode
    if (
      this.serverRegistrations.has(code) ||
      [...this.transactions.values()].some((t) => t.vendorTxCode === code)
    ) {
      // Opayo's error 4042. Whether Opayo answers an identical re-registration "OK REPEATED"
      // instead is not published; the fake always refuses.
      return refuse(DUPLICATE_VENDOR_TX_CODE)
    }
    const registration: FakeServerRegistration = {
      ...checked,
      vpsTxId: randomVpsTxId(),
      securityKey: randomSecurityKey(),
      createdAt: this.options.now(),
    }
    this.serverRegistrations.set(code, registration)
    // serveFetch requests carry the port in Host, not in the URL.
    const url = new URL(request.url)
    const origin = `${url.protocol}//${request.headers.get('host') ?? url.host}`
    return serverAnswer([
      ['VPSProtocol', '4.00'],
      ['Status', 'OK'],
      ['StatusDetail', 'Server transaction registered successfully.'],
      ['VPSTxId', registration.vpsTxId],
      ['SecurityKey', registration.securityKey],
      [
        'NextURL',
        `${origin}/Simulator/VSPServerPaymentPage.asp?TransactionID=${registration.vpsTxId}`,
      ],
    ])
  }

  async #pi(request: Request, path: string): Promise<Response> {
    const expected = `Basic ${Buffer.from(`${this.options.integrationKey}:${this.options.integrationPassword}`).toString('base64')}`
    if (request.headers.get('authorization') !== expected) {
      return json(401, { description: 'Authentication failed', code: 1002 })
    }
    const body =
      request.method === 'POST'
        ? ((await request.json().catch(() => undefined)) as Record<string, unknown> | undefined)
        : undefined
    if (request.method === 'POST' && body === undefined)
      return json(400, { description: 'Malformed JSON', code: 1000 })
    const [resource, id, sub] = path.split('/')

    if (resource === 'merchant-session-keys' && request.method === 'POST') {
      if (body?.['vendorName'] !== this.options.vendorName) {
        return json(422, {
          errors: [{ description: 'Missing mandatory field', property: 'vendorName', code: 1003 }],
        })
      }
      return json(201, {
        merchantSessionKey: randomUUID().toUpperCase(),
        expiry: new Date(this.options.now().getTime() + 20 * 60_000).toISOString(),
      })
    }
    if (resource !== 'transactions') return json(404, { description: 'Not found', code: 1010 })
    if (id === undefined && request.method === 'POST') return this.#createTransaction(body ?? {})
    const tx =
      id === undefined ? undefined : this.transactions.get(decodeURIComponent(id).toUpperCase())
    if (tx === undefined) return json(404, { description: 'Transaction not found', code: 1012 })
    if (sub === undefined && request.method === 'GET') return json(200, this.#piView(tx))
    if (sub === 'instructions' && request.method === 'GET') {
      return json(200, {
        instructions: tx.instruction
          ? [{ instructionType: tx.instruction.type, date: tx.instruction.date.toISOString() }]
          : [],
      })
    }
    if (sub === 'instructions' && request.method === 'POST')
      return this.#instruction(tx, body ?? {})
    return json(405, { description: 'Method not allowed', code: 1011 })
  }

  #createTransaction(body: Record<string, unknown>): Response {
    const errors: { description: string; property: string; code: number }[] = []
    const type = body['transactionType']
    const vendorTxCode = body['vendorTxCode']
    const amount = body['amount']
    if (
      !['Payment', 'Deferred', 'Authenticate', 'Repeat', 'Refund', 'Authorise'].includes(
        String(type),
      )
    ) {
      errors.push({
        description: 'Contains invalid value',
        property: 'transactionType',
        code: 1009,
      })
    }
    if (typeof vendorTxCode !== 'string' || !/^[A-Za-z0-9\-._{}]{1,40}$/.test(vendorTxCode)) {
      errors.push({ description: 'Contains invalid value', property: 'vendorTxCode', code: 1009 })
    } else if ([...this.transactions.values()].some((t) => t.vendorTxCode === vendorTxCode)) {
      errors.push({
        description: 'The VendorTxCode has been used before',
        property: 'vendorTxCode',
        code: 1009,
      })
    }
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1) {
      errors.push({ description: 'Contains invalid value', property: 'amount', code: 1009 })
    }
    const related =
      typeof body['referenceTransactionId'] === 'string'
        ? this.transactions.get(body['referenceTransactionId'].toUpperCase())
        : undefined
    if ((type === 'Refund' || type === 'Repeat' || type === 'Authorise') && related === undefined) {
      errors.push({
        description: 'Contains invalid value',
        property: 'referenceTransactionId',
        code: 1009,
      })
    }
    if (
      type === 'Refund' &&
      related &&
      typeof amount === 'number' &&
      related.refunded + amount > related.amount
    ) {
      errors.push({
        description: 'The refund amount exceeds the original amount',
        property: 'amount',
        code: 1009,
      })
    }
    if (errors.length > 0) return json(422, { errors })
    const card = (body['paymentMethod'] as { card?: { cardIdentifier?: string } } | undefined)?.card
    const declined = card?.cardIdentifier?.toLowerCase().startsWith(DECLINE_PREFIX) === true
    const tx: FakeOpayoTransaction = {
      transactionId: randomUUID().toUpperCase(),
      vendorTxCode: vendorTxCode as string,
      transactionType: type as FakeOpayoTransaction['transactionType'],
      status: declined ? 'NotAuthed' : 'Ok',
      statusCode: declined ? '2000' : '0000',
      statusDetail: declined
        ? 'The Authorisation was Declined by the bank.'
        : 'The Authorisation was Successful.',
      amount: amount as number,
      currency:
        typeof body['currency'] === 'string' ? body['currency'] : (related?.currency ?? 'GBP'),
      createdAt: this.options.now(),
      cardType: related?.cardType ?? 'Visa',
      lastFourDigits: related?.lastFourDigits ?? '0006',
      expiryDate: related?.expiryDate ?? '1228',
      refunded: 0,
      ...(related ? { relatedTransactionId: related.transactionId } : {}),
    }
    this.transactions.set(tx.transactionId, tx)
    if (type === 'Refund' && related && !declined) related.refunded += tx.amount
    return json(declined ? 403 : 201, this.#piView(tx))
  }

  #instruction(tx: FakeOpayoTransaction, body: Record<string, unknown>): Response {
    const type = body['instructionType']
    if (!['void', 'abort', 'release', 'cancel'].includes(String(type))) {
      return json(422, {
        errors: [
          { description: 'Contains invalid value', property: 'instructionType', code: 1009 },
        ],
      })
    }
    if (tx.instruction)
      return json(422, {
        errors: [{ description: 'Operation not allowed', property: 'instructionType', code: 1017 }],
      })
    if (type === 'release') {
      const amount = body['amount']
      if (
        tx.transactionType !== 'Deferred' ||
        typeof amount !== 'number' ||
        amount < 1 ||
        amount > tx.amount
      ) {
        return json(422, {
          errors: [{ description: 'Contains invalid value', property: 'amount', code: 1009 }],
        })
      }
    }
    const date = this.options.now()
    tx.instruction = {
      type: type as 'void' | 'abort' | 'release' | 'cancel',
      date,
      ...(typeof body['amount'] === 'number' ? { amount: body['amount'] } : {}),
    }
    if (type === 'void')
      Object.assign(tx, { statusCode: '2005', statusDetail: 'The Void was Successful.' })
    if (type === 'abort')
      Object.assign(tx, { statusCode: '2006', statusDetail: 'The Abort was Successful.' })
    return json(201, { instructionType: type, date: date.toISOString() })
  }

  #piView(tx: FakeOpayoTransaction): Record<string, unknown> {
    return {
      transactionId: tx.transactionId,
      transactionType: tx.transactionType,
      status: tx.status,
      statusCode: tx.statusCode,
      statusDetail: tx.statusDetail,
      retrievalReference: tx.instruction?.type === 'void' ? 0 : 8636128,
      bankResponseCode: tx.status === 'Ok' ? '00' : '05',
      ...(tx.status === 'Ok' ? { bankAuthorisationCode: '999777' } : {}),
      paymentMethod: {
        card: {
          cardType: tx.cardType,
          lastFourDigits: tx.lastFourDigits,
          expiryDate: tx.expiryDate,
        },
      },
      amount: { totalAmount: tx.amount, saleAmount: tx.amount, surchargeAmount: 0 },
      currency: tx.currency,
      ...(tx.transactionType === 'Refund' ? {} : { '3DSecure': { status: 'Authenticated' } }),
      ...(tx.transactionType === 'Refund'
        ? {}
        : {
            avsCvcCheck: {
              status: 'AllMatched',
              address: 'Matched',
              postalCode: 'Matched',
              securityCode: 'Matched',
            },
          }),
    }
  }

  async #reporting(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text())
    const xml = form.get('XML') ?? ''
    const parsed = new XMLParser({ parseTagValue: false, preserveOrder: true }).parse(
      xml,
    ) as unknown
    const root = ((parsed as { vspaccess?: unknown[] }[])[0]?.vspaccess ?? []) as Record<
      string,
      unknown
    >[]
    // Re-create the parameters in order, then check the signature the way Opayo does.
    const params: ReportingParam[] = []
    let command = ''
    let vendor = ''
    let user = ''
    let signature = ''
    const textOf = (node: Record<string, unknown>, name: string) =>
      ((node[name] as { '#text'?: string }[] | undefined)?.[0]?.['#text'] ?? '').toString()
    const toParam = (node: Record<string, unknown>): ReportingParam => {
      const name = Object.keys(node)[0] ?? ''
      const children = node[name] as Record<string, unknown>[]
      const isText =
        children.length === 0 || (children.length === 1 && '#text' in (children[0] ?? {}))
      return [name, isText ? textOf(node, name) : children.map(toParam)]
    }
    for (const node of root) {
      const name = Object.keys(node)[0] ?? ''
      if (name === 'command') command = textOf(node, name)
      else if (name === 'vendor') vendor = textOf(node, name)
      else if (name === 'user') user = textOf(node, name)
      else if (name === 'signature') signature = textOf(node, name)
      else params.push(toParam(node))
    }
    const creds = this.options.reporting
    const expected = buildReportingXml(command, params, {
      vendor,
      user,
      password: creds.password,
    }).signature
    if (vendor !== creds.vendor || user !== creds.user || signature.toLowerCase() !== expected) {
      return xmlResponse(
        '<errorcode>2007</errorcode><error>Invalid signature or credentials</error>',
      )
    }
    const param = (name: string) => {
      const found = params.find(([n]) => n.toLowerCase() === name)
      return typeof found?.[1] === 'string' ? found[1] : undefined
    }
    switch (command) {
      case 'version':
        return xmlResponse('<errorcode>0000</errorcode><version>3.00</version>')
      case 'getTransactionDetail': {
        const id = param('vpstxid')?.toUpperCase()
        const code = param('vendortxcode')
        const tx =
          [...this.transactions.values()].find(
            (t) => t.transactionId === id || t.vendorTxCode === code,
          ) ?? this.#generatedById(id)
        return tx
          ? xmlResponse(`<errorcode>0000</errorcode>${this.#reportingRow(tx)}`)
          : xmlResponse('<errorcode>0043</errorcode><error>Transaction not found</error>')
      }
      case 'getTransactionList': {
        const from = parseLondon(param('startdate'))
        const to = parseLondon(param('enddate'))
        const start = Number(param('startrow') ?? '1')
        const end = Number(param('endrow') ?? String(start + 49))
        const rows =
          from === undefined || to === undefined || !(end >= start) || !(start >= 1)
            ? []
            : this.#listPage(from, to, start, end)
        return xmlResponse(
          `<errorcode>0000</errorcode><transactions>${rows.map((t) => `<transaction>${this.#reportingRow(t)}</transaction>`).join('')}</transactions>`,
        )
      }
      case 'getFraudScreenDetail':
        return xmlResponse(
          '<errorcode>0000</errorcode><fraudprovidername>ReD</fraudprovidername><fraudscreenrecommendation>ACCEPT</fraudscreenrecommendation><fraudid/><fraudcode>0100</fraudcode><fraudcodedetail>Accept</fraudcodedetail>',
        )
      case 'getBatchList': {
        const from = parseLondon(param('startdate'))
        const to = parseLondon(param('enddate'))
        // Batches completed in [startdate, enddate], London time.
        const rows = [...this.batches.values()].filter((b) => {
          const at = Date.parse(parseReportingDate(b.completed) ?? '')
          return from !== undefined && to !== undefined && at >= from && at <= to
        })
        return xmlResponse(
          `<errorcode>0000</errorcode><batches>${rows.map((b) => this.#batchListRow(b)).join('')}</batches>`,
        )
      }
      case 'getBatchDetail': {
        const batch = this.batches.get(param('batchid') ?? '')
        if (!batch) return xmlResponse('<errorcode>0043</errorcode><error>Batch not found</error>')
        const start = Number(param('startrow') ?? '1')
        const end = Number(param('endrow') ?? String(start + 49))
        const rows = batch.transactionIds
          .slice(Math.max(0, start - 1), Math.max(0, end))
          .map((id) => this.transactions.get(id))
          .filter((t): t is FakeOpayoTransaction => t !== undefined)
        const row = (t: FakeOpayoTransaction) =>
          this.options.batchDetailRows === 'full' ? this.#reportingRow(t) : this.#thinBatchRow(t)
        return xmlResponse(
          `<errorcode>0000</errorcode><transactions>${rows.map((t) => `<transaction>${row(t)}</transaction>`).join('')}</transactions>`,
        )
      }
      default:
        return xmlResponse(
          `<errorcode>2015</errorcode><error>Unknown command ${escape(command)}</error>`,
        )
    }
  }

  /**
   * A getBatchList `<batch>` as the public clients read it (fhdalikhan/opayo-reporting-api
   * src/GetBatchList.php; Ebizmarts SagePaySuite M1 Dashboard::getSettlements): `batchid`,
   * `authprocessorname`, `completed` (London date-time), `transactiongroups/transactiongroup[]`.
   */
  #batchListRow(b: FakeSettlementBatch): string {
    const override = this.#batchListOverrides.get(b.batchId) ?? {}
    const completed = override.completed === undefined ? b.completed : override.completed
    const groups =
      override.transactionGroups === undefined
        ? this.transactionGroups(b.batchId)
        : override.transactionGroups
    const element = (name: string, value: string | undefined) =>
      value === undefined ? '' : `<${name}>${escape(value)}</${name}>`
    const groupXml = (g: FakeTransactionGroup) =>
      `<transactiongroup>${element('currency', g.currency)}${element('paymentnumber', g.paymentnumber)}${element('paymentvalue', g.paymentvalue)}${element('refundnumber', g.refundnumber)}${element('refundvalue', g.refundvalue)}</transactiongroup>`
    return `<batch>${element('batchid', b.batchId)}${element('authprocessorname', b.authProcessor)}${completed === null ? '' : element('completed', completed)}${groups === null ? '' : `<transactiongroups>${groups.map(groupXml).join('')}</transactiongroups>`}${Object.entries(
      override.extra ?? {},
    )
      .map(([k, v]) => element(k, v))
      .join('')}</batch>`
  }

  /** A getBatchDetail row with only the fields the public clients read (`batchDetailRows: 'thin'`). */
  #thinBatchRow(tx: FakeOpayoTransaction): string {
    const refunded = [...this.transactions.values()].some(
      (t) => t.relatedTransactionId === tx.transactionId && t.transactionType === 'Refund',
    )
    const fields: Record<string, string> = {
      vpstxid: tx.transactionId,
      vendortxcode: tx.vendorTxCode,
      started: `${toReportingDate(tx.createdAt)}.000`,
      refunded: refunded ? 'YES' : 'NO',
    }
    return Object.entries(fields)
      .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
      .join('')
  }

  #reportingRow(tx: FakeOpayoTransaction): string {
    const state =
      tx.instruction?.type === 'void'
        ? 18
        : tx.instruction?.type === 'abort'
          ? 19
          : tx.instruction?.type === 'cancel'
            ? 22
            : tx.status !== 'Ok'
              ? 12
              : tx.transactionType === 'Deferred' && tx.instruction?.type !== 'release'
                ? 14
                : 16
    const when = `${toReportingDate(tx.createdAt)}.000`
    const related = tx.relatedTransactionId
      ? this.transactions.get(tx.relatedTransactionId)
      : undefined
    const fields: Record<string, string> = {
      vpstxid: tx.transactionId,
      vendortxcode: tx.vendorTxCode,
      transactiontype: tx.transactionType,
      txstateid: String(state),
      status: tx.statusDetail,
      ...(related
        ? { relatedtransactionid: related.transactionId, relatedvendortxcode: related.vendorTxCode }
        : {}),
      amount: (tx.amount / 100).toFixed(2),
      currency: tx.currency,
      started: when,
      completed: when,
      paymentsystem: tx.cardType.toUpperCase() === 'MASTERCARD' ? 'MC' : tx.cardType.toUpperCase(),
      last4digits: tx.lastFourDigits,
      expirydate: tx.expiryDate,
      bankauthcode: tx.status === 'Ok' ? '999777' : '',
      declinecode: tx.status === 'Ok' ? '00' : '05',
    }
    return Object.entries(fields)
      .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
      .join('')
  }
}

/** Whether a transaction moves money at settlement (what a batch holds). */
function settles(tx: FakeOpayoTransaction): boolean {
  if (tx.status !== 'Ok') return false
  const instruction = tx.instruction?.type
  if (instruction === 'void' || instruction === 'abort' || instruction === 'cancel') return false
  if (tx.transactionType === 'Deferred') return instruction === 'release'
  return ['Payment', 'Repeat', 'Refund'].includes(tx.transactionType)
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

function xmlResponse(inner: string): Response {
  const text = `<?xml version="1.0" encoding="ISO-8859-1" ?><vspaccess>${inner}<timestamp>${toReportingDate(new Date())}</timestamp></vspaccess>`
  return new Response(Buffer.from(text, 'latin1'), {
    status: 200,
    headers: { 'content-type': 'text/xml; charset=ISO-8859-1' },
  })
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function parseLondon(text: string | undefined): number | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text ?? '')
  if (!m) return undefined
  // Compare in London wall-clock terms: format each candidate the same way the client does.
  const [, dd, mm, yyyy, hh, mi, ss] = m
  const naive = Date.UTC(
    Number(yyyy),
    Number(mm) - 1,
    Number(dd),
    Number(hh),
    Number(mi),
    Number(ss),
  )
  for (const offsetHours of [0, 1]) {
    const candidate = naive - offsetHours * 3_600_000
    if (toReportingDate(new Date(candidate)) === text) return candidate
  }
  return naive
}
