// The demo's final checks: wait until every event is accounted for, then check each against what
// it must end as, KashFlow's lines against the markers, and Opayo against the ledger and KashFlow;
// and the reconciliation reports written to the demo's folder.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { postingMarker } from '@opayo-kashflow/core'
import { reconciliationCsv, reconciliationHtml } from '../../service/reconcile.js'
import type { Reconciliation } from '../../service/reconcile.js'
import type { DemoRun } from './demo-run.js'

/** The reconciliation reports' paths. */
export interface DemoReports {
  readonly csv: string
  readonly json: string
  readonly html: string
}

/**
 * Waits until every expected event ended (posted, skipped, dead or discarded; posted where it
 * must be), or `timeoutMs` passed.
 * @example
 * // On the demo's run (runDemo's newDemoRun), once every scenario has sent its events:
 * async function finish(run: Parameters<typeof waitForEngine>[0]) {
 *   await waitForEngine(run, 120_000)
 * }
 */
export async function waitForEngine(run: DemoRun, timeoutMs: number): Promise<void> {
  const { store } = run.world
  const deadline = Date.now() + timeoutMs
  const finished = async () => {
    for (const [id, want] of run.expected) {
      if (want === 'never') continue
      const event = await store.get(id)
      if (!event || !['posted', 'skipped', 'dead', 'discarded'].includes(event.state)) return false
      if (want === 'posted' && event.state !== 'posted') return false
    }
    return true
  }
  while (!(await finished()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
}

/**
 * Checks every event against what it must end as (each posting in KashFlow once, each dead letter
 * with a reason), every KashFlow line for an Opayo marker, and the reconciliation; each problem is
 * pushed onto `run.problems`. Returns the reconciliation.
 * @example
 * async function check(run: Parameters<typeof checkOutcome>[0]) {
 *   const reconciliation = await checkOutcome(run) // what it finds wrong is on run.problems
 * }
 */
export async function checkOutcome(run: DemoRun): Promise<Reconciliation> {
  const { kashflowFake, service, store } = run.world
  const { problems } = run
  const lines = [...kashflowFake.invoices.values()].flatMap((i) => i.PaymentLines)
  for (const [id, want] of run.expected) {
    const event = await store.get(id)
    if (want === 'never') {
      if (event) problems.push(`${id} should never have been stored (it was ${event.state})`)
      continue
    }
    if (!event) {
      problems.push(`${id} was never stored`)
      continue
    }
    if (event.state !== want)
      problems.push(
        `${id} ended ${event.state} (${event.reason ?? event.lastError?.message ?? ''}), expected ${want}`,
      )
    if (event.state === 'dead' && !event.reason) problems.push(`${id} is dead without a reason`)
    if (event.state === 'posted') {
      const [, tx, kind] = id.split(':')
      const marker = postingMarker(tx ?? '', (kind ?? 'payment') as 'payment')
      const count = kashflowFake.linesSentWith(marker).length
      if (count !== 1) problems.push(`${id} is in KashFlow ${count} times`)
    }
  }
  const ours = new Set(kashflowFake.linesSentWith('OPAYO:'))
  const unexplained = lines.filter((l) => !ours.has(l))
  if (unexplained.length)
    problems.push(`${unexplained.length} KashFlow payments carry no Opayo marker`)

  const reconciliation = await service.reconcile({
    from: new Date(run.started - 60_000),
    to: new Date(Date.now() + 60_000),
  })
  for (const row of reconciliation.rows) {
    if (row.status === 'amount_mismatch' || row.status === 'orphan_in_kashflow')
      problems.push(`reconciliation: ${row.status} ${row.vendorTxCode} ${row.note}`)
    if (
      row.status === 'missing_in_kashflow' &&
      !['dead', 'skipped', 'discarded'].includes(row.engineState)
    ) {
      problems.push(
        `reconciliation: ${row.vendorTxCode} is missing in KashFlow and not accounted for (${row.engineState})`,
      )
    }
  }
  return reconciliation
}

/**
 * Writes the reconciliation as CSV, JSON and HTML into `dir`.
 * @example
 * const reconciliation = await reconcile({ payments: [payment], store, kashflow, references, from: new Date('2026-11-01'), to: new Date('2026-12-01') })
 * const reports = writeReports('/tmp/opayo-kashflow-demo', reconciliation) // { csv, json, html }: the files' paths
 */
export function writeReports(dir: string, reconciliation: Reconciliation): DemoReports {
  const reports = {
    csv: join(dir, 'reconciliation.csv'),
    json: join(dir, 'reconciliation.json'),
    html: join(dir, 'reconciliation.html'),
  }
  writeFileSync(reports.csv, reconciliationCsv(reconciliation))
  writeFileSync(reports.json, JSON.stringify(reconciliation, null, 2))
  writeFileSync(reports.html, reconciliationHtml(reconciliation))
  return reports
}
