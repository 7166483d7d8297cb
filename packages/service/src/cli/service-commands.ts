// `serve`, `backfill` and `reconcile`: commands that need the whole service (the store, the
// KashFlow client and the Opayo clients, with their secrets from the environment). `doctor` is in
// doctor-command.ts.
import { createReferenceParser } from '@opayo-kashflow/core'
import type { Command } from './command.js'
import type { ServiceConfig } from './config.js'
import { ConfigError, optionalSecret } from './config.js'
import { EXIT } from './command.js'
import { runReconcileCommand } from './reconcile-command.js'
import { adminListenerGuard } from './admin-listener.js'

/** A URL without the user and password it may carry. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url)
  parsed.username = ''
  parsed.password = ''
  return parsed.href
}

/**
 * What `serve` runs with, for its 'service starting' line: the settings that matter, never a
 * secret (no connection string, password, key or token; whether Form is configured is told by
 * whether its password is set, not by the password).
 */
function startingFields(config: ServiceConfig, logLevel: string): Record<string, unknown> {
  const { server, kashflow, poll, store } = config
  return {
    port: server.port,
    host: server.host,
    admin: server.admin ? { host: server.admin.host, port: server.admin.port } : false,
    store:
      'sqlite' in store
        ? { kind: 'sqlite', path: store.sqlite }
        : // postgres-store.ts' default schema.
          { kind: 'postgres', schema: store.schema ?? 'opayo_kashflow' },
    postingMode: config.posting.mode,
    concurrency: server.concurrency,
    poll:
      poll === false
        ? false
        : { intervalMinutes: poll.intervalMinutes, windowHours: poll.windowHours },
    form: optionalSecret('formPassword') !== undefined,
    pi: config.opayo.pi !== undefined,
    reporting: config.opayo.reportingUser !== undefined,
    kashflowBaseUrl: withoutCredentials(kashflow.baseUrl),
    rateBudget: kashflow.rateBudget
      ? { limit: kashflow.rateBudget.limit, windowMs: kashflow.rateBudget.windowMs }
      : 'client default',
    logLevel,
  }
}

/**
 * What one `serve` process does. `all`: everything. `ack`: the routes only (Opayo is answered as
 * soon as a notification is stored; no worker or poll shares its event loop). `worker`: the
 * worker loops and the Reporting poll, no public listener. `ack` and `worker` processes share
 * the store (SQLite on one host; PostgreSQL for several).
 */
export const SERVE_ROLES = ['all', 'ack', 'worker'] as const
export type ServeRole = (typeof SERVE_ROLES)[number]

/** `--role`, or a ConfigError naming the values allowed. */
export function serveRole(value: string | undefined): ServeRole {
  const role = SERVE_ROLES.find((r) => r === (value ?? 'all'))
  if (!role)
    throw new ConfigError(
      `--role must be one of ${SERVE_ROLES.join(', ')} (got "${String(value)}"): ack answers Opayo, worker posts to KashFlow, all does both.`,
      { docs: 'cli' },
    )
  return role
}

/** `serve`: the routes on the configured port (and the admin listener), workers until a signal. */
export const serveCommand: Command = {
  needs: 'service',
  subcommands: [],
  logs: true,
  async run({ config, built: { service }, io, logger, options }) {
    const role = serveRole(options.role)
    // Before anything listens: an admin listener beyond loopback needs the admin token (exit 2).
    const adminGuard = adminListenerGuard(config)
    logger?.info('service starting', { role, ...startingFields(config, logger.level) })
    const { listen } = await import('../node.js')
    const limits = {
      bodyLimitBytes: config.server.bodyLimitBytes,
      requestTimeoutMs: config.server.requestTimeoutMs,
      headersTimeoutMs: config.server.headersTimeoutMs,
    }
    const admin = config.server.admin
      ? await listen(service.adminHandler, { ...limits, ...config.server.admin })
      : undefined
    const server =
      role === 'worker'
        ? undefined
        : await listen(service.handler, {
            ...limits,
            port: config.server.port,
            host: config.server.host,
            // The public listener: a fair share of the connection cap per client address.
            maxConnections: config.server.maxConnections,
            ...(config.server.maxConnectionsPerClient === undefined
              ? {}
              : { maxConnectionsPerClient: config.server.maxConnectionsPerClient }),
          })
    if (role !== 'ack') service.start({ concurrency: config.server.concurrency })
    // Listening for the stop signals before saying it listens: a supervisor (or a test) that
    // signals on reading the line is heard.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    const adminLine = admin
      ? `; admin on ${admin.url} (status page ${admin.url}/admin, health ${admin.url}/admin/health${adminGuard === 'bearer' ? '; every admin request needs Authorization: Bearer' : ''})`
      : ''
    io.out(
      server
        ? `opayo-kashflow is listening on ${server.url} (health ${server.url}/health)${role === 'ack' ? ', role ack: no worker runs here' : ''}${adminLine}`
        : `opayo-kashflow worker is running (role worker: ${config.server.concurrency} loops, no public listener)${adminLine}`,
    )
    await stopped
    io.out('Stopping: finishing the work in hand...')
    await service.stop()
    await server?.close()
    await admin?.close()
    return EXIT.ok
  },
}

/** `backfill --from D --to D`: Opayo's Reporting API into the store. */
export const backfillCommand: Command = {
  needs: 'service',
  subcommands: [],
  async run({ built: { service }, date, print }) {
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
  },
}

/**
 * `reconcile --from D --to D [--out DIR]`: Opayo vs the ledger vs KashFlow, streamed page by page
 * into reconciliation.csv, .json and .html (see reconcile-command.ts).
 */
export const reconcileCommand: Command = {
  needs: 'service',
  subcommands: [],
  run: ({ config, built: { store, kashflow, reporting }, date, options, io }) =>
    runReconcileCommand({
      reporting,
      store,
      kashflow,
      references: createReferenceParser(config.references),
      from: date('from'),
      to: date('to'),
      outDir: options.out ?? '.',
      json: options.json,
      out: io.out,
      ...(config.posting.mode === 'clearing' && config.settlement
        ? {
            batches: {
              clearingNominalCode: config.settlement.clearing.nominalCode,
              store,
              kashflow,
            },
          }
        : {}),
    }),
}
