// What matching left in a dead letter (the ranked candidates and their reasons), in words: the
// status page, `dead-letters list` (one sentence) and `dead-letters show` (every reason) read it.
import type { EventRecord, LedgerEntry } from '@opayo-kashflow/sync'

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
 * @example
 * const [event] = await engine.deadLetters.list({ limit: 1 })
 * if (event) explainMatching(event) // 'Candidates: invoice 1051 (score 45), invoice 1060 (score 45); ...'
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
 * @example
 * const event = await store.get('opayo:D0000001-1A2B-4C3D-8E4F-000000000001:payment')
 * if (event) matchingLines(event) // ['candidates (the open invoices of customer jane@example.com):', '  1042 score 100', '    +40 amount due equals payment (£120.00)', ...]
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

/**
 * The resolutions a person recorded for an event (ledger entries of kind `resolution`), oldest
 * first: who chose which invoice, when and why.
 * @example
 * const ledger = await store.ledger('opayo:D0000001-1A2B-4C3D-8E4F-000000000001:payment')
 * resolutionLines(ledger) // ['resolved 2026-11-02 11:00:00 by jo: invoice 1060 (Acme phoned)']
 */
export function resolutionLines(ledger: readonly LedgerEntry[]): string[] {
  return ledger
    .filter((l) => l.kind === 'resolution')
    .map((l) => {
      const r = l.request as { invoiceNumber?: number; by?: string; reason?: string; at?: number }
      const at = new Date(r.at ?? l.createdAt).toISOString().replace('T', ' ').slice(0, 19)
      return `resolved ${at} by ${r.by ?? '?'}: invoice ${r.invoiceNumber ?? '?'} (${r.reason ?? ''})`
    })
}
