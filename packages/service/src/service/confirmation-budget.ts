// The Reporting reads that confirm hints, paced by a rate budget of their own: a flood of hints
// (each asked about on every step of the confirmation schedule) must not spend Opayo's
// Reporting limits, which Opayo does not publish (REPORTING_UNCONFIRMED.confirmationRateBudget).
import { createRateBudget } from '@opayo-kashflow/kashflow'
import type { RateBudget, RateBudgetOptions } from '@opayo-kashflow/kashflow'
import { REPORTING_UNCONFIRMED } from '@opayo-kashflow/opayo'
import type { OpayoReportingClient, ReportingTransaction } from '@opayo-kashflow/opayo'
import { SyncConfigError } from '@opayo-kashflow/sync'

/**
 * Reads a transaction from the Reporting API to confirm a hint, after taking a token from the
 * confirmation budget.
 * @example
 * const read: ConfirmationRead = confirmationReads({ reporting })
 * const row = await read('F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2')
 */
export type ConfirmationRead = (vpsTxId: string) => Promise<ReportingTransaction>

const isRateBudget = (value: unknown): value is RateBudget =>
  typeof (value as RateBudget | null)?.take === 'function' &&
  typeof (value as RateBudget | null)?.learn === 'function'

/**
 * The confirmation reads over `reporting`. Each takes one token from `budget` (a budget given as
 * numbers is made here, on the service's clock and sleep) and is one HTTP request: the client's
 * own retries are off for it, since the hint's confirmation schedule is its retry, and a retry
 * inside the client would be a request outside the budget. A 429 teaches the budget (every later
 * read waits out its Retry-After).
 * @param input.budget `{ limit, windowMs }`, or one {@link RateBudget} shared with other callers.
 *   @default REPORTING_UNCONFIRMED.confirmationRateBudget (2 requests in any second)
 * @throws {SyncConfigError} when `budget` is numbers that are not both positive
 * @example
 * const read = confirmationReads({ reporting, budget: { limit: 2, windowMs: 1000 } })
 * const row = await read('F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2')
 */
export function confirmationReads(input: {
  readonly reporting: OpayoReportingClient
  readonly budget?: RateBudget | RateBudgetOptions | undefined
  readonly clock?: { now(): number } | undefined
  readonly sleep?: ((ms: number) => Promise<void>) | undefined
}): ConfirmationRead {
  const { reporting, clock, sleep } = input
  let budget: RateBudget
  if (isRateBudget(input.budget)) budget = input.budget
  else {
    const limits = input.budget ?? REPORTING_UNCONFIRMED.confirmationRateBudget
    try {
      budget = createRateBudget({
        limit: limits.limit,
        windowMs: limits.windowMs,
        ...(clock ? { now: () => clock.now() } : {}),
        ...(sleep ? { sleep: (ms: number) => sleep(ms) } : {}),
      })
    } catch (error) {
      throw new SyncConfigError(
        `opayo.confirmationRateBudget: ${(error as Error).message} Give { limit, windowMs } as positive numbers, e.g. { limit: 2, windowMs: 1000 }.`,
      )
    }
  }
  return async (vpsTxId) => {
    await budget.take()
    try {
      return await reporting.transactions.get({ vpsTxId }, { retry: { limit: 0 } })
    } catch (error) {
      const { status, retryAfterMs } = (error ?? {}) as { status?: unknown; retryAfterMs?: unknown }
      if (status === 429)
        await budget.learn({
          status,
          ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
        })
      throw error
    }
  }
}
