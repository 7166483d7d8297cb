import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { MatchingPolicySchema, PostingRulesSchema, isCurrencyCode } from '@opayo-kashflow/core'
import { z } from 'zod'
import { configIssueMessage } from './config-issues.js'
import type { DocsSection } from './docs-link.js'
import { ServerConfigSchema } from './server-config-schema.js'
import { SettlementConfigSchema } from './settlement-config-schema.js'

/** Secrets come from the environment, never from the config file. */
export const SECRET_ENV = {
  kashflowPassword: 'OPAYO_KASHFLOW_KASHFLOW_PASSWORD',
  kashflowMemorableWord: 'OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD',
  reportingPassword: 'OPAYO_KASHFLOW_REPORTING_PASSWORD',
  formPassword: 'OPAYO_KASHFLOW_FORM_PASSWORD',
  piIntegrationKey: 'OPAYO_KASHFLOW_PI_INTEGRATION_KEY',
  piIntegrationPassword: 'OPAYO_KASHFLOW_PI_INTEGRATION_PASSWORD',
  handoverToken: 'OPAYO_KASHFLOW_HANDOVER_TOKEN',
  adminToken: 'OPAYO_KASHFLOW_ADMIN_TOKEN',
  databaseUrl: 'OPAYO_KASHFLOW_DATABASE_URL',
  alertToken: 'OPAYO_KASHFLOW_ALERT_TOKEN',
} as const

