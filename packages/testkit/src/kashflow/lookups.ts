// The fake KashFlow's account settings and lookups: `GET /settings/customerandsupplier` (with the
// home currency), `/bankaccounts`, `/paymentmethods/invoice`, `/currencies` and `/nominals`.
import { json } from './http.js'
import type { KashflowCall, KashflowRoute } from './state.js'

/** `GET /settings/customerandsupplier`: the account settings, with the home currency. */
function settings({ state }: KashflowCall): Response {
  const code = state.homeCurrency
  return json(200, {
    CompanyName: 'Example Ltd',
    BusinessType: 1,
    AccountingType: 1,
    DateFormat: 'dd/MM/yyyy',
    VATRegistered: true,
    HomeCurrency: {
      Name: code,
      Symbol: code === 'GBP' ? '£' : code,
      DisplaySymbolOnRight: false,
      Code: code,
      ExchangeRate: 1,
    },
    PaymentTerms: { Type: 'Days', Days: 30 },
  })
}

/** `GET /currencies`: sterling only. */
function currencies(): Response {
  return json(200, [
    { Id: 1, Code: 'GBP', Name: 'British Pounds', Symbol: '£', ExchangeRate: 1, IsDefault: true },
  ])
}

/**
 * The settings and lookup routes.
 * @example const route = lookupRoutes.find((r) => r.path.test('nominals'))
 */
export const lookupRoutes: readonly KashflowRoute[] = [
  { method: 'GET', path: /^settings\/customerandsupplier$/, handle: settings },
  { method: 'GET', path: /^bankaccounts$/, handle: ({ state }) => json(200, state.bankAccounts) },
  {
    method: 'GET',
    path: /^paymentmethods\/invoice$/,
    handle: ({ state }) => json(200, state.paymentMethods),
  },
  { method: 'GET', path: /^currencies$/, handle: currencies },
  {
    method: 'GET',
    path: /^nominals$/,
    handle: ({ state }) =>
      json(
        200,
        state.nominals.map((n, i) => ({ Id: i + 1, ...n })),
      ),
  },
]
