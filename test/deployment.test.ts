// The deployment recipes (Dockerfile, compose.yaml, deploy/opayo-kashflow.service,
// docs/deployment.md) hold together: every command they run is one the command line accepts
// (checked by the CLI's own parser and roles, so a renamed flag or role fails here), the config
// files pass the CLI's schema, the health checks ask the ports those configs open, and the docs
// name only files that exist. No container engine runs in CI: the image is built only where one
// answers.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ServiceConfigSchema } from '../packages/service/src/cli/config.js'
import { main } from '../packages/service/src/cli/main.js'
import { SERVE_ROLES } from '../packages/service/src/cli/service-commands.js'

const root = new URL('..', import.meta.url).pathname
const read = (file: string) => readFileSync(`${root}${file}`, 'utf8')
const exec = promisify(execFile)

/**
 * Runs the command line on `args` as written in a recipe. The config file a recipe names lives
 * on the server, not here, so a valid command stops exactly at reading it (exit 2, "Cannot read
 * the config file <path>"): the command, its subcommand and every flag got past the CLI's own
 * parser first. An unknown command or flag stops earlier with another message.
 */
async function acceptedByTheCli(args: readonly string[]): Promise<void> {
  const config = args[args.indexOf('--config') + 1]
  expect(args, `${args.join(' ')} names its config file`).toContain('--config')
  const role = args.includes('--role') ? args[args.indexOf('--role') + 1] : undefined
  if (role !== undefined) expect(SERVE_ROLES, `${args.join(' ')}: --role`).toContain(role)
  const err: string[] = []
  const code = await main(args, { out: () => {}, err: (line) => err.push(line) })
  expect({ args, code, err: err.join('\n') }).toMatchObject({
    code: 2,
    err: expect.stringContaining(`Cannot read the config file ${resolve(config ?? '')}`),
  })
}

/** A config file of the recipes, validated as `serve` validates it. */
const configOf = (file: string) => ServiceConfigSchema.parse(JSON.parse(read(file)))

interface ComposeService {
  image?: string
  build?: string
  command?: string[]
  environment?: Record<string, string>
  env_file?: string
  volumes?: string[]
  ports?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  deploy?: { replicas?: number }
}
const compose = parse(read('compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>
}
const services = compose.services
const service = (name: string): ComposeService => {
  const found = services[name]
  if (!found) throw new Error(`compose.yaml has no service ${name}`)
  return found
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
const dockerfile = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trim().startsWith('#'))
const finalStage = dockerfile.slice(dockerfile.findLastIndex((line) => /^FROM /.test(line)))
const instruction = (name: string) =>
  finalStage
    .filter((line) => line.startsWith(`${name} `))
    .map((line) => line.slice(name.length + 1))
const execForm = (name: string) => {
  const [only] = instruction(name)
  return JSON.parse(only ?? 'null') as string[] | null
}
/** The port of the URL a health check asks, and its path. */
const healthUrl = (text: string) => {
  const url = /fetch\('(http:\/\/127\.0\.0\.1:\d+\/[\w/]*)'\)/.exec(text)?.[1]
  if (!url) throw new Error(`no fetch('http://127.0.0.1:PORT/...') in ${text}`)
  const parsed = new URL(url)
  return { port: Number(parsed.port), path: parsed.pathname }
}

describe('the Dockerfile', () => {
  it('builds in a stage of its own and keeps the compilers there', () => {
    const froms = dockerfile.filter((line) => line.startsWith('FROM '))
    expect(froms.length).toBeGreaterThanOrEqual(2)
    expect(froms[0]).toMatch(/ AS build$/)
    expect(froms.at(-1)).toMatch(/^FROM node:\$\{NODE_VERSION\}-(slim|alpine)$/)
    expect(dockerfile).toContain('ARG NODE_VERSION=20')
    expect(finalStage.join('\n')).not.toMatch(/\b(g\+\+|make|python3|build-essential)\b/)
    expect(finalStage.join('\n')).toMatch(/COPY --from=build /)
    // The packing it runs is the one check-packages checks.
    expect(dockerfile.join('\n')).toContain('node scripts/pack-packages.mjs /packs')
    expect(existsSync(`${root}scripts/pack-packages.mjs`)).toBe(true)
  })

  it('runs as a user that is not root', () => {
    const [user] = instruction('USER')
    expect(user).toBeDefined()
    expect(user).not.toMatch(/^(root|0)(:|$)/)
  })

  it('runs the opayo-kashflow bin, serve with the mounted config by default', async () => {
    const manifest = JSON.parse(read('packages/service/package.json')) as {
      bin: Record<string, string>
    }
    const entrypoint = execForm('ENTRYPOINT')
    expect(entrypoint).toEqual(['opayo-kashflow'])
    expect(Object.keys(manifest.bin)).toContain(entrypoint?.[0])
    const cmd = execForm('CMD')
    expect(cmd).toEqual(['serve', '--config', '/config/opayo-kashflow.config.json'])
    await acceptedByTheCli(cmd ?? [])
  })

  it('checks /health with node (the slim image has no curl) on the port the compose config serves', () => {
    const [healthcheck] = instruction('HEALTHCHECK')
    expect(healthcheck).toMatch(/CMD \["node", "-e", /)
    expect(healthcheck).not.toMatch(/curl|wget/)
    expect(healthUrl(healthcheck ?? '')).toEqual({
      port: configOf('deploy/compose.config.json').server.port,
      path: '/health',
    })
    expect(instruction('EXPOSE')).toContain(
      String(configOf('deploy/compose.config.json').server.port),
    )
  })

  it('leaves dependencies, builds and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n')
    for (const entry of ['.git', '**/node_modules', '**/dist', '.env'])
      expect(ignored).toContain(entry)
    expect(read('.gitignore').split('\n')).toContain('.env')
  })
})

