import { writeSync } from 'node:fs'
import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints one plain closing line after vitest's own summary, `vitest: N passed, N failed, N skipped`,
 * so CI tools that read the last line of a run can count the tests.
 */
export default class SummaryReporter implements Reporter {
  private line = ''

  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed += 1
        else if (state === 'failed') failed += 1
        else skipped += 1
      }
    }
    this.line = `vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`
    // The default reporter prints its summary after this hook; print ours once it is done.
    process.once('exit', () => writeSync(1, `\n${this.line}\n`))
  }
}
