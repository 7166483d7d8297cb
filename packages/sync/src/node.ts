// @opayo-kashflow/sync/node: serve a web-standard handler with node:http.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running server. */
export interface Listening {
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value)
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  })
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
}

/**
 * Serves `(Request) => Promise<Response>` on node:http (the sync service's `handler`, or any
 * other web handler).
 * @default host '127.0.0.1'; port 0 picks a free one
 * @example const server = await listen(service.handler, { port: 8080, host: '0.0.0.0' })
 */
export async function listen(
  handler: (request: Request) => Promise<Response>,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<Listening> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((req, res) => {
    toRequest(req, `http://${req.headers.host ?? host}`)
      .then(handler)
      .then((response) => send(response, res))
      .catch(() => {
        res.statusCode = 500
        res.end('Internal error')
      })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}
