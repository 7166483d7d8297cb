import { err, issue, ok } from '@opayo-kashflow/core'
import type { Result } from '@opayo-kashflow/core'
import type { z } from 'zod'
import { isLatin1 } from '../internal/latin1.js'
import { issuesFromZod } from '../internal/zod-issues.js'
import { formBodyFields } from './form-body.js'
import { SERVER_NOTIFICATION_FIELDS, ServerNotificationSchema } from './schema.js'
import type { ServerNotification } from './schema.js'

/**
 * Parses a Server notification POST body: the raw `application/x-www-form-urlencoded` text, a
 * URLSearchParams, or a record of already-decoded fields. Never throws.
 *
 * Decoding is URLSearchParams' (`+` is a space, `%XX` escapes are UTF-8; a field with a
 * character above U+00FF is refused, as Opayo posts ISO-8859-1 and hashes Latin-1). The fields
 * are validated once, here; the notification returned is a fresh object the caller owns.
 * @example
 * const result = parseServerNotification(await request.text())
 * if (!result.ok) console.error(result.issues)
 */
export function parseServerNotification(
  body: string | URLSearchParams | Readonly<Record<string, string | undefined>>,
): Result<ServerNotification> {
  // Modelled fields by their index in the schema; the rest by name in `extra`.
  // Filled up front so the array stays packed (holes would make every access slower).
  const values = new Array<string | undefined>(FIELD_NAMES.length).fill(undefined)
  const posted: number[] = [] // the modelled fields in the order first posted
  const extra: Record<string, string> = {}
  const { fields, ascii } = formBodyFields(body)
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i] ?? ''
    const value = fields[i + 1] ?? ''
    const at = fieldIndex(name)
    // A field posted twice keeps its first value, as PHP and .NET form readers do.
    if (at === undefined) {
      if (!(name in extra)) extra[name] = value
    } else if (values[at] === undefined) {
      values[at] = value
      posted.push(at)
    }
  }
  // Opayo posts empty values for fields that do not apply; they count as absent, except the
  // signed ones, whose empty string hashes the same as an absent field anyway.
  // Opayo posts ISO-8859-1. A character above U+00FF cannot come from Opayo, and would hash as
  // its low byte only (MD5 over Latin-1), letting a forged VPSTxId share a genuine signature.
  // (A body of ASCII text and ASCII escapes holds nothing else: nothing to look at.)
  let notLatin1: string[] | undefined
  if (!ascii) {
    for (const at of posted) {
      if (!isLatin1(values[at] ?? '')) (notLatin1 ??= []).push(FIELD_NAMES[at] ?? '')
    }
  }
  if (notLatin1 !== undefined)
    return err(
      notLatin1.map((name) =>
        issue('invalid_type', [name], `${name} holds a character that is not ISO-8859-1.`),
      ),
    )
  // Well-formed notifications are checked against the schema's own limits by hand; anything the
  // hand check refuses goes through the schema, which alone words the issues.
  const fast = buildIfValid(values, extra)
  if (fast !== undefined) return ok(fast)
  const known: Record<string, string> = {}
  for (const at of posted) {
    const value = values[at] ?? ''
    if (value !== '') known[FIELD_NAMES[at] ?? ''] = value
  }
  const parsed = ServerNotificationSchema.safeParse({ ...known, extra })
  return parsed.success ? ok(parsed.data) : err(issuesFromZod(parsed.error))
}

// ---- the hand check, read off ServerNotificationSchema so the two cannot drift ----

/** What the schema asks of one field, as data (checked inline: this runs on every field). */
interface FieldRule {
  readonly name: string
  readonly required: boolean
  readonly min: number
  readonly max: number
  readonly patterns: readonly RegExp[]
  /** For an enum: its values. */
  readonly values: ReadonlySet<string> | undefined
}

