// The wire helpers every resource of the fake KashFlow shares: JSON answers, the `{Error, Message}`
// error body, the paged list envelope, and the money rounding KashFlow shows.

/**
 * Whole pence from major units.
 * @example cents(120.5) // 12050
 */
export const cents = (n: number): number => Math.round(n * 100)

/**
 * Rounded to 4 decimal places, as KashFlow shows amounts.
 * @example four(100 / 1.2) // 83.3333
 */
export const four = (n: number): number => Math.round(n * 10000) / 10000

/**
 * A JSON answer.
 * @example return json(200, { Id: 1 })
 */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

/**
 * KashFlow's error answer: `{ Error, Message }`.
 * @example return error(404, 'NotFound', 'InvoiceID not found')
 */
export function error(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return json(status, { Error: code, Message: message }, headers)
}

/**
 * One page of a list, in KashFlow's `{ MetaData, Data }` envelope (`page`, `perpage` up to 100
 * unless `skipperpagevalidation=true`). `options.meta` adds fields to `MetaData` (the bank
 * transactions' `OpeningBalance` and `ClosingBalance`); `options.perPage` is the endpoint's default.
 * @example return page([...state.customers.values()], new URL(request.url).searchParams, 'customers')
 */
export function page(
  rows: unknown[],
  q: URLSearchParams,
  path: string,
  options: { readonly meta?: Record<string, unknown>; readonly perPage?: number } = {},
): Response {
  const number = Math.max(1, Number(q.get('page') ?? '1'))
  const perpage = Number(q.get('perpage') ?? String(options.perPage ?? 50))
  if (perpage > 100 && q.get('skipperpagevalidation') !== 'true') {
    return error(400, 'InvalidPerPage', 'Maximum allowed records per page are 100')
  }
  const data = rows.slice((number - 1) * perpage, number * perpage)
  const more = number * perpage < rows.length
  return json(200, {
    MetaData: {
      TotalRecords: rows.length,
      NextPageUrl: more
        ? `https://api.kashflow.com/v2/${path}?page=${number + 1}&perpage=${perpage}`
        : null,
      PreviousPageUrl: null,
      ...options.meta,
    },
    Data: data,
  })
}
