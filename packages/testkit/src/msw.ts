// @opayo-kashflow/testkit/msw: the fakes as msw request handlers.
import { http, HttpResponse } from 'msw'
import type { HttpHandler } from 'msw'
import { FakeKashflow } from './kashflow/fake-kashflow.js'
import { DroppedConnectionError } from './kashflow/faults.js'
import { FakeOpayo } from './opayo/fake-opayo.js'

export interface OpayoHandlersOptions {
  /** Pi base URL the client is pointed at. @default 'https://sandbox.opayo.eu.elavon.com/api/v1' */
  readonly piBaseUrl?: string
  /** Reporting endpoint. @default 'https://sandbox.opayo.eu.elavon.com/access/access.htm' */
  readonly reportingUrl?: string
  /**
   * Server registration endpoint.
   * @default 'https://sandbox.opayo.eu.elavon.com/gateway/service/vspserver-register.vsp'
   */
  readonly serverRegisterUrl?: string
}

/**
 * msw handlers that route Pi, Reporting and Server registration requests to a {@link FakeOpayo}.
 * @example
 * const fake = new FakeOpayo()
 * const server = setupServer(...opayoHandlers(fake))
 * server.listen({ onUnhandledRequest: 'error' })
 */
export function opayoHandlers(fake: FakeOpayo, options: OpayoHandlersOptions = {}): HttpHandler[] {
  const pi = (options.piBaseUrl ?? 'https://sandbox.opayo.eu.elavon.com/api/v1').replace(/\/$/, '')
  const reporting = options.reportingUrl ?? 'https://sandbox.opayo.eu.elavon.com/access/access.htm'
  const serverRegister =
    options.serverRegisterUrl ??
    'https://sandbox.opayo.eu.elavon.com/gateway/service/vspserver-register.vsp'
  const forward = ({ request }: { request: Request }) => fake.fetch(request)
  return [
    http.all(`${pi}/*`, forward),
    http.post(reporting, forward),
    http.post(serverRegister, forward),
  ]
}

/**
 * msw handlers that route KashFlow REST calls under `baseUrl` to a {@link FakeKashflow}.
 * @example server.use(...kashflowHandlers(fake))
 */
export function kashflowHandlers(
  fake: FakeKashflow,
  options: { readonly baseUrl?: string } = {},
): HttpHandler[] {
  const base = (options.baseUrl ?? 'https://api.kashflow.com/v2').replace(/\/$/, '')
  return [
    http.all(`${base}/*`, async ({ request }) => {
      try {
        return await fake.fetch(request)
      } catch (error) {
        // "Commit then drop": the write happened, the caller sees a network error.
        if (error instanceof DroppedConnectionError) return HttpResponse.error()
        throw error
      }
    }),
  ]
}

export { FakeOpayo, FakeKashflow }
