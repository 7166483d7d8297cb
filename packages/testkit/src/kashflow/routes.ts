// The fake KashFlow's route table: method and path to the resource module that answers.
import { bankTransactionRoutes } from './bank-transactions.js'
import { customerRoutes } from './customers.js'
import { error } from './http.js'
import { invoicePaymentRoutes } from './invoice-payments.js'
import { invoiceRoutes } from './invoices.js'
import { journalRoutes } from './journals.js'
import { lookupRoutes } from './lookups.js'
import { loginFinish, loginStart } from './session.js'
import type { KashflowCall, KashflowRoute, KashflowState } from './state.js'

/**
 * The login steps, answered before the downtime, budget, session and fault checks.
 * @example const route = sessionRoutes.find((r) => r.method === 'POST')
 */
export const sessionRoutes: readonly KashflowRoute[] = [
  { method: 'POST', path: /^sessiontoken$/, handle: ({ state, body }) => loginStart(state, body) },
  { method: 'PUT', path: /^sessiontoken$/, handle: ({ state, body }) => loginFinish(state, body) },
]

/**
 * Every resource behind the session check, first match wins.
 * @example const route = resourceRoutes.find((r) => r.path.test('invoices/1042'))
 */
export const resourceRoutes: readonly KashflowRoute[] = [
  ...invoicePaymentRoutes,
  ...invoiceRoutes,
  ...customerRoutes,
  ...journalRoutes,
  ...bankTransactionRoutes,
  ...lookupRoutes,
]

/**
 * The call for a request: the path under `/v2/` split, the query, the parsed body.
 * @example const call = kashflowCall(state, 'GET', 'invoices/1042', new URL('https://api.kashflow.com/v2/invoices/1042'), undefined)
 */
export function kashflowCall(
  state: KashflowState,
  method: string,
  path: string,
  url: URL,
  body: unknown,
): KashflowCall {
  return { state, method, path, parts: path.split('/'), query: url.searchParams, body }
}

/**
 * The first route of `table` for the call's method and path, if any.
 * @example
 * const call = kashflowCall(state, 'GET', 'invoices/1042', new URL('https://api.kashflow.com/v2/invoices/1042'), undefined)
 * const route = findRoute(resourceRoutes, call)
 */
export function findRoute(
  table: readonly KashflowRoute[],
  call: KashflowCall,
): KashflowRoute | undefined {
  return table.find(
    (route) => (route.method === '*' || route.method === call.method) && route.path.test(call.path),
  )
}

/**
 * Answers a call from {@link resourceRoutes}, or 404 `No resource at /{path}`.
 * @example
 * const call = kashflowCall(state, 'GET', 'invoices/1042', new URL('https://api.kashflow.com/v2/invoices/1042'), undefined)
 * const answer = answerResource(call)
 */
export function answerResource(call: KashflowCall): Response {
  const route = findRoute(resourceRoutes, call)
  return route ? route.handle(call) : error(404, 'NotFound', `No resource at /${call.path}`)
}
