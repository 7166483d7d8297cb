// The `opayo-kashflow` command line: parse the words, answer --help/--version and mistyped
// commands before anything is read, then run the command's handler from the COMMANDS table with
// what it needs (nothing, the config, the store's admin API, or the whole service).
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { isOpayoKashflowError } from '@opayo-kashflow/core'
import { createSyncAdmin } from '@opayo-kashflow/sync'
import { deadLettersCommand, statusCommand } from './admin-commands.js'
import { openStore, serviceFromConfig } from './build.js'
import { cliLogger, logSettings } from './cli-logger.js'
import type { Command, CommandContext, CommandIo, ExitCode } from './command.js'
import { EXIT } from './command.js'
import { ConfigError, loadConfig } from './config.js'
import { runDemoCommand } from './demo-command.js'
import { withDocs } from './docs-link.js'
import { HELP } from './help-text.js'
import { feesCommand } from './fees-command.js'
import { chargesCommand } from './charges-command.js'
import { depositsCommand } from './deposits-command.js'
import { settlementCommand } from './settlement-command.js'
import { settlementExplainCommand } from './settlement-explain-command.js'
import { registrationsCommand } from './registrations-command.js'
import { markNegativeNumbers, unmarkNegativeNumber } from './negative-numbers.js'
import { terminalText } from './terminal-text.js'
import { doctorCommand } from './doctor-command.js'
import { backfillCommand, reconcileCommand, serveCommand } from './service-commands.js'

/**
 * This package's version, from its package.json: the nearest one above this file, which is
 * src/cli/ in the workspace and dist/ once built and bundled.
 */
function packageVersion(): string {
  for (const up of ['../', '../../']) {
    const file = new URL(`${up}package.json`, import.meta.url)
    if (!existsSync(file)) continue
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
    if (manifest.name === '@opayo-kashflow/service' && manifest.version) return manifest.version
  }
  return 'unknown'
}

export { EXIT }

/** Every command: what it needs, its required subcommands, and its handler. */
const COMMANDS: Readonly<Record<string, Command>> = {
  serve: serveCommand,
  status: statusCommand,
  'dead-letters': deadLettersCommand,
  registrations: {
    needs: 'config',
    subcommands: ['import'],
    run: registrationsCommand,
  },
  fees: {
    needs: 'config',
    subcommands: ['import'],
    run: feesCommand,
  },
  deposits: {
    needs: 'config',
    subcommands: ['import'],
    run: depositsCommand,
  },
  charges: {
    needs: 'service',
    subcommands: ['import'],
    run: ({ sub, args, config, built, io, print }) =>
      chargesCommand({ sub, args, config, built, io, print }),
  },
  settlement: {
    needs: 'service',
    subcommands: ['received', 'explain'],
    run: ({ sub, args, config, built, io, print, options }) =>
      sub === 'explain'
        ? settlementExplainCommand({
            args,
            config,
            built,
            io,
            print,
            as: options.as,
            nominal: options.nominal,
            on: options.on,
            from: options.from,
          })
        : settlementCommand({ sub, args, config, built, io, print, on: options.on }),
  },
  backfill: backfillCommand,
  reconcile: reconcileCommand,
  doctor: doctorCommand,
  fakes: {
    needs: 'nothing',
    subcommands: [],
    run: async (ctx) => (await import('./fakes-command.js')).runFakesCommand(ctx),
  },
  trigger: {
    needs: 'service',
    subcommands: ['payment', 'declined', 'refund', 'deferred'],
    run: async (ctx) => (await import('./trigger-command.js')).runTriggerCommand(ctx),
  },
  demo: {
    needs: 'nothing',
    subcommands: [],
    run: async ({ io, options }) =>
      (await runDemoCommand(io.out, options.mode)) ? EXIT.ok : EXIT.failed,
  },
}

