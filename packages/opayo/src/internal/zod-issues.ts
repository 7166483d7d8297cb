import { issue } from '@opayo-kashflow/core'
import type { Issue } from '@opayo-kashflow/core'
import type { z } from 'zod'

/** zod issues as core Issues (the closed union: missing_value or invalid_type). */
export function issuesFromZod(
  error: z.ZodError,
  prefix: readonly (string | number)[] = [],
): Issue[] {
  return error.issues.map((zi) =>
    issue(
      zi.code === 'invalid_type' && /received undefined/.test(zi.message)
        ? 'missing_value'
        : 'invalid_type',
      [...prefix, ...zi.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      zi.message,
    ),
  )
}
