import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

describe('the sync service in Express, Fastify and Hono', () => {
  it('accepts a signed notification and posts it, in each framework', () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url))
    const out = execFileSync(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', 'tsx', 'src/main.ts'],
      { cwd, encoding: 'utf8' },
    )
    for (const name of ['express', 'fastify', 'hono'])
      expect(out).toMatch(
        new RegExp(
          `${name} +notify -> OK; health ok; posted 1; invoice 1042 Paid; KashFlow requests [1-9]`,
        ),
      )
  }, 60_000)
})