describe('compose.yaml', () => {
  const web = service('web')
  const worker = service('worker')
  const postgres = service('postgres')
  const config = configOf('deploy/compose.config.json')

  it('runs the web role, two workers and PostgreSQL', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'web', 'worker'])
    expect(web.command?.slice(0, 3)).toEqual(['serve', '--role', 'ack'])
    expect(worker.command?.slice(0, 3)).toEqual(['serve', '--role', 'worker'])
    expect(worker.deploy?.replicas).toBe(2)
    for (const app of [web, worker]) {
      expect(app).toMatchObject({ build: '.', image: 'opayo-kashflow:local', env_file: '.env' })
      expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' } })
    }
    expect(postgres.image).toMatch(/^postgres:\d+/)
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready')
  })

  it.each(['web', 'worker'])('gives %s a command the command line accepts', async (name) => {
    await acceptedByTheCli(service(name).command ?? [])
  })

  it('mounts the config each command names, a config on PostgreSQL that listens beyond loopback', () => {
    for (const app of [web, worker]) {
      const target = app.command?.[app.command.indexOf('--config') + 1]
      expect(app.volumes).toContain(`./deploy/compose.config.json:${target}:ro`)
    }
    expect(config.store).toEqual({ postgres: 'env' })
    expect(config.server.host).toBe('0.0.0.0')
    expect(web.ports).toEqual([`127.0.0.1:${config.server.port}:${config.server.port}`])
  })

  it('checks the workers on their admin listener (they have no public one); web uses the image', () => {
    expect(web.healthcheck).toBeUndefined()
    expect(config.server.admin?.host).toBe('127.0.0.1')
    expect(healthUrl(worker.healthcheck?.test.join(' ') ?? '')).toEqual({
      port: config.server.admin?.port,
      path: '/admin/health',
    })
    expect(worker.healthcheck?.test.slice(0, 2)).toEqual(['CMD', 'node'])
  })

  it('bakes in no secret: the database URL is built from .env, the rest come from .env', () => {
    for (const app of [web, worker])
      expect(Object.keys(app.environment ?? {})).toEqual(['OPAYO_KASHFLOW_DATABASE_URL'])
    const url = web.environment?.['OPAYO_KASHFLOW_DATABASE_URL'] ?? ''
    expect(url).toMatch(
      /^postgres:\/\/opayo_kashflow:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/opayo_kashflow$/,
    )
    expect(postgres.environment).toMatchObject({
      POSTGRES_USER: 'opayo_kashflow',
      POSTGRES_DB: 'opayo_kashflow',
      POSTGRES_PASSWORD: expect.stringMatching(/^\$\{POSTGRES_PASSWORD/),
    })
    // Every secret the CLI reads is listed in the example .env, with no value.
    const example = read('deploy/compose.env.example')
    expect(example).toMatch(/^POSTGRES_PASSWORD=$/m)
    expect(example).toMatch(/^OPAYO_KASHFLOW_KASHFLOW_PASSWORD=$/m)
  })
})

