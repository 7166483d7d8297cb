import { z } from 'zod'
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { CountryCodeSchema, resolveCountry } from './country.js'
import type { CountryCode } from './country.js'
import { toLatin1 } from './latin1.js'
import { UK_POSTCODE_COUNTRIES, formatUkPostcode } from './uk-postcode.js'

/** A postal address in one shape, whatever system it came from or goes to. */
export const CanonicalAddressSchema = z.object({
  /** Street lines, first to last, without city, region or postcode. */
  lines: z.array(z.string()).readonly(),
  city: z.string().optional(),
  /** County, state or province. */
  region: z.string().optional(),
  postalCode: z.string().optional(),
  /** ISO 3166-1 alpha-2. */
  countryCode: CountryCodeSchema.optional(),
})
export type CanonicalAddress = z.output<typeof CanonicalAddressSchema>

/** An address as it arrives: any field may be messy; the country may be a name or a code. */
export interface AddressInput {
  readonly lines?: readonly (string | undefined)[]
  readonly city?: string | undefined
  readonly region?: string | undefined
  readonly postalCode?: string | undefined
  /** Alpha-2, alpha-3 or an English name ("UK", "United States"). */
  readonly country?: string | undefined
}

/** One thing {@link standardiseAddress} changed, so callers can log or review it. */
export interface AddressChange {
  readonly field: 'lines' | 'city' | 'region' | 'postalCode' | 'countryCode'
  readonly rule: 'whitespace' | 'empty-line' | 'postcode-format' | 'country' | 'target' | 'latin1'
  readonly from: string
  readonly to: string
}

/**
 * Rules for a system the address is going to.
 * - `kashflow`: records Greece as `EL` (the EU VAT code) rather than `GR`.
 * - `opayo`: transliterates every field to ISO-8859-1 (see {@link toLatin1}).
 */
export type AddressTarget = 'kashflow' | 'opayo'

export interface StandardiseAddressOptions {
  /** Country to assume when the input names none. @default undefined (leave unset) */
  readonly defaultCountry?: string
  /** Apply a target system's conventions. @default undefined (canonical only) */
  readonly target?: AddressTarget
}

const clean = (text: string): string => text.replace(/\s+/gu, ' ').trim()

/**
 * Tidies an address without losing information: trims and collapses whitespace, drops empty
 * lines, formats and validates UK postcodes (GIR 0AA and BFPO too), resolves the country to
 * alpha-2, and applies the target's rules. Returns the address and every change it made.
 * @example standardiseAddress({ lines: [' 10  Downing St '], city: 'London', postalCode: 'sw1a2aa', country: 'UK' })
 */
