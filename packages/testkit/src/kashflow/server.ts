import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { FakeKashflow } from './fake-kashflow.js'
import type { FakeKashflowSeed } from './fake-kashflow.js'

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
  const fake = options.fake ?? new FakeKashflow(options.seed)
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      fake
        .fetch(
          new Request(`http://127.0.0.1${req.url ?? '/'}`, {
            method: req.method ?? 'GET',
            headers,
            ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
          }),
        )
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers))
          res.end(Buffer.from(await response.arrayBuffer()))
        })
        .catch(() => res.socket?.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v2`,
    fake,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}
