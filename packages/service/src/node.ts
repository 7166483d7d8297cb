// @opayo-kashflow/service/node: serve a web-standard handler with node:http.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { defaultPerClient, limitConnectionsPerClient } from './connection-limits.js'
import {
  DEFAULT_NODE_BODY_LIMIT_BYTES,
  answerNodeFailure,
  refuse,
  sendWebResponse,
  toWebRequest,
} from './internal/node-request.js'

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
  bodyLimitBytes: DEFAULT_NODE_BODY_LIMIT_BYTES,
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
} as const

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
      toWebRequest(req, origin, limit)
        .then(handler)
        .then((response) => sendWebResponse(response, res))
        .catch((error: unknown) => answerNodeFailure(error, req, res))
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
