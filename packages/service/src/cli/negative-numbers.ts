// node:util's parseArgs reads every word that starts with "-" as an option, so the documented
// `settlement received BATCH -97.80` was "Unknown option '-9'" and the only way through was
// `-- --97.80`. A negative number is never an option of ours (no option is a digit), so such a
// word is kept a word: marked before parsing and unmarked after.

/** A negative decimal amount as the docs show one: one minus, digits, optional decimals. */
const NEGATIVE_NUMBER = /^-\d[\d,]*(?:\.\d+)?$/
// A character no shell word a person types starts with; parseArgs then sees a plain word.
const MARK = '\u0000'

/**
 * The words with each negative number marked, so parseArgs takes it as a word, not an option.
 * @example markNegativeNumbers(['settlement', 'received', '77', '-97.80']) // [..., '\u0000-97.80']
 */
export function markNegativeNumbers(argv: readonly string[]): string[] {
  return argv.map((word) => (NEGATIVE_NUMBER.test(word) ? `${MARK}${word}` : word))
}

/**
 * A parsed word or option value with its mark removed.
 * @example unmarkNegativeNumber('\u0000-97.80') // '-97.80'
 */
export function unmarkNegativeNumber<T>(value: T): T {
  return (typeof value === 'string' && value.startsWith(MARK) ? value.slice(1) : value) as T
}
