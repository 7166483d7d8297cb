// @opayo-kashflow/service/express: the sync service's routes in an Express app (4 or 5), with the
// raw body read under the limit, the workers started with the mount, and a body that a parser
// mounted earlier already read answered with the cause instead of INVALID. Express itself is not
// imported: the app is taken by its shape.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SyncService } from '../service/service-types.js'
import { answerNodeFailure, checkedBody, hasBody, readBodyUnder } from '../internal/node-request.js'
import { answerNode, bodyLimitOf, claims, mountWorkers, pathOf } from './mount.js'
import type { MountOptions, MountedService } from './mount.js'

/** What the Express adapter reads of a request: node:http's, plus what body parsers leave on it. */
export interface ExpressRequestLike extends IncomingMessage {
  /** Set by a body parser (an object for urlencoded or JSON, a Buffer for `express.raw`). */
  readonly body?: unknown
  /** The raw bytes, when a parser's `verify` hook kept them (`req.rawBody = buf`). */
  readonly rawBody?: unknown
}

/** An Express middleware, as the adapter mounts it. */
export type ExpressMiddleware = (
  req: ExpressRequestLike,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

/** An Express app or router: anything with `use(middleware)`. */
export interface ExpressAppLike {
  use(middleware: ExpressMiddleware): unknown
}

/** The body as received: to be read, held already (kept raw by a parser), or lost to a parser. */
function bodyOf(req: ExpressRequestLike, limit: number): Promise<Buffer> | Buffer | 'consumed' {
  if (Buffer.isBuffer(req.rawBody)) return checkedBody(req.rawBody, limit)
  if (typeof req.rawBody === 'string') return checkedBody(Buffer.from(req.rawBody), limit)
  const read = req.readableDidRead || req.readableEnded || (req as { _body?: unknown })._body
  if (!read) return readBodyUnder(req, req.headers['content-length'], limit)
  // express.raw() and express.text() keep the bytes (text decoded; Opayo's fields are ASCII).
  if (Buffer.isBuffer(req.body)) return checkedBody(req.body, limit)
  if (typeof req.body === 'string') return checkedBody(Buffer.from(req.body), limit)
  return 'consumed'
}

/**
 * Mounts the sync service's routes (`service.routes`: `POST /opayo/notify`, `/health`, ... under
 * the service's `basePath`) on an Express app or router, and starts its workers (see
 * {@link MountOptions}). Every other request is passed on. Call it before global body parsers:
 * it reads the raw body itself; a body one of them already read (and kept no raw copy of) is
 * answered 500 with a {@link BodyAlreadyReadError} naming the fix, and logged.
 * @param app An Express application or `express.Router()`.
 * @param service From `createSyncService`.
 * @returns The workers tied to the mount: `await mounted.stop()` on shutdown.
 * @example
 * const service = createSyncService({ store, kashflow, rules, references, opayo: { vendorName: 'myshop' }, redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}' })
 * const app = { use: (middleware: ExpressMiddleware) => void middleware } // express() in your app
 * const mounted = mountExpress(app, service) // before app.use(express.urlencoded())
 * process.once('SIGTERM', () => void mounted.stop())
 */
export function mountExpress(
  app: ExpressAppLike,
  service: SyncService,
  options: MountOptions = {},
): MountedService {
  const limit = bodyLimitOf(options)
  const serve = (req: ExpressRequestLike, res: ServerResponse): Promise<void> =>
    answerNode(service, 'express', req, res, hasBody(req.method) ? bodyOf(req, limit) : undefined)
  app.use((req, res, next) => {
    if (!claims(service, pathOf(req.url))) {
      next()
      return
    }
    serve(req, res).catch((error: unknown) => answerNodeFailure(error, req, res))
  })
  return mountWorkers(service, options, 'express')
}
