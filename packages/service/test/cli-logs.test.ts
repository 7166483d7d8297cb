// `serve`'s log lines (cli-logger.ts): pino JSON lines or pino-pretty text, the level and format
// from the environment over the config file's `log` section, a bad value refused naming the key
// and the values allowed; and the 'service starting' line through the real CLI, with no secret.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import type { FakeKashflowServer } from '@opayo-kashflow/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { cliLogger, logSettings } from '../src/cli/cli-logger.js'
import { ConfigError, loadConfig } from '../src/cli/config.js'
import type { LogFormat, LogLevel } from '../src/cli/config.js'
import { CREDENTIALS } from './helpers.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = join(root, 'src/cli/bin.ts')
const dir = mkdtempSync(join(tmpdir(), 'ok-cli-logs-'))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

vi.setConfig({ testTimeout: 60_000 })

/** A logger writing into an array, one entry per line. */
function captured(level: LogLevel, format: LogFormat = 'json') {
  const chunks: string[] = []
  const logger = cliLogger({
    level,
    format,
    destination: new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        chunks.push(chunk.toString())
        done()
      },
    }),
  })
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
  return { logger, lines, json: () => lines().map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('cliLogger', () => {
  it('writes one JSON object per line: level by name, ISO time, msg and the fields', () => {
    const { logger, json } = captured('info')
    logger.info('sync posted', { id: 'opayo:A:payment', markers: ['OPAYO:A:payment'] })
    logger.warn('sync retry-scheduled', { id: 'x', attempt: 2 })
    logger.error('acknowledgement failed')
    const lines = json()
    expect(lines).toHaveLength(3)
    expect(lines[0]).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: 'sync posted',
      id: 'opayo:A:payment',
      markers: ['OPAYO:A:payment'],
    })
    expect(lines.map((l) => l['level'])).toEqual(['info', 'warn', 'error'])
    // No pid or hostname.
    expect(Object.keys(lines[2]!).sort()).toEqual(['level', 'msg', 'time'])
  })

  it('writes an error as its name and message only, a bigint as a string, and survives a cycle', () => {
    const { logger, json } = captured('info')
    const error = new TypeError('fetch failed')
    logger.warn('kashflow unavailable', { error, amount: 12345678901234567890n })
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    logger.info('odd', { cyclic })
    expect(json()).toEqual([
      expect.objectContaining({
        error: { name: 'TypeError', message: 'fetch failed' },
        amount: '12345678901234567890',
      }),
      expect.objectContaining({ msg: 'odd' }),
    ])
    expect(JSON.stringify(json())).not.toContain('stack')
  })

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ] as const)('at %s writes %j', (level, written) => {
    const { logger, json } = captured(level)
    logger.debug('d')
    logger.info('i')
    logger.warn('w')
    logger.error('e')
    expect(json().map((l) => l['level'])).toEqual(written)
    expect(logger.level).toBe(level)
  })

  it('pretty: pino-pretty text, synchronously, into the same destination', () => {
    const { logger, lines } = captured('info', 'pretty')
    logger.info('service starting', { port: 8080 })
    const text = lines().join('\n')
    expect(text).toMatch(/INFO.*service starting/)
    expect(text).toContain('port: 8080')
    expect(() => JSON.parse(lines()[0]!) as unknown).toThrow()
  })
})

describe('logSettings', () => {
  const LEVEL = 'OPAYO_KASHFLOW_LOG_LEVEL'
  const FORMAT = 'OPAYO_KASHFLOW_LOG_FORMAT'

  it('defaults to info, JSON when stdout is not a terminal and pretty when it is', () => {
    expect(logSettings({ env: {}, isTTY: false })).toEqual({ level: 'info', format: 'json' })
    expect(logSettings({ env: {}, isTTY: true })).toEqual({ level: 'info', format: 'pretty' })
  })

  it('takes the environment over the config file, and the config file over the defaults', () => {
    const config = { level: 'warn', format: 'pretty' } as const
    expect(logSettings({ env: {}, config, isTTY: false })).toEqual({
      level: 'warn',
      format: 'pretty',
    })
    expect(
      logSettings({ env: { [LEVEL]: 'ERROR', [FORMAT]: 'json' }, config, isTTY: true }),
    ).toEqual({ level: 'error', format: 'json' })
    // An empty variable is unset.
    expect(logSettings({ env: { [LEVEL]: '' }, config, isTTY: false }).level).toBe('warn')
    // =json turns pretty off at a terminal; =pretty forces it in a pipe.
    expect(logSettings({ env: { [FORMAT]: 'json' }, isTTY: true }).format).toBe('json')
    expect(logSettings({ env: { [FORMAT]: 'pretty' }, isTTY: false }).format).toBe('pretty')
  })

  it('refuses an unknown level or format, naming the variable and the values allowed', () => {
    expect(() => logSettings({ env: { [LEVEL]: 'verbose' } })).toThrow(ConfigError)
    expect(() => logSettings({ env: { [LEVEL]: 'verbose' } })).toThrow(
      'OPAYO_KASHFLOW_LOG_LEVEL must be one of debug, info, warn, error, silent (got "verbose")',
    )
    expect(() => logSettings({ env: { [FORMAT]: 'xml' } })).toThrow(
      'OPAYO_KASHFLOW_LOG_FORMAT must be one of json, pretty (got "xml")',
    )
  })
})

