// The demo's last scenario: the Reporting poll, and the line saying what was sent and read.
import type { DemoScenario } from './scenario.js'

/**
 * The Reporting poll (every 15 minutes in production) brings in what no push reported: here, the
 * releases of the deferred payments.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof reportingPoll.run>[0]) {
 *   const lines = await reportingPoll.run(run)
 * }
 */
export const reportingPoll: DemoScenario = {
  name: 'The Reporting poll',
  run: async (run) => {
    const polled = await run.world.service.backfill({
      from: new Date(run.started - 60_000),
      to: new Date(Date.now() + 60_000),
    })
    return [
      `Sent ${run.sent} events; the Reporting poll read ${polled.seen} (${polled.received} new).`,
    ]
  },
}
