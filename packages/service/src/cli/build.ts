import {
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  staticRateProvider,
} from '@opayo-kashflow/core'
import {
  KASHFLOW_UNCONFIRMED,
  createKashflowClient,
  createRateBudget,
} from '@opayo-kashflow/kashflow'
import type { KashflowClient, RateBudget } from '@opayo-kashflow/kashflow'
import {
  createOpayoPiClient,
  createOpayoReportingClient,
  createOpayoServerClient,
} from '@opayo-kashflow/opayo'
import type { OpayoReportingClient } from '@opayo-kashflow/opayo'
import type { Store, SyncLogger } from '@opayo-kashflow/sync'
import type { PostgresRateBudget } from '@opayo-kashflow/sync/postgres'
import { createServiceMetrics } from '../service/metrics.js'
import { createSyncService } from '../service/service.js'
import type { SyncService } from '../service/service-types.js'
import type { ServiceConfig } from './config.js'
import { ConfigError, SECRET_ENV, optionalSecret, secret } from './config.js'
import { clearingRulesFromConfig, settlementFromConfig } from './settlement-config.js'

const toEnvironment = (value: string): 'live' | 'sandbox' | URL =>
  value === 'live' || value === 'sandbox' ? value : new URL(value)

/** Opens the configured store (SQLite by default). */
export async function openStore(config: ServiceConfig): Promise<Store> {
  if ('sqlite' in config.store) {
    const { sqliteStore } = await import('@opayo-kashflow/sync/sqlite')
    return sqliteStore({ path: config.store.sqlite })
  }
  const { postgresStore } = await import('@opayo-kashflow/sync/postgres')
  return postgresStore({
    connectionString: secret('databaseUrl'),
    ...(config.store.schema ? { schema: config.store.schema } : {}),
  })
}

/** The service a command runs, and the parts of it some commands use directly. */
export interface BuiltService {
  readonly service: SyncService
  readonly store: Store
  readonly kashflow: KashflowClient
  readonly reporting: OpayoReportingClient | undefined
  /** Closes the store and anything else opened for the service (a shared rate budget's pool). */
  close(): Promise<void>
}

/**
 * The KashFlow request budget: on PostgreSQL one row shared by every worker of the database
 * (keyed by the KashFlow user), otherwise this process's own bucket given to the client. Made
 * here, not by the client, so `/metrics` can read it.
 */
async function openRateBudget(config: ServiceConfig): Promise<RateBudget | PostgresRateBudget> {
  const budget = config.kashflow.rateBudget
  if ('sqlite' in config.store)
    return createRateBudget(budget ?? KASHFLOW_UNCONFIRMED.defaultRateBudget)
  const { postgresRateBudget } = await import('@opayo-kashflow/sync/postgres')
  return postgresRateBudget({
    connectionString: secret('databaseUrl'),
    ...(config.store.schema ? { schema: config.store.schema } : {}),
    account: config.kashflow.username,
    ...(budget ?? {}),
  })
}

