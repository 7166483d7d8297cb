// The duplicate check: the packages' sources must not say the same thing twice. Every source file
// is read as TypeScript tokens (comments and layout do not count), twice:
// - word for word: a run of 80 equal tokens (about ten lines) in two places is a copy;
// - by shape: a run of 100 tokens equal once every name is read as `$` and every string or number
//   as `#` is a copy with the names changed.
// A copy fails the test unless its pair of files is listed below with the reason the two places
// really differ (data that only looks alike); a listed pair that is gone fails too, so the list
// shrinks as copies are merged. The report of every copy found is printed with `pnpm test`.
import { readFileSync } from 'node:fs'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

type Reading = 'words' | 'shape'

/** Tokens in a run that count as a copy, per reading. */
const WINDOW: Readonly<Record<Reading, number>> = { words: 80, shape: 100 }

/** Pairs of files allowed to share a run, `a ~ b` in path order, with the reason. */
const ALLOWED: Readonly<Record<string, string>> = {
  'packages/core/src/address/iso-3166.ts ~ packages/core/src/address/iso-3166.ts':
    'data: the ISO 3166 country table, one entry per line',
  'packages/core/src/money/iso-4217.ts ~ packages/core/src/result/issue.ts':
    'data: a table of string constants in each (currencies; issue codes)',
}

const LITERALS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
])

interface Token {
  readonly words: string
  readonly shape: string
  readonly line: number
}

/** A file's tokens without comments or whitespace, each as written, as shape, and its line. */
function tokens(source: string): Token[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard)
  scanner.setText(source)
  const out: Token[] = []
  let line = 1
  let at = 0
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const start = scanner.getTokenStart()
    for (; at < start; at += 1) if (source.charCodeAt(at) === 10) line += 1
    const words = scanner.getTokenText()
    const shape = kind === ts.SyntaxKind.Identifier ? '$' : LITERALS.has(kind) ? '#' : words
    out.push({ words, shape, line })
  }
  return out
}

/** One copy: two places that share a run of tokens. */
interface Copy {
  readonly reading: Reading
  readonly pair: string
  readonly where: string
  readonly tokens: number
}

/** Every run of the reading's window or more equal tokens in two places, as maximal runs. */
function findCopies(files: ReadonlyMap<string, string>, reading: Reading): Copy[] {
  const window = WINDOW[reading]
  const ids = new Map<string, number>()
  const streams = [...files].map(([file, source]) => {
    const toks = tokens(source)
    const codes = toks.map((t) => {
      let id = ids.get(t[reading])
      if (id === undefined) ids.set(t[reading], (id = ids.size))
      return id
    })
    return { file, toks, codes }
  })
  const buckets = new Map<string, { s: number; at: number }[]>()
  streams.forEach(({ codes }, s) => {
    for (let at = 0; at + window <= codes.length; at += 1) {
      const key = codes.slice(at, at + window).join(',')
      const bucket = buckets.get(key)
      if (bucket) bucket.push({ s, at })
      else buckets.set(key, [{ s, at }])
    }
  })
  // Each matching pair of windows; a pair continuing (a-1, b-1) belongs to that run.
  const matched = new Set<string>()
  const pairs: [number, number, number, number][] = []
  for (const bucket of buckets.values()) {
    if (bucket.length < 2 || bucket.length > 20) continue
    for (let i = 0; i < bucket.length; i += 1)
      for (let j = i + 1; j < bucket.length; j += 1) {
        const [x, y] = [bucket[i]!, bucket[j]!]
        if (x.s === y.s && Math.abs(x.at - y.at) < window) continue // a run overlapping itself
        pairs.push([x.s, x.at, y.s, y.at])
        matched.add(`${x.s}:${x.at}:${y.s}:${y.at}`)
      }
  }
  const copies: Copy[] = []
  for (const [sa, a, sb, b] of pairs) {
    if (matched.has(`${sa}:${a - 1}:${sb}:${b - 1}`)) continue
    let length = 1
    while (matched.has(`${sa}:${a + length}:${sb}:${b + length}`)) length += 1
    const [fa, fb] = [streams[sa]!, streams[sb]!]
    const span = (st: typeof fa, from: number) =>
      `${st.file}:${st.toks[from]!.line}-${st.toks[from + window + length - 2]!.line}`
    copies.push({
      reading,
      pair: [fa.file, fb.file].sort().join(' ~ '),
      where: `${span(fa, a)} ~ ${span(fb, b)}`,
      tokens: window + length - 1,
    })
  }
  return copies.sort((p, q) => q.tokens - p.tokens)
}

describe('duplicate code in the packages', async () => {
  const listed = await promisify(execFile)(
    'git',
    ['ls-files', 'packages/*/src/*.ts', 'packages/*/src/**/*.ts'],
    { encoding: 'utf8' },
  )
  const files = new Map(
    listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((file) => [file, readFileSync(file, 'utf8')] as const),
  )
  const copies = [...findCopies(files, 'words'), ...findCopies(files, 'shape')].sort(
    (p, q) => q.tokens - p.tokens,
  )

  it('finds no run written twice (word for word, or with the names changed) but the listed', () => {
    // One line per pair of files: its longest run, and how many runs it shares.
    const byPair = new Map<string, Copy[]>()
    copies.forEach((c) => byPair.set(c.pair, [...(byPair.get(c.pair) ?? []), c]))
    const report = [...byPair.values()].map((runs) => {
      const [longest] = runs
      const more = runs.length > 1 ? ` (+${runs.length - 1} more)` : ''
      const why = ALLOWED[longest!.pair] ? `  allowed: ${ALLOWED[longest!.pair]}` : ''
      return `${longest!.reading.padEnd(6)}${String(longest!.tokens).padStart(5)}  ${longest!.where}${more}${why}`
    })
    console.log(
      `Runs of tokens found twice, by pair of files (${byPair.size}):\n${report.join('\n')}`,
    )
    const unlisted = copies
      .filter((c) => !ALLOWED[c.pair])
      .map((c) => `${c.reading}: ${c.where} (${c.tokens} tokens)`)
    expect(unlisted, 'make one piece of code serve both, or list the pair with why').toEqual([])
  })

  it('keeps the list honest: a listed pair that no longer shares a run is removed', () => {
    const found = new Set(copies.map((c) => c.pair))
    expect(Object.keys(ALLOWED).filter((pair) => !found.has(pair))).toEqual([])
  })

  it('catches a copy, and a copy with its names changed', () => {
    // Twelve statements of ten tokens each: 120 tokens, past both windows.
    const code = (name: string, value: number) =>
      Array.from({ length: 12 }, (_, i) => `const ${name}${i} = sum(${name}, ${value + i});`).join(
        '\n',
      )
    const pasted = new Map([
      ['a.ts', code('total', 1)],
      ['b.ts', `export const other = 1\n${code('total', 1)}`],
      ['c.ts', code('amount', 7)],
    ])
    const pairs = (reading: Reading) => findCopies(pasted, reading).map((c) => c.pair)
    expect(pairs('words')).toEqual(['a.ts ~ b.ts'])
    expect(pairs('shape')).toEqual(expect.arrayContaining(['a.ts ~ b.ts', 'a.ts ~ c.ts']))
  })
})
