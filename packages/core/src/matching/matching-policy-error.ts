import { OpayoKashflowError } from '../errors/opayo-kashflow-error.js'
import type { Issue } from '../result/issue.js'

/**
 * A matching policy does not fit {@link MatchingPolicySchema} (a `minScore` outside 1-100,
 * `requireUnique` other than `true`, an unknown key). `issues` lists every problem.
 * @example
 * try { defineMatchingPolicy({ autoPost: { minScore: 0, requireUnique: true } }) }
 * catch (e) { if (e instanceof MatchingPolicyError) console.error(e.issues) }
 */
export class MatchingPolicyError extends OpayoKashflowError {
  override readonly name = 'MatchingPolicyError' as const
  readonly issues: readonly Issue[]

  constructor(issues: readonly Issue[]) {
    super(
      'matching_policy_invalid',
      `The matching policy is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `- [${i.path.join('.')}] ${i.message}`).join('\n'),
    )
    this.issues = issues
  }
}
