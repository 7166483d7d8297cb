// The CLI, through its real binary: the source entry under tsx (what `pnpm demo` runs) and, once
// `pnpm build` has run, the published bin through a link (bin/opayo-kashflow.js -> dist/cli.js).
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
  startFakeKashflowServer,
  startFakeOpayoServer,
} from '@opayo-kashflow/testkit'
import type { FakeKashflowServer, FakeOpayoServer } from '@opayo-kashflow/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CREDENTIALS } from './helpers.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = join(root, 'src/cli/bin.ts')
const built = join(root, 'dist/cli.js')
const bin = join(root, 'bin/opayo-kashflow.js')
const dir = mkdtempSync(join(tmpdir(), 'ok-cli-'))
// The tsx loader by absolute URL: the CLI runs with the temporary folder as its working directory.
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

// Each test starts the CLI as a process (node + tsx on the sources): seconds, more on a busy
// machine, so the default 5 s is too tight.
vi.setConfig({ testTimeout: 60_000 })

let kashflow: FakeKashflowServer
let opayo: FakeOpayoServer
const env = {
  OPAYO_KASHFLOW_KASHFLOW_PASSWORD: CREDENTIALS.password,
  OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: CREDENTIALS.memorableWord,
  OPAYO_KASHFLOW_REPORTING_PASSWORD: 'p',
}
const config = (overrides: Record<string, unknown> = {}) => ({
  opayo: {
    vendorName: 'myshop',
    environment: opayo.reportingUrl,
    reportingUser: 'r',
  },
  kashflow: { username: CREDENTIALS.username, baseUrl: kashflow.url },
  posting: { bankAccountId: 55166, paymentMethodId: 409844 },
  references: ['INV-{invoice}-{*}'],
  customFields: [{ preset: 'fraudScore' }],
  store: { sqlite: join(dir, 'cli.db') },
  server: { redirectUrl: 'https://shop.example/thanks?o={vendorTxCode}' },
  poll: false,
  ...overrides,
})

