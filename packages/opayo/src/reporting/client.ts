import { InvalidArgumentError, toSecret } from '@opayo-kashflow/core'
import type { Secret } from '@opayo-kashflow/core'
import type { z } from 'zod'
import { scrubVendorText } from '@opayo-kashflow/http-core'
import {
  OpayoNotFoundError,
  OpayoReportingError,
  OpayoResponseError,
} from '../errors/http-errors.js'
import { httpFor } from '../internal/http.js'
import { httpError } from '../internal/http-error.js'
import type { CallOptions, OpayoTransportOptions } from '../internal/http.js'
import { toReportingDate } from './dates.js'
import {
  ReportingBatchSchema,
  ReportingFraudDetailSchema,
  ReportingTransactionSchema,
} from './schemas.js'
import type { ReportingBatch, ReportingFraudDetail, ReportingTransaction } from './schemas.js'
import { REPORTING_UNCONFIRMED } from './unconfirmed.js'
import { buildReportingXml, escapeXml, parseReportingXml } from './xml.js'
import type { ReportingParam } from './xml.js'

/**
 * Opayo Reporting & Admin API endpoints (joeratzer/opayo-admin-and-reporting-api-client
 * OpayoAdminApiClient.cs; developer-eu.elavon.com/docs/opayo-reporting-api).
 */
export const OPAYO_REPORTING_URLS = {
  live: 'https://live.opayo.eu.elavon.com/access/access.htm',
  sandbox: 'https://sandbox.opayo.eu.elavon.com/access/access.htm',
} as const

/**
 * Options of {@link createOpayoReportingClient}. The password is a string or a `Secret`; the
 * client wraps it in a `Secret` at once and reveals it only to compute each request's signature
 * (it is never sent).
 * @example
 * const options: OpayoReportingClientOptions = {
 *   vendor: 'myshop',
 *   user: 'api',
 *   password: new Secret(process.env.OPAYO_REPORTING_PASSWORD ?? ''),
 * }
 */
export interface OpayoReportingClientOptions extends OpayoTransportOptions {
  readonly vendor: string
  /** A MySagePay/Opayo admin user with Reporting API access. */
  readonly user: string
  /** That user's password: a string or a `Secret`. */
  readonly password: string | Secret
  /** `'sandbox'`, `'live'`, or the endpoint as a `URL`. @default 'sandbox' */
  readonly environment?: 'sandbox' | 'live' | URL
  /** Rows per list page. @default 50 (UNCONFIRMED limit) */
  readonly pageSize?: number
  /** Longest range one list call covers; longer ranges are split. @default 31 days (UNCONFIRMED) */
  readonly maxRangeDays?: number
}

/** Filters for `transactions.list` (getTransactionList). */
export interface TransactionListFilters {
  readonly from: Date
  readonly to: Date
  /** `SUCCESS`, `FAILURE` or `INVALID`. */
  readonly result?: 'SUCCESS' | 'FAILURE' | 'INVALID'
  /** `PAYMENT`, `REFUND`, `RELEASE`, ... */
  readonly txTypes?: readonly string[]
  readonly vendorTxCode?: string
  readonly relatedTransactionId?: string
}

export interface OpayoReportingClient {
  readonly transactions: {
    /** getTransactionDetail by VPSTxId or VendorTxCode. @throws {OpayoNotFoundError} for errorcode 0043. */
    get(
      input: { readonly vpsTxId: string } | { readonly vendorTxCode: string },
      options?: CallOptions,
    ): Promise<ReportingTransaction>
    /**
     * getTransactionList, paged with startrow/endrow; ranges longer than allowed are split. Lazy:
     * a page is requested only when the rows of the one before have all been consumed, and only
     * that page is held, so a year of rows costs the memory of one page.
     * @example
     * for await (const tx of reporting.transactions.list({ from: new Date('2026-11-01'), to: new Date('2026-11-02') })) console.log(tx.vendortxcode)
     */
    list(
      filters: TransactionListFilters,
      options?: CallOptions,
    ): AsyncIterable<ReportingTransaction>
  }
  readonly batches: {
    /**
     * getBatchList: the batches Opayo settled in `[from, to]`, rows as sent (`batchid`,
     * `authprocessorname`, `completed`, `transactiongroups`). Read each with `readBatchListRow`
     * for its London settlement date and Opayo's own totals per currency.
     */
    list(
      input: { readonly from: Date; readonly to: Date },
      options?: CallOptions,
    ): Promise<ReportingBatch[]>
    /**
     * getBatchDetail: the transactions settled in one batch, requested in 1-based
     * `startrow`/`endrow` windows of 50; `authProcessor` is the list's `authprocessorname`.
     */
    get(
      input: { readonly batchId: string; readonly authProcessor: string },
      options?: CallOptions,
    ): AsyncIterable<Record<string, unknown>>
  }
  readonly fraud: {
    /** getFraudScreenDetail: ReD or T3M (FSG) results. */
    get(vpsTxId: string, options?: CallOptions): Promise<ReportingFraudDetail>
  }
  /** The API version: a cheap credential check. */
  version(options?: CallOptions): Promise<string>
}