/** A field schema's checks as a rule; undefined for anything else (the schema then decides). */
function ruleOf(name: string, field: z.ZodType): FieldRule | undefined {
  const required = field._zod.def.type !== 'optional'
  const schema = required ? field : (field as z.ZodOptional<z.ZodType>).unwrap()
  const def = schema._zod.def as unknown as {
    readonly type: string
    readonly entries?: Readonly<Record<string, unknown>>
    readonly checks?: readonly {
      readonly _zod: { readonly def: Readonly<Record<string, unknown>> }
    }[]
  }
  // Every rule gets the same shape (one object literal below), so reading them stays monomorphic.
  let min = 0
  let max = Infinity
  const patterns: RegExp[] = []
  let values: ReadonlySet<string> | undefined
  if (def.type === 'enum' && def.entries !== undefined && (def.checks ?? []).length === 0) {
    const options = Object.values(def.entries)
    if (!options.every((v): v is string => typeof v === 'string')) return undefined
    values = new Set(options)
    return { name, required, min, max, patterns, values }
  }
  if (def.type !== 'string') return undefined
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def
    if (c['check'] === 'max_length' && typeof c['maximum'] === 'number')
      max = Math.min(max, c['maximum'])
    else if (c['check'] === 'min_length' && typeof c['minimum'] === 'number')
      min = Math.max(min, c['minimum'])
    else if (
      c['check'] === 'string_format' &&
      c['format'] === 'regex' &&
      c['pattern'] instanceof RegExp &&
      !c['pattern'].global &&
      !c['pattern'].sticky
    )
      patterns.push(c['pattern'])
    else return undefined
  }
  return { name, required, min, max, patterns, values }
}

/** The modelled wire names, in the schema's order, and each one's index. */
const FIELD_NAMES: readonly string[] = [...SERVER_NOTIFICATION_FIELDS]
// The names by length: a posted name is compared with the few of its length, which costs less
// than hashing it (every name is a fresh string from the body).
const BY_LENGTH: readonly (readonly (readonly [name: string, index: number])[])[] = (() => {
  const table: (readonly [string, number])[][] = []
  FIELD_NAMES.forEach((name, index) => (table[name.length] ??= []).push([name, index]))
  return Array.from(table, (names) => names ?? [])
})()

/** The modelled field's index, or undefined for a name the schema does not model. */
function fieldIndex(name: string): number | undefined {
  const candidates = BY_LENGTH[name.length]
  if (candidates === undefined) return undefined
  for (let i = 0; i < candidates.length; i += 1) {
    const candidate = candidates[i]
    if (candidate !== undefined && candidate[0] === name) return candidate[1]
  }
  return undefined
}

/** One rule per modelled field, by index; undefined when the hand check cannot read the schema. */
const RULES: readonly FieldRule[] | undefined = (() => {
  const rules: FieldRule[] = []
  for (const name of FIELD_NAMES) {
    const rule = ruleOf(
      name,
      ServerNotificationSchema.shape[name as keyof typeof ServerNotificationSchema.shape],
    )
    // A rule the hand check cannot read: every notification then goes through the schema.
    if (rule === undefined) return undefined
    rules.push(rule)
  }
  return rules
})()

// The schema's key order, which zod's output follows: `extra` comes before these.
const AFTER_EXTRA = (() => {
  const keys = Object.keys(ServerNotificationSchema.shape)
  return keys.length - 1 - keys.indexOf('extra')
})()

/** The notification, keys in the schema's order as zod gives them; undefined if any field fails. */
function buildIfValid(
  values: readonly (string | undefined)[],
  extra: Record<string, string>,
): ServerNotification | undefined {
  if (RULES === undefined) return undefined
  const out: Record<string, unknown> = {}
  const extraAt = RULES.length - AFTER_EXTRA
  for (let at = 0; at < RULES.length; at += 1) {
    if (at === extraAt) out['extra'] = extra
    const rule = RULES[at] as FieldRule
    const value = values[at]
    if (value === undefined || value === '') {
      if (rule.required) return undefined
      continue
    }
    if (value.length < rule.min || value.length > rule.max) return undefined
    if (rule.values !== undefined && !rule.values.has(value)) return undefined
    const { patterns } = rule
    for (let p = 0; p < patterns.length; p += 1) if (!patterns[p]?.test(value)) return undefined
    out[rule.name] = value
  }
  if (extraAt === RULES.length) out['extra'] = extra
  return out as ServerNotification
}
