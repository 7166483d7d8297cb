/**
 * A virtual clock with timers, for tests and benchmarks that run the engine, the KashFlow client,
 * its rate budget and the fakes on one clock: `sleep` resolves when `run` has moved the clock to
 * its deadline. `run` lets every pending callback settle, then jumps to the next deadline, until
 * `work` ends; so loops really interleave, and nothing depends on how fast the machine is.
 */
export function virtualTime(start: number) {
  let now = start
  const timers: { at: number; resolve: () => void }[] = []
  const settle = () => new Promise<void>((r) => setImmediate(r))
  return {
    now: () => now,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + ms, resolve })
      }),
    async run<T>(work: () => Promise<T>): Promise<T> {
      let done = false
      const result = work().finally(() => {
        done = true
      })
      result.catch(() => undefined)
      while (!done) {
        await settle()
        if (done || timers.length === 0) continue
        timers.sort((a, b) => a.at - b.at)
        now = Math.max(now, timers[0]!.at)
        for (const t of timers.filter((x) => x.at <= now)) {
          timers.splice(timers.indexOf(t), 1)
          t.resolve()
        }
      }
      return result
    },
  }
}
