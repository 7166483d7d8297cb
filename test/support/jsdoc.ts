// The JSDoc @example blocks of a source file, for the tests that check them, and the checker.

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The @example bodies of the JSDoc blocks in a file, with the line each starts on. */
export function examples(source: string): { line: number; code: string }[] {
  const found: { line: number; code: string }[] = []
  for (const block of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = source.slice(0, block.index).split('\n').length
    const lines = block[0]
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''))
    let current: { line: number; code: string[] } | undefined
    lines.forEach((text, i) => {
      const tag = /^\s*@(\w+)\s?(.*)$/.exec(text)
      if (tag) {
        if (current) found.push({ line: current.line, code: current.code.join('\n') })
        current = tag[1] === 'example' ? { line: startLine + i, code: [tag[2] ?? ''] } : undefined
        return
      }
      // Inline tags after the example text (`@default`, `@throws`) end it too.
      current?.code.push(text.split(/\s@(?:default|throws|param|returns)\b/)[0] ?? '')
    })
    if (current) found.push({ line: current.line, code: current.code.join('\n') })
  }
  return found
}

// ---------------------------------------------------------------------------------------------
// Type-checking the examples. Each example becomes a module that imports every name the
// workspace packages export, declares the assumed variables below, and wraps the example's code
// in an async function (so an example may `await` and `return`); tsc then checks them all at
// once. A name an example neither imports, declares nor finds in ASSUMED_VARIABLES is an error.

/**
 * The only free variables an example may use without declaring them, each with its real type so
 * member access (`kashflow.invoices.gett`) is checked too. Keep this short: an example that needs
 * anything else declares it (`const rules = definePostingRules({ ... })`).
 */
export const ASSUMED_VARIABLES: Readonly<Record<string, string>> = {
  kashflow: 'KashflowClient',
  pi: 'OpayoPiClient',
  reporting: 'OpayoReportingClient',
  store: 'Store',
  engine: 'SyncEngine',
  payment: 'CanonicalPayment',
  invoice: 'Invoice',
  marker: 'string',
  error: 'unknown',
  logger: 'Console',
  references: 'ReferenceParser',
  rules: 'PostingRules',
  credentials: "Pick<KashflowClientOptions, 'username' | 'password' | 'memorableWord'>",
  request: 'Request',
  response: 'Response',
  fake: 'FakeKashflow',
  fakeOpayo: 'FakeOpayo',
  expect: "typeof import('vitest').expect", // the testkit's examples are tests
  // The testkit's route modules take the fakes' state, which only the testkit sees.
  state: "import('../../../packages/testkit/src/kashflow/state.js').KashflowState",
  opayoState: "import('../../../packages/testkit/src/opayo/state.js').OpayoState",
}

/** tsc errors that are not a wrong name or a wrong type: a fragment that returns on one path. */
const TOLERATED = new Set([
  7030, // Not all code paths return a value: the example is a fragment of a handler.
])

/** tsc's codes for a name it cannot resolve (and the implicit `any` that follows from one). */
export const UNRESOLVED_NAME = new Set([
  2304, // Cannot find name 'x'.
  2552, // Cannot find name 'x'. Did you mean 'y'?
  18004, // No value exists in scope for the shorthand property 'x'.
  7006, // A callback's parameter is implicitly any: the callback goes to an unresolved name.
])

/** One example to check: where it came from, the package it documents, and its code. */
export interface ExampleToCheck {
  readonly origin: string
  readonly ownPackage: string
  readonly code: string
  /** The source file the example documents: its own exports are in scope too. */
  readonly file?: string
}

interface Entry {
  readonly specifier: string
  /** The package name the entry is published under, when `specifier` is a path. */
  readonly own?: string
  readonly private?: boolean
  readonly values: readonly string[]
  readonly types: readonly string[]
}

/** The names an entry file lists in `export { ... }` and `export type { ... }` blocks. */
function listed(source: string, typeOnly: boolean): string[] {
  const pattern = typeOnly ? /^export\s+type\s*\{([^}]*)\}/gm : /^export\s*\{([^}]*)\}/gm
  return [...source.matchAll(pattern)].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => item.split(/\s+as\s+/).pop() ?? item)
      .filter((item) => !item.startsWith('type ')),
  )
}

/** The names a source file declares with `export function|const|class|interface|type ...`. */
function ownEntry(file: string): Entry {
  const text = readFileSync(file, 'utf8')
  const names = (pattern: RegExp) => [
    ...new Set([...text.matchAll(pattern)].map((m) => m[1] ?? '')),
  ]
  return {
    specifier: file.replace(/\.ts$/, '.js'),
    values: names(
      /^export\s+(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class)\s+([\w$]+)/gm,
    ),
    types: names(/^export\s+(?:interface|type)\s+([\w$]+)/gm),
  }
}

