import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { examples } from './support/jsdoc.js'

// What users receive (the packages' code and tests, docs/, examples/) must not point at files they
// do not have, and every JSDoc @example must call things that exist. Both checks read text only.

const root = fileURLToPath(new URL('..', import.meta.url))
const SKIP_DIRS = new Set(['node_modules', 'dist', '.snippets', 'coverage'])
const TEXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|md|sql|ya?ml|txt|html)$/

function walk(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return [] // a folder another change removed or has not created yet
  }
  return names.flatMap((name) => {
    if (SKIP_DIRS.has(name)) return []
    const path = join(dir, name)
    const stat = statSync(path, { throwIfNoEntry: false })
    if (stat === undefined) return []
    if (stat.isDirectory()) return walk(path)
    return TEXT.test(name) ? [path] : []
  })
}

const packages = readdirSync(join(root, 'packages')).filter((name) =>
  statSync(join(root, 'packages', name, 'package.json'), { throwIfNoEntry: false }),
)
const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

describe('no file users receive points at the private spec notes', () => {
  const files = [
    ...packages.flatMap((name) => [
      ...walk(join(root, 'packages', name, 'src')),
      ...walk(join(root, 'packages', name, 'test')),
      join(root, 'packages', name, 'README.md'),
    ]),
    ...walk(join(root, 'docs')),
    ...walk(join(root, 'examples')),
  ]

  it('scans the packages, docs/ and examples/', () => {
    expect(files.length).toBeGreaterThan(100)
  })

  it('mentions no specs/ path (cite the public source: a repository and path, or a web page)', () => {
    const hits = files.flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((line, index) =>
          /\bspecs\//.test(line) ? [`${relative(root, file)}:${index + 1}: ${line.trim()}`] : [],
        ),
    )
    expect(hits).toEqual([])
  })
})

/** Names a package entry file exports as values (functions, classes, constants). */
function valueExports(entry: string): string[] {
  const source = read(entry)
  const listed = [...source.matchAll(/^export\s*\{([^}]*)\}/gm)].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '' && !item.startsWith('type '))
      .map((item) => item.split(/\s+as\s+/).pop() ?? item),
  )
  const declared = [
    ...source.matchAll(
      /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class)\s+([\w$]+)/gm,
    ),
  ].map((m) => m[1] ?? '')
  return [...listed, ...declared]
}

/** Every entry file of every workspace package, by its dev-time source condition. */
function entryFiles(): string[] {
  return packages.flatMap((name) => {
    const manifest = JSON.parse(read(join(root, 'packages', name, 'package.json')) || '{}') as {
      exports?: Record<string, unknown>
    }
    return Object.values(manifest.exports ?? {}).flatMap((target) => {
      const source =
        typeof target === 'object' && target !== null
          ? (target as Record<string, unknown>)['@opayo-kashflow/source']
          : undefined
      return typeof source === 'string' ? [join(root, 'packages', name, source)] : []
    })
  })
}

/** Names called as `name(` or `new Name(` that are not method calls, in code without strings or comments. */
function freeCalls(code: string): string[] {
  const bare = code
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, '""')
  const declared = new Set(
    [...bare.matchAll(/\b(?:function|const|let|var|class)\s+([\w$]+)/g)].map((m) => m[1] ?? ''),
  )
  return [...bare.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => !KEYWORDS.has(name) && !declared.has(name))
}

const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'function',
  'return',
  'typeof',
  'await',
  'async',
  'new',
  'of',
  'in',
  'void',
  'yield',
])

// Names an example may call that no workspace package exports and that are not globals, each with
// the reason it is there. Keep this short: an entry is a promise that the name exists for users.
const NOT_OURS: Readonly<Record<string, string>> = {
  expect: "vitest's expect, in the testkit's examples for tests",
  setupServer: "msw's setupServer (msw/node), which the testkit's handlers plug into",
  writeFileSync: "node:fs, where the service's reconcile example saves its CSV",
  save: "an adapter's own synchronous write, in the example of the store helper settle()",
}

/** Names a file declares itself (internal helpers document themselves with their own name). */
const declaredIn = (source: string) =>
  new Set(
    [
      ...source.matchAll(
        /^(?:export\s+)?(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class)\s+([\w$]+)/gm,
      ),
    ].map((m) => m[1] ?? ''),
  )

describe('JSDoc @example calls', () => {
  const exported = new Set(entryFiles().flatMap(valueExports))
  const sources = packages.flatMap((name) =>
    walk(join(root, 'packages', name, 'src')).filter((f) => /\.(ts|mts|cts)$/.test(f)),
  )

  it('finds the exports of every workspace package', () => {
    expect(exported.has('money')).toBe(true)
    expect(exported.has('createKashflowClient')).toBe(true)
    expect(exported.has('FakeOpayo')).toBe(true)
  })

  it('name only what a workspace package exports, the file itself declares, globals, or listed exceptions', () => {
    const unknown = sources.flatMap((file) => {
      const source = read(file)
      const local = declaredIn(source)
      return examples(source).flatMap(({ line, code }) =>
        freeCalls(code)
          .filter(
            (name) =>
              !exported.has(name) &&
              !local.has(name) &&
              !(name in globalThis) &&
              !(name in NOT_OURS),
          )
          .map((name) => `${relative(root, file)}:${line}: ${name}( in: ${code.trim()}`),
      )
    })
    expect(sources.flatMap((file) => examples(read(file))).length).toBeGreaterThan(100)
    expect(unknown).toEqual([])
  })

  it('checks the examples it should (a known wrong name would be caught)', () => {
    const calls = freeCalls("signServerNotificationFields(fields, { vendorName: 'x' }) // ok(1)")
    expect(calls).toEqual(['signServerNotificationFields'])
    expect(exported.has('signServerNotificationFields')).toBe(false)
  })
})
