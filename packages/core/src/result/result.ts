import type { Issue } from './issue.js'

/** The outcome of a transformation that can fail on bad data, without throwing. */
export type Result<T, E = readonly Issue[]> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: E }

/**
 * A successful {@link Result}.
 * @example ok(42) // { ok: true, value: 42 }
 */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value }
}

/**
 * A failed {@link Result} carrying one or more issues.
 * @example err([issue('missing_value', ['vendorTxCode'], 'vendorTxCode is required.')])
 */
export function err<E = readonly Issue[]>(issues: E): { readonly ok: false; readonly issues: E } {
  return { ok: false, issues }
}
