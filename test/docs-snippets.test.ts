import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// Every ```ts block in these documents is a complete program; each must run and exit 0.
const DOCUMENTS = [
  'docs/mapping-recipes.md',
  'docs/receiving-opayo-events.md',
  'docs/kashflow-client.md',
  'docs/getting-started.md',
  'docs/accounting.md',
  'docs/matching.md',
  'README.md',
  'packages/core/README.md',
  'packages/opayo/README.md',
  'packages/testkit/README.md',
  'packages/kashflow/README.md',
  'packages/sync/README.md',
  'packages/service/README.md',
]
const root = fileURLToPath(new URL('..', import.meta.url))
const scratch = fileURLToPath(new URL('./.snippets/', import.meta.url))
/**
 * Runs a child without blocking this worker (a worker blocked for a minute fails the whole run
 * with "Timeout calling onTaskUpdate"), with its stdin closed as a script run from CI has it.
 */
const run = (file: string, args: string[], options: { cwd: string; encoding: 'utf8' }) => {
  const child = promisify(execFile)(file, args, options)
  child.child.stdin?.end()
  return child
}
mkdirSync(scratch, { recursive: true })
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function snippets(document: string): string[] {
  const text = readFileSync(`${root}${document}`, 'utf8')
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '')
}

describe.each(DOCUMENTS)('the snippets in %s', (document) => {
  const blocks = snippets(document)

  it('exist', () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((code, index) => [index + 1, code] as const))(
    'snippet %i runs',
    async (index, code) => {
      const file = `${scratch}${document.replace(/[/.]/g, '_')}-${index}.ts`
      writeFileSync(file, code)
      await run(
        process.execPath,
        ['--conditions=@opayo-kashflow/source', '--import', 'tsx', file],
        {
          cwd: root,
          encoding: 'utf8',
        },
      )
    },
    20_000,
  )
})

describe('the documented snippets', () => {
  it('type-check under the project settings', async () => {
    const dir = `${scratch}typecheck/`
    mkdirSync(dir, { recursive: true })
    DOCUMENTS.forEach((document) =>
      snippets(document).forEach((code, index) =>
        // `export {}` makes each file a module, so top-level await and names stay per file.
        writeFileSync(
          `${dir}${document.replace(/[/.]/g, '_')}-${index + 1}.ts`,
          `${code}\nexport {}\n`,
        ),
      ),
    )
    writeFileSync(
      `${dir}tsconfig.json`,
      JSON.stringify({
        extends: `${root}tsconfig.base.json`,
        compilerOptions: { noEmit: true, module: 'NodeNext', target: 'ES2022' },
        include: ['./*.ts'],
      }),
    )
    const result = await run(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, '-p', dir],
      {
        cwd: root,
        encoding: 'utf8',
      },
    ).then(
      () => '',
      (e: unknown) => String((e as { stdout?: string }).stdout ?? e),
    )
    expect(result).toBe('')
  }, 60_000)
})