describe('the systemd unit', () => {
  const unit = read('deploy/opayo-kashflow.service')
  const settings = new Map<string, string[]>()
  for (const line of unit.split('\n')) {
    const match = /^(\w+)=(.*)$/.exec(line)
    if (match?.[1]) settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2] ?? ''])
  }
  const one = (key: string) => settings.get(key)?.[0]

  it('runs serve as a dedicated user, restarts on failure, reads secrets from a file', async () => {
    expect(one('User')).toBe('opayo-kashflow')
    expect(one('Restart')).toBe('on-failure')
    expect(one('EnvironmentFile')).toBe('/etc/opayo-kashflow/opayo-kashflow.env')
    const [bin, ...args] = (one('ExecStart') ?? '').split(/\s+/)
    expect(bin).toBe('/opt/opayo-kashflow/node_modules/.bin/opayo-kashflow')
    expect(args[0]).toBe('serve')
    await acceptedByTheCli(args)
    // The config it names is the one the docs install, and it passes the schema.
    const installed = configOf('deploy/opayo-kashflow.config.json')
    expect(installed.store).toEqual({ sqlite: '/var/lib/opayo-kashflow/opayo-kashflow.db' })
    expect(one('StateDirectory')).toBe('opayo-kashflow')
  })

  it('is hardened', () => {
    const hardening = {
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      CapabilityBoundingSet: '',
    }
    for (const [key, value] of Object.entries(hardening)) expect(one(key), key).toBe(value)
  })

  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p))
  // Skipped where systemd is not installed: systemd-analyze is what reads the unit as systemd does.
  it.skipIf(!analyze)(
    'passes systemd-analyze verify (but for the binary, absent here)',
    async () => {
      const result = await exec(analyze ?? '', [
        'verify',
        `${root}deploy/opayo-kashflow.service`,
      ]).then(
        ({ stderr }) => stderr,
        (e: Error & { stderr?: string }) => e.stderr ?? e.message,
      )
      const problems = result
        .split('\n')
        .filter(
          (line) =>
            line.trim() &&
            !line.includes(
              '/opt/opayo-kashflow/node_modules/.bin/opayo-kashflow is not executable',
            ),
        )
      expect(problems).toEqual([])
    },
  )
})

describe('docs/deployment.md', () => {
  const doc = read('docs/deployment.md')
  const shellLines = [...doc.matchAll(/^```sh\n([\s\S]*?)^```/gm)]
    .flatMap((m) => (m[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
    .filter(Boolean)

  it('names only files that exist', () => {
    const files = new Set(
      [
        ...doc.matchAll(
          /(?<![\w/.-])((?:deploy|scripts)\/[\w.-]+|compose\.yaml|Dockerfile)(?![\w/-])/g,
        ),
      ].map((m) => m[1] ?? ''),
    )
    expect(files.size).toBeGreaterThan(4)
    for (const file of files) expect(existsSync(`${root}${file}`), file).toBe(true)
  })

  it('runs only commands the command line accepts', async () => {
    const commands = shellLines
      .map((line) => /.*(?:^|[\s/])opayo-kashflow ([a-z][a-z-]*(?:\s.*)?)$/.exec(line)?.[1])
      .filter((command): command is string => command !== undefined)
    expect(commands.length).toBeGreaterThanOrEqual(4)
    for (const command of commands) await acceptedByTheCli(command.trim().split(/\s+/))
  })

  it('runs compose services that exist, and shows their commands as compose.yaml has them', () => {
    for (const line of shellLines) {
      const name = /docker compose (?:exec|logs -f) (\w+)/.exec(line)?.[1]
      if (name) expect(Object.keys(services), line).toContain(name)
    }
    for (const name of ['web', 'worker'])
      expect(doc).toContain(`\`${service(name).command?.join(' ')}\``)
    expect(shellLines).toContain('cp deploy/compose.env.example .env')
    expect(shellLines).toContain('sudo cp deploy/opayo-kashflow.service /etc/systemd/system/')
  })
})

// Skipped unless a container engine answers (none does in CI): then the image must build.
const engine = await exec('docker', ['info'], { timeout: 10_000 }).then(
  () => 'docker',
  () => undefined,
)
describe('the image', () => {
  it.skipIf(!engine)(
    'builds (skipped: no container engine answers `docker info` here)',
    async () => {
      await exec(engine ?? 'docker', ['build', '-t', 'opayo-kashflow:test', root], {
        timeout: 1_200_000,
        maxBuffer: 64 * 1024 * 1024,
      })
    },
    1_200_000,
  )
})
