import { z } from 'zod'
import { ISO_4217_MINOR_UNITS } from './iso-4217.js'

/** An active ISO 4217 currency code ('GBP', 'EUR', 'JPY', ...). */
export type CurrencyCode = keyof typeof ISO_4217_MINOR_UNITS

/** True when `code` is an active ISO 4217 code (upper case). */
export function isCurrencyCode(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && Object.hasOwn(ISO_4217_MINOR_UNITS, code)
}

/**
 * The minor-unit exponent of a currency: 2 for GBP (pence), 0 for JPY, 3 for BHD.
 * @example minorUnitExponent('BHD') // 3
 */
export function minorUnitExponent(currency: CurrencyCode): number {
  return ISO_4217_MINOR_UNITS[currency]
}

/** Validates an ISO 4217 code; the inferred type is {@link CurrencyCode}. */
export const CurrencyCodeSchema = z.custom<CurrencyCode>(isCurrencyCode, {
  message: 'Expected an active ISO 4217 currency code such as "GBP"',
})
