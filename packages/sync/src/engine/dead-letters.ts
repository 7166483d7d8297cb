// Dead-letter admin: list, explain, replay, resolve and discard the events that need a person.
import type { Store } from '../store/store.js'
import { resolveDeadLetter } from './matching.js'
import type { DeadLetterAdmin } from './sync-engine.js'

/** Dead-letter admin over a store: the engine's `deadLetters` and the store-only admin's. */
export function createDeadLetterAdmin(view: {
  readonly store: Store
  readonly now: () => number
}): DeadLetterAdmin {
  const { store, now } = view
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
    resolve: (id, input) => resolveDeadLetter(view, id, input),
  }
}

// Array.isArray does not narrow a readonly array out of a union.
const isIdList = (
  selection: readonly string[] | { readonly reason?: string },
): selection is readonly string[] => Array.isArray(selection)
