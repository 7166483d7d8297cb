// `serve` and the admin listener's address, through the real CLI (node + tsx on the sources): an
// admin listener beyond loopback refuses to start without the admin token (exit 2, saying why
// and what to set); with the token it starts and every admin request needs the bearer token.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startFakeKashflowServer, startFakeOpayoServer } from '@opayo-kashflow/testkit'
import type { FakeKashflowServer, FakeOpayoServer } from '@opayo-kashflow/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CREDENTIALS } from './helpers.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = join(root, 'src/cli/bin.ts')
const dir = mkdtempSync(join(tmpdir(), 'ok-cli-admin-'))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const ADMIN = 'cli-admin-token-SENTINEL-0123456789'

vi.setConfig({ testTimeout: 60_000 })

let kashflow: FakeKashflowServer
let opayo: FakeOpayoServer
const env = () => ({
  ...process.env,
  OPAYO_KASHFLOW_KASHFLOW_PASSWORD: CREDENTIALS.password,
  OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: CREDENTIALS.memorableWord,
  OPAYO_KASHFLOW_REPORTING_PASSWORD: 'p',
  OPAYO_KASHFLOW_ADMIN_TOKEN: '',
})
const writeConfig = (name: string, admin: Record<string, unknown>) =>
  writeFileSync(
    join(dir, name),
    JSON.stringify({
      opayo: { vendorName: 'myshop', environment: opayo.reportingUrl, reportingUser: 'r' },
      kashflow: { username: CREDENTIALS.username, baseUrl: kashflow.url },
      posting: { bankAccountId: 55166, paymentMethodId: 409844 },
      references: ['INV-{invoice}-{*}'],
      store: { sqlite: join(dir, `${name}.db`) },
      server: { port: 0, redirectUrl: 'https://shop.example/thanks', admin },
      poll: false,
    }),
  )
const args = (config: string) => [
  '--conditions=@opayo-kashflow/source',
  '--import',
  tsx,
  source,
  'serve',
  '--config',
  config,
]

beforeAll(async () => {
  kashflow = await startFakeKashflowServer({ port: 0 })
  opayo = await startFakeOpayoServer({
    port: 0,
    options: { vendorName: 'myshop', reporting: { vendor: 'myshop', user: 'r', password: 'p' } },
  })
})
afterAll(async () => {
  await kashflow.close()
  await opayo.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('opayo-kashflow serve with the admin listener beyond loopback', () => {
  it('refuses to start on 0.0.0.0 without OPAYO_KASHFLOW_ADMIN_TOKEN (exit 2), saying why and what to set', async () => {
    writeConfig('open.json', { port: 0, host: '0.0.0.0' })
    // Today's `serve` would start and listen: the timeout ends it and the test fails.
    const result = await new Promise<{ code: number | string; stdout: string; stderr: string }>(
      (resolve) =>
        execFile(
          process.execPath,
          args('open.json'),
          { cwd: dir, env: env(), timeout: 30_000 },
          (error, stdout, stderr) =>
            resolve({
              code: error ? ((error as { code?: number | string }).code ?? 1) : 0,
              stdout,
              stderr,
            }),
        ),
    )
    expect(result.code).toBe(2)
    expect(result.stdout).not.toContain('listening')
    expect(result.stderr).toContain('server.admin.host is "0.0.0.0", not a loopback address')
    expect(result.stderr).toContain('OPAYO_KASHFLOW_ADMIN_TOKEN')
    expect(result.stderr).toContain('Authorization: Bearer')
  })

  it('starts on 0.0.0.0 with the admin token, and every admin request then needs it', async () => {
    writeConfig('tokened.json', { port: 0, host: '0.0.0.0' })
    const child = spawn(process.execPath, args('tokened.json'), {
      cwd: dir,
      env: { ...env(), OPAYO_KASHFLOW_ADMIN_TOKEN: ADMIN },
    })
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    )
    let output = ''
    const adminUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 30_000)
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        const match = /admin on (http:\/\/[^\s]+)/.exec(output)
        if (match?.[1]) {
          clearTimeout(timer)
          resolve(match[1])
        }
      }
      child.stdout.on('data', read)
      child.stderr.on('data', read)
    })
    try {
      expect(output).toContain('every admin request needs Authorization: Bearer')
      expect(output).not.toContain(ADMIN)
      expect((await fetch(`${adminUrl}/admin/health`)).status).toBe(401)
      expect((await fetch(`${adminUrl}/admin`)).status).toBe(401)
      const health = await fetch(`${adminUrl}/admin/health`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      })
      expect(health.status).toBe(200)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})