const OPTIONS = {
  config: { type: 'string', default: './opayo-kashflow.config.json' },
  json: { type: 'boolean', default: false },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  reason: { type: 'string' },
  invoice: { type: 'string' },
  by: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  mode: { type: 'string' },
  role: { type: 'string' },
  on: { type: 'string' },
  as: { type: 'string' },
  nominal: { type: 'string' },
  'port-kashflow': { type: 'string' },
  'port-opayo': { type: 'string' },
  'port-serve': { type: 'string' },
  invoices: { type: 'string' },
  seed: { type: 'string' },
  'write-config': { type: 'string' },
  amount: { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', default: false },
  version: { type: 'boolean', default: false },
} as const

/** Runs the command line with `argv` (without node and the script); resolves to the exit code. */
export async function main(
  argv: readonly string[],
  io: CommandIo = {
    out: (s: string) => process.stdout.write(`${s}\n`),
    err: (s: string) => process.stderr.write(`${s}\n`),
  },
): Promise<ExitCode> {
  return run(argv, {
    // Whatever a command prints reaches a terminal: no control character of the data it shows
    // (reasons, codes, file cells) is printed raw.
    out: (s: string) => io.out(terminalText(s)),
    err: (s: string) => io.err(terminalText(s)),
  })
}

async function run(argv: readonly string[], io: CommandIo): Promise<ExitCode> {
  let parsed: ReturnType<typeof parse>
  const parse = () =>
    parseArgs({ args: markNegativeNumbers(argv), allowPositionals: true, options: OPTIONS })
  try {
    parsed = parse()
  } catch (error) {
    // parseArgs' words ("Unknown option '--frm'..."), then what to do next.
    io.err(
      withDocs(
        `${(error as Error).message}\nRun opayo-kashflow --help for the commands and options.`,
        'cli',
      ),
    )
    return EXIT.usage
  }
  // A negative amount (`settlement received 77 -97.80`) is a word, not an option.
  const positionals = parsed.positionals.map(unmarkNegativeNumber)
  const values = Object.fromEntries(
    Object.entries(parsed.values).map(([k, v]) => [k, unmarkNegativeNumber(v)]),
  ) as typeof parsed.values
  const [name, sub, ...args] = positionals
  if (values.version) {
    io.out(`opayo-kashflow ${packageVersion()}`)
    return EXIT.ok
  }
  if (values.help || !name) {
    io.out(HELP)
    return name || values.help ? EXIT.ok : EXIT.usage
  }
  // Answer a mistyped command before any config or secret is read.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (command === undefined) {
    io.err(
      withDocs(
        `Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run opayo-kashflow --help for details.`,
        'cli',
      ),
    )
    return EXIT.usage
  }
  const { subcommands } = command
  if (subcommands.length > 0 && !subcommands.includes(sub ?? '')) {
    io.err(
      withDocs(
        `"${name}" needs one of: ${subcommands.map((s) => `${name} ${s}`).join(', ')}. Run opayo-kashflow --help for details.`,
        'cli',
      ),
    )
    return EXIT.usage
  }
  if (subcommands.length === 0 && sub !== undefined) {
    io.err(
      withDocs(
        `"${name}" takes no further words (got "${[sub, ...args].join(' ')}"). Run opayo-kashflow --help for details.`,
        'cli',
      ),
    )
    return EXIT.usage
  }
  if (values.role !== undefined && name !== 'serve') {
    io.err(withDocs(`--role applies to serve only (got it with "${name}").`, 'cli'))
    return EXIT.usage
  }
  const ctx: CommandContext = {
    sub,
    args,
    options: values,
    io,
    print: (value, text) => io.out(values.json ? JSON.stringify(value, null, 2) : text()),
    date: (option) => {
      const text = values[option]
      const date = text ? new Date(text) : undefined
      if (!date || Number.isNaN(date.getTime()))
        throw new ConfigError(`--${option} must be a date such as 2026-11-01`, { docs: 'cli' })
      return date
    },
  }

  try {
    return await runCommand(command, ctx, values.config)
  } catch (error) {
    // Every configuration problem exits 2, whichever layer found it (the file, the environment,
    // the service's own checks, a client refusing an option).
    if (
      error instanceof ConfigError ||
      (isOpayoKashflowError(error) &&
        (error.code === 'sync_config_invalid' || error.code === 'invalid_argument'))
    ) {
      io.err(withDocs(error.message, error instanceof ConfigError ? error.docs : 'config'))
      return EXIT.usage
    }
    io.err(`opayo-kashflow ${name}: ${(error as Error).message}`)
    return EXIT.failed
  }
}

/** Gives the handler what it needs, and closes the store it opened whatever happens. */
async function runCommand(command: Command, ctx: CommandContext, configPath: string) {
  if (command.needs === 'nothing') return command.run(ctx)
  const config = await loadConfig(configPath)
  if (command.needs === 'config') return command.run({ ...ctx, config })
  if (command.needs === 'admin') {
    const store = await openStore(config)
    try {
      return await command.run({ ...ctx, admin: createSyncAdmin({ store }) })
    } finally {
      await store.close()
    }
  }
  // The level and format are checked before anything opens: a bad one exits 2.
  const logger = command.logs
    ? cliLogger(logSettings({ config: config.log, isTTY: process.stdout.isTTY === true }))
    : undefined
  const built = await serviceFromConfig(config, {
    ...(logger ? { logger } : {}),
    ...(ctx.options.role === 'ack' ? { workersElsewhere: true } : {}),
  })
  try {
    return await command.run({ ...ctx, config, built, ...(logger ? { logger } : {}) })
  } finally {
    await built.close()
  }
}
