// The clock the client's default rate budget runs on. A test that injects an instant `sleep`
// still gets a budget that sees its waits pass: time here never goes back and includes every
// wait made through it (the client's retries and the budget's own), so a Retry-After the client
// already waited out is not waited out again, and no wait polls.
import { sleep as timerSleep } from '@opayo-kashflow/http-core'
import type { Sleep } from '@opayo-kashflow/http-core'

/** A clock whose waits count as time passed. Internal. */
export interface RateClock {
  /** `max(Date.now(), the end of every wait made through this clock)`. */
  readonly now: () => number
  /** The injected sleep (for retries), counted as time passed. */
  readonly sleep: Sleep
  /** A real timer (for the budget), counted as time passed. */
  readonly timer: Sleep
}

/** A clock over `sleep` (the client's, possibly a test's instant one) and `realNow`. */
export function rateClock(sleep: Sleep, realNow: () => number = Date.now): RateClock {
  let floor = 0
  const now = () => Math.max(realNow(), floor)
  const counted =
    (inner: Sleep): Sleep =>
    async (ms, signal) => {
      const end = now() + ms
      await inner(ms, signal)
      floor = Math.max(floor, end)
    }
  return { now, sleep: counted(sleep), timer: counted(timerSleep) }
}
