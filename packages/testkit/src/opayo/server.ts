import { serveFake } from '../serve.js'
import { FakeOpayo } from './fake-opayo.js'
import type { FakeOpayoOptions } from './types.js'

/** A running loopback Opayo (Pi, Reporting and Server registration). */
export interface FakeOpayoServer {
  /** Pi base URL, e.g. `http://127.0.0.1:53125/api/v1`. */
  readonly piUrl: string
  /** Reporting endpoint, e.g. `http://127.0.0.1:53125/access/access.htm`. */
  readonly reportingUrl: string
  /** Server registration endpoint, e.g. `http://127.0.0.1:53125/gateway/service/vspserver-register.vsp`. */
  readonly serverRegisterUrl: string
  readonly fake: FakeOpayo
  close(): Promise<void>
}

/** Serves a {@link FakeOpayo} over real HTTP on 127.0.0.1. */
export async function startFakeOpayoServer(
  options: {
    readonly port?: number
    readonly fake?: FakeOpayo
    readonly options?: FakeOpayoOptions
  } = {},
): Promise<FakeOpayoServer> {
  const { origin, fake, close } = await serveFake(
    options.fake ?? new FakeOpayo(options.options),
    options.port,
  )
  return {
    piUrl: `${origin}/api/v1`,
    reportingUrl: `${origin}/access/access.htm`,
    serverRegisterUrl: `${origin}/gateway/service/vspserver-register.vsp`,
    fake,
    close,
  }
}