/** The workspace's package directories (those with a package.json). */
export function packageDirs(root: string): string[] {
  return readdirSync(join(root, 'packages')).filter((name) =>
    statSync(join(root, 'packages', name, 'package.json'), { throwIfNoEntry: false }),
  )
}

/** Every entry of every workspace package, with what it exports (private ones flagged). */
function entries(root: string): Entry[] {
  return packageDirs(root).flatMap((name) => {
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'),
    ) as {
      name: string
      private?: boolean
      exports?: Record<string, unknown>
    }
    return Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
      const source =
        typeof target === 'object' && target !== null
          ? (target as Record<string, unknown>)['@opayo-kashflow/source']
          : undefined
      if (typeof source !== 'string') return []
      const text = readFileSync(join(root, 'packages', name, source), 'utf8')
      // A private package is not installed at the root: its examples import it by path.
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`
      return [
        {
          specifier: manifest.private
            ? join(root, 'packages', name, source).replace(/\.ts$/, '.js')
            : specifier,
          own: specifier,
          private: manifest.private === true,
          values: listed(text, false),
          types: listed(text, true),
        },
      ]
    })
  })
}

/** The names an example declares itself (they must not be imported or assumed over). */
const declaredBy = (code: string) =>
  new Set(
    [
      ...code.matchAll(/\b(?:function|const|let|var|class|interface|type)[ \t]+([\w$]+)/g),
      ...code.matchAll(/\b(?:const|let|var)\s*\{([^}=]*)\}/g),
    ].flatMap((m) =>
      (m[1] ?? '')
        .split(',')
        .map((part) => (part.split(':').pop() ?? '').trim())
        .filter(Boolean),
    ),
  )

/**
 * The example as a module: imports (its own package first; a private package only for its own
 * examples), the assumed variables it does not declare itself, then its code in an async function.
 */
export function exampleProgram(
  code: string,
  own: string,
  all: readonly Entry[],
  file?: string,
): string {
  const taken = declaredBy(code)
  const mine = (entry: Entry) => Number((entry.own ?? entry.specifier).startsWith(own))
  const ordered = [...all]
    .filter((entry) => !entry.private || entry.own === own)
    .sort((a, b) => mine(b) - mine(a))
  const importsOf = (entry: Entry) => {
    const values = entry.values.filter((n) => !taken.has(n))
    values.forEach((n) => taken.add(n))
    const types = entry.types.filter((n) => !taken.has(n))
    types.forEach((n) => taken.add(n))
    return [
      ...(values.length ? [`import { ${values.join(', ')} } from '${entry.specifier}'`] : []),
      ...(types.length ? [`import type { ${types.join(', ')} } from '${entry.specifier}'`] : []),
    ]
  }
  // The documented file's own exports first, then the assumed variables, then the packages.
  const imports = file === undefined ? [] : importsOf(ownEntry(file))
  const assumed = Object.entries(ASSUMED_VARIABLES).filter(([name]) => !taken.has(name))
  assumed.forEach(([name]) => taken.add(name))
  imports.push(...ordered.flatMap(importsOf))
  const declarations = assumed.map(([name, type]) => `declare const ${name}: ${type}`)
  return `${[...imports, ...declarations].join('\n')}\nexport async function example() {\n${code}\n}\n`
}

/** One tsc error in one example: where the example is (`file:line`), the TS code, the message. */
export interface ExampleProblem {
  readonly origin: string
  readonly code: number
  readonly message: string
}

/**
 * Type-checks examples with one tsc run in `scratch` (a directory of the caller's, emptied
 * first) and returns every problem. Nothing is tolerated but a
 * fragment that does not return on every path: an unknown name is a problem like any other.
 */
export async function checkExamples(
  root: string,
  scratch: string,
  items: readonly ExampleToCheck[],
): Promise<ExampleProblem[]> {
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  const all = entries(root)
  const origin = new Map<string, string>()
  items.forEach((item, i) => {
    const file = `example_${i}.ts`
    origin.set(file, item.origin)
    writeFileSync(join(scratch, file), exampleProgram(item.code, item.ownPackage, all, item.file))
  })
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true, types: ['node'] },
      include: ['./*.ts'],
    }),
  )
  // Asynchronous, so the test worker keeps answering vitest while tsc runs (a worker blocked for
  // a minute fails the run with "Timeout calling onTaskUpdate").
  const output = await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', scratch],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  ).then(
    () => '',
    (error: unknown) => String((error as { stdout?: string }).stdout ?? error),
  )
  return [...output.matchAll(/^(\S+?\.ts)\((\d+),\d+\): error TS(\d+): (.*)$/gm)]
    .filter((m) => !TOLERATED.has(Number(m[3])))
    .map((m) => {
      const file = (m[1] ?? '').split('/').pop() ?? ''
      return { origin: origin.get(file) ?? file, code: Number(m[3]), message: m[4] ?? '' }
    })
}
