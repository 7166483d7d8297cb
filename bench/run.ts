// `pnpm bench [name...]`: every figure issue 12 and later asked for, each with the baseline
// measured in the same run, the ratio and the goal. Sections run one after another (they share
// two cores; running them together would measure each other). Name sections to run only those:
// `pnpm bench transform budget`. bench/README.md says how to read each figure and its limits.
import { formatFigure, runSections } from './lib/figure.js'
import type { BenchSection } from './lib/figure.js'

const SECTIONS: Readonly<Record<string, () => Promise<{ section: BenchSection }>>> = {
  transform: () => import('./transform.js'),
  ack: () => import('./ack.js'),
  budget: () => import('./budget.js'),
  'budget-recovery': () => import('./budget-recovery.js'),
  reconcile: () => import('./reconcile.js'),
  scale: () => import('./scale.js'),
  matching: () => import('./matching.js'),
  'invoice-create': () => import('./invoice-create.js'),
  settlement: () => import('./settlement.js'),
  'form-timing': () => import('./form-timing.js'),
}

const asked = process.argv.slice(2)
const unknown = asked.filter((name) => !(name in SECTIONS))
if (unknown.length) {
  console.error(
    `Unknown section(s): ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}.`,
  )
  process.exit(2)
}
const names = asked.length ? asked : Object.keys(SECTIONS)
const started = performance.now()
const sections = await Promise.all(names.map(async (name) => (await SECTIONS[name]!()).section))
const figures = await runSections(sections)
const missed = figures.filter((f) => !f.met)
console.log(
  `\n== ${figures.length} figures in ${((performance.now() - started) / 1000).toFixed(0)} s: ${figures.length - missed.length} met, ${missed.length} missed`,
)
for (const f of missed) console.log(formatFigure(f))
