import type { z } from 'zod'
import { CanonicalPaymentSchema } from '../model/canonical-payment.js'
import type { CanonicalPayment } from '../model/canonical-payment.js'

type Leaf = string | number | boolean | bigint | null | undefined | readonly unknown[]

/** Dotted paths into T's nested objects, e.g. `risk.fraud.score`. Arrays are leaves. */
export type PathOf<T, Depth extends unknown[] = []> = Depth['length'] extends 5
  ? never
  : T extends Leaf
    ? never
    : {
        [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf
          ? K
          : NonNullable<T[K]> extends Record<string, string>
            ? K | `${K}.${string}`
            : K | `${K}.${PathOf<NonNullable<T[K]>, [...Depth, unknown]>}`
      }[keyof T & string]

/** Every path a custom-field mapping may read from a {@link CanonicalPayment}. */
export type PaymentPath = PathOf<CanonicalPayment>

interface Def {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  in?: z.ZodType
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def

/** Walks the schema (not a hand-kept list), so the set follows the model as it grows. */
function collect(
  schema: z.ZodType,
  prefix: string,
  into: Map<string, 'object' | 'record' | 'leaf'>,
) {
  const d = def(schema)
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'default':
      if (d.innerType) collect(d.innerType, prefix, into)
      return
    case 'pipe':
      if (d.in) collect(d.in, prefix, into)
      return
    case 'object':
      if (prefix) into.set(prefix, 'object')
      for (const [key, child] of Object.entries(d.shape ?? {})) {
        collect(child, prefix ? `${prefix}.${key}` : key, into)
      }
      return
    case 'record':
      into.set(prefix, 'record')
      return
    default:
      into.set(prefix, 'leaf')
  }
}

const PATHS: ReadonlyMap<string, 'object' | 'record' | 'leaf'> = (() => {
  const map = new Map<string, 'object' | 'record' | 'leaf'>()
  collect(CanonicalPaymentSchema, '', map)
  return map
})()

/** True when `path` names a field of CanonicalPayment (or a key under a record such as `extra`). */
export function isPaymentPath(path: string): path is PaymentPath {
  if (PATHS.has(path)) return true
  const dot = path.indexOf('.')
  // `extra.AnyField`: records accept any key below them.
  for (let i = dot; i > 0; i = path.indexOf('.', i + 1)) {
    if (PATHS.get(path.slice(0, i)) === 'record' && path.length > i + 1) return true
  }
  return false
}

/** Reads a dotted path from a payment; undefined when any step is absent. */
export function readPath(payment: CanonicalPayment, path: string): unknown {
  let value: unknown = payment
  for (const step of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[step]
  }
  return value
}
