// How a settlement step that threw is settled, for the batch and its deposit adjustment alike.
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { rememberError } from './context.js'
import { cannotTellOf, classify } from './errors.js'
import { isLeaseLost } from './leases.js'

/**
 * A settlement step that threw: a lost lease is left alone; anything else is recorded and
 * classified (a journal read-back that cannot tell, or an answer the client cannot read, is
 * needs_review) for the failure policy.
 * @example
 * async function step(ctx: Parameters<typeof settlementFailed>[0], event: EventRecord) {
 *   try {
 *     await ctx.kashflow.journals.list()
 *   } catch (error) {
 *     await settlementFailed(ctx, event, error)
 *   }
 * }
 */
export async function settlementFailed(ctx: EngineContext, event: EventRecord, error: unknown) {
  if (isLeaseLost(error)) {
    ctx.logger?.warn?.('sync lease lost', { id: error.eventId, worker: error.worker })
    return
  }
  const recorded = rememberError(ctx, event.id, error)
  const cannotTell = cannotTellOf(error)
  await ctx.settleFailure(event, cannotTell?.cause ?? classify(error, { invoiceLookup: false }), {
    lastError: recorded,
    detail: cannotTell?.detail ?? { error: recorded },
  })
}
