// What matching left in a dead letter (the ranked candidates and their reasons), in words: the
// status page, `dead-letters list` (one sentence) and `dead-letters show` (every reason) read it.
import type { EventRecord } from '@opayo-kashflow/sync'

interface StoredCandidate {
  readonly invoiceNumber?: number
  readonly score?: number
  readonly reasons?: readonly { readonly weight?: number; readonly message?: string }[]
}

interface StoredMatching {
  readonly query?: string
  readonly message?: string
  readonly candidates?: readonly StoredCandidate[]
}

/** The matching part of a dead letter's detail, when matching ran. */
function matchingOf(event: EventRecord): StoredMatching | undefined {
  const matching = (event.detail as { matching?: StoredMatching } | null | undefined)?.matching
  return matching && typeof matching === 'object' ? matching : undefined
}

/**
 * One sentence on the candidates, or '' when matching did not run:
 * "Candidates: invoice 1042 (score 100), invoice 1051 (score 55); matching left it to a person
 * (...). Resolve with opayo-kashflow dead-letters resolve ID --invoice N --reason R."
 * @example explainMatching(event) // 'Candidates: invoice 1051 (score 45), invoice 1060 (score 45); ...'
 */
export function explainMatching(event: EventRecord): string {
  const matching = matchingOf(event)
  if (!matching) return ''
  const candidates = matching.candidates ?? []
  const listed = candidates.length
    ? `Candidates: ${candidates.map((c) => `invoice ${c.invoiceNumber ?? '?'} (score ${c.score ?? 0})`).join(', ')}`
    : `No open invoice could be compared (${matching.query ?? 'nothing read'})`
  return `${listed}; ${matching.message ?? 'left to a person'}. Resolve with opayo-kashflow dead-letters resolve ${event.id} --invoice N --reason R.`
}

/**
 * Every candidate with every reason and its points, for `dead-letters show`: empty when
 * matching did not run.
 * @example matchingLines(event) // ['candidates (the open invoices of customer jane@example.com):', '  1042 score 100', '    +40 amount due equals payment (£120.00)', ...]
 */
export function matchingLines(event: EventRecord): string[] {
  const matching = matchingOf(event)
  if (!matching) return []
  return [
    `candidates (${matching.query ?? ''}): ${matching.message ?? ''}`,
    ...(matching.candidates ?? []).flatMap((c) => [
      `  ${c.invoiceNumber ?? '?'} score ${c.score ?? 0}`,
      ...(c.reasons ?? []).map((r) => `    +${r.weight ?? 0} ${r.message ?? ''}`),
    ]),
  ]
}
