import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ASSUMED_VARIABLES,
  UNRESOLVED_NAME,
  checkExamples,
  examples,
  packageDirs,
} from './support/jsdoc.js'
import type { ExampleProblem, ExampleToCheck } from './support/jsdoc.js'

// Every JSDoc @example in the packages' sources is type-checked against the real public API
// (test/support/jsdoc.ts): each imports every name the workspace packages export and may use the
// short list of assumed variables (ASSUMED_VARIABLES), declared with their real types. Any other
// name it cannot resolve, a wrong argument, an option or a method that does not exist, or a
// misspelt import fails the test with the file and line.

const root = fileURLToPath(new URL('..', import.meta.url))
const scratch = fileURLToPath(new URL('./.snippets/jsdoc/', import.meta.url))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A source file with deliberately wrong examples, run through the same extraction and checker. */
const FIXTURE = `
/**
 * A misspelt method on an assumed variable.
 * @example const invoice = await kashflow.invoices.gett(1042)
 */
export const misspeltMethod = 1

/**
 * A misspelt assumed variable.
 * @example const invoice = await kashflw.invoices.get(1042)
 */
export const misspeltVariable = 1

/**
 * A name nobody declares (payment and rules are assumed, parser is not).
 * @example planPostings(payment, rules, { references: parser })
 */
export const undeclaredNames = 1

/**
 * A string where money() takes minor units.
 * @example const price = money('12.00', 'GBP')
 */
export const wrongArgument = 1

/**
 * A right one: it must pass.
 * @example const invoice = await kashflow.invoices.get(1042)
 */
export const right = 1
`

/**
 * Source files whose examples still use names they do not declare (an `input`, a `row`, a
 * `config` from the surrounding prose). Their examples are type-checked like every other, but an
 * unresolved name there is not yet an error. Shrink this list: the test fails when a file listed
 * here no longer needs it, and no file may be added.
 */
const PENDING = new Set<string>([
  // Its examples plug the handlers into msw/node's setupServer, which no workspace package
  // exports and an example cannot import.
  'packages/testkit/src/msw.ts',
])

const fixtures: ExampleToCheck[] = examples(FIXTURE).map(({ line, code }) => ({
  origin: `fixture:${line}`,
  ownPackage: '@opayo-kashflow/kashflow',
  code,
}))

function sources(): ExampleToCheck[] {
  return packageDirs(root).flatMap((name) => {
    const dir = join(root, 'packages', name)
    const own = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string })
      .name
    const walk = (at: string): string[] =>
      readdirSync(at).flatMap((f) => {
        const path = join(at, f)
        return statSync(path).isDirectory() ? walk(path) : /\.ts$/.test(f) ? [path] : []
      })
    return walk(join(dir, 'src')).flatMap((file) =>
      examples(readFileSync(file, 'utf8')).map(({ line, code }) => ({
        origin: `${relative(root, file)}:${line}`,
        ownPackage: own,
        code,
        file,
      })),
    )
  })
}

describe('JSDoc @examples', () => {
  let real: ExampleToCheck[] = []
  let problems: ExampleProblem[] = []
  beforeAll(async () => {
    real = sources()
    problems = await checkExamples(root, scratch, [...real, ...fixtures])
  }, 180_000)

  const fileOf = (origin: string) => origin.replace(/:\d+$/, '')
  const pendingName = (p: ExampleProblem) =>
    PENDING.has(fileOf(p.origin)) && UNRESOLVED_NAME.has(p.code)
  const show = (p: ExampleProblem) => `${p.origin}: TS${p.code} ${p.message}`

  it('type-check against the public API, with only the listed assumed variables', () => {
    expect(real.length).toBeGreaterThan(150)
    const wrong = problems.filter((p) => !p.origin.startsWith('fixture:') && !pendingName(p))
    expect(wrong.map(show)).toEqual([])
  })

  it('list no file as pending that no longer needs it', () => {
    const needed = new Set(problems.filter(pendingName).map((p) => fileOf(p.origin)))
    expect([...PENDING].filter((file) => !needed.has(file))).toEqual([])
  })

  it('keep the allow-list of assumed variables short', () => {
    expect(Object.keys(ASSUMED_VARIABLES).length).toBeLessThanOrEqual(20)
  })

  it('fail on a misspelt method, a misspelt or undeclared name and a wrong argument', () => {
    const at = (marker: string) => {
      const fixture = fixtures.find((f) => f.code.includes(marker))
      if (!fixture) throw new Error(`no fixture with ${marker}`)
      return problems.filter((p) => p.origin === fixture.origin).map(show)
    }
    expect(at('gett(')).toEqual([expect.stringMatching(/TS2551 Property 'gett' does not exist/)])
    expect(at('kashflw')).toEqual([
      expect.stringMatching(/TS(2304|2552) Cannot find name 'kashflw'/),
    ])
    expect(at('planPostings(payment')).toEqual([
      expect.stringMatching(/TS2304 Cannot find name 'parser'/),
    ])
    expect(at("money('12.00'")).toEqual([expect.stringMatching(/TS2345/)])
    expect(at('await kashflow.invoices.get(1042)')).toEqual([])
  })
})
