// @opayo-kashflow/service/node: serve a web-standard handler with node:http.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { defaultPerClient, limitConnectionsPerClient } from './connection-limits.js'

/** A running server. */
export interface Listening {
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** Where and how to listen. Every limit has a default that suits Opayo's traffic. */
export interface ListenOptions {
  /** @default 0 (a free port) */
  readonly port?: number
  /** @default '127.0.0.1' */
  readonly host?: string
  /** Largest request body read, in bytes; a larger one is answered 413 and the connection closed. @default 65536 */
  readonly bodyLimitBytes?: number
  /** The whole request (headers and body) must arrive within this. @default 10000 */
  readonly requestTimeoutMs?: number
  /** The headers must arrive within this. @default 5000 */
  readonly headersTimeoutMs?: number
  /** An idle keep-alive connection is closed after this. @default 5000 */
  readonly keepAliveTimeoutMs?: number
  /** At most this many open connections. @default 1000 */
  readonly maxConnections?: number
  /**
   * At most this many open connections from one client address (IPv6: one /64), so one client
   * cannot hold the whole cap; a connection over it is closed at once, and near the cap an idle
   * keep-alive connection of the client holding the most is closed for each newcomer. Behind a
   * proxy every connection comes from the proxy: set it to `maxConnections`.
   * @default max(10, maxConnections / 10)
   */
  readonly maxConnectionsPerClient?: number
}

const DEFAULTS = {
  bodyLimitBytes: 64 * 1024,
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
} as const

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) throw new TooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new TooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

async function toRequest(req: IncomingMessage, origin: string, limit: number): Promise<Request> {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  const body = hasBody ? await readBody(req, limit) : undefined
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value)
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
  }
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method ?? 'GET',
    headers,
    ...(body ? { body } : {}),
  })
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
}

function refuse(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
  res.end(text)
}

/**
 * Serves `(Request) => Promise<Response>` on node:http (the sync service's `handler`, or any
 * other web handler), with a body limit (413), header and request timeouts (slow clients are
 * cut off), a connection cap and a fair share of it per client address.
 * @example
 * const service = createSyncService({ store, kashflow, rules, references, opayo: { vendorName: 'myshop', reporting }, redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}' })
 * const server = await listen(service.handler, { port: 8080, host: '0.0.0.0' })
 */
export async function listen(
  handler: (request: Request) => Promise<Response>,
  options: ListenOptions = {},
): Promise<Listening> {
  const host = options.host ?? '127.0.0.1'
  const limit = options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes
  // Requests' URLs are built on the bound address and port (set once listening), never on the
  // client's Host: the admin handler tells its own Host values from it (admin-guard.ts).
  let origin = ''
  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
      // Node enforces the two timeouts on this tick (30 s by default, too coarse to matter).
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      // Methods a web Request cannot carry (TRACE, CONNECT) are not routes of ours.
      if (req.method === 'TRACE' || req.method === 'CONNECT') {
        refuse(res, 405, 'Method not allowed.')
        return
      }
      toRequest(req, origin, limit)
        .then(handler)
        .then((response) => send(response, res))
        .catch((error: unknown) => {
          if (error instanceof TooLarge) {
            refuse(res, 413, `The body is larger than the limit of ${limit} bytes.`)
            // Stop reading what is left of an oversized body.
            req.destroy()
          } else refuse(res, 500, 'Internal error')
        })
    },
  )
  server.maxConnections = options.maxConnections ?? DEFAULTS.maxConnections
  limitConnectionsPerClient(server, {
    maxConnections: server.maxConnections,
    perClient: options.maxConnectionsPerClient ?? defaultPerClient(server.maxConnections),
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
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
