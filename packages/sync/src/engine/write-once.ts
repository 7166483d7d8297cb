// The exactly-once write of the ledger: intent, write, outcome, with a read-back of KashFlow
// whenever an earlier attempt may have written (ledger.ts posts intents through it).
import { KashflowAmbiguousWriteError } from '@opayo-kashflow/kashflow'
import type { EventRecord, LedgerEntry } from '../store/store.js'
import type { EngineContext } from './context.js'

// By name too, so two copies of the kashflow package agree.
const isAmbiguousWrite = (error: unknown): boolean =>
  error instanceof KashflowAmbiguousWriteError ||
  (error as Error | undefined)?.name === 'KashflowAmbiguousWriteError'

/**
 * KashFlow answered the write, and the answer says nothing was applied: a 429 (answered before a
 * write is applied, as HTTP intends; KASHFLOW_UNCONFIRMED.tooManyRequestsBeforeApplying), a 400
 * validation refusal, a 401/403 or a 404. Not the 400 database timeout (`KashflowTransientError`:
 * a timed-out statement may still commit), not a 5xx, a timeout or a reset (ambiguous).
 */
const DEFINITE_REFUSALS: ReadonlySet<string> = new Set([
  'KashflowRateLimitError',
  'KashflowValidationError',
  'KashflowAuthenticationError',
  'KashflowNotFoundError',
])
const isDefiniteRefusal = (error: unknown): boolean =>
  DEFINITE_REFUSALS.has((error as Error | undefined)?.name ?? '')

/**
 * The exactly-once write: record the intent in the ledger; if an earlier attempt already got
 * this far, read KashFlow back first; write; on an ambiguous failure read back again; record
 * the outcome. `readBack` gets the ledger entry as first recorded (with the pre-image taken
 * before the first write), so a restart compares against what KashFlow held before any
 * attempt, never against a later read. Returns the marker.
 *
 * A definite refusal (see DEFINITE_REFUSALS) of the only write an intent has had marks the entry
 * `refused`: the next attempt begins it afresh with its own pre-image and writes without reading
 * back, so a stranger's identical line added meanwhile is never taken as ours. After an earlier
 * ambiguous attempt the entry stays an intent: that write may still be in KashFlow, so the next
 * attempt reads back against the first pre-image.
 */
export async function writeOnce(
  ctx: EngineContext,
  event: EventRecord,
  entry: {
    readonly marker: string
    readonly kind: string
    readonly request: unknown
    readonly readBack: ((entry: LedgerEntry) => Promise<unknown>) | undefined
    readonly write: () => Promise<unknown>
  },
): Promise<string> {
  const { store, now } = ctx
  const { marker, readBack } = entry
  const begun = await store.ledgerBegin({
    eventId: event.id,
    marker,
    kind: entry.kind,
    request: entry.request,
    now: now(),
  })
  if (begun.entry.state === 'done') return marker
  const complete = (result: unknown) =>
    store.ledgerComplete({ eventId: event.id, marker, result, now: now() })
  if (!begun.created && readBack) {
    const found = await readBack(begun.entry)
    if (found !== undefined) {
      await complete({ readBack: found })
      return marker
    }
  }
  await ctx.confirmLease(event)
  let result: unknown
  try {
    result = await entry.write()
  } catch (error) {
    if (begun.created && isDefiniteRefusal(error)) {
      await store.ledgerRefused({ eventId: event.id, marker, now: now() })
      ctx.logger?.info?.('sync write refused', {
        id: event.id,
        marker,
        error: (error as Error).name,
      })
      throw error
    }
    const found = isAmbiguousWrite(error) && readBack ? await readBack(begun.entry) : undefined
    if (found === undefined) throw error
    result = { readBack: found }
  }
  await ctx.options.afterWrite?.(event.id, marker)
  await complete(result)
  return marker
}
