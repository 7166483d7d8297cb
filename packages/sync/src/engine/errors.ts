import { OpayoKashflowError, isOpayoKashflowError } from '@opayo-kashflow/core'
import type { RecordedError } from '../store/store.js'
import type { FailureCause } from './failure-policy.js'

/** What the engine does with a failure. */
export type FailureClass =
  | { readonly kind: 'retryable' }
  | { readonly kind: 'rate-limited'; readonly waitMs: number }
  | { readonly kind: 'deferred' }
  | { readonly kind: 'authentication' }
  | { readonly kind: 'permanent' }
  /**
   * The first journal did not read back as written, or journals are stopped because one did not
   * (journal-verification.ts): dead-lettered `journal_shape_unverified`.
   */
  | { readonly kind: 'journal-shape-unverified'; readonly message: string }

/**
 * The failure table (docs/sync-engine.md): KashFlow errors by their stable name, so two copies of
 * the kashflow package agree.
 */
export function classify(
  error: unknown,
  context: { readonly invoiceLookup: boolean },
): FailureClass {
  const name = isOpayoKashflowError(error) ? error.name : error instanceof Error ? error.name : ''
  switch (name) {
    case 'KashflowNotFoundError':
      // An invoice that is not there yet may be raised later; a missing anything-else is a bug.
      return context.invoiceLookup ? { kind: 'deferred' } : { kind: 'permanent' }
    case 'KashflowRateLimitError': {
      const waitMs = (error as { retryAfterMs?: number }).retryAfterMs
      return { kind: 'rate-limited', waitMs: waitMs ?? 5_000 }
    }
    case 'KashflowAuthenticationError':
      return { kind: 'authentication' }
    case 'JournalShapeUnverifiedError':
      return {
        kind: 'journal-shape-unverified',
        message: (error as Error).message,
      }
    case 'KashflowValidationError':
    case 'KashflowResponseError':
    case 'InvalidArgumentError':
      return { kind: 'permanent' }
    default:
      // 5xx, timeouts, network failures, SQL timeouts, an ambiguous write not found on read-back.
      return { kind: 'retryable' }
  }
}

/**
 * A read-back that could not tell whether a write happened, or an answer the client did not
 * recognise: never "not written". The item stops and a person looks (`needs_review`), with what
 * KashFlow answered. By name, so two copies of the kashflow package agree.
 */
export function cannotTellOf(
  error: unknown,
): { readonly cause: FailureCause; readonly detail: unknown } | undefined {
  const name = (error as Error | undefined)?.name
  if (name !== 'KashflowCannotTellError' && name !== 'KashflowResponseError') return undefined
  const e = error as Error & { code?: string; seen?: unknown; operation?: string }
  return {
    cause: {
      kind: 'needs-review',
      message:
        name === 'KashflowCannotTellError'
          ? `cannot tell whether ${e.operation ?? 'the write'} happened`
          : 'KashFlow answered in a shape the client does not recognise',
    },
    detail: {
      cannotTell: e.message,
      ...(e.seen !== undefined ? { seen: e.seen } : {}),
      error: { name, ...(e.code ? { code: e.code } : {}), message: e.message },
    },
  }
}

/** An error as stored: name, code, message; never a stack or a secret (client errors carry none). */
export function recordError(error: unknown): RecordedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return {
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
      message: error.message,
    }
  }
  return { name: 'Error', message: String(error) }
}

/** The engine or service was configured in a way that cannot work, or would let unconfirmed money move. */
export class SyncConfigError extends OpayoKashflowError {
  override readonly name = 'SyncConfigError' as const
  constructor(message: string) {
    super('sync_config_invalid', message)
  }
}
