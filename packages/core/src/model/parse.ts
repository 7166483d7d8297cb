import type { z } from 'zod'
import { issue } from '../result/issue.js'
import type { Issue, IssueCode } from '../result/issue.js'
import { err, ok } from '../result/result.js'
import type { Result } from '../result/result.js'
import { CanonicalPaymentSchema } from './canonical-payment.js'
import type { CanonicalPayment } from './canonical-payment.js'

/** Maps zod's issues onto core's closed {@link IssueCode} union. */
export function issuesFromZod(error: z.ZodError): Issue[] {
  return error.issues.map((zi) => {
    const missing = zi.code === 'invalid_type' && /received undefined/.test(zi.message)
    const code: IssueCode = missing ? 'missing_value' : 'invalid_type'
    return issue(
      code,
      zi.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      zi.message,
    )
  })
}

/**
 * Validates unknown data as a {@link CanonicalPayment} (for payments read back from a store or
 * built by hand), returning issues instead of throwing.
 */
export function parseCanonicalPayment(input: unknown): Result<CanonicalPayment> {
  const parsed = CanonicalPaymentSchema.safeParse(input)
  return parsed.success ? ok(parsed.data) : err(issuesFromZod(parsed.error))
}
