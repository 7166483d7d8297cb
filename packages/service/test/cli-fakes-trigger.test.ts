// `fakes`, `serve` and `trigger` together, each a process of the CLI run through the package's
// bin file as an installed package runs it (the built dist: `pnpm test` builds first): the fakes
// write the config, serve runs on it, and trigger registers, pays and notifies as a shop and its
// shopper would.
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BIN, startCli } from './support/cli-child.js'
import type { CliChild } from './support/cli-child.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'ok-trigger-'))
const env = {
  ...process.env,
  OPAYO_KASHFLOW_KASHFLOW_PASSWORD: 's3cret',
  OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: 'pineapple',
  OPAYO_KASHFLOW_REPORTING_PASSWORD: 'secret',
  OPAYO_KASHFLOW_LOG_LEVEL: 'warn',
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 })

let fakes: CliChild
let serve: CliChild
beforeAll(async () => {
  fakes = startCli(
    [
      'fakes',
      '--port-kashflow',
      '0',
      '--port-opayo',
      '0',
      '--port-serve',
      '0',
      '--invoices',
      '1042:120.00,1043:50.00,1044:80.00',
      '--write-config',
      'opayo-kashflow.config.json',
    ],
    { cwd: dir, env, bin: true },
  )
  await fakes.waitFor(/Ready; Ctrl-C stops them/)
  serve = startCli(['serve'], { cwd: dir, env, bin: true })
  await serve.waitFor(/listening on http/)
})
afterAll(async () => {
  expect(await serve.stop()).toBe(0)
  expect(await fakes.stop()).toBe(0)
  rmSync(dir, { recursive: true, force: true })
})

describe('opayo-kashflow fakes + serve + trigger', () => {
  it('fakes writes a config on loopback with the seeded ids and prints the secrets serve expects', () => {
    const config = JSON.parse(readFileSync(join(dir, 'opayo-kashflow.config.json'), 'utf8')) as {
      kashflow: { baseUrl: string }
      opayo: { environment: string; server: { environment: string } }
      posting: { bankAccountId: number; paymentMethodId: number }
    }
    expect(config.kashflow.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/)
    expect(config.opayo.server.environment).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    expect(config.posting).toEqual({ bankAccountId: 55166, paymentMethodId: 409844 })
    expect(fakes.output()).toContain('export OPAYO_KASHFLOW_KASHFLOW_PASSWORD=s3cret')
  })

  it('trigger payment: registered, notified (Status OK), posted; a second one gets its own ids', async () => {
    const first = await cli([
      'trigger',
      'payment',
      '--invoice',
      '1042',
      '--amount',
      '20.00',
      '--json',
    ])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const a = JSON.parse(first.stdout) as {
      vendorTxCode: string
      vpsTxId: string
      steps: { step: string; state?: string; detail: string }[]
    }
    expect(a.steps.map((s) => s.step)).toEqual(['register', 'notify', 'payment'])
    expect(a.steps[1]?.detail).toContain('Status=OK RedirectURL=https://shop.example/thanks')
    expect(a.steps[2]?.state).toBe('posted')
    const second = await cli(['trigger', 'payment', '--invoice', '1042', '--amount', '20.00'])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('posted')
    expect(second.stdout).not.toContain(a.vendorTxCode)
    expect(second.stdout).not.toContain(a.vpsTxId)
  })

  it('trigger declined: answered, stored as skipped, nothing posted, and says so', async () => {
    const result = await cli(['trigger', 'declined', '--invoice', '1043'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/declined: opayo:[0-9A-F-]+:payment: skipped \(not_succeeded\)/)
  })

  it('trigger refund: a payment posted, then its refund read from Reporting and posted', async () => {
    const result = await cli(['trigger', 'refund', '--invoice', '1044', '--amount', '15.00'])
    expect(result.stdout).toMatch(/refund: opayo:[0-9A-F-]+:refund: posted/)
    expect(result.code).toBe(0)
  })

  it('trigger deferred: the authorisation skipped (no money moved), its release posted', async () => {
    const result = await cli(['trigger', 'deferred', '--invoice', '1043', '--amount', '12.00'])
    expect(result.stdout).toMatch(
      /deferred: opayo:[0-9A-F-]+:authorisation: skipped \(no_money_movement\)/,
    )
    expect(result.stdout).toMatch(/release: opayo:[0-9A-F-]+:capture: posted/)
    expect(result.code).toBe(0)
  })

  it('status --config from the parent folder reads the same database (paths are relative to the config file)', async () => {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          BIN,
          'status',
          '--json',
          '--config',
          join(dir.split('/').pop()!, 'opayo-kashflow.config.json'),
        ],
        { cwd: join(dir, '..'), env },
        (error, stdout) => resolve({ code: error ? 1 : 0, stdout }),
      ),
    )
    const status = JSON.parse(result.stdout) as { counts: { posted: number } }
    expect(status.counts.posted).toBeGreaterThanOrEqual(4)
  })
})

describe.skipIf(!existsSync(join(root, 'dist/cli.js')))('serve through the installed bin', () => {
  it('stops cleanly on SIGTERM and exits 0: the bin runs the CLI in its own process, no child is left', async () => {
    const config = JSON.parse(readFileSync(join(dir, 'opayo-kashflow.config.json'), 'utf8')) as {
      server: Record<string, unknown>
    }
    writeFileSync(
      join(dir, 'bin.json'),
      JSON.stringify({
        ...config,
        server: { ...config.server, port: 0 },
        store: { sqlite: 'bin.db' },
      }),
    )
    // The bin as a package manager links it (node_modules/.bin/opayo-kashflow -> bin/opayo-kashflow.js).
    const child = spawn(process.execPath, [BIN, 'serve', '--config', 'bin.json'], {
      cwd: dir,
      env,
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    for (let i = 0; i < 300 && !output.includes('listening on'); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 100))
    expect(output).toContain('listening on')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('Stopping: finishing the work in hand')
    expect(existsSync(join(dir, 'bin.db'))).toBe(true)
  })
})
