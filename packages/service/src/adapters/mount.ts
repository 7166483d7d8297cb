// What the three framework adapters share: the options of a mount, the workers tied to it, which
// requests the service claims, and the answers for a body too large or already read.
import type { SyncService } from '../service/service-types.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  DEFAULT_NODE_BODY_LIMIT_BYTES,
  localOrigin,
  sendWebResponse,
  webRequest,
} from '../internal/node-request.js'
import { BodyAlreadyReadError } from './body-already-read-error.js'
import type { AdapterFramework } from './body-already-read-error.js'

/** How a framework adapter mounts the sync service. */
export interface MountOptions {
  /**
   * Start the service's workers as it is mounted (`service.start(...)`, with this `concurrency`),
   * so that mounting is all it takes for acknowledged payments to post to KashFlow. `false` only
   * when worker processes share the store (`opayo-kashflow serve --role worker`): the mount then
   * logs a warning naming `service.start()`, and `/health` turns 503 `workers_not_running` unless
   * the service has `health: { requireWorkers: false }`.
   * @default true
   */
  readonly start?: boolean | { readonly concurrency?: number }
  /**
   * Largest request body read, in bytes; a larger one is answered 413 (the service's own
   * `bodyLimitBytes` applies too).
   * @default 65536
   */
  readonly bodyLimitBytes?: number
}

/** The service's workers as tied to a mount. */
export interface MountedService {
  /** Whether this mount started the workers and has not stopped them. */
  started(): boolean
  /** Starts the workers (the mount already did unless `start: false`); idempotent. */
  start(input?: { readonly concurrency?: number }): void
  /** Stops the workers (the event in hand finishes): await it on shutdown, before the server closes. */
  stop(): Promise<void>
}

/** Internal: the workers started with the mount (unless `start: false`, said in the log). */
export function mountWorkers(
  service: SyncService,
  options: MountOptions,
  framework: AdapterFramework,
): MountedService {
  let started = false
  const mounted: MountedService = {
    started() {
      return started
    },
    start(input) {
      service.start(input)
      started = true
    },
    async stop() {
      started = false
      await service.stop()
    },
  }
  if (options.start === false)
    service.logger?.warn?.(
      'opayo-kashflow mounted without starting its workers (start: false): nothing is posted to KashFlow until service.start() runs here or in a worker process sharing the store',
      { framework, routes: service.routes },
    )
  else mounted.start(options.start === true || options.start === undefined ? {} : options.start)
  return mounted
}

/** Internal: the body limit of a mount. */
export const bodyLimitOf = (options: MountOptions): number =>
  options.bodyLimitBytes ?? DEFAULT_NODE_BODY_LIMIT_BYTES

/** Internal: the path of a request target (`/opayo/notify?x=1` -> `/opayo/notify`). */
export const pathOf = (target: string | undefined): string => (target ?? '/').split('?')[0] ?? '/'

/** Internal: whether the service answers this path (the adapter passes every other one on). */
export const claims = (service: SyncService, path: string): boolean => service.routes.includes(path)

/** Internal: 500 naming the body parser that read the body first, logged at error. */
export function bodyAlreadyRead(
  service: SyncService,
  request: { readonly framework: AdapterFramework; readonly method: string; readonly path: string },
): Response {
  const error = new BodyAlreadyReadError(request)
  service.logger?.error?.(error.message, {
    code: error.code,
    framework: error.framework,
    method: error.method,
    path: error.path,
  })
  return new Response(JSON.stringify({ error: error.message, code: error.code }, null, 2), {
    status: 500,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  })
}

/**
 * Internal: answers one node:http request the service claims, with the body the adapter read
 * (`'consumed'` when a parser read it first: the named 500), and writes the answer to `res`.
 */
export async function answerNode(
  service: SyncService,
  framework: AdapterFramework,
  req: IncomingMessage,
  res: ServerResponse,
  body: Promise<Buffer> | Buffer | 'consumed' | undefined,
): Promise<void> {
  const response =
    body === 'consumed'
      ? bodyAlreadyRead(service, { framework, method: req.method ?? 'POST', path: pathOf(req.url) })
      : await service.handler(webRequest(req, localOrigin(req), await body))
  await sendWebResponse(response, res)
}
