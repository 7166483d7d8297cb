// One sentence for a dead letter, from its stored reason, detail and last error: shared by the
// status page and the CLI's `dead-letters list/show`.
import type { EventRecord } from '@opayo-kashflow/sync'
import { explainMatching } from './explain-matching.js'

interface StoredIssue {
  readonly code?: string
  readonly message?: string
  readonly path?: readonly (string | number)[]
}

// zod's messages open with a category ("Invalid input: expected string, received undefined");
// the field name and our own words say that better.
const ZOD_PREFIX =
  /^(Invalid input|Invalid option|Invalid value|Too big|Too small|Invalid string|Invalid format)\s*:\s*/i

/** One issue in words: which field, and what is wrong with it. */
function describeIssue(issue: StoredIssue): string {
  const field = issue.path?.length ? issue.path.join('.') : 'the payment'
  const detail = (issue.message ?? '').replace(ZOD_PREFIX, '').replace(/\.$/, '')
  if (issue.code === 'missing_value') return `${field} is missing`
  if (issue.code === 'invalid_type') return `${field} is not valid (${detail})`
  return issue.path?.length ? `${field}: ${detail}` : detail
}

/**
 * One sentence for a dead letter: what went wrong, in words a person can act on.
 * @example
 * for (const event of await engine.deadLetters.list({ limit: 100 })) console.log(event.id, explain(event))
 * // opayo:…:payment The payment as stored is not valid, so nothing was posted: amount.currency is missing.
 */
export function explain(event: EventRecord): string {
  const matching = explainMatching(event)
  const sentence = explainStored(event)
  return matching ? `${sentence} ${matching}`.trim() : sentence
}

function explainStored(event: EventRecord): string {
  const detail = event.detail as
    | {
        issues?: StoredIssue[]
        invoiceNumber?: number
        reference?: string
        error?: { message?: string }
        reason?: string
      }
    | undefined
  if (detail?.issues?.length) {
    const issues = detail.issues.map(describeIssue).join('; ')
    return event.reason === 'invalid_payment'
      ? `The payment as stored is not valid, so nothing was posted: ${issues}.`
      : `${issues}.`
  }
  if (detail?.invoiceNumber !== undefined)
    return `Invoice ${detail.invoiceNumber} (from "${detail.reference ?? ''}") never appeared in KashFlow.`
  if (event.reason === 'unconfirmed' && detail?.reason)
    return `Opayo did not confirm this claim: ${detail.reason} Nothing was posted.`
  return event.lastError?.message ?? detail?.error?.message ?? ''
}
