// Dead-letter admin: list, explain, replay and discard the events that need a person.
import type { EngineContext } from './context.js'
import type { DeadLetterAdmin } from './sync-engine.js'

/** The engine's `deadLetters`, over the context's store. */
export function createDeadLetterAdmin(ctx: EngineContext): DeadLetterAdmin {
  const { store, now } = ctx
  return {
    list: (input = {}) =>
      store.list({ states: ['dead'], ...(input.limit ? { limit: input.limit } : {}) }),
    async get(id) {
      const event = await store.get(id)
      if (!event) return undefined
      return {
        event,
        reason: event.reason,
        detail: event.detail,
        lastError: event.lastError,
        attempts: await store.attempts(id),
        ledger: await store.ledger(id),
      }
    },
    async replay(selection, input = {}) {
      const dead = await store.list({ states: ['dead'] })
      const chosen = isIdList(selection)
        ? dead.filter((e) => selection.includes(e.id))
        : dead.filter((e) => selection.reason === undefined || e.reason === selection.reason)
      const replayed: string[] = []
      for (const event of chosen) {
        if (input.dryRun || (await store.requeue({ id: event.id, now: now() })))
          replayed.push(event.id)
      }
      return { replayed, dryRun: input.dryRun === true }
    },
    discard: (id, reason) => store.discard({ id, reason, now: now() }),
  }
}

// Array.isArray does not narrow a readonly array out of a union.
const isIdList = (
  selection: readonly string[] | { readonly reason?: string },
): selection is readonly string[] => Array.isArray(selection)
