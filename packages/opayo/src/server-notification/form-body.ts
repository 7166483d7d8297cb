import { toFieldPairs } from '../internal/form-fields.js'

// Anything but printable ASCII (a raw non-ASCII character, a control character) goes to
// URLSearchParams, whose UTF-8 handling of raw text is then the only one that runs.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/

// Hex digit values by character code (-1 for anything else).
const HEX = new Int8Array(128).fill(-1)
for (let d = 0; d < 16; d += 1) {
  HEX[d.toString(16).charCodeAt(0)] = d
  HEX[d.toString(16).toUpperCase().charCodeAt(0)] = d
}
const hexAt = (text: string, at: number): number => HEX[text.charCodeAt(at)] ?? -1

/** One name or value: '+' is a space, then %XX escapes as UTF-8; undefined when not valid UTF-8. */
function decode(text: string): string | undefined {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text
  let at = spaced.indexOf('%')
  if (at < 0) return spaced
  // Escapes of ASCII characters (all Opayo sends but for accented letters) are decoded here;
  // a byte above 0x7F is part of a UTF-8 sequence, which decodeURIComponent reads.
  let decoded = ''
  let from = 0
  while (at >= 0) {
    const high = hexAt(spaced, at + 1)
    const low = hexAt(spaced, at + 2)
    if (high < 0 || low < 0) return undefined
    if (high > 7) return utf8(spaced)
    decoded += spaced.slice(from, at) + String.fromCharCode(high * 16 + low)
    from = at + 3
    at = spaced.indexOf('%', from)
  }
  return decoded + spaced.slice(from)
}

function utf8(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    // Escapes that are not UTF-8: URLSearchParams substitutes U+FFFD where decodeURIComponent
    // throws, so the whole body goes to URLSearchParams.
    return undefined
  }
}

// An escape of a byte above 0x7F: only these decode to something other than ASCII.
const HIGH_ESCAPE = /%[89A-Fa-f]/

/** A body's fields, and whether every name and value is known to be ASCII. */
export interface FormBodyFields {
  /** Name then value, in the order posted. */
  readonly fields: string[]
  /** True when the body was printable ASCII with only ASCII escapes (so every field is ASCII). */
  readonly ascii: boolean
}

/**
 * The body's fields in order as a flat list, name then value, exactly as
 * `[...new URLSearchParams(body)].flat()` gives them (a leading '?' dropped, empty pieces skipped,
 * '+' as space, %XX as UTF-8). Printable-ASCII bodies with well-formed escapes, which is what
 * Opayo posts, are split by hand; any other body goes through URLSearchParams itself, so the
 * result never differs (the property tests compare both).
 */
export function formBodyFields(
  body: string | URLSearchParams | Readonly<Record<string, string | undefined>>,
): FormBodyFields {
  const slow = (): FormBodyFields => ({ fields: toFieldPairs(body).flat(), ascii: false })
  if (typeof body !== 'string') return slow()
  const text = body.startsWith('?') ? body.slice(1) : body
  if (NOT_PRINTABLE_ASCII.test(text)) return slow()
  const fields: string[] = []
  for (const piece of text.split('&')) {
    if (piece === '') continue
    const at = piece.indexOf('=')
    const name = decode(at < 0 ? piece : piece.slice(0, at))
    const value = at < 0 ? '' : decode(piece.slice(at + 1))
    if (name === undefined || value === undefined) return slow()
    fields.push(name, value)
  }
  return { fields, ascii: !HIGH_ESCAPE.test(text) }
}
