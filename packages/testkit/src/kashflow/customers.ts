// The fake KashFlow's customers: seeding, `GET /customers/search`, `GET` and `POST /customers`,
// and `GET` and `PUT /customers/{code}` (PUT replaces the customer).
import { error, json, page } from './http.js'
import type { KashflowCall, KashflowRoute, KashflowState } from './state.js'

/**
 * Adds a customer with the next Id (and a code, if it has none) and keeps it by code.
 * @example const customer = addCustomer(state, { Code: 'CUST02', Name: 'Jo Bloggs' })
 */
export function addCustomer(
  state: KashflowState,
  customer: Record<string, unknown>,
): Record<string, unknown> {
  const code =
    typeof customer['Code'] === 'string' ? customer['Code'] : `CUST${(state.ids.customer += 1)}`
  const stored = { Id: (state.ids.customer += 1), ...customer, Code: code }
  state.customers.set(code, stored)
  return stored
}

/** `GET /customers/search?searchBy=email|code|name&searchText=`: `{ key, value }` pairs. */
function search({ state, query: q }: KashflowCall): Response {
  const by = q.get('searchBy')
  const text = (q.get('searchText') ?? '').toLowerCase()
  const hits = [...state.customers.values()].filter((c) => {
    if (by === 'email') {
      // UNCONFIRMED whether KashFlow matches exact or "contains" (switch, 'contains' by default).
      const exact = state.unconfirmed.customerSearchMatch === 'exact'
      return ((c['Contacts'] as { Email?: string }[] | undefined) ?? []).some((x) => {
        const email = (x.Email ?? '').toLowerCase()
        return exact ? email === text : text !== '' && email.includes(text)
      })
    }
    if (by === 'code') return String(c['Code']).toLowerCase() === text
    return (typeof c['Name'] === 'string' ? c['Name'] : '').toLowerCase().includes(text)
  })
  return json(
    200,
    hits.map((c) => ({ key: c['Id'], value: c['Name'] ?? c['Code'] })),
  )
}

/** `GET /customers`: Id, Code and Name, paged. */
function list({ state, query }: KashflowCall): Response {
  return page(
    [...state.customers.values()].map((c) => ({ Id: c['Id'], Code: c['Code'], Name: c['Name'] })),
    query,
    'customers',
  )
}

/** `POST /customers`: a duplicate code or a missing name refused unless the body's flags allow. */
function create({ state, body }: KashflowCall): Response {
  const b = { ...((body ?? {}) as Record<string, unknown>) }
  let code = typeof b['Code'] === 'string' && b['Code'] !== '' ? b['Code'] : undefined
  if (code && state.customers.has(code)) {
    if (b['CreateCustomerCodeIfDuplicate'] !== true)
      return error(400, 'DuplicateCode', 'Customer code already exists')
    code = `${code}${state.customers.size + 1}`
  }
  if (!b['Name'] && b['CreateCustomerNameIfEmptyOrNull'] !== true)
    return error(400, 'ValidationError', 'Name is required')
  delete b['CreateCustomerCodeIfDuplicate']
  delete b['CreateCustomerNameIfEmptyOrNull']
  const stored = addCustomer(state, {
    ...b,
    ...(code ? { Code: code } : { Code: undefined }),
    Name: b['Name'] ?? 'New customer',
  })
  return json(201, stored)
}

/** `GET` and `PUT /customers/{code}` (anything else under /customers ends here too). */
function byCode({ state, method, parts, body }: KashflowCall): Response {
  const code = decodeURIComponent(parts[1] ?? '')
  const existing = state.customers.get(code)
  if (!existing) return error(404, 'NotFound', 'Customer not found')
  if (method === 'GET') return json(200, existing)
  if (method === 'PUT') {
    const b = (body ?? {}) as Record<string, unknown>
    // PUT replaces the customer (fields omitted are cleared), which is why the client merges first.
    const stored = {
      ...b,
      Id: existing['Id'],
      Code: typeof b['Code'] === 'string' ? b['Code'] : code,
    }
    state.customers.delete(code)
    state.customers.set(String(stored.Code), stored)
    return json(stored.Code === code ? 200 : 201, stored)
  }
  return error(405, 'MethodNotAllowed', 'Method not allowed')
}

/**
 * The customer routes, in the order they are tried.
 * @example const route = customerRoutes.find((r) => r.path.test('customers/search'))
 */
export const customerRoutes: readonly KashflowRoute[] = [
  { method: 'GET', path: /^customers\/search(\/|$)/, handle: search },
  { method: 'GET', path: /^customers$/, handle: list },
  { method: 'POST', path: /^customers$/, handle: create },
  { method: '*', path: /^customers(\/|$)/, handle: byCode },
]
