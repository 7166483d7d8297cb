import { inspect } from 'node:util'

/**
 * Helpers for the credential leak tests (packages/kashflow/test/leaks.test.ts,
 * packages/opayo/test/leaks.test.ts): the text surfaces an error or a client shows to a log,
 * a search for sentinel strings in them, a walk of an error's object graph for transport objects
 * (Request, Response, Headers, ky's HTTPError/TimeoutError) and the error classes a package
 * exports.
 */

/** Every text an error (or a client, or its options) shows when it is logged or serialised. */
export function surfaces(value: unknown): Record<string, string> {
  const out: Record<string, string> = {
    inspect: inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    'inspect (default)': inspect(value),
    String: safe(() => String(value)),
    JSON: safe(() => JSON.stringify(value) ?? ''),
  }
  if (value instanceof Error) {
    out['message'] = value.message
    out['stack'] = value.stack ?? ''
  }
  return out
}

function safe(f: () => string): string {
  try {
    return f()
  } catch (error) {
    return `(threw ${error instanceof Error ? error.message : String(error)})`
  }
}

/** `surface: sentinel` for every sentinel that appears in a surface of `value`. */
export function leaksIn(value: unknown, sentinels: readonly string[]): string[] {
  const found: string[] = []
  for (const [surface, text] of Object.entries(surfaces(value)))
    for (const sentinel of sentinels)
      if (text.includes(sentinel)) found.push(`${surface}: ${sentinel}`)
  return found
}

const TRANSPORT_ERROR_NAMES = new Set(['HTTPError', 'TimeoutError'])

/**
 * Paths (from the error) to every object in its graph that is a Request, Response or Headers,
 * or a ky HTTPError/TimeoutError (or any error that holds a `request`/`response`). The graph is
 * every own property (enumerable or not, symbols too), `cause` chains included.
 */
export function transportObjectsIn(root: unknown): string[] {
  const found: string[] = []
  const seen = new Set<object>()
  const visit = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return
    seen.add(value)
    if (
      value instanceof Request ||
      value instanceof Response ||
      value instanceof Headers ||
      value instanceof ReadableStream
    ) {
      found.push(`${path} (${value.constructor.name})`)
      return
    }
    if (
      value instanceof Error &&
      (TRANSPORT_ERROR_NAMES.has(value.name) || 'request' in value || 'response' in value)
    ) {
      found.push(`${path} (${value.name})`)
    }
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key)
      if (descriptor && 'value' in descriptor) visit(descriptor.value, `${path}.${String(key)}`)
    }
  }
  visit(root, 'error')
  return found
}

/** The exported classes of a module whose name ends in `Error` and that extend Error. */
export function exportedErrorClasses(module: Record<string, unknown>): string[] {
  return Object.entries(module)
    .filter(
      ([name, value]) =>
        name.endsWith('Error') &&
        typeof value === 'function' &&
        (value === Error || (value as { prototype?: unknown }).prototype instanceof Error),
    )
    .map(([name]) => name)
    .sort()
}

/** Runs `f` and returns what it threw; fails when it did not throw. */
export async function thrownBy(f: () => unknown): Promise<unknown> {
  try {
    const result = f()
    if (isAsyncIterable(result)) {
      for await (const row of result) void row
    } else await result
  } catch (error) {
    return error
  }
  throw new Error('expected a throw, got none')
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

/** Every step of an error's `cause` chain, the error first. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  for (let e = error; e !== undefined && !chain.includes(e); e = (e as { cause?: unknown }).cause)
    chain.push(e)
  return chain
}
