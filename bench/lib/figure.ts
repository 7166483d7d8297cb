// One shape for every figure `pnpm bench` prints: what was measured, the baseline measured in the
// same run, their ratio, and the goal the ratio (or value) is held to. Benchmarks print; they never
// fail a build, and nothing here is used by `pnpm test`.

export interface Figure {
  /** What was measured, e.g. "notification ack, serve (SQLite FULL)". */
  readonly name: string
  /** The measured value and its unit, e.g. 4512 and "req/s". */
  readonly value: number
  readonly unit: string
  /** The baseline measured in the same run, its value and unit. */
  readonly baseline: { readonly name: string; readonly value: number; readonly unit: string }
  /** value / baseline.value, or another ratio the goal is stated in (say which in `goal`). */
  readonly ratio: number
  /** The goal in words, e.g. ">= 1.0x baseline". */
  readonly goal: string
  /** Whether the goal was met in this run. */
  readonly met: boolean
  /** Anything a reader needs to read the figure (the limit on this class of machine, etc.). */
  readonly note?: string
}

export interface BenchSection {
  /** A short title, e.g. "durable ack". */
  readonly title: string
  /** Runs the section's measurements and returns its figures. May take minutes. */
  run(): Promise<readonly Figure[]>
}

const fmt = (n: number): string =>
  Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-GB') : n.toPrecision(3)

/** One figure as a line: value, baseline, ratio, goal, met. */
export function formatFigure(f: Figure): string {
  const line = `${f.met ? 'MET ' : 'MISS'} ${f.name}: ${fmt(f.value)} ${f.unit} | baseline ${f.baseline.name}: ${fmt(f.baseline.value)} ${f.baseline.unit} | ratio ${f.ratio.toFixed(3)} | goal ${f.goal}`
  return f.note ? `${line}\n     ${f.note}` : line
}

/** Runs sections in order and prints each figure as it comes. Returns every figure. */
export async function runSections(sections: readonly BenchSection[]): Promise<Figure[]> {
  const all: Figure[] = []
  for (const section of sections) {
    console.log(`\n== ${section.title}`)
    const figures = await section.run()
    for (const f of figures) console.log(formatFigure(f))
    all.push(...figures)
  }
  return all
}

/** Throughput of a synchronous function in ops/s (warm-up first). */
export function opsPerSecond(run: () => unknown, ms = 400): number {
  for (let i = 0; i < 1000; i += 1) run()
  let count = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 200; i += 1) run()
    count += 200
    now = performance.now()
  }
  return (count / (now - start)) * 1000
}

/** The p-th percentile (0..100) of samples (copied and sorted). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]!
}
