// What a demo scenario is: a name, and a function that sends its events on the run and returns
// the lines it prints.
import type { DemoRun } from './demo-run.js'

/** One part of the demo's stream of Opayo events. */
export interface DemoScenario {
  /** What it shows, in a few words. */
  readonly name: string
  /** Sends its events, records what each must end as, and returns the lines it prints. */
  readonly run: (run: DemoRun) => Promise<readonly string[]>
}
