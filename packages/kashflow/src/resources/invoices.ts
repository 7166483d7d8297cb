import type { z } from 'zod'
import type { KashflowCallOptions, KashflowTransport } from '../internal/transport.js'
import { KASHFLOW_UNCONFIRMED } from '../internal/unconfirmed.js'
import { InvoiceSchema, InvoiceSummarySchema, listOf } from '../wire/schemas.js'
import type { Invoice, InvoiceSummary } from '../wire/schemas.js'

/** Filters for `invoices.list` (query names of the KashFlow API v2 swagger, `GET /invoices`). */
export interface InvoiceListFilters {
  readonly customerCode?: string
  /** Free text; KashFlow searches the reference. */
  readonly searchText?: string
  /** YYYY-MM-DD */
  readonly issuedFrom?: string
  readonly issuedTo?: string
  /** Rows per page, at most 100. @default 100 */
  readonly perPage?: number
}

/** Reads pages until KashFlow says there is no next page, one array per page; both list shapes are accepted. */
export async function* pages<T>(
  transport: KashflowTransport,
  path: string,
  item: z.ZodType<T>,
  query: Record<string, string | number | boolean | undefined>,
  perPage: number,
  call?: KashflowCallOptions,
): AsyncGenerator<readonly T[]> {
  const size = Math.min(Math.max(1, perPage), KASHFLOW_UNCONFIRMED.maxPerPage)
  for (let page = 1; ; page += 1) {
    const result = await transport.request(
      { method: 'GET', path, query: { ...query, page, perpage: size }, schema: listOf(item) },
      call,
    )
    if (Array.isArray(result)) {
      yield result
      return
    }
    yield result.Data ?? []
    if (!result.MetaData?.NextPageUrl || (result.Data ?? []).length === 0) return
  }
}

/** Reads pages until KashFlow says there is no next page; both list shapes are accepted. */
export async function* paginate<T>(
  transport: KashflowTransport,
  path: string,
  item: z.ZodType<T>,
  query: Record<string, string | number | boolean | undefined>,
  perPage: number,
  call?: KashflowCallOptions,
): AsyncGenerator<T> {
  for await (const rows of pages(transport, path, item, query, perPage, call)) yield* rows
}

export function invoicesResource(transport: KashflowTransport) {
  return {
    /**
     * An invoice by its number (not its internal Id), with its PaymentLines.
     * @throws {KashflowNotFoundError} when there is no such invoice.
     */
    get(number: number, call?: KashflowCallOptions): Promise<Invoice> {
      return transport.request(
        { method: 'GET', path: `invoices/${number}`, schema: InvoiceSchema },
        call,
      )
    },
    /** Invoice summaries, page by page (perpage at most 100, following `MetaData.NextPageUrl`). */
    list(
      filters: InvoiceListFilters = {},
      call?: KashflowCallOptions,
    ): AsyncIterable<InvoiceSummary> {
      return paginate(
        transport,
        'invoices',
        InvoiceSummarySchema as z.ZodType<InvoiceSummary>,
        {
          customercode: filters.customerCode,
          searchtext: filters.searchText,
          issuedatefrom: filters.issuedFrom,
          issuedateto: filters.issuedTo,
        },
        filters.perPage ?? KASHFLOW_UNCONFIRMED.maxPerPage,
        call,
      )
    },
  }
}
