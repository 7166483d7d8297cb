// Small HTTP helpers for the service's web-standard routes.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Secret } from '@opayo-kashflow/core'

/** The default body limit of a money route: 64 KiB (an Opayo notification is under 4 KiB). */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024

/** A JSON response. */
export const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response =>
  new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })

/**
 * The body as text, or undefined when it is larger than `limit` bytes: a declared
 * Content-Length over the limit is refused before reading, and a body that grows past it is
 * cancelled mid-stream, so nothing larger than the limit is ever held.
 */
export async function readBodyLimited(
  request: Request,
  limit: number,
): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) return undefined
  if (!request.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  // Leaving the loop early cancels the stream, so the rest of the body is never read.
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > limit) return undefined
    chunks.push(chunk)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** The media type of a request, lower case, without parameters. */
export const mediaType = (request: Request): string =>
  (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/**
 * Whether `Authorization: Bearer <token>` carries the expected token, compared in constant time
 * (both sides are hashed first, so neither the length nor a prefix leaks through timing).
 */
export function bearerMatches(request: Request, expected: Secret): boolean {
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer (.+)$/.exec(header)
  const given = digest(match?.[1] ?? '')
  const ok = timingSafeEqual(given, digest(expected.reveal()))
  return ok && match !== null && expected.reveal() !== ''
}

/** 405 with the allowed method. */
export const methodNotAllowed = (allow: string): Response =>
  json(405, { error: `Use ${allow}.` }, { allow })

/** 413. */
export const tooLarge = (limit: number): Response =>
  json(
    413,
    { error: `The body is larger than the limit of ${limit} bytes.` },
    { connection: 'close' },
  )

/** 415 with the expected content type. */
export const unsupportedMediaType = (expected: string): Response =>
  json(415, { error: `The content type must be ${expected}.` })

/**
 * The paths `handler` answers as configured (rather than its 404), under `base`: the routes a
 * framework adapter claims.
 */
export const publicRoutes = (
  base: string,
  configured: { readonly [option: string]: unknown },
): string[] =>
  [
    '/opayo/notify',
    ...(configured['formPassword'] === undefined ? [] : ['/opayo/form-return']),
    ...(configured['pi'] && configured['handoverToken'] ? ['/pi/transactions'] : []),
    '/health',
    '/health/live',
    ...(configured['adminToken'] ? ['/admin', '/admin/health', '/metrics'] : []),
  ].map((route) => `${base}${route}`)
