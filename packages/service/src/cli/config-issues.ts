// The config file's validation problems in words: zod's issues turned into sentences that name
// the key and say what it takes, instead of zod's own texts ("Invalid input: expected number").
import type { z } from 'zod'

/** A value from the file, shown short and on one line. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 40)}...` : text
}

/** What a JSON value is, as a person would say it. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return `${typeof value === 'number' ? 'the number' : typeof value === 'string' ? 'the text' : typeof value} ${shown(value)}`
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
}

/**
 * The zod error map the config file is parsed with: each issue in words (what the key takes, and
 * what the file has). Messages a schema sets itself are kept; this only replaces zod's defaults.
 * @example const parseOptions = { error: configIssueMessage } // what loadConfig passes to safeParse
 */
export function configIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (${EXPECTED[issue.expected] ?? issue.expected})`
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`
    case 'too_small':
      return issue.origin === 'string'
        ? 'must not be empty'
        : issue.origin === 'array'
          ? `must list at least ${String(issue.minimum)}`
          : `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`
    case 'too_big':
      return issue.origin === 'array'
        ? `must list at most ${String(issue.maximum)}`
        : `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`
    case 'unrecognized_keys':
      return `has no setting ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; unknown keys are refused)`
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => shown(v)).join(', ')}, not ${kindOf(issue.input)}`
    case 'invalid_format':
      return issue.format === 'url'
        ? `must be a URL such as https://example.com, not ${kindOf(issue.input)}`
        : `must be ${issue.format} text, not ${kindOf(issue.input)}`
    case 'invalid_union':
      return `is not one of the shapes this key takes (got ${kindOf(issue.input)})`
    default:
      return undefined
  }
}
