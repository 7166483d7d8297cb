import { readFileSync } from 'node:fs'
import {
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  isCurrencyCode,
  money,
  staticRateProvider,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoReportingClient } from '@opayo-kashflow/opayo'
import { createSyncService } from '../service/service.js'
import type { ServiceRegistration } from '../service/service.js'
import type { Store } from '../store/store.js'
import type { ServiceConfig } from './config.js'
import { ConfigError, secret } from './config.js'

/** Opens the configured store (SQLite by default). */
export async function openStore(config: ServiceConfig): Promise<Store> {
  if ('sqlite' in config.store) {
    const { sqliteStore } = await import('../store/sqlite-store.js')
    return sqliteStore({ path: config.store.sqlite })
  }
  const { postgresStore } = await import('../store/postgres-store.js')
  return postgresStore({
    connectionString: secret('databaseUrl'),
    ...(config.store.schema ? { schema: config.store.schema } : {}),
  })
}

/** Builds the service from a validated config and the environment's secrets. */
export async function serviceFromConfig(config: ServiceConfig) {
  const store = await openStore(config)
  const kashflow = createKashflowClient({
    username: config.kashflow.username,
    password: secret('kashflowPassword'),
    memorableWord: secret('kashflowMemorableWord'),
    baseUrl: config.kashflow.baseUrl,
  })
  const environment =
    config.opayo.environment === 'live' || config.opayo.environment === 'sandbox'
      ? config.opayo.environment
      : new URL(config.opayo.environment)
  const reporting = config.opayo.reportingUser
    ? createOpayoReportingClient({
        vendor: config.opayo.vendorName,
        user: config.opayo.reportingUser,
        password: secret('reportingPassword'),
        environment,
      })
    : undefined
  const formPassword = process.env['OPAYO_KASHFLOW_FORM_PASSWORD']
  const registrationsFile = config.opayo.registrationsFile
  const lookupRegistration = (vendorTxCode: string): ServiceRegistration | undefined => {
    // Re-read on each lookup: the checkout appends registrations while the service runs.
    const all = JSON.parse(readFileSync(registrationsFile, 'utf8')) as Record<
      string,
      { securityKey: string; amount?: number; currency?: string }
    >
    const found = all[vendorTxCode]
    if (!found) return undefined
    const currency = found.currency ?? 'GBP'
    if (!isCurrencyCode(currency))
      throw new ConfigError(`Registration ${vendorTxCode} has an unknown currency ${currency}.`)
    return {
      securityKey: found.securityKey,
      ...(found.amount === undefined ? {} : { amount: money(found.amount, currency) }),
    }
  }
  const service = createSyncService({
    store,
    kashflow,
    rules: definePostingRules({
      ...config.posting,
      homeCurrency: config.posting.homeCurrency as 'GBP',
      unmatchedReference: config.posting.suspense
        ? { action: 'suspense-journal', ...config.posting.suspense }
        : { action: 'dead-letter' },
    }),
    references: createReferenceParser(config.references),
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
      lookupRegistration,
      ...(formPassword ? { formPassword } : {}),
      ...(reporting ? { reporting } : {}),
    },
    redirectUrl: config.server.redirectUrl,
    poll:
      config.poll === false
        ? false
        : {
            intervalMs: config.poll.intervalMinutes * 60_000,
            windowMs: config.poll.windowHours * 3_600_000,
          },
  })
  return { service, store, kashflow, reporting }
}
