import type { RecordedError } from '../store/store.js'

/**
 * What an event is about, for a person reading the log: the payment's VendorTxCode and the
 * invoice it was matched to, each only when the engine knows it at that point (a settlement
 * batch has no VendorTxCode; the invoice is known once the payment is looked up).
 */
export interface SyncEventRefs {
  readonly vendorTxCode?: string
  /** The KashFlow invoice number, as text. */
  readonly invoice?: string
}

/** Typed events the engine emits, for logs, metrics and alerts. */
export type SyncEvent =
  | ({ readonly type: 'received'; readonly id: string } & SyncEventRefs)
  | ({ readonly type: 'duplicate'; readonly id: string } & SyncEventRefs)
  | ({ readonly type: 'conflict'; readonly id: string } & SyncEventRefs)
  | ({
      readonly type: 'planned'
      readonly id: string
      readonly intents: readonly string[]
    } & SyncEventRefs)
  | ({
      readonly type: 'posted'
      readonly id: string
      readonly markers: readonly string[]
    } & SyncEventRefs)
  | ({ readonly type: 'skipped'; readonly id: string; readonly reason: string } & SyncEventRefs)
  | ({
      readonly type: 'retry-scheduled'
      readonly id: string
      /** Epoch ms of the next attempt (the log line adds it as `nextAttemptAt`, ISO 8601). */
      readonly at: number
      readonly attempt: number
      /** The error's class (`name`), code and message. */
      readonly error: RecordedError
      readonly cause:
        | 'retryable'
        | 'rate-limited'
        | 'deferred'
        | 'authentication'
        | 'unconfirmed'
        | 'settlement-wait'
    } & SyncEventRefs)
  | {
      readonly type: 'paused'
      readonly reason: 'kashflow_unavailable' | 'authentication'
      readonly error: RecordedError
    }
  | { readonly type: 'resumed' }
  | ({
      readonly type: 'dead-lettered'
      readonly id: string
      readonly reason: string
    } & SyncEventRefs)

/**
 * The VendorTxCode of a stored event's payload: a canonical payment's `source.vendorTxCode` or
 * a hint's `hint.vendorTxCode`, as `{ vendorTxCode }` to spread into an event; `{}` for anything
 * else (a settlement batch, a payload that is not a payment).
 * @example
 * const refs = vendorTxCodeOf({ source: { vendorTxCode: 'INV-1042-1' } }) // { vendorTxCode: 'INV-1042-1' }
 */
export function vendorTxCodeOf(payload: unknown): { readonly vendorTxCode?: string } {
  if (payload === null || typeof payload !== 'object') return {}
  const { source, hint } = payload as { source?: unknown; hint?: unknown }
  for (const holder of [source, hint]) {
    const code = (holder as { vendorTxCode?: unknown } | null | undefined)?.vendorTxCode
    if (typeof code === 'string' && code !== '') return { vendorTxCode: code }
  }
  return {}
}

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
