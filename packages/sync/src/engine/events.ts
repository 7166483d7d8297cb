import type { RecordedError } from '../store/store.js'

/** Typed events the engine emits, for logs, metrics and alerts. */
export type SyncEvent =
  | { readonly type: 'received'; readonly id: string }
  | { readonly type: 'duplicate'; readonly id: string }
  | { readonly type: 'conflict'; readonly id: string }
  | { readonly type: 'planned'; readonly id: string; readonly intents: readonly string[] }
  | { readonly type: 'posted'; readonly id: string; readonly markers: readonly string[] }
  | { readonly type: 'skipped'; readonly id: string; readonly reason: string }
  | {
      readonly type: 'retry-scheduled'
      readonly id: string
      readonly at: number
      readonly attempt: number
      readonly error: RecordedError
      readonly cause:
        | 'retryable'
        | 'rate-limited'
        | 'deferred'
        | 'authentication'
        | 'unconfirmed'
        | 'settlement-wait'
    }
  | {
      readonly type: 'paused'
      readonly reason: 'kashflow_unavailable' | 'authentication'
      readonly error: RecordedError
    }
  | { readonly type: 'resumed' }
  | { readonly type: 'dead-lettered'; readonly id: string; readonly reason: string }

export type SyncEventType = SyncEvent['type']

/** A tiny typed emitter; a listener that throws never breaks the engine. */
export class SyncEvents {
  readonly #listeners = new Map<string, Set<(event: SyncEvent) => void>>()

  on<T extends SyncEventType>(
    type: T | '*',
    listener: (event: Extract<SyncEvent, { type: T }>) => void,
  ): () => void {
    const set = this.#listeners.get(type) ?? new Set()
    set.add(listener as (event: SyncEvent) => void)
    this.#listeners.set(type, set)
    return () => set.delete(listener as (event: SyncEvent) => void)
  }

  emit(event: SyncEvent): void {
    for (const type of [event.type, '*']) {
      for (const listener of this.#listeners.get(type) ?? []) {
        try {
          listener(event)
        } catch {
          // Observability must not change what the engine does.
        }
      }
    }
  }
}
