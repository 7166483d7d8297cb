import { z } from 'zod'
import { ISO_3166_COUNTRIES } from './iso-3166.js'

/**
 * A country as an ISO 3166-1 alpha-2 code ('GB', 'IE', 'US'). 'EL' (the EU's code for Greece,
 * which KashFlow records) is accepted too, only as the output of the `kashflow` target rule.
 */
export type CountryCode = string

const ALPHA2 = new Set(ISO_3166_COUNTRIES.map(([alpha2]) => alpha2))

/** Validates a country code: ISO 3166-1 alpha-2 (plus 'EL', see {@link CountryCode}). */
export const CountryCodeSchema = z
  .string()
  .refine((code) => ALPHA2.has(code) || code === 'EL', 'Expected an ISO 3166-1 alpha-2 code')

function key(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.'’]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/^the /, '')
    .trim()
}

const LOOKUP: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>()
  for (const [alpha2, alpha3, ...names] of ISO_3166_COUNTRIES) {
    map.set(key(alpha2), alpha2)
    map.set(key(alpha3), alpha2)
    for (const name of names) if (!map.has(key(name))) map.set(key(name), alpha2)
  }
  // EU/VAT usage for Greece (KashFlow, VIES).
  map.set('el', 'GR')
  return map
})()

/**
 * Resolves a country written as alpha-2, alpha-3 or a common English name ("UK", "Great Britain",
 * "United States", "Deutschland" is not English and is not resolved) to ISO 3166-1 alpha-2.
 * @example resolveCountry('United Kingdom') // 'GB'
 */
export function resolveCountry(text: string): CountryCode | undefined {
  return LOOKUP.get(key(text))
}

/** The English display name of an alpha-2 code. */
export function countryName(code: CountryCode): string | undefined {
  const row = ISO_3166_COUNTRIES.find(([alpha2]) => alpha2 === code)
  return row?.[2]
}
