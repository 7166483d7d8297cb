// @opayo-kashflow/service/hono: the sync service's routes in a Hono app. Hono already speaks web
// Requests; the adapter adds the body limit, the workers started with the mount, and a body a
// middleware already read answered with the cause instead of INVALID (or reused, when it was read
// as text or bytes). Hono itself is not imported: the app is taken by its shape.
import type { SyncService } from '../service/service-types.js'
import { BodyTooLarge, checkedBody, hasBody, readBodyUnder } from '../internal/node-request.js'
import { bodyAlreadyRead, bodyLimitOf, claims, mountWorkers } from './mount.js'
import type { MountOptions, MountedService } from './mount.js'

/** What the Hono adapter reads of a context: the raw Request and Hono's cache of its body. */
export interface HonoContextLike {
  readonly req: {
    readonly raw: Request
    /** Hono's cache of the body, per way it was read. */
    readonly bodyCache: {
      readonly text?: unknown
      readonly arrayBuffer?: unknown
      readonly blob?: unknown
    }
    arrayBuffer(): Promise<ArrayBuffer>
  }
}

/** A Hono middleware, as the adapter mounts it. */
export type HonoMiddlewareLike = (
  c: HonoContextLike,
  next: () => Promise<void>,
) => Promise<Response | undefined>

/** A Hono app: anything with `use(middleware)`. */
export interface HonoAppLike {
  use(middleware: HonoMiddlewareLike): unknown
}

/**
 * Mounts the sync service's routes (`service.routes`: `POST /opayo/notify`, `/health`, ... under
 * the service's `basePath`) on a Hono app as a middleware, and starts its workers (see
 * {@link MountOptions}). Every other request goes on to the app. A body a middleware already
 * read as form data or JSON is answered 500 with a {@link BodyAlreadyReadError} naming the fix,
 * and logged; read as text or bytes, it is reused.
 * @param app A `new Hono()` app.
 * @param service From `createSyncService`.
 * @returns The workers tied to the mount: `await mounted.stop()` before closing the server.
 * @example
 * const service = createSyncService({ store, kashflow, rules, references, opayo: { vendorName: 'myshop' }, redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}' })
 * const app = { use: (middleware: HonoMiddlewareLike) => void middleware } // new Hono() in your app
 * const mounted = mountHono(app, service)
 * process.once('SIGTERM', () => void mounted.stop())
 */
export function mountHono(
  app: HonoAppLike,
  service: SyncService,
  options: MountOptions = {},
): MountedService {
  const limit = bodyLimitOf(options)

  const bodyOf = async (c: HonoContextLike): Promise<Buffer | 'consumed'> => {
    const { raw, bodyCache } = c.req
    if (!raw.bodyUsed)
      return raw.body
        ? readBodyUnder(raw.body, raw.headers.get('content-length'), limit)
        : Buffer.alloc(0)
    // Read as text or bytes earlier: Hono hands back the same bytes. As form data or JSON: lost.
    if (bodyCache.text || bodyCache.arrayBuffer || bodyCache.blob)
      return checkedBody(Buffer.from(await c.req.arrayBuffer()), limit)
    return 'consumed'
  }

  app.use(async (c, next) => {
    const raw = c.req.raw
    const path = new URL(raw.url).pathname
    if (!claims(service, path)) {
      await next()
      return undefined
    }
    if (!hasBody(raw.method)) return service.handler(raw)
    try {
      const body = await bodyOf(c)
      if (body === 'consumed')
        return bodyAlreadyRead(service, { framework: 'hono', method: raw.method, path })
      return await service.handler(
        new Request(raw.url, { method: raw.method, headers: raw.headers, body }),
      )
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error
      return new Response(error.message, {
        status: 413,
        headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' },
      })
    }
  })
  return mountWorkers(service, options, 'hono')
}
