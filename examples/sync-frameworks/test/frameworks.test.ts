import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

describe('the sync service in Express, Fastify and Hono, through their adapters', () => {
  it('accepts a signed notification and posts it, in each framework', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url))
    const { stdout: out } = await promisify(execFile)(
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
    // A body parser mounted before the adapter: the cause and the fix, never a silent INVALID.
    expect(out).toMatch(
      /parser first: notify -> 500; POST \/opayo\/notify: the request body was already read by a body parser \(express\.urlencoded\?/,
    )
  }, 60_000)
})
