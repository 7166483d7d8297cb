// The CLI's log sink for `serve`: pino, JSON lines to stdout, or pino-pretty's text when stdout is
// a terminal. Both write synchronously (a SonicBoom with sync: true, no worker-thread transport:
// the CLI is bundled by tsup), so no line is lost when the process exits.
import type { Writable } from 'node:stream'
import type { SyncLogger } from '@opayo-kashflow/sync'
import pino from 'pino'
import type { Logger } from 'pino'
import pretty from 'pino-pretty'
import { ConfigError, LOG_FORMATS, LOG_LEVELS } from './config.js'
import type { LogFormat, LogLevel, ServiceConfig } from './config.js'

/** The environment variables that set the level and the format (over the config file). */
export const LOG_ENV = {
  level: 'OPAYO_KASHFLOW_LOG_LEVEL',
  format: 'OPAYO_KASHFLOW_LOG_FORMAT',
} as const

/** A {@link SyncLogger} that also says its level and format, and logs at debug. */
export interface CliLogger extends SyncLogger {
  readonly level: LogLevel
  readonly format: LogFormat
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const oneOf = <T extends string>(
  allowed: readonly T[],
  value: string | undefined,
  name: string,
): T | undefined => {
  if (value === undefined || value === '') return undefined
  const found = allowed.find((a) => a === value.toLowerCase())
  if (found === undefined)
    throw new ConfigError(
      `${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}).`,
    )
  return found
}

/**
 * The level and format `serve` logs with: the environment first (`OPAYO_KASHFLOW_LOG_LEVEL`,
 * `OPAYO_KASHFLOW_LOG_FORMAT`), then the config file's `log` section, then `info`, and `pretty`
 * when stdout is a terminal, else `json`. An unknown value is a {@link ConfigError} naming the
 * variable or key and the values allowed.
 * @example
 * const { level, format } = logSettings({ env: process.env, isTTY: process.stdout.isTTY === true })
 */
export function logSettings(input: {
  readonly env?: NodeJS.ProcessEnv
  readonly config?: ServiceConfig['log']
  readonly isTTY?: boolean
}): { readonly level: LogLevel; readonly format: LogFormat } {
  const env = input.env ?? process.env
  const level =
    oneOf(LOG_LEVELS, env[LOG_ENV.level], LOG_ENV.level) ??
    oneOf(LOG_LEVELS, input.config?.level, 'log.level in the config file') ??
    'info'
  const format =
    oneOf(LOG_FORMATS, env[LOG_ENV.format], LOG_ENV.format) ??
    oneOf(LOG_FORMATS, input.config?.format, 'log.format in the config file') ??
    (input.isTTY === true ? 'pretty' : 'json')
  return { level, format }
}

/** Errors as their name and message (no stack); bigints as strings: every line is valid JSON. */
const replacer = (_key: string, value: unknown): unknown =>
  value instanceof Error
    ? { name: value.name, message: value.message }
    : typeof value === 'bigint'
      ? value.toString()
      : value

/** The fields as plain JSON values; fields that cannot be (a cycle) are left out of the line. */
function plain(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (fields === undefined) return {}
  try {
    return JSON.parse(JSON.stringify(fields, replacer)) as Record<string, unknown>
  } catch {
    return {}
  }
}

/**
 * A {@link SyncLogger} on pino: `info(message, fields)` writes `{"level","time","msg",...fields}`
 * (time in ISO 8601, level as its name) to `destination` (stdout by default), synchronously.
 * `pretty` writes pino-pretty's text instead (colours when `colorize`, by default when writing to
 * a terminal). The fields are the engine's and the service's, which never carry a secret.
 * @example
 * const logger = cliLogger({ level: 'info', format: 'json' })
 * logger.info?.('started', { port: 8080 })
 */
export function cliLogger(input: {
  readonly level: LogLevel
  readonly format: LogFormat
  /** Where the lines go (a stream: pino-pretty pipes into it). @default stdout, synchronously */
  readonly destination?: Writable
  /** pretty only. @default stdout is a terminal and no destination is given */
  readonly colorize?: boolean
}): CliLogger {
  const { level, format } = input
  const options = {
    level,
    // No pid or hostname: the lines are the decision and its fields.
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    // The fields arrive plain (an error already its name and message): pino's own `err`
    // serializer (type, stack) is not applied.
    serializers: { err: (value: unknown) => value },
  }
  const log: Logger =
    format === 'pretty'
      ? pino(
          options,
          pretty({
            colorize: input.colorize ?? (input.destination === undefined && process.stdout.isTTY),
            sync: true,
            destination: input.destination ?? 1,
          }),
        )
      : pino(
          { ...options, formatters: { level: (label) => ({ level: label }) } },
          input.destination ?? pino.destination({ dest: 1, sync: true }),
        )
  const write =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: Record<string, unknown>): void => {
      log[at](plain(fields), message)
    }
  return {
    level,
    format,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  }
}