/** Builds the service from a validated config and the environment's secrets. */
export async function serviceFromConfig(
  config: ServiceConfig,
  extra: {
    readonly logger?: SyncLogger
    /** `serve --role ack`: the workers run in another process (`/health` does not ask for them). */
    readonly workersElsewhere?: boolean
  } = {},
): Promise<BuiltService> {
  const store = await openStore(config)
  const rateBudget = await openRateBudget(config)
  const metrics = createServiceMetrics({ rateBudget })
  const kashflow = createKashflowClient({
    rateBudget,
    fetch: metrics.instrumentFetch('kashflow'),
    username: config.kashflow.username,
    password: secret('kashflowPassword'),
    memorableWord: secret('kashflowMemorableWord'),
    baseUrl: config.kashflow.baseUrl,
    ...(config.posting.homeCurrency ? { homeCurrency: config.posting.homeCurrency } : {}),
  })
  const environment = toEnvironment(config.opayo.environment)
  const reporting = config.opayo.reportingUser
    ? createOpayoReportingClient({
        vendor: config.opayo.vendorName,
        user: config.opayo.reportingUser,
        password: secret('reportingPassword'),
        environment,
        fetch: metrics.instrumentFetch('opayo'),
      })
    : undefined
  const formPassword = optionalSecret('formPassword')
  if (formPassword && !reporting)
    throw new ConfigError(
      `${SECRET_ENV.formPassword} is set but opayo.reportingUser is not: Form returns are confirmed through the Reporting API before anything posts. Set opayo.reportingUser and ${SECRET_ENV.reportingPassword}, or unset ${SECRET_ENV.formPassword}.`,
    )
  const pi = config.opayo.pi
    ? createOpayoPiClient({
        vendorName: config.opayo.vendorName,
        integrationKey: secret('piIntegrationKey'),
        integrationPassword: secret('piIntegrationPassword'),
        environment: toEnvironment(config.opayo.pi.environment ?? config.opayo.environment),
        fetch: metrics.instrumentFetch('opayo'),
      })
    : undefined
  const server = config.opayo.server
    ? createOpayoServerClient({
        vendorName: config.opayo.vendorName,
        environment: toEnvironment(config.opayo.server.environment ?? config.opayo.environment),
        fetch: metrics.instrumentFetch('opayo'),
      })
    : undefined
  const handoverToken = config.opayo.pi ? secret('handoverToken') : undefined
  const adminToken = optionalSecret('adminToken')
  if (config.posting.suspense && config.posting.createInvoice)
    throw new ConfigError(
      'posting.suspense and posting.createInvoice both say what to do with a reference that matches no pattern: keep one.',
    )
  const settlement = settlementFromConfig(config)
  const alertToken = optionalSecret('alertToken')
  const service = createSyncService({
    ...(extra.logger ? { logger: extra.logger } : {}),
    ...(extra.workersElsewhere ? { health: { requireWorkers: false } } : {}),
    metrics,
    ...(config.alerts
      ? {
          alerts: {
            url: config.alerts.url,
            ...(alertToken ? { headers: { authorization: `Bearer ${alertToken}` } } : {}),
            ...(config.alerts.name ? { name: config.alerts.name } : {}),
            ...(config.alerts.maxPerMinute ? { maxPerMinute: config.alerts.maxPerMinute } : {}),
            ...(config.alerts.healthIntervalSeconds
              ? { healthIntervalMs: config.alerts.healthIntervalSeconds * 1000 }
              : {}),
          },
        }
      : {}),
    store,
    kashflow,
    rules: definePostingRules({
      ...config.posting,
      ...(config.posting.homeCurrency ? { homeCurrency: config.posting.homeCurrency } : {}),
      unmatchedReference: config.posting.suspense
        ? { action: 'suspense-journal', ...config.posting.suspense }
        : config.posting.createInvoice
          ? { action: 'create-invoice', ...config.posting.createInvoice }
          : { action: 'dead-letter' },
      ...clearingRulesFromConfig(config),
    }),
    references: createReferenceParser(config.references),
    ...(config.matching ? { matching: config.matching } : {}),
    ...(settlement ? { settlement } : {}),
    customFields: defineCustomFieldMappings(
      config.customFields.map((c) =>
        customFieldPresets[c.preset]({
          ...(c.name ? { name: c.name } : {}),
          ...(c.target ? { target: c.target } : {}),
        }),
      ),
    ),
    rates: staticRateProvider(config.rates),
    opayo: {
      vendorName: config.opayo.vendorName,
      ...(formPassword ? { formPassword } : {}),
      ...(reporting ? { reporting } : {}),
      ...(pi ? { pi } : {}),
      ...(server ? { server } : {}),
      ...(config.opayo.confirmationRateBudget
        ? { confirmationRateBudget: config.opayo.confirmationRateBudget }
        : {}),
    },
    ...(config.hints?.maxPending !== undefined ? { maxPendingHints: config.hints.maxPending } : {}),
    ...(handoverToken ? { handoverToken } : {}),
    ...(adminToken ? { adminToken } : {}),
    bodyLimitBytes: config.server.bodyLimitBytes,
    redirectUrl: config.server.redirectUrl,
    ...(config.server.formRedirectUrl ? { formRedirectUrl: config.server.formRedirectUrl } : {}),
    poll:
      config.poll === false
        ? false
        : {
            intervalMs: config.poll.intervalMinutes * 60_000,
            windowMs: config.poll.windowHours * 3_600_000,
          },
  })
  return {
    service,
    store,
    kashflow,
    reporting,
    close: async () => {
      await store.close()
      if ('close' in rateBudget) await rateBudget.close()
    },
  }
}