/** The levels `OPAYO_KASHFLOW_LOG_LEVEL` and `log.level` take; `silent` writes nothing. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** `json`: one JSON object per line; `pretty`: pino-pretty's text, for a person at a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

const Environment = z.union([z.enum(['sandbox', 'live']), z.url()])

/** The service configuration file (`opayo-kashflow.config.json`, or a .js/.mjs exporting it). */
export const ServiceConfigSchema = z.strictObject({
  opayo: z.strictObject({
    vendorName: z.string().min(1),
    environment: Environment.default('live'),
    /** Reporting & Admin API user (password from OPAYO_KASHFLOW_REPORTING_PASSWORD). */
    reportingUser: z.string().min(1).optional(),
    /**
     * Pi hand-over (`POST /pi/transactions`): integration key and password from
     * OPAYO_KASHFLOW_PI_INTEGRATION_KEY / _PASSWORD, the bearer token your app sends from
     * OPAYO_KASHFLOW_HANDOVER_TOKEN. Without this section the route does not exist.
     */
    pi: z
      .strictObject({
        /** @default opayo.environment */
        environment: Environment.optional(),
      })
      .optional(),
    /**
     * Server registrations (`registerServerTransaction`, and `trigger` against the fakes): where
     * they are sent. Without this section the CLI-built service registers nothing.
     */
    server: z
      .strictObject({
        /** `live`, `sandbox` or the registration URL. @default opayo.environment */
        environment: Environment.optional(),
      })
      .optional(),
    /**
     * The pace of the Reporting reads that confirm hints (Form returns, hand-overs): at most
     * `limit` per `windowMs`. Opayo publishes no limit. Omitted:
     * REPORTING_UNCONFIRMED.confirmationRateBudget (2 per second), per process.
     */
    confirmationRateBudget: z
      .strictObject({
        limit: z.number().int().positive(),
        windowMs: z.number().int().positive().default(1000),
      })
      .optional(),
  }),
  /**
   * Hints waiting for Opayo's confirmation: at most `maxPending` at once; beyond it new hints are
   * refused (one warning line per crossing). Omitted: 1,000.
   */
  hints: z
    .strictObject({ maxPending: z.number().int().positive().max(1_000_000).optional() })
    .optional(),
  kashflow: z.strictObject({
    username: z.string().min(1),
    baseUrl: z.url().default('https://api.kashflow.com/v2'),
    /**
     * At most `limit` KashFlow requests per `windowMs`, for every loop of this process (and, on
     * PostgreSQL, every worker sharing the database). Omitted: the client's guess (KashFlow
     * documents no limit) and what 429s and RateLimit headers teach it.
     */
    rateBudget: z
      .strictObject({
        limit: z.number().int().positive(),
        windowMs: z.number().int().positive().default(1000),
      })
      .optional(),
  }),
  posting: z.strictObject({
    bankAccountId: z.number().int().positive(),
    paymentMethodId: z.number().int().positive(),
    /**
     * `direct`: payments and refunds to `bankAccountId`; `clearing`: to the `settlement` section's
     * clearing account, emptied by one transfer per Opayo batch (docs/accounting.md).
     */
    mode: z.enum(['direct', 'clearing']).default('direct'),
    /** The KashFlow home currency; read from KashFlow's settings when absent. */
    homeCurrency: z
      .string()
      .refine(isCurrencyCode, { message: 'must be an ISO 4217 code such as GBP' })
      .optional(),
    /**
     * Core's own field: `negative-payment` (a negative payment on the invoice, which reopens it)
     * or `credit-note` (a credit note for the customer, paid by the refund from the bank or
     * clearing account; the invoice stays paid). See docs/accounting.md.
     */
    refunds: PostingRulesSchema.shape.refunds,
    voids: z.enum(['dead-letter', 'skip']).default('dead-letter'),
    upsertCustomers: z.boolean().default(false),
    /**
     * The amount ceiling: a payment above what its invoice still owes (or on an invoice whose
     * amount owed cannot be told) is dead-lettered `overpayment`, not posted; `post` turns it off
     * (docs/security.md, "whoever can register or import").
     */
    overpayments: z.enum(['dead-letter', 'post']).default('dead-letter'),
    suspense: z
      .strictObject({
        suspenseNominalCode: z.number().int().positive(),
        bankNominalCode: z.number().int().positive(),
      })
      .optional(),
    /**
     * Shops that take payment first: a payment whose reference matches no pattern gets a KashFlow
     * invoice of the amount paid (VAT at `vatRate` included, on `nominalCode`) for the payer
     * (upserted by email) or `customerCode`, then the payment (docs/matching.md).
     */
    createInvoice: z
      .strictObject({
        nominalCode: z.number().int().positive(),
        vatRate: z.number().min(0).max(100).default(0),
        /** KashFlow's VAT rates: basket lines at any other rate fall back to one line. @default [0, 5, 20] */
        vatRates: z.array(z.number().min(0).max(100)).min(1).max(20).optional(),
        customerCode: z.string().min(1).optional(),
      })
      .optional(),
  }),
  /** Clearing mode: the settlement accounts and fees; required when posting.mode is "clearing". */
  settlement: SettlementConfigSchema.optional(),
  /** Templates such as "INV-{invoice}-{*}", tried in order. */
  references: z.array(z.string().min(1)).min(1),
  /**
   * When a reference fails: `{ "autoPost": { "minScore": 80, "requireUnique": true } }` posts to
   * the one open invoice that scores minScore or more; absent, a person always chooses
   * (docs/matching.md).
   */
  matching: MatchingPolicySchema.optional(),
  /** Ready-made custom fields: the names of customFieldPresets, optionally with a field name. */
  customFields: z
    .array(
      z.strictObject({
        preset: z.enum([
          'fraudScore',
          'fraudRecommendation',
          'avsCv2',
          'threeDSecure',
          'opayoTransactionId',
          'bankAuthCode',
        ]),
        name: z.string().min(1).optional(),
        target: z.enum(['customer', 'invoice']).optional(),
      }),
    )
    .default([]),
  /** A static rate table, e.g. { "GBP/EUR": "1.1650" }. */
  rates: z
    .record(z.string().regex(/^[A-Z]{3}\/[A-Z]{3}$/), z.union([z.string(), z.number()]))
    .default({}),
  store: z
    .union([
      z.strictObject({ sqlite: z.string().min(1).default('./opayo-kashflow.db') }),
      z.strictObject({
        postgres: z.literal('env').describe('connection string from OPAYO_KASHFLOW_DATABASE_URL'),
        schema: z.string().optional(),
      }),
    ])
    .default({ sqlite: './opayo-kashflow.db' }),
  server: ServerConfigSchema,
  poll: z
    .union([
      z.literal(false),
      z.strictObject({
        intervalMinutes: z.number().positive().default(15),
        windowHours: z.number().positive().default(48),
      }),
    ])
    .default({ intervalMinutes: 15, windowHours: 48 }),
  /**
   * `serve`'s log lines: `level` (`info` when absent) and `format` (`pretty` when stdout is a
   * terminal, else `json`). OPAYO_KASHFLOW_LOG_LEVEL and OPAYO_KASHFLOW_LOG_FORMAT win over them.
   */
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
      format: z
        .enum(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` })
        .optional(),
    })
    .optional(),
  /**
   * The alert webhook (docs/monitoring.md): a JSON POST when an event is dead-lettered and when
   * health turns degraded or recovers. OPAYO_KASHFLOW_ALERT_TOKEN, when set, is sent as
   * `Authorization: Bearer`. Without this section no alert is sent.
   */
  alerts: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }),
      name: z.string().min(1).max(100).optional(),
      maxPerMinute: z.number().int().positive().optional(),
      healthIntervalSeconds: z.number().positive().optional(),
    })
    .optional(),
})
export type ServiceConfig = z.output<typeof ServiceConfigSchema>

/**
 * A configuration or usage problem, naming the key or flag; `docs` is the docs section the CLI
 * links under it (`withDocs`).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  /** The docs section that explains the fix. @default 'config' */
  readonly docs: DocsSection
  constructor(message: string, options: { readonly docs?: DocsSection } = {}) {
    super(message)
    this.docs = options.docs ?? 'config'
  }
}

/**
 * The config with its file paths (the SQLite file) resolved against the config file's folder,
 * not the current directory: `status --config svc/config.json` run from the parent folder opens
 * the database `serve` wrote through the same file.
 */
function withPathsFrom(folder: string, config: ServiceConfig): ServiceConfig {
  const { store } = config
  if (!('sqlite' in store) || store.sqlite === ':memory:' || isAbsolute(store.sqlite)) return config
  return { ...config, store: { ...store, sqlite: resolve(folder, store.sqlite) } }
}

/**
 * Loads and validates the config file, with errors that name each bad field in words. Relative
 * paths in it are relative to the file's folder.
 */
export async function loadConfig(path: string): Promise<ServiceConfig> {
  const file = resolve(path)
  let raw: unknown
  try {
    raw = /\.(c|m)?js$|\.ts$/.test(file)
      ? ((await import(pathToFileURL(file).href)) as { default: unknown }).default
      : JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`)
  }
  const legacy = (raw as { opayo?: { registrationsFile?: unknown } } | null)?.opayo
  if (legacy && typeof legacy === 'object' && 'registrationsFile' in legacy) {
    throw new ConfigError(
      `The config file ${file} is invalid:\n  - opayo.registrationsFile: registrations now live in the store. Remove the field and run \`opayo-kashflow registrations import ${String(legacy.registrationsFile)}\` once.`,
    )
  }
  const parsed = ServiceConfigSchema.safeParse(raw, { error: configIssueMessage })
  if (!parsed.success) {
    throw new ConfigError(
      `The config file ${file} is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
    )
  }
  return withPathsFrom(dirname(file), parsed.data)
}

/** Reads a required secret from the environment. */
export function secret(
  name: keyof typeof SECRET_ENV,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const value = env[SECRET_ENV[name]]
  if (!value)
    throw new ConfigError(
      `Set ${SECRET_ENV[name]} in the environment (secrets never go in the config file).`,
    )
  return value
}

/** Reads an optional secret from the environment (undefined when unset or empty). */
export function optionalSecret(
  name: keyof typeof SECRET_ENV,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return env[SECRET_ENV[name]] || undefined
}
