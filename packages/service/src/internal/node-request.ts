// node:http requests and responses to and from web-standard ones: what `listen` (node.ts) and the
// framework adapters (adapters/) share. The body is read under a limit, so nothing larger than it
// is ever held, and a larger one is answered 413.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'

/** The default body limit of `listen` and the adapters: 64 KiB (a notification is under 4 KiB). */
export const DEFAULT_NODE_BODY_LIMIT_BYTES = 64 * 1024

/** Internal: a body larger than the limit; answered 413 by `answerNodeFailure`. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge'
  constructor(readonly limit: number) {
    super(`The body is larger than the limit of ${limit} bytes.`)
  }
}

/** What a web Request is built from: the parts every Node framework keeps of node:http's request. */
export interface NodeRequestHead {
  readonly method?: string | undefined
  readonly url?: string | undefined
  readonly headers: IncomingHttpHeaders
}

/** Whether a request of this method carries a body a web Request can hold. */
export const hasBody = (method: string | undefined): boolean =>
  method !== undefined && method !== 'GET' && method !== 'HEAD'

/**
 * `source` read whole, refusing (BodyTooLarge) a declared Content-Length over `limit` before
 * reading, and a body that grows past it mid-stream (leaving the loop cancels a web stream).
 */
export async function readBodyUnder(
  source: AsyncIterable<Uint8Array | string>,
  contentLength: string | null | undefined,
  limit: number,
): Promise<Buffer> {
  const declared = Number(contentLength ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)
    size += bytes.length
    if (size > limit) throw new BodyTooLarge(limit)
    chunks.push(bytes)
  }
  return Buffer.concat(chunks)
}

/** A body already held (a verify hook's raw copy), refused like a streamed one when too large. */
export function checkedBody(body: Buffer, limit: number): Buffer {
  if (body.length > limit) throw new BodyTooLarge(limit)
  return body
}

/** A web Request for `head` on `origin`, with `body` (never for GET and HEAD). */
export function webRequest(head: NodeRequestHead, origin: string, body?: Buffer): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(head.headers)) {
    if (typeof value === 'string') headers.set(name, value)
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
  }
  return new Request(new URL(head.url ?? '/', origin), {
    method: head.method ?? 'GET',
    headers,
    ...(body && hasBody(head.method) ? { body } : {}),
  })
}

/** The request as a web Request: its body read from the request itself under `limit`. */
export async function toWebRequest(
  req: IncomingMessage,
  origin: string,
  limit: number,
): Promise<Request> {
  const body = hasBody(req.method)
    ? await readBodyUnder(req, req.headers['content-length'], limit)
    : undefined
  return webRequest(req, origin, body)
}

/** Writes a web Response to node:http's response. */
export async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
}

/** A plain-text refusal that closes the connection (or a destroyed socket once headers went). */
export function refuse(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
  res.end(text)
}

/**
 * Answers a failure to read or serve a request: 413 for a body over the limit (and the rest of it
 * left unread: the request is destroyed), 500 for anything else.
 */
export function answerNodeFailure(error: unknown, req: IncomingMessage, res: ServerResponse): void {
  if (error instanceof BodyTooLarge) {
    refuse(res, 413, error.message)
    // Stop reading what is left of an oversized body.
    req.destroy()
  } else refuse(res, 500, 'Internal error')
}

/** `http://host:port` of the address a request arrived on (IPv6 in brackets). */
export function localOrigin(req: IncomingMessage): string {
  const host = req.socket.localAddress ?? '127.0.0.1'
  return `http://${host.includes(':') ? `[${host}]` : host}:${req.socket.localPort ?? 80}`
}