beforeAll(async () => {
  kashflow = await startFakeKashflowServer({
    port: 0,
    // 1042 is paid by the backfill test; 1045 stays open for the serve test (an invoice with
    // nothing owed would dead-letter its payment as an overpayment).
    seed: {
      invoices: [
        { number: 1042, gross: 120 },
        { number: 1045, gross: 120 },
      ],
    },
  })
  opayo = await startFakeOpayoServer({
    port: 0,
    options: { vendorName: 'myshop', reporting: { vendor: 'myshop', user: 'r', password: 'p' } },
  })
  writeFileSync(join(dir, 'opayo-kashflow.config.json'), JSON.stringify(config()))
})
afterAll(async () => {
  await kashflow.close()
  await opayo.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the opayo-kashflow CLI', () => {
  it('prints help and exits 0; an unknown command, subcommand or option exits 2 before any config is read, saying what to do', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: opayo-kashflow <command>')
    const unknown = await cli(['frobnicate', '--config', 'no-such-file.json'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('Unknown command "frobnicate"')
    expect(unknown.stderr).not.toContain('no-such-file.json')
    const sub = await cli(['dead-letters', 'nope', '--config', 'no-such-file.json'])
    expect(sub.code).toBe(2)
    expect(sub.stderr).toContain('dead-letters list')
    const option = await cli(['status', '--frm', '2026-11-01'])
    expect(option.code).toBe(2)
    expect(option.stderr).toContain('Run opayo-kashflow --help')
    const extra = await cli(['status', 'everything', '--config', 'no-such-file.json'])
    expect(extra.code).toBe(2)
    expect(extra.stderr).toContain('"status" takes no further words (got "everything")')
  })

  it('names the bad field when the config is invalid (exit 2)', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify(config({ posting: { bankAccountId: -1, paymentMethodId: 2 } })),
    )
    const result = await cli(['status', '--config', 'bad.json'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('posting.bankAccountId')
  })

  it('asks for secrets from the environment, never the file', async () => {
    const result = await cli(['doctor'], {})
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('OPAYO_KASHFLOW_KASHFLOW_PASSWORD')
  })

  it('refuses a Form password without the Reporting API, and a pi section without its secrets, naming the fix', async () => {
    const { reportingUser: _user, ...noReporting } = config().opayo
    writeFileSync(join(dir, 'form.json'), JSON.stringify(config({ opayo: noReporting })))
    const form = await cli(['doctor', '--config', 'form.json'], {
      ...env,
      OPAYO_KASHFLOW_FORM_PASSWORD: 'DemoFormKey12345',
    })
    expect(form.code).toBe(2)
    expect(form.stderr).toContain('Set opayo.reportingUser and OPAYO_KASHFLOW_REPORTING_PASSWORD')
    expect(form.stderr).not.toContain('DemoFormKey12345')
    writeFileSync(
      join(dir, 'pi.json'),
      JSON.stringify(config({ opayo: { ...config().opayo, pi: {} } })),
    )
    const pi = await cli(['doctor', '--config', 'pi.json'], env)
    expect(pi.code).toBe(2)
    expect(pi.stderr).toContain('OPAYO_KASHFLOW_PI_INTEGRATION_KEY')
    writeFileSync(
      join(dir, 'legacy.json'),
      JSON.stringify(config({ opayo: { ...config().opayo, registrationsFile: 'r.json' } })),
    )
    const legacy = await cli(['status', '--config', 'legacy.json'], env)
    expect(legacy.code).toBe(2)
    expect(legacy.stderr).toContain('opayo-kashflow registrations import r.json')
  })

  it('doctor checks the login, bank account, payment method and Reporting API', async () => {
    const ok = await cli(['doctor', '--json'], env)
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: 'KashFlow login', ok: true })]),
    )
    writeFileSync(
      join(dir, 'wrong.json'),
      JSON.stringify(config({ posting: { bankAccountId: 1, paymentMethodId: 409844 } })),
    )
    const wrong = await cli(['doctor', '--config', 'wrong.json'], env)
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toContain('FAIL bank account 1')
  })

  it('backfills from Reporting, then status, dead letters and reconcile work on the same store', async () => {
    opayo.fake.seed({
      transactionId: 'F0000000-0000-4000-8000-000000000001',
      vendorTxCode: 'INV-1042-1',
      amount: 12000,
    })
    opayo.fake.seed({
      transactionId: 'F0000000-0000-4000-8000-000000000002',
      vendorTxCode: 'INV-7777-1',
      amount: 500,
    })
    const from = new Date(Date.now() - 3_600_000).toISOString()
    const to = new Date(Date.now() + 3_600_000).toISOString()
    const backfill = await cli(['backfill', '--from', from, '--to', to, '--json'], env)
    expect(backfill.code).toBe(0)
    expect(JSON.parse(backfill.stdout)).toMatchObject({ seen: 2, received: 2 })

    const status = await cli(['status', '--json'])
    expect(JSON.parse(status.stdout)).toMatchObject({ counts: { received: 2 } })

    // Posting happens in `serve`; here the test drains the same SQLite file with the library.
    const { sqliteStore } = await import('@opayo-kashflow/sync/sqlite')
    const { createSyncEngine } = await import('@opayo-kashflow/sync')
    const { createKashflowClient } = await import('@opayo-kashflow/kashflow')
    const { createReferenceParser, definePostingRules } = await import('@opayo-kashflow/core')
    const store = await sqliteStore({ path: join(dir, 'cli.db') })
    const engine = createSyncEngine({
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, baseUrl: kashflow.url }),
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      retry: { notFoundDelaysMs: [] },
    })
    await engine.drain()
    await store.close()

    const dead = await cli(['dead-letters', 'list', '--json'])
    const list = JSON.parse(dead.stdout) as { id: string; reason: string }[]
    expect(list).toEqual([
      expect.objectContaining({
        id: 'opayo:F0000000-0000-4000-8000-000000000002:payment',
        reason: 'invoice_not_found',
      }),
    ])
    const show = await cli(['dead-letters', 'show', list[0]!.id])
    expect(show.stdout).toContain('Invoice 7777')
    expect((await cli(['dead-letters', 'show'])).code).toBe(2)
    const waiting = await cli(['status'])
    expect(waiting.code).toBe(1) // a dead letter waits for a person
    expect(waiting.stdout).toContain('1 dead letter(s) need a person')
    expect(
      JSON.parse(
        (await cli(['dead-letters', 'replay', list[0]!.id, '--dry-run', '--json'])).stdout,
      ),
    ).toEqual({ replayed: [list[0]!.id], dryRun: true })
    expect((await cli(['dead-letters', 'discard', list[0]!.id])).code).toBe(2)
    expect(
      (await cli(['dead-letters', 'discard', list[0]!.id, '--reason', 'test invoice'])).code,
    ).toBe(0)
    expect((await cli(['status'])).code).toBe(0)

    // --out names a folder that does not exist yet: it is created.
    const out = join(dir, 'reports', '2026-11')
    const reconcile = await cli(['reconcile', '--from', from, '--to', to, '--out', out], env)
    expect(reconcile.stdout).toContain('missing in kashflow  1')
    expect(reconcile.code).toBe(1)
    expect(readFileSync(join(out, 'reconciliation.csv'), 'utf8')).toContain('INV-7777-1')
    expect(existsSync(join(out, 'reconciliation.html'))).toBe(true)
  }, 120_000)

  it('serves: a signed notification of an imported registration is acknowledged and posted; admin routes only on the admin listener; SIGTERM stops it cleanly', async () => {
    writeFileSync(
      join(dir, 'registrations.json'),
      JSON.stringify({
        'INV-1045-9': { securityKey: 'IK776BWNHN', amount: 1000, currency: 'GBP' },
      }),
    )
    writeFileSync(
      join(dir, 'serve.json'),
      JSON.stringify(
        config({
          store: { sqlite: join(dir, 'serve.db') },
          server: {
            port: 0,
            redirectUrl: 'https://shop.example/thanks?o={vendorTxCode}',
            admin: { port: 0 },
          },
        }),
      ),
    )
    const imported = await cli(
      ['registrations', 'import', 'registrations.json', '--config', 'serve.json'],
      env,
    )
    expect(imported.code).toBe(0)
    const child = spawn(
      process.execPath,
      [
        '--conditions=@opayo-kashflow/source',
        '--import',
        tsx,
        source,
        'serve',
        '--config',
        'serve.json',
      ],
      {
        cwd: dir,
        env: { ...process.env, ...env },
      },
    )
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    )
    let output = ''
    const [url, adminUrl] = await new Promise<[string, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 30_000)
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening on (http:\/\/[^\s]+) .*admin on (http:\/\/[^\s]+)/.exec(output)
        if (match?.[1] && match[2]) {
          clearTimeout(timer)
          resolve([match[1], match[2]])
        }
      })
    })
    const fields = signServerNotification(
      buildServerNotification({
        VendorTxCode: 'INV-1045-9',
        VPSTxId: '{A9000000-0000-4000-8000-000000000009}',
      }),
      {
        vendorName: 'myshop',
        securityKey: 'IK776BWNHN',
      },
    )
    expect((await postServerNotification(`${url}/opayo/notify`, fields)).status).toBe('OK')
    let posted = 0
    for (let i = 0; i < 100 && posted === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 100))
      posted = (
        (await (await fetch(`${adminUrl}/admin/health`)).json()) as { counts: { posted: number } }
      ).counts.posted
    }
    expect(posted).toBe(1)
    // The engine's and the route's decisions as JSON lines, each with the event id.
    for (let i = 0; i < 50 && !output.includes('"sync posted"'); i += 1)
      await new Promise((r) => setTimeout(r, 100))
    const logs = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string; id?: string })
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'sync posted', id: expect.any(String) }),
    )
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'opayo notification accepted',
        vpsTxId: 'A9000000-0000-4000-8000-000000000009',
      }),
    )
    expect(output).not.toContain('IK776BWNHN')
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' })
    expect((await fetch(`${url}/admin`)).status).toBe(404)
    expect(await (await fetch(`${adminUrl}/admin`)).text()).toContain('opayo-kashflow')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 60_000)

  it('runs the demo (what `pnpm demo` runs) and exits 0 only when every payment is accounted for', async () => {
    const result = await cli(['demo'])
    expect(result.stdout).toContain('Every payment is accounted for')
    expect(result.stdout).toMatch(/matched +1\d\d/)
    expect(result.code).toBe(0)
  }, 150_000)

  it.skipIf(!existsSync(built))(
    'runs through a link to its bin, as npx and pnpm exec start it (after pnpm build)',
    async () => {
      // A link named like the command, the way a package manager installs the bin.
      const link = join(dir, 'opayo-kashflow')
      if (!existsSync(link)) symlinkSync(bin, link)
      const run = (args: string[]) =>
        new Promise<{ code: number; stdout: string }>((resolve) =>
          execFile(process.execPath, [link, ...args], (error, stdout) =>
            resolve({ code: error ? 1 : 0, stdout }),
          ),
        )
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        version: string
      }
      expect(await run(['--version'])).toEqual({ code: 0, stdout: `opayo-kashflow ${version}\n` })
      const help = await run(['--help'])
      expect(help.code).toBe(0)
      expect(help.stdout).toContain('Usage: opayo-kashflow <command> [options]')
    },
  )
})

