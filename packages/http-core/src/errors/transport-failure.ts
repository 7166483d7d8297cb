/**
 * What may be copied from a failed fetch into an error of ours: whether it timed out, and a
 * system error code such as `ECONNREFUSED` found in its cause chain (as ` (ECONNREFUSED)`, or
 * empty). Nothing else: ky's TimeoutError and fetch's TypeError can hold the request and its
 * Authorization header, so neither is ever kept. Both vendor clients use it (internal to them).
 * @example describeTransportFailure(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })) // { timedOut: false, reason: ' (ECONNREFUSED)' }
 */
export function describeTransportFailure(cause: unknown): { timedOut: boolean; reason: string } {
  const timedOut = cause instanceof Error && cause.name === 'TimeoutError'
  let code: string | undefined
  for (let e = cause, depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth += 1) {
    const candidate = (e as { code?: unknown }).code
    if (typeof candidate === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(candidate)) {
      code = candidate
      break
    }
    e = (e as { cause?: unknown }).cause
  }
  return { timedOut, reason: code === undefined ? '' : ` (${code})` }
}
