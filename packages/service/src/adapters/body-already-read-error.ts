// The error a framework adapter logs (and answers with) when the app read the request body before
// opayo-kashflow could: Opayo's signature covers the body exactly as posted, so a parsed one can
// never be checked, and answering INVALID would hide the cause.
import { OpayoKashflowError } from '@opayo-kashflow/core'

/** The frameworks with an adapter: `@opayo-kashflow/service/express`, `/fastify`, `/hono`. */
export type AdapterFramework = 'express' | 'fastify' | 'hono'

/**
 * A request to one of the service's routes arrived with its body already read by the app (a
 * body parser, a hook or a middleware mounted before the adapter), and no raw copy of it was
 * kept. The message names the likely culprit and the fix. The adapter logs it at error through
 * the service's `logger` and answers 500 with the message: nothing is stored, and Opayo retries.
 * @example
 * const failure = new BodyAlreadyReadError({ framework: 'express', method: 'POST', path: '/opayo/notify' })
 * if (failure.code === 'body_already_read') console.error(failure.message)
 */
export class BodyAlreadyReadError extends OpayoKashflowError {
  override readonly name = 'BodyAlreadyReadError' as const
  /** The framework whose adapter found it. */
  readonly framework: AdapterFramework
  /** The request's method and path (no query, no body). */
  readonly method: string
  readonly path: string

  constructor(input: {
    readonly framework: AdapterFramework
    readonly method: string
    readonly path: string
  }) {
    super(
      'body_already_read',
      `${input.method} ${input.path}: the request body was already read by ${CULPRIT[input.framework]} before opayo-kashflow, so the signed fields cannot be checked as posted. ${FIX[input.framework]}`,
    )
    this.framework = input.framework
    this.method = input.method
    this.path = input.path
  }
}

const CULPRIT: Readonly<Record<AdapterFramework, string>> = {
  express: 'a body parser (express.urlencoded? express.json? body-parser?) mounted',
  fastify: 'a hook (onRequest, preParsing) or a content-type parser that ran',
  hono: 'a middleware (c.req.formData()? c.req.raw read directly? a validator?) that ran',
}

const FIX: Readonly<Record<AdapterFramework, string>> = {
  express:
    "Call mountExpress(app, service) before the global body parsers (app.use(express.urlencoded())), or exclude its routes (service.routes) from them, or keep the raw bytes with the parser's verify hook: express.urlencoded({ verify: (req, res, buf) => { req.rawBody = buf } }).",
  fastify:
    'Do not read the body in a hook for its routes (service.routes), or keep the raw bytes in request.rawBody (a Buffer or string, as fastify-raw-body does).',
  hono: 'Call mountHono(app, service) before that middleware, or read the body there with c.req.text(), c.req.arrayBuffer() or c.req.parseBody() (the adapter reuses what those cache), not with c.req.formData() or on c.req.raw.',
}
