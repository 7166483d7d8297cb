// Normalisation shared by the matcher: each function turns a messy value into the form two
// values are compared in. Not public: the docs (docs/matching.md) describe the rules in words.
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'

/** An email for comparison: trimmed, lower case; undefined when empty or without an `@`. */
export function normaliseEmail(email: string | undefined): string | undefined {
  const value = email?.trim().toLowerCase()
  return value !== undefined && value.includes('@') ? value : undefined
}

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\u0000-\u007f]*$/

// Courtesy titles carry no identity ("Mrs Jane Smith" is "Jane Smith").
const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof'])
// Company suffixes written more than one way.
const SUFFIXES: Readonly<Record<string, string>> = { limited: 'ltd' }

/**
 * A name for comparison, tolerant of case, accents, punctuation, titles and word order:
 * apostrophes vanish ("O'Brien" is "obrien"), other punctuation separates words ("Smith-Jones"
 * is "smith jones"), titles drop, "Limited" reads as "ltd", and the words are sorted, so
 * "Smith, Jane" and "jane SMITH" give the same key. Undefined when no word is left.
 */
export function nameKey(name: string | undefined): string | undefined {
  if (typeof name !== 'string') return undefined
  // Decomposing accents is the slow step; plain ASCII names (most of them) have none to remove.
  const plain = ASCII.test(name) ? name : name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
  const words = plain
    .toLowerCase()
    .replace(/['\u2019`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !TITLES.has(word))
    .map((word) => SUFFIXES[word] ?? word)
    .sort()
  return words.length === 0 ? undefined : words.join(' ')
}

/** A postcode for comparison: upper case without spaces; undefined when empty. */
export function compactPostcode(postcode: string | undefined): string | undefined {
  const value = postcode?.toUpperCase().replace(/\s+/g, '')
  return value === undefined || value === '' ? undefined : value
}

/**
 * Throws `InvalidArgumentError` (`${where}: ${what}, got <type>.`) unless `value` is an array,
 * for callers that pass the matcher untyped data. Checked as unknown: narrowing the readonly
 * array type itself would make it any[].
 */
export function assertArray(value: unknown, where: string, what: string): void {
  if (!Array.isArray(value))
    throw new InvalidArgumentError(`${where}: ${what}, got ${typeof value}.`)
}
