import { describe, expect, it } from 'vitest'
import {
  InvalidArgumentError,
  createReferenceParser,
  renderVendorTxCode,
  toInvoiceNumber,
} from '../src/index.js'

describe('createReferenceParser()', () => {
  it('extracts the invoice number with a template', () => {
    const parser = createReferenceParser(['INV-{invoice}-{*}'])
    expect(parser.parse('INV-1042-2')).toEqual({ ok: true, value: 1042 })
    expect(parser.parse('INV-1042-2026-11-02-101500')).toEqual({ ok: true, value: 1042 })
  })

  it('understands the VendorTxCode conventions of omnipay users and activemerchant', () => {
    const parser = createReferenceParser([
      '{invoice}-{store}-{*}', // omnipay users: {order}-{store}-{yymmddHHMMSS}
      /^order-(?<invoice>\d+)-\d{5}$/, // activemerchant
    ])
    expect(parser.parse('9582-108-191122012240')).toEqual({ ok: true, value: 9582 })
    expect(parser.parse('order-500-04217')).toEqual({ ok: true, value: 500 })
  })

  it('tries patterns in order; the first match wins', () => {
    const parser = createReferenceParser([/^A(?<invoice>\d+)/, /^(?<invoice>\d+)$/])
    expect(parser.parse('A12')).toEqual({ ok: true, value: 12 })
    expect(parser.parse('34')).toEqual({ ok: true, value: 34 })
  })

  it('uses a pattern transform', () => {
    const parser = createReferenceParser([
      { pattern: /^WEB(?<invoice>\d+)$/, transform: (captured) => Number(captured) - 100000 },
    ])
    expect(parser.parse('WEB101042')).toEqual({ ok: true, value: 1042 })
  })

  it('reports a reference that matches nothing, naming the patterns tried', () => {
    const result = createReferenceParser(['INV-{invoice}-{*}']).parse('demotransaction-100092813')
    expect(result).toMatchObject({
      ok: false,
      issues: [{ code: 'reference_not_matched', path: ['vendorTxCode'] }],
    })
    if (!result.ok) expect(result.issues[0]?.message).toContain('demotransaction-100092813')
  })

  it('reports a capture that is not a positive invoice number', () => {
    const parser = createReferenceParser([/^X(?<invoice>\d+)$/])
    expect(parser.parse('X0')).toMatchObject({
      ok: false,
      issues: [{ code: 'invalid_invoice_number' }],
    })
    expect(parser.parse('X99999999999999999999')).toMatchObject({
      ok: false,
      issues: [{ code: 'invalid_invoice_number' }],
    })
  })

  it('rejects patterns without an invoice capture', () => {
    expect(() => createReferenceParser(['ORDER-{id}'])).toThrow(InvalidArgumentError)
    expect(() => createReferenceParser([/^(\d+)$/])).toThrow(InvalidArgumentError)
    expect(() => createReferenceParser(['{invoice}-{invoice}'])).toThrow(InvalidArgumentError)
    expect(() => createReferenceParser([])).toThrow(InvalidArgumentError)
  })

  it('treats template punctuation literally', () => {
    const parser = createReferenceParser(['INV.{invoice}+x'])
    expect(parser.parse('INV.5+x')).toEqual({ ok: true, value: 5 })
    expect(parser.parse('INVx5+x').ok).toBe(false)
  })
})

describe('toInvoiceNumber()', () => {
  it('accepts positive integers only', () => {
    expect(toInvoiceNumber('00123')).toBe(123)
    expect(toInvoiceNumber(7)).toBe(7)
    expect(toInvoiceNumber('1.5')).toBeUndefined()
    expect(toInvoiceNumber(0)).toBeUndefined()
    expect(toInvoiceNumber('-3')).toBeUndefined()
  })
})

describe('renderVendorTxCode()', () => {
  it('renders a code that satisfies Opayo', () => {
    expect(renderVendorTxCode('INV-{invoice}-{attempt}', { invoice: 1042, attempt: 2 })).toEqual({
      ok: true,
      value: 'INV-1042-2',
    })
    expect(renderVendorTxCode('INV-{invoice}{*}', { invoice: 7 })).toEqual({
      ok: true,
      value: 'INV-7',
    })
  })

  it('reports a missing value', () => {
    expect(renderVendorTxCode('INV-{invoice}-{attempt}', { invoice: 1 })).toMatchObject({
      ok: false,
      issues: [{ code: 'missing_template_value', path: ['attempt'] }],
    })
  })

  it('reports codes Opayo would refuse: too long, or characters outside [A-Za-z0-9-._{}]', () => {
    expect(renderVendorTxCode('{invoice}-{x}', { invoice: 1, x: 'y'.repeat(40) })).toMatchObject({
      ok: false,
      issues: [{ code: 'invalid_vendor_tx_code' }],
    })
    expect(renderVendorTxCode('{invoice};{x}', { invoice: 28, x: 24 })).toMatchObject({
      ok: false,
      issues: [{ code: 'invalid_vendor_tx_code' }],
    })
  })
})
