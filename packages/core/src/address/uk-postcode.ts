/** Countries whose postcodes follow the UK format (Royal Mail serves the Crown Dependencies). */
export const UK_POSTCODE_COUNTRIES: ReadonlySet<string> = new Set(['GB', 'GG', 'JE', 'IM'])

// Outward code: area (1-2 letters) + district (digit, then optional digit or letter);
// inward code: sector digit + unit (two letters, never C, I, K, M, O or V).
const UK = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$/
const BFPO = /^BFPO([0-9]{1,4})$/

/**
 * Formats a UK postcode as Royal Mail writes it (upper case, one space before the inward code),
 * including the special cases GIR 0AA and BFPO numbers; undefined when it is not a UK postcode.
 * @example formatUkPostcode(' sw1a1aa ') // 'SW1A 1AA'
 */
export function formatUkPostcode(text: string): string | undefined {
  const compact = text.toUpperCase().replace(/\s+/g, '')
  if (compact === 'GIR0AA') return 'GIR 0AA'
  const bfpo = BFPO.exec(compact)
  if (bfpo) return `BFPO ${bfpo[1]}`
  const match = UK.exec(compact)
  return match ? `${match[1]} ${match[2]}` : undefined
}
