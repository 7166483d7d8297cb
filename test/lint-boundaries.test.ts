// The package boundaries hold: arrows point one way (core <- opayo, kashflow <- sync <- service),
// the testkit builds only on core, opayo and kashflow, and nothing imports the service. Lints a
// few lines as if they were in each package's src/.
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

// The boundary rule needs no type information: switched off, each lint takes milliseconds.
const eslint = new ESLint({
  cwd: new URL('..', import.meta.url).pathname,
  overrideConfig: tseslint.configs.disableTypeChecked,
})

async function restricted(filePath: string, specifier: string): Promise<string[]> {
  const code = `import * as m from '${specifier}'\nexport const n = Object.keys(m).length\n`
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message)
}

describe('package boundaries (eslint.config.js)', () => {
  it.each([
    [
      'packages/testkit/src/index.ts',
      '@opayo-kashflow/sync',
      /must not import @opayo-kashflow\/sync/,
    ],
    [
      'packages/testkit/src/index.ts',
      '@opayo-kashflow/sync/sqlite',
      /build on core, opayo or kashflow/,
    ],
    ['packages/testkit/src/index.ts', '@opayo-kashflow/service', /nothing imports it/],
    ['packages/sync/src/index.ts', '@opayo-kashflow/service', /nothing imports it/],
    ['packages/sync/src/index.ts', '@opayo-kashflow/testkit', /demo that runs on the fakes is in/],
    [
      'packages/opayo/src/index.ts',
      '@opayo-kashflow/sync',
      /must not import @opayo-kashflow\/sync/,
    ],
    ['packages/kashflow/src/index.ts', '@opayo-kashflow/opayo', /both meet in core/],
    ['packages/core/src/index.ts', '@opayo-kashflow/opayo', /core is pure/],
    ['packages/service/src/cli/main.ts', '@opayo-kashflow/testkit', /only the demo/],
  ])(
    '%s may not import %s, and the message says what to do instead',
    async (file, spec, why) => {
      const messages = await restricted(file, spec)
      expect(messages).toHaveLength(1)
      expect(messages[0]).toMatch(why)
    },
    60_000,
  )

  it.each([
    ['packages/service/src/cli/main.ts', '@opayo-kashflow/sync'],
    ['packages/service/src/demo/demo.ts', '@opayo-kashflow/testkit'],
    ['packages/sync/src/index.ts', '@opayo-kashflow/kashflow'],
    ['packages/testkit/src/index.ts', '@opayo-kashflow/kashflow'],
  ])(
    '%s may import %s',
    async (file, spec) => {
      expect(await restricted(file, spec)).toEqual([])
    },
    60_000,
  )
})
