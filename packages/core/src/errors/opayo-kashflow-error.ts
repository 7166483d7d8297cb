import type { Issue } from '../result/issue.js'

const BRAND = Symbol.for('@opayo-kashflow/error')

/**
 * The base of every operational error the opayo-kashflow packages throw. Each subclass has a
 * literal `name` and a stable `code`; switch on `code`, not on the message.
 */
export class OpayoKashflowError extends Error {
  override readonly name: string = 'OpayoKashflowError'
  /** Stable, machine-readable code (for example `kashflow_rate_limited`). */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    // A registry symbol marks instances so a second copy of the package recognises them
    // (see isOpayoKashflowError); non-enumerable so it stays out of JSON and logs.
    Object.defineProperty(this, BRAND, { value: true, enumerable: false })
  }
}

/**
 * True for any error thrown by opayo-kashflow, also when it comes from a second copy of the
 * package (two versions in one node_modules), where `instanceof` fails.
 * @example if (isOpayoKashflowError(error) && error.code === 'custom_field_mapping_invalid') console.error(error.message)
 */
export function isOpayoKashflowError(value: unknown): value is OpayoKashflowError {
  if (value instanceof OpayoKashflowError) return true
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as { name?: unknown; code?: unknown }
  return (
    (value as Record<symbol, unknown>)[BRAND] === true &&
    typeof candidate.name === 'string' &&
    typeof candidate.code === 'string' &&
    value instanceof Error
  )
}

/** A function in core was called with an argument it cannot use (a programming error, not data). */
export class InvalidArgumentError extends OpayoKashflowError {
  override readonly name = 'InvalidArgumentError' as const

  constructor(message: string) {
    super('invalid_argument', message)
  }
}

/**
 * `defineCustomFieldMappings` found problems in a mapping set. `issues` lists every one of them,
 * not only the first.
 */
export class CustomFieldMappingError extends OpayoKashflowError {
  override readonly name = 'CustomFieldMappingError' as const
  readonly issues: readonly Issue[]

  constructor(issues: readonly Issue[]) {
    super(
      'custom_field_mapping_invalid',
      `Custom-field mappings are invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `- [${i.path.join('.')}] ${i.message}`).join('\n'),
    )
    this.issues = issues
  }
}

/** `definePostingRules` found problems in a rule set; `issues` lists each. */
export class PostingRulesError extends OpayoKashflowError {
  override readonly name = 'PostingRulesError' as const
  readonly issues: readonly Issue[]

  constructor(issues: readonly Issue[]) {
    super(
      'posting_rules_invalid',
      `Posting rules are invalid:\n` +
        issues.map((i) => `- [${i.path.join('.')}] ${i.message}`).join('\n'),
    )
    this.issues = issues
  }
}
