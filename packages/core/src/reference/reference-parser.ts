import { z } from 'zod'
import { InvalidArgumentError } from '../errors/opayo-kashflow-error.js'
import { issue } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'

/** A KashFlow invoice number: a positive integer (not the invoice's internal `Id`). */
export const InvoiceNumberSchema = z.number().int().positive().brand<'InvoiceNumber'>()
export type InvoiceNumber = z.output<typeof InvoiceNumberSchema>

/**
 * The invoice number from text, or undefined when it is not a positive integer that fits.
 * @example toInvoiceNumber('00123') // 123
 */
export function toInvoiceNumber(value: string | number): InvoiceNumber | undefined {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN
  return Number.isSafeInteger(n) && n > 0 ? (n as InvoiceNumber) : undefined
}

/**
 * How to find the invoice number in a vendorTxCode:
 * - a template such as `INV-{invoice}-{*}`: `{invoice}` is digits, `{*}` is anything (maybe
 *   nothing), `{name}` is one or more characters other than `-`, `_` and `.`; the rest is literal;
 * - a RegExp with a named group `invoice`;
 * - either, with a `transform` that turns the captured text into the number (e.g. strip a prefix).
 */
export type ReferencePattern =
  | string
  | RegExp
  | {
      readonly pattern: string | RegExp
      readonly transform?: (captured: string) => number | undefined
    }

/** Parses vendorTxCodes into invoice numbers; the first matching pattern wins. */
export interface ReferenceParser {
  parse(vendorTxCode: string): Result<InvoiceNumber>
  /** The patterns, as regular expressions, in the order tried. */
  readonly patterns: readonly RegExp[]
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*|\*)\}/g

/** @internal Compiles a template to an anchored RegExp with named groups. */
export function compileTemplate(template: string): RegExp {
  let source = ''
  let last = 0
  let hasInvoice = false
  for (const match of template.matchAll(PLACEHOLDER)) {
    source += escape(template.slice(last, match.index))
    const name = match[1] ?? ''
    if (name === '*') source += '.*?'
    else if (name === 'invoice') {
      if (hasInvoice) throw new InvalidArgumentError(`Template "${template}" has {invoice} twice.`)
      hasInvoice = true
      source += '(?<invoice>\\d+)'
    } else source += `(?<${name}>[^-_.]+?)`
    last = (match.index ?? 0) + match[0].length
  }
  source += escape(template.slice(last))
  if (!hasInvoice) {
    throw new InvalidArgumentError(`Template "${template}" has no {invoice} placeholder.`)
  }
  return new RegExp(`^${source}$`)
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Builds a parser from patterns tried in order.
 * @throws {InvalidArgumentError} when a template has no `{invoice}`, or a RegExp no `invoice` group.
 * @example
 * const parser = createReferenceParser(['INV-{invoice}-{*}', /^(?<invoice>\d+)$/])
 * parser.parse('INV-1042-2') // { ok: true, value: 1042 }
 */
export function createReferenceParser(patterns: readonly ReferencePattern[]): ReferenceParser {
  if (patterns.length === 0) {
    throw new InvalidArgumentError('createReferenceParser(): give at least one pattern.')
  }
  const compiled = patterns.map((p) => {
    const spec = typeof p === 'string' || p instanceof RegExp ? { pattern: p } : p
    const regex = typeof spec.pattern === 'string' ? compileTemplate(spec.pattern) : spec.pattern
    if (!/\(\?<invoice>/.test(regex.source)) {
      throw new InvalidArgumentError(
        `createReferenceParser(): ${String(regex)} has no named group "invoice".`,
      )
    }
    return { regex, transform: 'transform' in spec ? spec.transform : undefined }
  })
  return {
    patterns: compiled.map((c) => c.regex),
    parse(vendorTxCode) {
      for (const { regex, transform } of compiled) {
        const captured = regex.exec(vendorTxCode)?.groups?.['invoice']
        if (captured === undefined) continue
        const value = transform ? transform(captured) : toInvoiceNumber(captured)
        const invoice = value === undefined ? undefined : toInvoiceNumber(value)
        if (invoice === undefined) {
          return err([
            issue(
              'invalid_invoice_number',
              ['vendorTxCode'],
              `"${vendorTxCode}" matched ${String(regex)} but "${captured}" is not a positive integer invoice number.`,
            ),
          ])
        }
        return ok(invoice)
      }
      return err([
        issue(
          'reference_not_matched',
          ['vendorTxCode'],
          `"${vendorTxCode}" matches none of the invoice patterns (${compiled.map((c) => String(c.regex)).join(', ')}).`,
        ),
      ])
    },
  }
}

/**
 * Opayo's VendorTxCode rule: 1-40 characters of letters, digits, `-._{}` (Elavon's transaction
 * registration reference, developer-eu.elavon.com/docs/opayo-direct/api-reference).
 */
export const VENDOR_TX_CODE_PATTERN = /^[A-Za-z0-9\-._{}]{1,40}$/

/**
 * Renders a vendorTxCode from a template: `{invoice}` and `{name}` take `values[name]`, `{*}`
 * takes `values['*']` or nothing. The result must satisfy Opayo's rules.
 * @example renderVendorTxCode('INV-{invoice}-{attempt}', { invoice: 1042, attempt: 2 }) // ok('INV-1042-2')
 */
export function renderVendorTxCode(
  template: string,
  values: Readonly<Record<string, string | number>>,
): Result<string> {
  const missing: string[] = []
  const rendered = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name]
    if (value === undefined) {
      if (name !== '*') missing.push(name)
      return ''
    }
    return String(value)
  })
  if (missing.length > 0) {
    return err(
      missing.map((name) =>
        issue(
          'missing_template_value',
          [name],
          `Template "${template}" needs a value for {${name}}.`,
        ),
      ),
    )
  }
  if (!VENDOR_TX_CODE_PATTERN.test(rendered)) {
    return err([
      issue(
        'invalid_vendor_tx_code',
        ['vendorTxCode'],
        `"${rendered}" is not a valid VendorTxCode: Opayo allows 1-40 characters of letters, digits, "-", ".", "_", "{" and "}".`,
      ),
    ])
  }
  return ok(rendered)
}
