// What the service pulls from Opayo's Reporting API: a backfill over dates, a reconciliation
// over dates, and, while started, the poll over the trailing window (plus, in clearing mode,
// the closed settlement batches of the last week). Each row is ingested like any payment; the
// engine's duplicate check makes a row seen twice harmless.
import type { CanonicalPayment, ReferenceParser } from '@opayo-kashflow/core'
import type { KashflowClient } from '@opayo-kashflow/kashflow'
import { toCanonicalPayment } from '@opayo-kashflow/opayo'
import type { OpayoReportingClient } from '@opayo-kashflow/opayo'
import { SyncConfigError } from '@opayo-kashflow/sync'
import type { Store, SyncEngine, SyncLogger } from '@opayo-kashflow/sync'
import { reconcile } from './reconcile.js'
import type { Reconciliation } from './reconcile.js'
import { pollSettlementBatches } from './settlement-poll.js'

/** What one backfill or poll read and did. */
export interface PullTotals {
  readonly seen: number
  readonly received: number
  readonly duplicates: number
  readonly invalid: number
}

/** Internal: the service's pull side; see {@link createPull}. */
export interface Pull {
  readonly backfill: (input: {
    from: Date
    to: Date
    onProgress?: (done: number) => void
  }) => Promise<PullTotals>
  readonly reconcile: (input: { from: Date; to: Date }) => Promise<Reconciliation>
  /** One Reporting poll over the trailing window. */
  readonly poll: () => Promise<PullTotals>
  /** Starts polling every `poll.intervalMs` (not without a Reporting client, nor with `poll: false`). */
  readonly start: () => void
  readonly stop: () => void
}

/** Internal: the pull side of the service over its Reporting client (which may be absent). */
export function createPull(deps: {
  readonly reporting: OpayoReportingClient | undefined
  readonly engine: SyncEngine
  readonly store: Store
  readonly kashflow: KashflowClient
  readonly references: ReferenceParser
  /** Clearing mode: also poll the closed settlement batches. */
  readonly settlement: boolean
  readonly poll: { readonly intervalMs?: number; readonly windowMs?: number } | false | undefined
  readonly logger: SyncLogger | undefined
  readonly now: () => number
}): Pull {
  const { reporting, engine, logger, now } = deps
  const intervalMs = (deps.poll ? deps.poll.intervalMs : undefined) ?? 15 * 60_000
  const windowMs = (deps.poll ? deps.poll.windowMs : undefined) ?? 48 * 3_600_000
  let timer: ReturnType<typeof setInterval> | undefined

  async function backfill(input: {
    from: Date
    to: Date
    onProgress?: (done: number) => void
  }): Promise<PullTotals> {
    if (!reporting)
      throw new SyncConfigError('backfill needs a Reporting client (opayo.reporting).')
    const totals = { seen: 0, received: 0, duplicates: 0, invalid: 0 }
    for await (const row of reporting.transactions.list({ from: input.from, to: input.to })) {
      totals.seen += 1
      const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
      if (!payment.ok) {
        totals.invalid += 1
        continue
      }
      const result = await engine.ingest(payment.value)
      if (result.outcome === 'received') totals.received += 1
      else totals.duplicates += 1
      input.onProgress?.(totals.seen)
    }
    return totals
  }

  async function reconcileRange(input: { from: Date; to: Date }): Promise<Reconciliation> {
    if (!reporting)
      throw new SyncConfigError('reconcile needs a Reporting client (opayo.reporting).')
    const payments: CanonicalPayment[] = []
    for await (const row of reporting.transactions.list(input)) {
      const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
      if (payment.ok) payments.push(payment.value)
    }
    return reconcile({
      payments,
      store: deps.store,
      kashflow: deps.kashflow,
      references: deps.references,
      ...input,
    })
  }

  const poll = () => backfill({ from: new Date(now() - windowMs), to: new Date(now()) })

  return {
    backfill,
    reconcile: reconcileRange,
    poll,
    start() {
      if (!reporting || deps.poll === false || timer) return
      timer = setInterval(() => {
        poll().then(
          (totals) => logger?.info?.('reporting poll', { ...totals }),
          (error: unknown) =>
            logger?.warn?.('reporting poll failed', { error: (error as Error).message }),
        )
        // Clearing mode: closed settlement batches of the last week, each settled once.
        if (deps.settlement)
          pollSettlementBatches({
            reporting,
            engine,
            from: new Date(now() - 7 * 86_400_000),
            to: new Date(now()),
          }).catch((error: unknown) =>
            logger?.warn?.('settlement batch poll failed', { error: (error as Error).message }),
          )
      }, intervalMs)
      timer.unref?.()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}
