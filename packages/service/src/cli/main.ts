// The `opayo-kashflow` command line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { isOpayoKashflowError } from '@opayo-kashflow/core'
import { reconciliationCsv, reconciliationHtml } from '../service/reconcile.js'
import { explain } from '../service/status-page.js'
import { serviceFromConfig, openStore } from './build.js'
import { ConfigError, loadConfig } from './config.js'
import { runDemoCommand } from './demo-command.js'
import { registrationsCommand } from './registrations-command.js'

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

/** Exit codes a script can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

const HELP = `opayo-kashflow: Opayo card payments into KashFlow, exactly once.

Usage: opayo-kashflow <command> [options]

Commands:
  serve                         run the service (notifications, Form returns, Pi hand-over, poller, status page)
  status                        counts per state, backlog age, dead letters   [--json]
  dead-letters list             the dead letters with their reasons           [--json]
  dead-letters show <id>        one dead letter explained, every attempt      [--json]
  dead-letters replay <id...>   put dead letters back in the queue            [--reason R] [--dry-run] [--json]
  dead-letters discard <id>     close a dead letter                           --reason R
  registrations import FILE     Server registrations into the store           [--json]
                                (FILE: a JSON array, or the { "<VendorTxCode>": {...} } map)
  backfill --from D --to D      pull Opayo's Reporting API and ingest
  reconcile --from D --to D     Opayo vs the ledger vs KashFlow               [--out DIR] [--json]
  doctor                        check credentials and the configured accounts [--json]
  demo                          the whole job on fakes, on loopback

Options:
  --config PATH   the config file (default ./opayo-kashflow.config.json)
  --json          machine-readable output
  --help, --version

Exit codes: 0 done, 1 failed (or something needs attention), 2 usage or configuration error.
Secrets come from the environment: OPAYO_KASHFLOW_KASHFLOW_PASSWORD, OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD,
OPAYO_KASHFLOW_REPORTING_PASSWORD, OPAYO_KASHFLOW_FORM_PASSWORD, OPAYO_KASHFLOW_PI_INTEGRATION_KEY,
OPAYO_KASHFLOW_PI_INTEGRATION_PASSWORD, OPAYO_KASHFLOW_HANDOVER_TOKEN, OPAYO_KASHFLOW_ADMIN_TOKEN,
OPAYO_KASHFLOW_DATABASE_URL.`

/** Every command, with the subcommands it requires (checked before any config is read). */
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  serve: [],
  status: [],
  'dead-letters': ['list', 'show', 'replay', 'discard'],
  registrations: ['import'],
  backfill: [],
  reconcile: [],
  doctor: [],
  demo: [],
}

