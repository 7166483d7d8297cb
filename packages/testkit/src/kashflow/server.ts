import { serveFake } from '../serve.js'
import { FakeKashflow } from './fake-kashflow.js'
import type { FakeKashflowSeed } from './types.js'

/** A running loopback KashFlow. */
export interface FakeKashflowServer {
  /** Base URL to give the client, e.g. `http://127.0.0.1:53124/v2`. */
  readonly url: string
  readonly fake: FakeKashflow
  close(): Promise<void>
}

/**
 * Serves a {@link FakeKashflow} over real HTTP on 127.0.0.1 (port 0 picks a free one).
 * "Commit then drop" faults really reset the socket.
 * @example const { url, fake, close } = await startFakeKashflowServer({ port: 0, seed: { invoices: [{ number: 1042, gross: 120 }] } })
 */
export async function startFakeKashflowServer(
  options: {
    readonly port?: number
    readonly seed?: FakeKashflowSeed
    readonly fake?: FakeKashflow
  } = {},
): Promise<FakeKashflowServer> {
  const { origin, fake, close } = await serveFake(
    options.fake ?? new FakeKashflow(options.seed),
    options.port,
  )
  return { url: `${origin}/v2`, fake, close }
}