describe('the config file log section', () => {
  const base = {
    opayo: { vendorName: 'myshop' },
    kashflow: { username: 'u' },
    posting: { bankAccountId: 1, paymentMethodId: 2 },
    references: ['INV-{invoice}-{*}'],
    server: { redirectUrl: 'https://shop.example/' },
  }
  const load = (log: unknown) => {
    const file = join(dir, `log-${Math.random().toString(36).slice(2)}.json`)
    writeFileSync(file, JSON.stringify({ ...base, log }))
    return loadConfig(file)
  }

  it('takes a level and a format', async () => {
    expect((await load({ level: 'debug', format: 'json' })).log).toEqual({
      level: 'debug',
      format: 'json',
    })
    expect((await load(undefined)).log).toBeUndefined()
  })

  it('refuses an unknown level, format or key, naming it and the values allowed', async () => {
    await expect(load({ level: 'verbose' })).rejects.toThrow(ConfigError)
    await expect(load({ level: 'verbose' })).rejects.toThrow(
      'log.level: must be one of debug, info, warn, error, silent',
    )
    await expect(load({ format: 'xml' })).rejects.toThrow('log.format: must be one of json, pretty')
    await expect(load({ levle: 'info' })).rejects.toThrow(/log: .*levle/)
  })
})

describe('opayo-kashflow serve logs', () => {
  // Every secret set to a value that cannot appear by chance.
  const SECRETS = {
    OPAYO_KASHFLOW_KASHFLOW_PASSWORD: CREDENTIALS.password,
    OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: CREDENTIALS.memorableWord,
    OPAYO_KASHFLOW_REPORTING_PASSWORD: 'SECRET-reporting-password-7f3a',
    OPAYO_KASHFLOW_FORM_PASSWORD: 'SECRET-form-password-91c2',
    OPAYO_KASHFLOW_PI_INTEGRATION_KEY: 'SECRET-pi-key-44d0',
    OPAYO_KASHFLOW_PI_INTEGRATION_PASSWORD: 'SECRET-pi-password-0b9e',
    OPAYO_KASHFLOW_HANDOVER_TOKEN: 'SECRET-handover-token-6e1f',
    OPAYO_KASHFLOW_ADMIN_TOKEN: 'SECRET-admin-token-c8a7',
    OPAYO_KASHFLOW_DATABASE_URL: 'postgres://app:SECRET-db-password-2d5b@db.example/ledger',
  }
  let kashflow: FakeKashflowServer
  beforeAll(async () => {
    kashflow = await startFakeKashflowServer({ port: 0 })
  })
  afterAll(async () => {
    await kashflow.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const serve = (config: string, env: Record<string, string>) => {
    const {
      OPAYO_KASHFLOW_LOG_LEVEL: _level,
      OPAYO_KASHFLOW_LOG_FORMAT: _format,
      ...inherited
    } = process.env
    return spawn(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', tsx, source, 'serve', '--config', config],
      { cwd: dir, env: { ...inherited, ...SECRETS, ...env } },
    )
  }

  it("logs one 'service starting' line with the settings that matter and no secret", async () => {
    writeFileSync(
      join(dir, 'serve.json'),
      JSON.stringify({
        // Opayo on a closed local port: the poller's read fails at once, nothing leaves the machine.
        opayo: {
          vendorName: 'myshop',
          environment: 'http://127.0.0.1:9/',
          reportingUser: 'r',
          pi: {},
        },
        kashflow: {
          username: CREDENTIALS.username,
          baseUrl: kashflow.url,
          rateBudget: { limit: 5 },
        },
        posting: { bankAccountId: 55166, paymentMethodId: 409844 },
        references: ['INV-{invoice}-{*}'],
        store: { sqlite: join(dir, 'serve.db') },
        server: {
          port: 0,
          redirectUrl: 'https://shop.example/thanks',
          concurrency: 3,
          admin: { port: 0 },
        },
        poll: { intervalMinutes: 5, windowHours: 24 },
        log: { level: 'warn' },
      }),
    )
    // The environment's level wins over the file's warn (which would hide the info line).
    const child = serve('serve.json', { OPAYO_KASHFLOW_LOG_LEVEL: 'info' })
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 30_000)
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('listening on')) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout.on('data', read)
      child.stderr.on('data', read)
    })
    child.kill('SIGTERM')
    // SIGTERM as soon as the line is read: the stop signals are listened for before it is written.
    expect(await exited).toBe(0)

    const logs = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    const starting = logs.filter((l) => l['msg'] === 'service starting')
    expect(starting).toHaveLength(1)
    expect(starting[0]).toEqual({
      level: 'info',
      time: expect.any(String),
      msg: 'service starting',
      role: 'all',
      port: 0,
      host: '127.0.0.1',
      admin: { host: '127.0.0.1', port: 0 },
      store: { kind: 'sqlite', path: join(dir, 'serve.db') },
      postingMode: 'direct',
      concurrency: 3,
      poll: { intervalMinutes: 5, windowHours: 24 },
      form: true,
      pi: true,
      reporting: true,
      kashflowBaseUrl: new URL(kashflow.url).href,
      rateBudget: { limit: 5, windowMs: 1000 },
      logLevel: 'info',
    })
    for (const value of Object.values(SECRETS)) expect(output).not.toContain(value)
    expect(output).not.toContain('SECRET')
  })

  it('exits 2 on an unknown OPAYO_KASHFLOW_LOG_LEVEL, naming it and the values allowed, before it listens', async () => {
    const child = serve('serve.json', { OPAYO_KASHFLOW_LOG_LEVEL: 'verbose' })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(2)
    expect(output).toContain(
      'OPAYO_KASHFLOW_LOG_LEVEL must be one of debug, info, warn, error, silent (got "verbose")',
    )
    expect(output).not.toContain('listening')
  })
})