const DAY = 86_400_000

/**
 * Creates a Reporting & Admin API client: XML over a form POST, MD5-signed with your password
 * (never sent), ISO-8859-1 responses, dates in Europe/London.
 * @example
 * const reporting = createOpayoReportingClient({ vendor: 'myshop', user: 'api', password: process.env.OPAYO_REPORTING_PASSWORD ?? '' })
 * for await (const tx of reporting.transactions.list({ from: new Date('2026-11-01'), to: new Date('2026-11-02') })) console.log(tx.vendortxcode)
 */
export function createOpayoReportingClient(
  options: OpayoReportingClientOptions,
): OpayoReportingClient {
  // Wrapped at once; the client keeps neither the options object nor the plain password.
  const { vendor, user } = options
  const password = toSecret(options.password)
  if (!vendor || !user || !password.reveal()) {
    throw new InvalidArgumentError(
      'createOpayoReportingClient(): vendor, user and password are required.',
    )
  }
  const environment = options.environment ?? 'sandbox'
  const url =
    environment === 'live' || environment === 'sandbox'
      ? OPAYO_REPORTING_URLS[environment]
      : environment
  const { origin, pathname, search } = new URL(url)
  const http = httpFor(origin, { accept: 'application/xml, text/xml' }, options)
  const path = `${pathname.replace(/^\//, '')}${search}`
  const pageSize = options.pageSize ?? REPORTING_UNCONFIRMED.pageSize
  const maxRangeDays = options.maxRangeDays ?? REPORTING_UNCONFIRMED.maxRangeDays

  /** The signed XML. The password is revealed for the signature only and never thrown with. */
  function signedXml(name: string, params: readonly ReportingParam[]): string {
    const revealed = password.reveal()
    try {
      return buildReportingXml(name, params, { vendor, user, password: revealed }).xml
    } catch (error) {
      // Not rethrown and not kept as cause: its message or stack could quote the signed text.
      const said = error instanceof Error ? error.message : String(error)
      throw new InvalidArgumentError(
        `Reporting ${name}: the request XML could not be built (${redact(said, revealed)}). Check the parameters: every value must be text.`,
      )
    }
  }

  async function command(
    name: string,
    params: readonly ReportingParam[],
    call?: CallOptions,
  ): Promise<Record<string, unknown>> {
    const xml = signedXml(name, params)
    const operation = `Reporting ${name}`
    const res = await http.send(
      {
        method: 'POST',
        path,
        form: new URLSearchParams({ XML: xml }),
        idempotent: true,
        toError: httpError,
      },
      call,
    )
    const doc = parseReportingXml(res.body)
    if (doc === undefined)
      throw new OpayoResponseError(`${operation} returned a body that is not Reporting XML.`, {
        status: res.status,
        operation,
      })
    const errorCode = typeof doc['errorcode'] === 'string' ? doc['errorcode'] : ''
    if (errorCode === '0000') return doc
    // Opayo's words, capped and scrubbed (an echo of the request would hold the signed XML).
    const text = typeof doc['error'] === 'string' ? scrubVendorText(doc['error']) : 'no error text'
    if (errorCode === REPORTING_UNCONFIRMED.notFoundCode) {
      throw new OpayoNotFoundError(
        `${operation}: transaction not found (errorcode ${errorCode}).`,
        { operation },
      )
    }
    throw new OpayoReportingError(
      errorCode,
      `${operation} failed with errorcode ${errorCode || '(none)'}: ${text}.`,
      { operation },
    )
  }

  const validate = <T>(schema: z.ZodType<T>, value: unknown, operation: string): T => {
    const parsed = schema.safeParse(value)
    if (!parsed.success)
      throw new OpayoResponseError(
        `${operation} returned an unexpected shape: ${parsed.error.message}`,
        { operation },
      )
    return parsed.data
  }

  return {
    transactions: {
      async get(input, call) {
        const param: ReportingParam =
          'vpsTxId' in input
            ? ['vpstxid', input.vpsTxId.replace(/[{}]/g, '')]
            : [REPORTING_UNCONFIRMED.vendorTxCodeElement, input.vendorTxCode]
        const doc = await command('getTransactionDetail', [param], call)
        return validate(ReportingTransactionSchema, doc, 'Reporting getTransactionDetail')
      },
      async *list(filters, call) {
        if (!(filters.to.getTime() > filters.from.getTime())) {
          throw new InvalidArgumentError('transactions.list(): `to` must be after `from`.')
        }
        for (
          let start = filters.from.getTime();
          start < filters.to.getTime();
          start += maxRangeDays * DAY
        ) {
          const end = Math.min(filters.to.getTime(), start + maxRangeDays * DAY)
          for (let row = 1; ; row += pageSize) {
            const params: ReportingParam[] = [
              ['startdate', toReportingDate(new Date(start))],
              ['enddate', toReportingDate(new Date(end))],
            ]
            if (filters.relatedTransactionId)
              params.push(['relatedtransactionid', filters.relatedTransactionId])
            if (filters.vendorTxCode) params.push(['vendortxcode', filters.vendorTxCode])
            if (filters.txTypes?.length)
              params.push(['txtypes', filters.txTypes.map((t): ReportingParam => ['txtype', t])])
            if (filters.result) params.push(['result', filters.result])
            params.push(
              ['sorttype', 'ByDate'],
              ['sortorder', 'ASC'],
              ['startrow', String(row)],
              ['endrow', String(row + pageSize - 1)],
            )
            const doc = await command('getTransactionList', params, call)
            const wrapper = doc[REPORTING_UNCONFIRMED.listWrapper] as
              { transaction?: unknown[] } | undefined
            const rows = wrapper?.transaction ?? []
            for (const row of rows)
              yield validate(ReportingTransactionSchema, row, 'Reporting getTransactionList')
            if (rows.length < pageSize) break
          }
        }
      },
    },
    batches: {
      async list(input, call) {
        const doc = await command(
          'getBatchList',
          [
            ['startdate', toReportingDate(input.from)],
            ['enddate', toReportingDate(input.to)],
          ],
          call,
        )
        const batches = (doc['batches'] as { batch?: unknown[] } | undefined)?.batch ?? []
        return batches.map((b) => validate(ReportingBatchSchema, b, 'Reporting getBatchList'))
      },
      async *get(input, call) {
        const window = 50 // getBatchDetail documents a window of at most 50 rows
        for (let row = 1; ; row += window) {
          const doc = await command(
            'getBatchDetail',
            [
              ['batchid', input.batchId],
              ['authprocessor', input.authProcessor],
              ['startrow', String(row)],
              ['endrow', String(row + window - 1)],
            ],
            call,
          )
          const rows = ((doc['transactions'] as { transaction?: unknown[] } | undefined)
            ?.transaction ?? []) as Record<string, unknown>[]
          yield* rows
          if (rows.length < window) break
        }
      },
    },
    fraud: {
      async get(vpsTxId, call) {
        const doc = await command(
          'getFraudScreenDetail',
          [['vpstxid', vpsTxId.replace(/[{}]/g, '')]],
          call,
        )
        return validate(ReportingFraudDetailSchema, doc, 'Reporting getFraudScreenDetail')
      },
    },
    async version(call) {
      const doc = await command('version', [], call)
      return typeof doc['version'] === 'string' ? doc['version'] : ''
    },
  }
}

/** `text` with every occurrence of `secret` (and its XML-escaped form) replaced. */
function redact(text: string, secret: string): string {
  if (secret === '') return text
  let out = text
  for (const form of new Set([secret, escapeXml(secret)])) out = out.split(form).join('<redacted>')
  return out
}