export async function main(
  argv: readonly string[],
  io = {
    out: (s: string) => process.stdout.write(`${s}\n`),
    err: (s: string) => process.stderr.write(`${s}\n`),
  },
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  const parse = () =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', default: './opayo-kashflow.config.json' },
        json: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        reason: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
      },
    })
  try {
    parsed = parse()
  } catch (error) {
    // parseArgs' words ("Unknown option '--frm'..."), then what to do next.
    io.err(`${(error as Error).message}\nRun opayo-kashflow --help for the commands and options.`)
    return EXIT.usage
  }
  const { values, positionals } = parsed
  const [command, sub, ...rest] = positionals
  if (values.version) {
    io.out(`opayo-kashflow ${packageVersion()}`)
    return EXIT.ok
  }
  if (values.help || !command) {
    io.out(HELP)
    return command || values.help ? EXIT.ok : EXIT.usage
  }
  // Answer a mistyped command before any config or secret is read.
  const subcommands = COMMANDS[command]
  if (subcommands === undefined) {
    io.err(
      `Unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run opayo-kashflow --help for details.`,
    )
    return EXIT.usage
  }
  if (subcommands.length > 0 && !subcommands.includes(sub ?? '')) {
    io.err(
      `"${command}" needs one of: ${subcommands.map((s) => `${command} ${s}`).join(', ')}. Run opayo-kashflow --help for details.`,
    )
    return EXIT.usage
  }
  const print = (value: unknown, text: () => string) =>
    io.out(values.json ? JSON.stringify(value, null, 2) : text())
  const date = (name: 'from' | 'to') => {
    const text = values[name]
    const parsedDate = text ? new Date(text) : undefined
    if (!parsedDate || Number.isNaN(parsedDate.getTime()))
      throw new ConfigError(`--${name} must be a date such as 2026-11-01`)
    return parsedDate
  }

  try {
    if (command === 'demo') return (await runDemoCommand(io.out)) ? EXIT.ok : EXIT.failed

    const config = await loadConfig(values.config)
    if (command === 'registrations')
      return await registrationsCommand({ sub, args: rest, config, io, print })
    if (command === 'status' || command === 'dead-letters') {
      const store = await openStore(config)
      try {
        if (command === 'status') {
          const stats = await store.stats()
          const dead = await store.list({ states: ['dead'] })
          const report = {
            ...stats,
            oldestPendingAgeMs:
              stats.oldestPendingAt === undefined ? null : Date.now() - stats.oldestPendingAt,
            dead: dead.length,
          }
          print(report, () =>
            [
              ...Object.entries(stats.counts).map(([s, n]) => `${s.padEnd(10)} ${n}`),
              `oldest pending: ${report.oldestPendingAgeMs === null ? 'none' : `${Math.round(report.oldestPendingAgeMs / 1000)} s`}`,
              `conflicts: ${stats.conflicts}`,
            ].join('\n'),
          )
          return dead.length > 0 ? EXIT.failed : EXIT.ok
        }
        if (sub === 'list') {
          const dead = await store.list({ states: ['dead'] })
          print(
            dead.map((e) => ({
              id: e.id,
              reason: e.reason,
              explanation: explain(e),
              attempts: e.attempts,
            })),
            () =>
              dead.length
                ? dead.map((e) => `${e.id}  ${e.reason ?? ''}  ${explain(e)}`).join('\n')
                : 'No dead letters.',
          )
          return EXIT.ok
        }
        if (sub === 'show') {
          const id = rest[0]
          const event = id ? await store.get(id) : undefined
          if (!event) {
            io.err(`No event ${id ?? '(give an id)'}.`)
            return EXIT.failed
          }
          const attempts = await store.attempts(event.id)
          const ledger = await store.ledger(event.id)
          print({ event, explanation: explain(event), attempts, ledger }, () =>
            [
              `${event.id}: ${event.state}${event.reason ? ` (${event.reason})` : ''}`,
              `explanation: ${explain(event)}`,
              'attempts:',
              ...attempts.map(
                (a) =>
                  `  ${new Date(a.at).toISOString()} ${a.from} -> ${a.to}: ${a.outcome}${a.error ? ` [${a.error.name}: ${a.error.message}]` : ''}`,
              ),
              ...(ledger.length
                ? ['ledger:', ...ledger.map((l) => `  ${l.marker} ${l.state}`)]
                : []),
            ].join('\n'),
          )
          return EXIT.ok
        }
        if (sub === 'replay') {
          const dead = await store.list({ states: ['dead'] })
          const chosen = dead.filter((e) =>
            rest.length
              ? rest.includes(e.id)
              : values.reason === undefined || e.reason === values.reason,
          )
          const replayed: string[] = []
          for (const e of chosen)
            if (values['dry-run'] || (await store.requeue({ id: e.id, now: Date.now() })))
              replayed.push(e.id)
          print(
            { replayed, dryRun: values['dry-run'] },
            () =>
              `${values['dry-run'] ? 'Would replay' : 'Replayed'} ${replayed.length}: ${replayed.join(', ')}`,
          )
          return EXIT.ok
        }
        if (sub === 'discard') {
          const id = rest[0]
          if (!id || !values.reason) {
            io.err('dead-letters discard <id> --reason "why"')
            return EXIT.usage
          }
          const done = await store.discard({ id, reason: values.reason, now: Date.now() })
          print({ discarded: done }, () =>
            done ? `Discarded ${id}.` : `${id} is not a dead letter.`,
          )
          return done ? EXIT.ok : EXIT.failed
        }
        return EXIT.usage
      } finally {
        await store.close()
      }
    }

    const { service, store, kashflow, reporting } = await serviceFromConfig(config)
    try {
      if (command === 'serve') {
        const { listen } = await import('../node.js')
        const limits = {
          bodyLimitBytes: config.server.bodyLimitBytes,
          requestTimeoutMs: config.server.requestTimeoutMs,
          headersTimeoutMs: config.server.headersTimeoutMs,
        }
        const admin = config.server.admin
          ? await listen(service.adminHandler, { ...limits, ...config.server.admin })
          : undefined
        const server = await listen(service.handler, {
          ...limits,
          port: config.server.port,
          host: config.server.host,
        })
        service.start({ concurrency: config.server.concurrency })
        io.out(
          `opayo-kashflow is listening on ${server.url} (health ${server.url}/health)${admin ? `; admin on ${admin.url} (status page ${admin.url}/admin, health ${admin.url}/admin/health)` : ''}`,
        )
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve)
          process.once('SIGTERM', resolve)
        })
        io.out('Stopping: finishing the work in hand...')
        await service.stop()
        await server.close()
        await admin?.close()
        return EXIT.ok
      }
      if (command === 'backfill') {
        const from = date('from')
        const to = date('to')
        const totals = await service.backfill({
          from,
          to,
          onProgress: (n) => process.stderr.write(`\r  ${n} transactions read`),
        })
        process.stderr.write('\n')
        print(
          totals,
          () =>
            `Read ${totals.seen}: ${totals.received} new, ${totals.duplicates} already known, ${totals.invalid} not payments.`,
        )
        return EXIT.ok
      }
      if (command === 'reconcile') {
        const result = await service.reconcile({ from: date('from'), to: date('to') })
        const outDir = values.out ?? '.'
        mkdirSync(outDir, { recursive: true })
        writeFileSync(join(outDir, 'reconciliation.csv'), reconciliationCsv(result))
        writeFileSync(join(outDir, 'reconciliation.json'), JSON.stringify(result, null, 2))
        writeFileSync(join(outDir, 'reconciliation.html'), reconciliationHtml(result))
        print(result, () =>
          [
            ...result.rows
              .filter((r) => r.status !== 'matched')
              .map((r) => `${r.status.padEnd(20)} ${r.vendorTxCode.padEnd(24)} ${r.note}`),
            ...Object.entries(result.summary).map(
              ([k, v]) => `${k.replace(/_/g, ' ').padEnd(20)} ${v}`,
            ),
            `Reports written to ${outDir}: reconciliation.csv, reconciliation.json, reconciliation.html`,
          ].join('\n'),
        )
        return result.summary.amount_mismatch +
          result.summary.orphan_in_kashflow +
          result.summary.missing_in_kashflow >
          0
          ? EXIT.failed
          : EXIT.ok
      }
      if (command === 'doctor') {
        const checks: { check: string; ok: boolean; detail: string }[] = []
        let loginFailed = false
        const run = async (check: string, fn: () => Promise<string>) => {
          if (loginFailed && check !== 'Opayo Reporting API') {
            checks.push({ check, ok: false, detail: 'not checked: the KashFlow login failed' })
            return
          }
          try {
            checks.push({ check, ok: true, detail: await fn() })
          } catch (error) {
            checks.push({ check, ok: false, detail: (error as Error).message })
          }
        }
        let accounts: Awaited<ReturnType<typeof kashflow.bankAccounts.list>> = []
        await run('KashFlow login', async () => {
          accounts = await kashflow.bankAccounts.list()
          return `${accounts.length} bank account(s)`
        })
        loginFailed = checks[0]?.ok === false
        await run(`bank account ${config.posting.bankAccountId}`, () =>
          Promise.resolve(
            accounts.some((a) => a.Id === config.posting.bankAccountId)
              ? 'exists'
              : Promise.reject(new Error('not found among the bank accounts')),
          ),
        )
        await run(`payment method ${config.posting.paymentMethodId}`, async () =>
          (await kashflow.paymentMethods.list()).some(
            (m) => m.Id === config.posting.paymentMethodId,
          )
            ? 'exists'
            : Promise.reject(new Error('not found among the invoice payment methods')),
        )
        if (config.posting.suspense) {
          const { suspenseNominalCode, bankNominalCode } = config.posting.suspense
          await run(`nominal codes ${suspenseNominalCode}, ${bankNominalCode}`, async () => {
            const codes = new Set((await kashflow.nominals.list()).map((n) => n.Code))
            const missing = [suspenseNominalCode, bankNominalCode].filter((c) => !codes.has(c))
            return missing.length
              ? Promise.reject(new Error(`missing: ${missing.join(', ')}`))
              : 'exist'
          })
        }
        const customerFields = config.customFields.filter((c) => c.target === 'customer')
        if (customerFields.length) {
          await run('customer custom fields', () =>
            Promise.resolve(
              'KashFlow does not list custom field definitions; create one customer by hand and check the names match',
            ),
          )
        }
        if (reporting)
          await run('Opayo Reporting API', async () => `version ${await reporting.version()}`)
        print(checks, () =>
          checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`).join('\n'),
        )
        await kashflow.logout()
        return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failed
      }
      return EXIT.usage
    } finally {
      await store.close()
    }
  } catch (error) {
    // Every configuration problem exits 2, whichever layer found it (the file, the environment,
    // the service's own checks, a client refusing an option).
    if (
      error instanceof ConfigError ||
      (isOpayoKashflowError(error) &&
        (error.code === 'sync_config_invalid' || error.code === 'invalid_argument'))
    ) {
      io.err(error.message)
      return EXIT.usage
    }
    io.err(`opayo-kashflow ${command}: ${(error as Error).message}`)
    return EXIT.failed
  }
}
