// The fake Opayo's route table: which protocol answers a request, by its path.
import { json } from './http.js'
import { answerPi } from './pi.js'
import { answerReporting } from './reporting.js'
import {
  payOnPaymentPage,
  refundServerTransaction,
  releaseServerTransaction,
} from './server-simulator.js'
import { paymentPage, registerServerTransaction } from './server-transactions.js'
import type { OpayoState } from './state.js'

/**
 * One row of the route table: the first row whose `matches` holds answers.
 * @example const row: OpayoRoute = { matches: (url: URL) => url.pathname.endsWith('/ping'), handle: () => new Response('pong') }
 */
export interface OpayoRoute {
  readonly matches: (url: URL, method: string) => boolean
  readonly handle: (state: OpayoState, request: Request, url: URL) => Promise<Response> | Response
}

const PI = /\/api\/v1\/(.*)$/

/**
 * Reporting, Server registration, the Server payment page (GET shows it, POST pays), the Shared
 * protocol's refund and release, then Pi (`.../api/v1/...`).
 * @example const route = opayoRoutes.find((r) => r.matches(new URL('https://x/access/access.htm'), 'POST'))
 */
export const opayoRoutes: readonly OpayoRoute[] = [
  {
    matches: (url) => url.pathname.endsWith('/access/access.htm'),
    handle: (state, request) => answerReporting(state, request),
  },
  {
    matches: (url) => url.pathname.endsWith('/gateway/service/vspserver-register.vsp'),
    handle: (state, request) => registerServerTransaction(state, request),
  },
  {
    matches: (url, method) =>
      url.pathname.endsWith('/Simulator/VSPServerPaymentPage.asp') && method === 'GET',
    handle: (_state, _request, url) => paymentPage(url),
  },
  {
    matches: (url, method) =>
      url.pathname.endsWith('/Simulator/VSPServerPaymentPage.asp') && method === 'POST',
    handle: (state, request, url) => payOnPaymentPage(state, request, url),
  },
  {
    matches: (url, method) =>
      url.pathname.endsWith('/gateway/service/refund.vsp') && method === 'POST',
    handle: (state, request) => refundServerTransaction(state, request),
  },
  {
    matches: (url, method) =>
      url.pathname.endsWith('/gateway/service/release.vsp') && method === 'POST',
    handle: (state, request) => releaseServerTransaction(state, request),
  },
  {
    matches: (url) => PI.test(url.pathname),
    handle: (state, request, url) => answerPi(state, request, PI.exec(url.pathname)?.[1] ?? ''),
  },
]

/**
 * Answers a request from {@link opayoRoutes}, or Pi's 404.
 * @example const answer = await answerOpayo(opayoState, new Request('https://x/api/v1/transactions/1'))
 */
export async function answerOpayo(state: OpayoState, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const route = opayoRoutes.find((r) => r.matches(url, request.method))
  return route
    ? route.handle(state, request, url)
    : json(404, { description: 'Not found', code: 1010 })
}
