import { CustomFieldMappingError } from '../errors/opayo-kashflow-error.js'
import type { CanonicalPayment } from '../model/canonical-payment.js'
import { issue } from '../result/issue.js'
import type { Issue } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { isPaymentPath, readPath } from './payment-paths.js'
import type { PaymentPath } from './payment-paths.js'

/** A value written into one KashFlow custom field. */
export type CustomField =
  | { readonly kind: 'text'; readonly name: string; readonly value: string }
  | { readonly kind: 'checkbox'; readonly name: string; readonly value: boolean }

/** Where a field lands: the KashFlow customer, or the invoice (written into the payment note). */
export type CustomFieldTarget = 'customer' | 'invoice'

/**
 * One declarative custom-field mapping.
 * - `from`: a path into CanonicalPayment (`'risk.fraud.score'`) or a function of the payment.
 * - `transform`: turns the read value into the field's value (a string for text, a boolean for a
 *   checkbox); return undefined to leave the field unwritten.
 * - `when`: write the field only when this returns true.
 * - `maxLength`: text fields longer than this are an issue (never silently cut).
 */
export interface CustomFieldMapping {
  readonly target: CustomFieldTarget
  readonly kind: 'text' | 'checkbox'
  /** The field's configured `Name` in KashFlow. */
  readonly name: string
  readonly from: PaymentPath | ((payment: CanonicalPayment) => unknown)
  readonly transform?: (value: unknown, payment: CanonicalPayment) => unknown
  readonly when?: (payment: CanonicalPayment) => boolean
  readonly maxLength?: number
}

declare const validated: unique symbol

/** A mapping set that {@link defineCustomFieldMappings} has checked. */
export type CustomFieldMappings = readonly CustomFieldMapping[] & { readonly [validated]: true }

/**
 * Checks a whole mapping set up front: names present, no two mappings writing the same field,
 * paths that exist on CanonicalPayment, `maxLength` only on text fields.
 * @throws {CustomFieldMappingError} listing every problem found.
 * @example
 * const mappings = defineCustomFieldMappings([
 *   { target: 'invoice', kind: 'text', name: 'Fraud score', from: 'risk.fraud.score' },
 * ])
 */
export function defineCustomFieldMappings(
  mappings: readonly CustomFieldMapping[],
): CustomFieldMappings {
  const issues: Issue[] = []
  const seen = new Map<string, number>()
  mappings.forEach((mapping, index) => {
    const at = (field: string) => [index, field]
    if (mapping.target !== 'customer' && mapping.target !== 'invoice') {
      issues.push(
        issue(
          'invalid_custom_field_mapping',
          at('target'),
          `target must be "customer" or "invoice".`,
        ),
      )
    }
    if (mapping.kind !== 'text' && mapping.kind !== 'checkbox') {
      issues.push(
        issue('invalid_custom_field_mapping', at('kind'), `kind must be "text" or "checkbox".`),
      )
    }
    if (typeof mapping.name !== 'string' || mapping.name.trim() === '') {
      issues.push(issue('invalid_custom_field_mapping', at('name'), 'name must not be empty.'))
    } else {
      const key = `${mapping.target}:${mapping.name.trim().toLowerCase()}`
      const first = seen.get(key)
      if (first === undefined) seen.set(key, index)
      else {
        issues.push(
          issue(
            'duplicate_custom_field',
            at('name'),
            `${mapping.target} field "${mapping.name}" is already written by mapping ${first}.`,
          ),
        )
      }
    }
    if (typeof mapping.from === 'string') {
      if (!isPaymentPath(mapping.from)) {
        issues.push(
          issue(
            'unknown_source_path',
            at('from'),
            `"${String(mapping.from)}" is not a field of CanonicalPayment.`,
          ),
        )
      }
    } else if (typeof mapping.from !== 'function') {
      issues.push(
        issue('invalid_custom_field_mapping', at('from'), 'from must be a path or a function.'),
      )
    }
    if (mapping.maxLength !== undefined) {
      if (mapping.kind !== 'text') {
        issues.push(
          issue('invalid_custom_field_mapping', at('maxLength'), 'maxLength applies to text only.'),
        )
      } else if (!Number.isInteger(mapping.maxLength) || mapping.maxLength < 1) {
        issues.push(
          issue('invalid_custom_field_mapping', at('maxLength'), 'maxLength must be 1 or more.'),
        )
      }
    }
  })
  if (issues.length > 0) throw new CustomFieldMappingError(issues)
  return Object.freeze([...mappings]) as unknown as CustomFieldMappings
}

/**
 * Applies mappings to a payment. Pure: the same payment gives the same fields. Values that do not
 * fit their kind or length are issues; a mapping whose source is absent writes nothing.
 * @example
 * const mappings = defineCustomFieldMappings([{ target: 'invoice', kind: 'text', name: 'Fraud score', from: 'risk.fraud.score' }])
 * applyCustomFieldMappings(mappings, payment) // ok({ customer: [], invoice: [{ kind: 'text', name: 'Fraud score', value: '37' }] })
 */
export function applyCustomFieldMappings(
  mappings: CustomFieldMappings,
  payment: CanonicalPayment,
): Result<{ customer: CustomField[]; invoice: CustomField[] }> {
  const customer: CustomField[] = []
  const invoice: CustomField[] = []
  const issues: Issue[] = []
  mappings.forEach((mapping, index) => {
    const path = [index, mapping.name]
    let value: unknown
    try {
      if (mapping.when && !mapping.when(payment)) return
      value =
        typeof mapping.from === 'string' ? readPath(payment, mapping.from) : mapping.from(payment)
      if (mapping.transform && value !== undefined) value = mapping.transform(value, payment)
    } catch (cause) {
      issues.push(
        issue(
          'invalid_custom_field_value',
          path,
          `Mapping for "${mapping.name}" threw: ${cause instanceof Error ? cause.message : String(cause)}`,
        ),
      )
      return
    }
    if (value === undefined || value === null) return
    const field = toField(mapping, value)
    if (!field.ok) {
      issues.push(...field.issues.map((i) => ({ ...i, path })))
      return
    }
    ;(mapping.target === 'customer' ? customer : invoice).push(field.value)
  })
  return issues.length > 0 ? err(issues) : ok({ customer, invoice })
}

function toField(mapping: CustomFieldMapping, value: unknown): Result<CustomField> {
  if (mapping.kind === 'checkbox') {
    if (typeof value === 'boolean') return ok({ kind: 'checkbox', name: mapping.name, value })
    return err([
      issue(
        'invalid_custom_field_value',
        [],
        `Checkbox "${mapping.name}" needs a boolean, got ${JSON.stringify(value)}; add a transform.`,
      ),
    ])
  }
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value)
  else if (typeof value === 'boolean') text = value ? 'Yes' : 'No'
  else {
    return err([
      issue(
        'invalid_custom_field_value',
        [],
        `Text field "${mapping.name}" cannot hold ${JSON.stringify(value)}; add a transform.`,
      ),
    ])
  }
  if (mapping.maxLength !== undefined && text.length > mapping.maxLength) {
    return err([
      issue(
        'invalid_custom_field_value',
        [],
        `Text field "${mapping.name}" allows ${mapping.maxLength} characters, got ${text.length}.`,
      ),
    ])
  }
  return ok({ kind: 'text', name: mapping.name, value: text })
}
