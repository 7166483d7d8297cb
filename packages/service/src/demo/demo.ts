// The demo behind `pnpm demo` and `opayo-kashflow demo`: the whole job, on fakes, on loopback.
// The fakes and the service are set up in scenarios/world.ts; each part of the stream of Opayo
// events is a scenario (scenarios/*.ts), run in the order below; then the checks and the summary.
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EventState } from '@opayo-kashflow/sync'
import type { Reconciliation } from '../service/reconcile.js'
import { forgedFormReturn, forgedHandoverAmount, replayWithTxType } from './scenarios/attacks.js'
import { checkOutcome, waitForEngine, writeReports } from './scenarios/checks.js'
import { newDemoRun, startProgress } from './scenarios/demo-run.js'
import {
  deferredReleases,
  euroPayment,
  formReturns,
  handoverWithoutVendorTxCode,
  piPayments,
  piRefunds,
} from './scenarios/form-and-pi.js'
import { reportingPoll } from './scenarios/reporting-poll.js'
import type { DemoScenario } from './scenarios/scenario.js'
import {
  declines,
  duplicates,
  failedReferences,
  missingInvoices,
  noInvoiceReference,
  serverPayments,
  tampered,
} from './scenarios/server-notifications.js'
import { summarise } from './scenarios/summary.js'
import { startDemoWorld } from './scenarios/world.js'

export interface DemoOptions {
  /** Where progress and the report go. @default a line to standard output */
  readonly log?: (line: string) => void
  /** Folder for the SQLite file and the reports. @default a new temporary folder */
  readonly dir?: string
  /** Give up waiting after this long. @default 120000 */
  readonly timeoutMs?: number
}

export interface DemoResult {
  /** True when every payment is posted once, skipped with a reason, or dead-lettered with a reason. */
  readonly accounted: boolean
  readonly problems: readonly string[]
  readonly sent: number
  readonly counts: Readonly<Record<EventState, number>>
  readonly reconciliation: Reconciliation
  readonly reports: { readonly csv: string; readonly json: string; readonly html: string }
}

/** The demo's stream of Opayo events, in the order it is sent. */
const SCENARIOS: readonly DemoScenario[] = [
  serverPayments,
  duplicates,
  declines,
  tampered,
  missingInvoices,
  noInvoiceReference,
  failedReferences,
  formReturns,
  piPayments,
  piRefunds,
  deferredReleases,
  euroPayment,
  handoverWithoutVendorTxCode,
  forgedFormReturn,
  replayWithTxType,
  forgedHandoverAmount,
  reportingPoll,
]

/**
 * Runs the demo: fake Opayo and fake KashFlow on loopback, the sync service on SQLite in a
 * temporary folder, and about 200 realistic Opayo events (payments, refunds, deferred + release,
 * declines, duplicates, a tampered signature, a missing vendorTxCode, invoices that do not exist
 * yet, a mistyped reference matching posts, an ambiguous one it leaves to a person, a shop order
 * turned into an invoice, a euro
 * payment, rate limits and a KashFlow outage), and three attacks that must move no
 * money (a forged Form return, a replay with TxType changed, a hand-over with a forged amount). Returns whether every payment is
 * accounted for, with the reconciliation.
 * @example const { accounted, problems } = await runDemo({ log: console.log })
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`))
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'opayo-kashflow-demo-'))
  mkdirSync(dir, { recursive: true })
  const started = Date.now()
  const world = await startDemoWorld(dir)
  const run = newDemoRun(world, started)

  const stopProgress = startProgress(run, log)
  log('Sending Opayo events to the sync service...')
  for (const scenario of SCENARIOS) for (const line of await scenario.run(run)) log(line)
  log('Waiting for the engine to finish...')
  await waitForEngine(run, options.timeoutMs ?? 120_000)
  stopProgress()
  await world.service.stop()

  const reconciliation = await checkOutcome(run)
  const reports = writeReports(dir, reconciliation)
  const summary = await summarise(run, reconciliation, reports)
  for (const line of summary.lines) log(line)
  await world.close()
  return {
    accounted: run.problems.length === 0,
    problems: run.problems,
    sent: run.sent,
    counts: summary.counts,
    reconciliation,
    reports,
  }
}
