import { z } from 'zod'
import { assertArray } from './normalise.js'
import { issuesFromZod } from '../model/parse.js'
import type { InvoiceNumber } from '../reference/reference-parser.js'
import type { InvoiceCandidate } from './invoice-candidate.js'
import { MATCH_REASON_WEIGHTS } from './invoice-candidate.js'
import { MatchingPolicyError } from './matching-policy-error.js'

/**
 * When a payment whose reference failed may be posted to a matched invoice without a person:
 * the `matching` section of the configuration. Plain data. With no `autoPost` (the default),
 * nothing is ever posted by matching: every candidate list goes to a person.
 * @example MatchingPolicySchema.parse({ autoPost: { minScore: 80, requireUnique: true } })
 */
export const MatchingPolicySchema = z.strictObject({
  /**
   * Post automatically when exactly one candidate scores `minScore` or more. @default undefined
   * (never auto-post)
   */
  autoPost: z
    .strictObject({
      /**
       * The score (1-100) a candidate must reach. Above 60 only a candidate whose amount due
       * equals the payment can reach it; 74 or more also needs the same currency and a matching
       * email (see docs/matching.md).
       */
      minScore: z.number().min(1).max(100),
      /** Only `true`: with two candidates above the bar, a person decides. */
      requireUnique: z.literal(true),
    })
    .optional(),
})
/** A validated matching policy. */
export type MatchingPolicy = z.output<typeof MatchingPolicySchema>
/** A matching policy as a user writes it. */
export type MatchingPolicyInput = z.input<typeof MatchingPolicySchema>

/**
 * Validates a matching policy.
 * @param input the `matching` section; omit it for the default (never auto-post).
 * @throws {MatchingPolicyError} listing every problem.
 * @example defineMatchingPolicy({ autoPost: { minScore: 80, requireUnique: true } })
 */
export function defineMatchingPolicy(input: MatchingPolicyInput = {}): MatchingPolicy {
  const parsed = MatchingPolicySchema.safeParse(input)
  if (!parsed.success) throw new MatchingPolicyError(issuesFromZod(parsed.error))
  return parsed.data
}

/**
 * Why a match goes to a person:
 * - `auto_post_disabled`: the policy has no `autoPost` (the default);
 * - `no_candidates`: no open invoice with money due could be compared;
 * - `below_min_score`: no candidate reached `minScore`;
 * - `not_unique`: two or more candidates reached it;
 * - `amount_due_unknown`: a candidate whose amount due could not be told could reach `minScore`
 *   if its amount matched, so no candidate can be known to be the only one.
 */
export type MatchReviewReason =
  'auto_post_disabled' | 'no_candidates' | 'below_min_score' | 'not_unique' | 'amount_due_unknown'

/** What to do with a payment after ranking: post it to one invoice, or leave it to a person. */
export type MatchDecision =
  | {
      readonly action: 'post'
      readonly invoiceNumber: InvoiceNumber
      /** The one candidate that reached the bar, with its reasons (for the ledger and the log). */
      readonly candidate: InvoiceCandidate
      readonly message: string
    }
  | {
      readonly action: 'review'
      /** Every candidate as ranked, for the dead letter a person reads. */
      readonly candidates: readonly InvoiceCandidate[]
      readonly reason: MatchReviewReason
      readonly message: string
    }

/** Money is owed on the candidate's invoice, and the caller could tell how much. */
function owes(candidate: InvoiceCandidate): boolean {
  const due: unknown = (candidate.invoice as { amountDue?: unknown } | undefined)?.amountDue
  return typeof due === 'number' && due > 0
}

function unknownDue(candidate: InvoiceCandidate): boolean {
  return (candidate.invoice as { amountDue?: unknown } | undefined)?.amountDue === 'unknown'
}

/**
 * Applies a matching policy to ranked candidates: `post` only when the policy has `autoPost` and
 * exactly one candidate scores `minScore` or more; otherwise `review`, with every candidate and
 * the reason. Only a candidate whose invoice has money due (`amountDue` above 0) is ever posted
 * to: one with nothing due is ignored, and while a candidate whose amount due is `'unknown'`
 * could reach `minScore` with the amount points it might have earned, nothing is posted
 * (`amount_due_unknown`). The order of `candidates` does not matter.
 * @throws {MatchingPolicyError} when `policy` does not fit {@link MatchingPolicySchema}.
 * @throws {InvalidArgumentError} when `candidates` is not an array.
 * @example
 * const invoices = [{ number: 1042, currency: 'GBP', amountDue: 12000, customerEmail: 'jane@example.com', issueDate: '2026-10-20' }] as const
 * const decision = decideMatch(
 *   rankInvoiceCandidates(payment, invoices).candidates,
 *   defineMatchingPolicy({ autoPost: { minScore: 80, requireUnique: true } }),
 * )
 * if (decision.action === 'post') console.log(`post to invoice ${decision.invoiceNumber}`)
 */
export function decideMatch(
  candidates: readonly InvoiceCandidate[],
  policy: MatchingPolicyInput,
): MatchDecision {
  const { autoPost } = defineMatchingPolicy(policy)
  assertArray(
    candidates,
    'decideMatch()',
    'candidates must be the array rankInvoiceCandidates returned',
  )
  const review = (reason: MatchReviewReason, message: string): MatchDecision => ({
    action: 'review',
    candidates,
    reason,
    message,
  })
  if (autoPost === undefined) {
    return review(
      'auto_post_disabled',
      'matching.autoPost is not set: a person chooses the invoice',
    )
  }
  const payable = candidates.filter(owes)
  const unknown = candidates.filter(unknownDue)
  if (payable.length === 0 && unknown.length === 0) {
    return review(
      'no_candidates',
      'no open invoice with money due could be compared with the payment',
    )
  }
  const cleared = payable.filter((c) => c.score >= autoPost.minScore)
  const [only, second] = cleared
  // The amount is the heaviest reason an unknown amount due may have hidden.
  const couldClear = unknown.filter(
    (c) => c.score + MATCH_REASON_WEIGHTS.amount_due_equals_payment >= autoPost.minScore,
  )
  if (second === undefined && couldClear.length > 0) {
    return review(
      'amount_due_unknown',
      `what is owed on invoice${couldClear.length === 1 ? '' : 's'} ${couldClear
        .map((c) => c.invoiceNumber)
        .sort((a, b) => a - b)
        .join(
          ', ',
        )} could not be told, and with the amount ${couldClear.length === 1 ? 'it' : 'they'} could reach minScore ${autoPost.minScore}: a person chooses`,
    )
  }
  if (only === undefined) {
    const best = Math.max(...[...payable, ...unknown].map((c) => c.score))
    return review(
      'below_min_score',
      `no candidate reaches minScore ${autoPost.minScore} (best score ${best})`,
    )
  }
  if (second !== undefined) {
    return review(
      'not_unique',
      `${cleared.length} candidates reach minScore ${autoPost.minScore} (invoices ${cleared
        .map((c) => c.invoiceNumber)
        .sort((a, b) => a - b)
        .join(', ')}): a person chooses`,
    )
  }
  return {
    action: 'post',
    invoiceNumber: only.invoiceNumber,
    candidate: only,
    message: `invoice ${only.invoiceNumber} is the only candidate to reach minScore ${autoPost.minScore} (score ${only.score})`,
  }
}
