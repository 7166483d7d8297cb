// Settlement through the real binary (the source entry under tsx, what `pnpm demo` runs).
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = join(root, 'src/cli/bin.ts')
const dir = mkdtempSync(join(tmpdir(), 'ok-cli-settlement-'))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', tsx, source, ...args],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

// Each test starts the CLI as a process: seconds, more on a busy machine.
vi.setConfig({ testTimeout: 120_000 })

describe('demo --mode clearing', () => {
  it('settles the batch, says the clearing account is at zero, and exits 0', async () => {
    const result = await cli(['demo', '--mode', 'clearing'])
    expect(result.stdout).toContain('OPAYO-BATCH:1001:transfer')
    expect(result.stdout).toMatch(/Clearing account 1210: .* £0\.00 remains/)
    expect(result.stdout).toContain('The clearing account is at zero')
    expect(result.code).toBe(0)
  })

  it('refuses an unknown mode as a usage error (exit 2)', async () => {
    const result = await cli(['demo', '--mode', 'sideways'])
    expect(result.stderr).toMatch(/--mode must be "direct" or "clearing"/)
    expect(result.code).toBe(2)
  })
})