describe('opayo-kashflow registrations import', () => {
  // Registrations live in the store: this config has no opayo.registrationsFile.
  const configFile = (name: string) => {
    const opayoSection = config().opayo
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify(config({ opayo: opayoSection, store: { sqlite: join(dir, `${name}.db`) } })),
    )
    return [`--config`, `${name}.json`]
  }
  const registered = async (name: string, vendorTxCode: string) => {
    const { sqliteStore } = await import('@opayo-kashflow/sync/sqlite')
    const store = await sqliteStore({ path: join(dir, `${name}.db`) })
    try {
      return await store.getRegistration(vendorTxCode)
    } finally {
      await store.close()
    }
  }

  it('imports the legacy object map, then reports a re-import as duplicates (exit 0)', async () => {
    const args = configFile('reg-import')
    writeFileSync(
      join(dir, 'legacy.json'),
      JSON.stringify({
        'INV-1042-1': { securityKey: 'IK776BWNHN', amount: 12000, currency: 'GBP' },
        'INV-1043-1': {
          securityKey: 'QW2ERTY3UI',
          amount: 995,
          currency: 'EUR',
          txType: 'DEFERRED',
          invoiceReference: 'INV-1043',
          customer: { firstName: 'Zoë', email: 'zoe@example.com' },
        },
      }),
    )
    const first = await cli(['registrations', 'import', 'legacy.json', ...args])
    expect(first).toMatchObject({ code: 0, stdout: 'created 2, duplicates 0, conflicts 0\n' })
    expect(await registered('reg-import', 'INV-1042-1')).toMatchObject({
      securityKey: 'IK776BWNHN',
      amount: 12000,
      currency: 'GBP',
      txType: 'PAYMENT',
    })
    expect(await registered('reg-import', 'INV-1043-1')).toMatchObject({
      txType: 'DEFERRED',
      invoiceReference: 'INV-1043',
      customer: { firstName: 'Zoë', email: 'zoe@example.com' },
    })
    const again = await cli(['registrations', 'import', 'legacy.json', ...args])
    expect(again).toMatchObject({ code: 0, stdout: 'created 0, duplicates 2, conflicts 0\n' })

    // The array shape, with --json.
    writeFileSync(
      join(dir, 'array.json'),
      JSON.stringify([
        { vendorTxCode: 'INV-1042-1', securityKey: 'IK776BWNHN', amount: 12000, currency: 'GBP' },
        {
          vendorTxCode: 'INV-1044-1',
          securityKey: 'ZX9CVBN8MA',
          amount: 500,
          currency: 'GBP',
          vpsTxId: '{A9000000-0000-4000-8000-000000000044}',
        },
      ]),
    )
    const json = await cli(['registrations', 'import', 'array.json', '--json', ...args])
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual({ created: 1, duplicates: 1, conflicts: [] })
    expect((await registered('reg-import', 'INV-1044-1'))?.vpsTxId).toBe(
      '{A9000000-0000-4000-8000-000000000044}',
    )
  }, 60_000)

  it('reports a conflict by vendorTxCode, keeps the first SecurityKey, still imports the rest (exit 1)', async () => {
    const args = configFile('reg-conflict')
    writeFileSync(
      join(dir, 'first.json'),
      JSON.stringify({ 'INV-2001-1': { securityKey: 'FIRSTKEY01', amount: 100, currency: 'GBP' } }),
    )
    expect((await cli(['registrations', 'import', 'first.json', ...args])).code).toBe(0)
    writeFileSync(
      join(dir, 'second.json'),
      JSON.stringify({
        'INV-2001-1': { securityKey: 'OTHERKEY02', amount: 100, currency: 'GBP' },
        'INV-2002-1': { securityKey: 'NEWKEY0003', amount: 200, currency: 'GBP' },
      }),
    )
    const result = await cli(['registrations', 'import', 'second.json', ...args])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('created 1, duplicates 0, conflicts 1')
    expect(result.stdout).toContain('INV-2001-1')
    expect(result.stdout + result.stderr).not.toContain('OTHERKEY02')
    expect((await registered('reg-conflict', 'INV-2001-1'))?.securityKey).toBe('FIRSTKEY01')
    expect((await registered('reg-conflict', 'INV-2002-1'))?.securityKey).toBe('NEWKEY0003')
  }, 60_000)

  it('refuses a file with an invalid row, naming the row and field, and imports nothing (exit 2)', async () => {
    const args = configFile('reg-invalid')
    writeFileSync(
      join(dir, 'invalid.json'),
      JSON.stringify([
        { vendorTxCode: 'INV-3001-1', securityKey: 'GOODKEY001', amount: 100, currency: 'GBP' },
        { vendorTxCode: 'INV-3002-1', securityKey: 'BADKEY0002', amount: 12.5, currency: 'GBP' },
        { vendorTxCode: 'INV-3003-1', securityKey: 'BADKEY0003', amount: 100, currency: 'XYZ' },
      ]),
    )
    const result = await cli(['registrations', 'import', 'invalid.json', ...args])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('nothing was imported')
    expect(result.stderr).toMatch(/index 1 amount: /)
    expect(result.stderr).toMatch(/index 2 currency: must be a known ISO 4217 currency code/)
    expect(result.stderr).not.toMatch(/BADKEY/)
    expect(await registered('reg-invalid', 'INV-3001-1')).toBeUndefined()

    writeFileSync(
      join(dir, 'invalid-map.json'),
      JSON.stringify({ 'INV-3004-1': { securityKey: 'K', currency: 'GBP' } }),
    )
    const map = await cli(['registrations', 'import', 'invalid-map.json', ...args])
    expect(map.code).toBe(2)
    expect(map.stderr).toContain('"INV-3004-1" amount: ')
    expect((await cli(['registrations', 'import', ...args])).code).toBe(2)
    expect((await cli(['--help'])).stdout).toContain('registrations import FILE')
    expect((await cli(['registrations', 'import', 'missing.json', ...args])).code).toBe(2)
  }, 60_000)

  it('refuses an import whose vendorTxCode differs from a stored one only by case, importing nothing (exit 2)', async () => {
    const args = configFile('reg-near')
    writeFileSync(
      join(dir, 'near-first.json'),
      JSON.stringify({
        'INV-1042-1': { securityKey: 'IK776BWNHN', amount: 12000, currency: 'GBP' },
      }),
    )
    expect((await cli(['registrations', 'import', 'near-first.json', ...args])).code).toBe(0)
    writeFileSync(
      join(dir, 'near-second.json'),
      JSON.stringify([
        { vendorTxCode: 'INV-1043-1', securityKey: 'QW2ERTY3UI', amount: 100, currency: 'GBP' },
        { vendorTxCode: 'inv-1042-1', securityKey: 'OWNKEY0001', amount: 777700, currency: 'GBP' },
      ]),
    )
    const result = await cli(['registrations', 'import', 'near-second.json', ...args])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('nothing was imported')
    expect(result.stderr).toContain(
      '"inv-1042-1" differs from the stored "INV-1042-1" only by letter case',
    )
    expect(result.stderr).not.toContain('OWNKEY0001')
    expect(await registered('reg-near', 'inv-1042-1')).toBeUndefined()
    expect(await registered('reg-near', 'INV-1043-1')).toBeUndefined()
  }, 60_000)
})
