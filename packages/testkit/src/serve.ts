import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A web-standard fetch handler served on loopback. */
export interface ServedFetch {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly close: () => Promise<void>
}

/**
 * Serves a fetch-style handler over real HTTP on 127.0.0.1 (port 0 picks a free one). A handler
 * that throws resets the socket, as a dropped connection does.
 */
export async function serveFetch(
  handler: (request: Request) => Promise<Response>,
  options: { readonly port?: number | undefined } = {},
): Promise<ServedFetch> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      handler(
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
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}

/**
 * Serves one of the fakes (anything with a `fetch`) on loopback: the fake, its origin and `close`.
 * @example const { origin, fake: served, close } = await serveFake(new FakeKashflow(), 0)
 */
export async function serveFake<Fake extends { fetch(request: Request): Promise<Response> }>(
  fake: Fake,
  port: number | undefined,
): Promise<ServedFetch & { readonly fake: Fake }> {
  const served = await serveFetch((request) => fake.fetch(request), { port })
  return { origin: served.origin, fake, close: () => served.close() }
}