export function standardiseAddress(
  input: AddressInput,
  options: StandardiseAddressOptions = {},
): Result<{ address: CanonicalAddress; changes: AddressChange[] }> {
  const changes: AddressChange[] = []
  const issues: Issue[] = []
  const tidy = (field: AddressChange['field'], value: string | undefined): string | undefined => {
    if (value === undefined) return undefined
    const cleaned = clean(value)
    if (cleaned !== value) changes.push({ field, rule: 'whitespace', from: value, to: cleaned })
    return cleaned === '' ? undefined : cleaned
  }

  const lines: string[] = []
  for (const raw of input.lines ?? []) {
    const line = tidy('lines', raw)
    if (line === undefined) {
      if (raw !== undefined) changes.push({ field: 'lines', rule: 'empty-line', from: raw, to: '' })
    } else lines.push(line)
  }
  const city = tidy('city', input.city)
  const region = tidy('region', input.region)
  let postalCode = tidy('postalCode', input.postalCode)

  let countryCode: CountryCode | undefined
  const countryText = tidy('countryCode', input.country) ?? options.defaultCountry
  if (countryText !== undefined) {
    countryCode = resolveCountry(countryText)
    if (countryCode === undefined) {
      issues.push(
        issue(
          'unknown_country',
          ['country'],
          `"${countryText}" is not an ISO 3166-1 code or a country name we know.`,
        ),
      )
    } else if (countryCode !== countryText) {
      changes.push({ field: 'countryCode', rule: 'country', from: countryText, to: countryCode })
    }
  }

  if (postalCode !== undefined) {
    if (countryCode !== undefined && UK_POSTCODE_COUNTRIES.has(countryCode)) {
      const formatted = formatUkPostcode(postalCode)
      if (formatted === undefined) {
        issues.push(
          issue('invalid_postcode', ['postalCode'], `"${postalCode}" is not a valid UK postcode.`),
        )
      } else if (formatted !== postalCode) {
        changes.push({
          field: 'postalCode',
          rule: 'postcode-format',
          from: postalCode,
          to: formatted,
        })
        postalCode = formatted
      }
    } else if (postalCode !== postalCode.toUpperCase()) {
      const upper = postalCode.toUpperCase()
      changes.push({ field: 'postalCode', rule: 'postcode-format', from: postalCode, to: upper })
      postalCode = upper
    }
  }

  if (issues.length > 0) return err(issues)

  if (options.target === 'kashflow' && countryCode === 'GR') {
    changes.push({ field: 'countryCode', rule: 'target', from: 'GR', to: 'EL' })
    countryCode = 'EL'
  }

  let address: CanonicalAddress = {
    lines,
    ...(city === undefined ? {} : { city }),
    ...(region === undefined ? {} : { region }),
    ...(postalCode === undefined ? {} : { postalCode }),
    ...(countryCode === undefined ? {} : { countryCode }),
  }
  if (options.target === 'opayo') address = latin1Address(address, changes)
  return ok({ address, changes })
}

function latin1Address(address: CanonicalAddress, changes: AddressChange[]): CanonicalAddress {
  const convert = (field: AddressChange['field'], value: string): string => {
    const result = toLatin1(value)
    if (result.changes.length > 0)
      changes.push({ field, rule: 'latin1', from: value, to: result.text })
    return result.text
  }
  return {
    ...address,
    lines: address.lines.map((line) => convert('lines', line)),
    ...(address.city === undefined ? {} : { city: convert('city', address.city) }),
    ...(address.region === undefined ? {} : { region: convert('region', address.region) }),
  }
}

/**
 * Re-wraps the street lines to at most `maxLines` lines of at most `maxLength` characters, never
 * dropping a character: each line is first wrapped on its own at word boundaries; if that gives
 * too many lines, all the text is joined and wrapped again. A word longer than a line is split.
 * Returns `address_too_long` when the text cannot fit at all.
 * @example
 * const address = CanonicalAddressSchema.parse({ lines: ['Flat 3, The Old Rectory', 'Long Lane', 'Near the Green'], city: 'Bath' })
 * fitAddressLines(address, { maxLines: 2, maxLength: 50 }) // Opayo Pi address1/address2
 */
export function fitAddressLines(
  address: CanonicalAddress,
  limits: { readonly maxLines: number; readonly maxLength: number },
): Result<CanonicalAddress> {
  const { maxLines, maxLength } = limits
  if (address.lines.length <= maxLines && address.lines.every((l) => l.length <= maxLength)) {
    return ok(address)
  }
  const perLine = address.lines.flatMap((line) => wrap(line, maxLength))
  if (perLine.length <= maxLines) return ok({ ...address, lines: perLine })
  const joined = wrap(address.lines.join(' '), maxLength)
  if (joined.length <= maxLines) return ok({ ...address, lines: joined })
  return err([
    issue(
      'address_too_long',
      ['lines'],
      `Address lines need ${joined.length} lines of ${maxLength} characters but only ${maxLines} are allowed.`,
    ),
  ])
}

function wrap(text: string, maxLength: number): string[] {
  const lines: string[] = []
  let current = ''
  for (const word of text.split(/\s+/u).filter(Boolean)) {
    let rest = word
    const candidate = current === '' ? rest : `${current} ${rest}`
    if (candidate.length <= maxLength) {
      current = candidate
      continue
    }
    if (current !== '') lines.push(current)
    while (rest.length > maxLength) {
      lines.push(rest.slice(0, maxLength))
      rest = rest.slice(maxLength)
    }
    current = rest
  }
  if (current !== '') lines.push(current)
  return lines
}
