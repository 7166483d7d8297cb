import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import { assertArray } from './normalise.js'
import { toInvoiceNumber } from '../reference/reference-parser.js'
import type { InvoiceNumber } from '../reference/reference-parser.js'
import type { ReferenceResemblance } from './invoice-candidate.js'

/** An invoice number a reference resembles, how, and why in words. */
export interface ReferenceSuggestion {
  readonly invoiceNumber: InvoiceNumber
  readonly resemblance: ReferenceResemblance
  /** The digits read from the reference that resemble the number. */
  readonly digits: string
  readonly message: string
}

/** Closest first: the order suggestions are listed in. */
const RANK: Readonly<Record<ReferenceResemblance, number>> = {
  same_digits: 0,
  adjacent_digits_swapped: 1,
  one_extra_digit: 2,
  one_digit_missing: 3,
}

const WORDS: Readonly<Record<ReferenceResemblance, string>> = {
  same_digits: 'same digits',
  adjacent_digits_swapped: 'two adjacent digits swapped',
  one_extra_digit: 'one digit too many',
  one_digit_missing: 'one digit missing',
}

/** Digit groups shorter than this are ignored: they are attempt counters and suffixes. */
const MIN_DIGITS = 3

// A run of digits, with the letters O, o, I, l typed for 0 and 1 only BETWEEN two digits
// (`1O42`). A letter at either end of a run belongs to the word beside it: `STUDIO1042` holds
// 1042, not 101042, and `1042l` holds 1042.
const RUN = /[0-9]+(?:[OoIl]+[0-9]+)*/g

/** The digit groups of a reference, inner lookalike letters read as digits, leading zeros dropped. */
function digitGroups(reference: string): string[] {
  const groups = new Set<string>()
  for (const [run] of reference.matchAll(RUN)) {
    const digits = run.replace(/[Oo]/g, '0').replace(/[Il]/g, '1').replace(/^0+/, '')
    if (digits.length >= MIN_DIGITS) groups.add(digits)
  }
  return [...groups]
}

/** True when deleting one character of `longer` gives `shorter`. */
function oneDeletion(longer: string, shorter: string): boolean {
  if (longer.length !== shorter.length + 1) return false
  let i = 0
  while (i < shorter.length && longer[i] === shorter[i]) i += 1
  return longer.slice(i + 1) === shorter.slice(i)
}

/** True when swapping one pair of adjacent, different characters of `a` gives `b`. */
function oneAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let i = 0
  while (i < a.length && a[i] === b[i]) i += 1
  return (
    i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  )
}

function resemblance(digits: string, invoice: string): ReferenceResemblance | undefined {
  if (digits === invoice) return 'same_digits'
  if (invoice.length < MIN_DIGITS) return undefined
  if (oneAdjacentSwap(digits, invoice)) return 'adjacent_digits_swapped'
  if (oneDeletion(digits, invoice)) return 'one_extra_digit'
  if (oneDeletion(invoice, digits)) return 'one_digit_missing'
  return undefined
}

/**
 * The invoice numbers, out of those given, that a reference resembles: for a reference that
 * failed the configured patterns because it was typed by hand or rendered another way. Only runs
 * of digits are read as numbers: letters next to digits are never digits (`STUDIO1042`,
 * `1042A` and `ORDER#1042` hold 1042), except a letter O or o BETWEEN two digits read as 0 and
 * I or l as 1 (`1O42`). Leading zeros are dropped and groups under 3 digits ignored (attempt
 * counters such as the `-1` of `INV-1042-1`). Each group is compared with each invoice number: the same
 * digits (another prefix, `INVOICE#01042`), two adjacent digits swapped, one digit too many or
 * one missing. A different digit is not suggested: it points at the neighbouring invoice as often
 * as at the intended one. A group that is exactly one of the numbers is not also read as a
 * mistyping of another. Closest first, then by invoice number.
 * @throws {InvalidArgumentError} when `reference` is not a string, `invoiceNumbers` is not an
 *   array, or an invoice number is not a positive integer.
 * @example
 * suggestInvoiceNumbers('INV-1402-2', [1042, 1043, 2001])
 * // [{ invoiceNumber: 1042, resemblance: 'adjacent_digits_swapped', digits: '1402', message: '...' }]
 */
export function suggestInvoiceNumbers(
  reference: string,
  invoiceNumbers: readonly number[],
): readonly ReferenceSuggestion[] {
  if (typeof reference !== 'string') {
    throw new InvalidArgumentError(
      `suggestInvoiceNumbers(): reference must be a string, got ${reference === null ? 'null' : typeof reference}.`,
    )
  }
  assertArray(invoiceNumbers, 'suggestInvoiceNumbers()', 'invoiceNumbers must be an array')
  const numbers = new Set<InvoiceNumber>()
  for (const value of invoiceNumbers) {
    const invoiceNumber = toInvoiceNumber(value)
    if (invoiceNumber === undefined) {
      throw new InvalidArgumentError(
        `suggestInvoiceNumbers(): ${String(value)} is not a KashFlow invoice number (a positive integer).`,
      )
    }
    numbers.add(invoiceNumber)
  }
  const groups = digitGroups(reference)
  // A group that is exactly one of the numbers names that invoice: it is not also read as a
  // mistyping of another (1042 is not offered as 1024 with two digits swapped when 1042 is open).
  const exact = new Set(groups.filter((digits) => numbers.has(Number(digits) as InvoiceNumber)))
  const suggestions: ReferenceSuggestion[] = []
  for (const invoiceNumber of numbers) {
    let best: { kind: ReferenceResemblance; digits: string } | undefined
    for (const digits of groups) {
      if (exact.has(digits) && digits !== String(invoiceNumber)) continue
      const kind = resemblance(digits, String(invoiceNumber))
      if (kind !== undefined && (best === undefined || RANK[kind] < RANK[best.kind])) {
        best = { kind, digits }
      }
    }
    if (best === undefined) continue
    suggestions.push({
      invoiceNumber,
      resemblance: best.kind,
      digits: best.digits,
      message: `reference resembles invoice ${invoiceNumber} (${WORDS[best.kind]}: ${best.digits} in "${reference}")`,
    })
  }
  return suggestions.sort(
    (a, b) => RANK[a.resemblance] - RANK[b.resemblance] || a.invoiceNumber - b.invoiceNumber,
  )
}
