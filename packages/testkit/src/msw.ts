// @opayo-kashflow/testkit/msw: the fakes as msw request handlers.
import { http } from 'msw'
import type { HttpHandler } from 'msw'
import { FakeOpayo } from './opayo/fake-opayo.js'

export interface OpayoHandlersOptions {
  /** Pi base URL the client is pointed at. @default 'https://sandbox.opayo.eu.elavon.com/api/v1' */
  readonly piBaseUrl?: string
  /** Reporting endpoint. @default 'https://sandbox.opayo.eu.elavon.com/access/access.htm' */
  readonly reportingUrl?: string
}

/**
 * msw handlers that route Pi and Reporting requests to a {@link FakeOpayo}.
 * @example
 * const fake = new FakeOpayo()
 * const server = setupServer(...opayoHandlers(fake))
 * server.listen({ onUnhandledRequest: 'error' })
 */
export function opayoHandlers(fake: FakeOpayo, options: OpayoHandlersOptions = {}): HttpHandler[] {
  const pi = (options.piBaseUrl ?? 'https://sandbox.opayo.eu.elavon.com/api/v1').replace(/\/$/, '')
  const reporting = options.reportingUrl ?? 'https://sandbox.opayo.eu.elavon.com/access/access.htm'
  const forward = ({ request }: { request: Request }) => fake.fetch(request)
  return [http.all(`${pi}/*`, forward), http.post(reporting, forward)]
}

export { FakeOpayo }
