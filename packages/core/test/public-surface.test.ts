import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as core from '../src/index.js'

describe('the public surface', () => {
  it('is exactly what index.ts lists by name', () => {
    const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')
    expect(source).not.toMatch(/export \*/)
    const listed = [...source.matchAll(/^export \{([^}]*)\}/gm)]
      .flatMap((m) => (m[1] ?? '').split(','))
      .map((name) => name.trim())
      .filter(Boolean)
      .sort()
    expect(Object.keys(core).sort()).toEqual(listed)
  })

  it('has not changed without a deliberate update of this list', () => {
    expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
      [
        "AVS_CV2_SUMMARIES",
        "CARD_SCHEMES",
        "CHECK_RESULTS",
        "CanonicalAddressSchema",
        "CanonicalCustomerSchema",
        "CanonicalPaymentSchema",
        "CardSchema",
        "CountryCodeSchema",
        "CurrencyCodeSchema",
        "CustomFieldMappingError",
        "DEAD_LETTER_REASONS",
        "FRAUD_RECOMMENDATIONS",
        "GatewayReferencesSchema",
        "ISO_4217_MINOR_UNITS",
        "ISSUE_CODES",
        "InvalidArgumentError",
        "InvoiceNumberSchema",
        "MinorUnitsSchema",
        "MoneySchema",
        "OpayoKashflowError",
        "PAYMENT_KINDS",
        "PAYMENT_PROTOCOLS",
        "PAYMENT_STATUSES",
        "PaymentSourceSchema",
        "PostingRulesError",
        "PostingRulesSchema",
        "RateRecordSchema",
        "RiskSchema",
        "SKIP_REASONS",
        "THREE_D_SECURE_STATUSES",
        "VENDOR_TX_CODE_PATTERN",
        "add",
        "allocate",
        "applyCustomFieldMappings",
        "canonicalPaymentId",
        "compare",
        "convert",
        "countryName",
        "createReferenceParser",
        "customFieldPresets",
        "defineCustomFieldMappings",
        "definePostingRules",
        "err",
        "findPostingMarker",
        "fitAddressLines",
        "format",
        "formatUkPostcode",
        "fromKashflowExchangeRate",
        "invertRate",
        "isCurrencyCode",
        "isOpayoKashflowError",
        "isZero",
        "issue",
        "londonDate",
        "minorUnitExponent",
        "money",
        "negate",
        "normaliseTransactionId",
        "ok",
        "parseAmount",
        "parseCanonicalPayment",
        "planPostings",
        "postingMarker",
        "renderVendorTxCode",
        "resolveCountry",
        "standardiseAddress",
        "staticRateProvider",
        "subtract",
        "toDecimalString",
        "toInvoiceNumber",
        "toKashflowExchangeRate",
        "toLatin1",
        "toMajorUnitsNumber",
      ]
    `)
  })
})
