import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { examples } from './support/jsdoc.js'

// Every JSDoc @example in the packages' sources is type-checked against the real public API:
// each becomes a file that imports every name the workspace packages export, with the example's
// code as the body of an async function (so an example may `await` and `return`). Free variables an example assumes (`store`, `payment`, ...) are
// reported by tsc as unknown names and let through; anything else (a wrong argument, an option
// or a method that does not exist, a misspelt import) fails the test with the file and line.

const root = fileURLToPath(new URL('..', import.meta.url))
const scratch = fileURLToPath(new URL('./.snippets/jsdoc/', import.meta.url))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

// tsc codes for a name the example assumes but does not declare (and what follows from it).
const ASSUMED_NAME = new Set([
  2304, // Cannot find name 'x'.
  2552, // Cannot find name 'x'. Did you mean 'y'?
  18004, // No value exists in scope for the shorthand property 'x'.
  2582, // Cannot find name 'describe'/'it' (test-runner globals in the testkit's examples).
  7006, // A callback's parameter is implicitly any: the callback is given to an assumed variable.
  7030, // Not all code paths return: the example is a fragment of a handler that returns on one path.
])

const read = (path: string) => readFileSync(path, 'utf8')
const packages = readdirSync(join(root, 'packages')).filter((name) =>
  statSync(join(root, 'packages', name, 'package.json'), { throwIfNoEntry: false }),
)

interface Entry {
  readonly specifier: string
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

/** Every public entry of every workspace package (not private ones), with what it exports. */
function entries(): Entry[] {
  return packages.flatMap((name) => {
    const manifest = JSON.parse(read(join(root, 'packages', name, 'package.json'))) as {
      name: string
      private?: boolean
      exports?: Record<string, unknown>
    }
    if (manifest.private) return []
    return Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
      const source =
        typeof target === 'object' && target !== null
          ? (target as Record<string, unknown>)['@opayo-kashflow/source']
          : undefined
      if (typeof source !== 'string') return []
      const text = read(join(root, 'packages', name, source))
      return [
        {
          specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
          values: listed(text, false),
          types: listed(text, true),
        },
      ]
    })
  })
}

/** The names an example declares itself (they must not be imported over). */
const declaredBy = (code: string) =>
  new Set(
    [...code.matchAll(/\b(?:function|const|let|var|class)\s+([\w$]+)/g)].map((m) => m[1] ?? ''),
  )

/** The example as a module: imports (own package first), then its code in an async function. */
function program(code: string, own: string, all: readonly Entry[]): string {
  const taken = declaredBy(code)
  const ordered = [...all].sort(
    (a, b) => Number(b.specifier.startsWith(own)) - Number(a.specifier.startsWith(own)),
  )
  const imports = ordered.flatMap((entry) => {
    const values = entry.values.filter((n) => !taken.has(n))
    values.forEach((n) => taken.add(n))
    const types = entry.types.filter((n) => !taken.has(n))
    types.forEach((n) => taken.add(n))
    return [
      ...(values.length ? [`import { ${values.join(', ')} } from '${entry.specifier}'`] : []),
      ...(types.length ? [`import type { ${types.join(', ')} } from '${entry.specifier}'`] : []),
    ]
  })
  return `${imports.join('\n')}\nexport async function example() {\n${code}\n}\n`
}

describe('JSDoc @examples', () => {
  it('type-check against the public API (assumed variables aside)', () => {
    mkdirSync(scratch, { recursive: true })
    const all = entries()
    const origin = new Map<string, string>()
    for (const name of packages) {
      const own = JSON.parse(read(join(root, 'packages', name, 'package.json'))) as { name: string }
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((f) => {
          const path = join(dir, f)
          return statSync(path).isDirectory() ? walk(path) : /\.ts$/.test(f) ? [path] : []
        })
      for (const file of walk(join(root, 'packages', name, 'src'))) {
        for (const { line, code } of examples(read(file))) {
          const out = `${relative(root, file).replace(/[/.]/g, '_')}_${line}.ts`
          origin.set(out, `${relative(root, file)}:${line}`)
          writeFileSync(join(scratch, out), program(code, own.name, all))
        }
      }
    }
    expect(origin.size).toBeGreaterThan(150)
    // A planted wrong example (a string where money() takes minor units) proves the check bites.
    origin.set('planted_wrong_example.ts', 'planted')
    writeFileSync(
      join(scratch, 'planted_wrong_example.ts'),
      program("const price = money('12.00', 'GBP')", '@opayo-kashflow/core', all),
    )
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        extends: `${root}tsconfig.base.json`,
        compilerOptions: { noEmit: true, types: ['node'] },
        include: ['./*.ts'],
      }),
    )
    let output = ''
    try {
      execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', scratch], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      })
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error)
    }
    const problems = [...output.matchAll(/^(\S+?\.ts)\((\d+),\d+\): error TS(\d+): (.*)$/gm)]
      .filter((m) => !ASSUMED_NAME.has(Number(m[3])))
      .map((m) => {
        const file = (m[1] ?? '').split('/').pop() ?? ''
        return `${origin.get(file) ?? file}: TS${m[3]} ${m[4]}`
      })
    expect(problems.filter((p) => p.startsWith('planted:'))).not.toEqual([])
    expect(problems.filter((p) => !p.startsWith('planted:'))).toEqual([])
  }, 120_000)
})
