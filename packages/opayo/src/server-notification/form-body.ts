import { toFieldPairs } from '../internal/form-fields.js'

// Anything but printable ASCII (a raw non-ASCII character, a control character) goes to
// URLSearchParams, whose UTF-8 handling of raw text is then the only one that runs.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/

/** One name or value: '+' is a space, then %XX escapes as UTF-8; undefined when not valid UTF-8. */
function decode(text: string): string | undefined {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    // A '%' not followed by two hex digits, or escapes that are not UTF-8: URLSearchParams keeps
    // the '%' or substitutes U+FFFD where decodeURIComponent throws.
    return undefined
  }
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
): string[] {
  if (typeof body !== 'string') return toFieldPairs(body).flat()
  const text = body.startsWith('?') ? body.slice(1) : body
  if (NOT_PRINTABLE_ASCII.test(text)) return toFieldPairs(body).flat()
  const fields: string[] = []
  for (const piece of text.split('&')) {
    if (piece === '') continue
    const at = piece.indexOf('=')
    const name = decode(at < 0 ? piece : piece.slice(0, at))
    const value = at < 0 ? '' : decode(piece.slice(at + 1))
    if (name === undefined || value === undefined) return toFieldPairs(body).flat()
    fields.push(name, value)
  }
  return fields
}
