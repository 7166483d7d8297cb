// `pnpm bench:soak`: longer runs of the crash and fault proofs (more events, more kills, more
// seeds). They assert the same guarantees as the tests and print how long they took relative to
// the plain test-sized run measured in the same session.
import { execFileSync } from 'node:child_process'

function run(env: Record<string, string>, files: string[]): number {
  const started = performance.now()
  execFileSync('pnpm', ['vitest', 'run', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  })
  return performance.now() - started
}

const baseline = run({}, ['packages/sync/test/crash.test.ts'])
const soak = run({ CRASH_TEST_KILLS: '60', CRASH_TEST_EVENTS: '120' }, [
  'packages/sync/test/crash.test.ts',
])
console.log(
  `crash soak (60 kills, 120 events): ${(soak / 1000).toFixed(1)} s, ${(soak / baseline).toFixed(2)}x the test-sized run (${(baseline / 1000).toFixed(1)} s)`,
)
