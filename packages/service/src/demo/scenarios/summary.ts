// The demo's closing report: what was sent and stored, the engine's counts, the dead letters with
// their reasons, the matching outcomes, the reconciliation, and whether everything is accounted for.
import type { EventState } from '@opayo-kashflow/sync'
import type { Reconciliation } from '../../service/reconcile.js'
import type { DemoReports } from './checks.js'
import type { DemoRun } from './demo-run.js'

/** The closing report's lines, and the engine's counts at the end. */
export interface DemoSummary {
  readonly lines: readonly string[]
  readonly counts: Readonly<Record<EventState, number>>
}

/**
 * The closing report (a blank line first). Checks that the sends add up to the events stored,
 * and lets the matching scenario check its outcome; problems go onto `run.problems` before the
 * last line says whether everything is accounted for.
 * @example
 * // On the demo's run, with checkOutcome's reconciliation and the reports writeReports wrote:
 * async function close(...[run, reconciliation, reports]: Parameters<typeof summarise>) {
 *   const { lines } = await summarise(run, reconciliation, reports)
 * }
 */
export async function summarise(
  run: DemoRun,
  reconciliation: Reconciliation,
  reports: DemoReports,
): Promise<DemoSummary> {
  const { kashflowFake, service, store } = run.world
  const { problems, sent, repeats, refused } = run
  const out: string[] = []
  const log = (line: string) => void out.push(line)
  const status = await service.engine.status()
  const dead = await service.engine.deadLetters.list()
  log('')
  const stored = await store.list()
  const hints = stored.filter((e) => e.id.startsWith('hint:')).length
  const notified = stored.filter(
    (e) => (e.payment as { source?: { protocol?: string } } | null)?.source?.protocol === 'server',
  ).length
  if (notified + hints !== sent - repeats - refused)
    problems.push(
      `the summary does not add up: ${sent - repeats - refused} new sends but ${notified + hints} new events`,
    )
  log(`Summary after ${((Date.now() - run.started) / 1000).toFixed(1)} s:`)
  log(
    `  ${sent} sent = ${sent - repeats - refused} new + ${repeats} repeats (answered as before, nothing applied twice) + ${refused} refused (INVALID or 400)`,
  )
  log(
    `  ${stored.length} events stored = the ${notified + hints} new (${notified} signed notifications + ${hints} hints: Form returns and hand-overs) + ${stored.length - notified - hints} payments read from Opayo (the Reporting poll, and Opayo's records confirming the hints)`,
  )
  for (const [state, n] of Object.entries(status.counts))
    if (n > 0) log(`  ${state.padEnd(10)} ${n}`)
  const lines = [...kashflowFake.invoices.values()].flatMap((i) => i.PaymentLines)
  log(
    `  KashFlow payment lines: ${lines.length}; KashFlow paused posting ${run.world.paused()} time(s) during the outage`,
  )
  log('Dead letters (each with its reason; `opayo-kashflow dead-letters show ID` explains one):')
  for (const e of dead)
    log(
      `  ${e.id} (${(e.payment as { source?: { vendorTxCode?: string } } | null)?.source?.vendorTxCode ?? (e.payment as { hint?: { vendorTxCode?: string } } | null)?.hint?.vendorTxCode ?? 'no vendorTxCode'}): ${e.reason}`,
    )
  for (const line of (await run.matching?.report(problems)) ?? []) log(line)
  log('Reconciliation (Opayo successful money movements vs the ledger and KashFlow):')
  for (const [k, v] of Object.entries(reconciliation.summary))
    log(`  ${k.replace(/_/g, ' ').padEnd(20)} ${v}`)
  const missing = reconciliation.rows.filter((r) => r.status === 'missing_in_kashflow')
  for (const r of missing) log(`    missing: ${r.vendorTxCode} (${r.engineState}: ${r.note})`)
  const euro = kashflowFake.linesSentWith('INV-1099-EUR1')[0]
  if (euro)
    log(
      `  the euro payment of EUR 100.00 was posted as GBP ${euro.Amount.toFixed(2)} at the demo rate`,
    )
  log(`Reports: ${reports.csv}, ${reports.json}, ${reports.html}`)
  log(
    problems.length === 0
      ? 'Every payment is accounted for: posted once, skipped with a reason, or dead-lettered with a reason.'
      : `NOT ACCOUNTED FOR:\n  ${problems.join('\n  ')}`,
  )
  return { lines: out, counts: status.counts }
}
