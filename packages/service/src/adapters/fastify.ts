// @opayo-kashflow/service/fastify: the sync service's routes in a Fastify app (4 or 5), in a
// context of their own whose one content-type parser leaves the body unread, so the adapter
// reads the raw bytes under the limit; the workers start with the mount and stop with
// `app.close()`. Fastify itself is not imported: the app is taken by its shape.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import type { SyncService } from '../service/service-types.js'
import { answerNodeFailure, checkedBody, hasBody, readBodyUnder } from '../internal/node-request.js'
import { answerNode, bodyLimitOf, mountWorkers } from './mount.js'
import type { MountOptions, MountedService } from './mount.js'

/** What the Fastify adapter reads of a request. */
export interface FastifyRequestLike {
  /** node:http's request (Fastify types it for HTTP/2 too, which has the same members used here). */
  readonly raw: IncomingMessage | Http2ServerRequest
  /** What the content-type parser made of the body. */
  readonly body?: unknown
  /** The raw bytes, when a plugin kept them (fastify-raw-body). */
  readonly rawBody?: unknown
}

/** What the Fastify adapter does with a reply: takes it over and writes node:http's response. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse | Http2ServerResponse
  hijack(): unknown
}

/**
 * A route handler, as the adapter registers it. (Written as a method, so its parameters are
 * compared both ways: Fastify types a plugin's context for any server, HTTP/2 included.)
 */
export type FastifyHandlerLike = {
  handle(request: FastifyRequestLike, reply: FastifyReplyLike): Promise<void>
}['handle']

/** A content-type parser, as the adapter registers it (a method, like the handler). */
export type FastifyParserLike = {
  parse(
    request: unknown,
    payload: IncomingMessage,
    done: (error: Error | null, body?: unknown) => void,
  ): void
}['parse']

/** The encapsulated Fastify context the adapter's routes live in. */
export interface FastifyContextLike {
  removeAllContentTypeParsers(): unknown
  addContentTypeParser(contentType: string, parser: FastifyParserLike): unknown
  all(path: string, handler: FastifyHandlerLike): unknown
}

/** A Fastify app: `register(plugin)` and `addHook('onClose', hook)`. */
export interface FastifyAppLike {
  register(plugin: (instance: FastifyContextLike) => Promise<void>): unknown
  addHook(name: 'onClose', hook: () => Promise<void>): unknown
}

/**
 * Mounts the sync service's routes (`service.routes`: `POST /opayo/notify`, `/health`, ... under
 * the service's `basePath`) on a Fastify app as a plugin with a content-type parser of its own
 * (the app's parsers do not apply to them), starts the workers (see {@link MountOptions}) and
 * stops them in `onClose`. A body a hook already read, with no raw copy kept, is answered 500
 * with a {@link BodyAlreadyReadError} naming the fix, and logged.
 * @param app A Fastify instance, before `listen()` or `ready()`.
 * @param service From `createSyncService`.
 * @returns The workers tied to the mount (`app.close()` stops them too).
 * @example
 * const service = createSyncService({ store, kashflow, rules, references, opayo: { vendorName: 'myshop' }, redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}' })
 * const app = { register: () => undefined, addHook: () => undefined } // Fastify() in your app
 * mountFastify(app, service)
 */
export function mountFastify(
  app: FastifyAppLike,
  service: SyncService,
  options: MountOptions = {},
): MountedService {
  const limit = bodyLimitOf(options)
  // The streams this context's parser passed on unread: any other body was made by someone else.
  const unread = new WeakSet<object>()

  const bodyOf = (request: FastifyRequestLike): Promise<Buffer> | Buffer | 'consumed' => {
    const { rawBody, body } = request
    const raw = request.raw as IncomingMessage
    if (Buffer.isBuffer(rawBody)) return checkedBody(rawBody, limit)
    if (typeof rawBody === 'string') return checkedBody(Buffer.from(rawBody), limit)
    const stream = typeof body === 'object' && body !== null && unread.has(body) ? body : undefined
    const source = (stream ?? raw) as IncomingMessage
    // No body at all (Fastify ran no parser), or ours left it unread: read it here.
    if ((stream || body === undefined) && !source.readableDidRead)
      return readBodyUnder(source, raw.headers['content-length'], limit)
    return 'consumed'
  }

  const handler: FastifyHandlerLike = async (request, reply) => {
    reply.hijack()
    // HTTP/1 or HTTP/2 compatibility objects: the members used here are the same.
    const raw = request.raw as IncomingMessage
    const res = reply.raw as ServerResponse
    try {
      await answerNode(
        service,
        'fastify',
        raw,
        res,
        hasBody(raw.method) ? bodyOf(request) : undefined,
      )
    } catch (error) {
      answerNodeFailure(error, raw, res)
    }
  }

  app.register((instance) => {
    // Only in this context: the app's own parsers still serve its other routes.
    instance.removeAllContentTypeParsers()
    instance.addContentTypeParser('*', (_request, payload, done) => {
      unread.add(payload)
      done(null, payload)
    })
    for (const route of service.routes) instance.all(route, handler)
    return Promise.resolve()
  })
  const mounted = mountWorkers(service, options, 'fastify')
  app.addHook('onClose', () => mounted.stop())
  return mounted
}
