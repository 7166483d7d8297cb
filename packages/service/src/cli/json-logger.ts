// The CLI's log sink: one JSON object per line (info to stdout, warn and error to stderr), for
// `serve`. No dependency: a logger such as pino is not vetted yet (issue 20 leaves it).
import type { SyncLogger } from '@opayo-kashflow/sync'

/** The levels `OPAYO_KASHFLOW_LOG_LEVEL` takes; `silent` writes nothing. */
export const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Errors as their name and message; bigints as strings: every line is valid JSON. */
const replacer = (_key: string, value: unknown): unknown =>
  value instanceof Error
    ? { name: value.name, message: value.message }
    : typeof value === 'bigint'
      ? value.toString()
      : value

/**
 * A {@link SyncLogger} writing JSON lines: `{"time","level","msg",...fields}`. An unknown level
 * is `info`. The fields are the engine's and the service's, which never carry a secret.
 * @example
 * const logger = jsonLogger({ level: process.env['OPAYO_KASHFLOW_LOG_LEVEL'] })
 * logger.info?.('started', { port: 8080 })
 */
export function jsonLogger(input: {
  readonly level?: string | undefined
  readonly out?: (line: string) => void
  readonly err?: (line: string) => void
  readonly now?: () => number
}): SyncLogger {
  const level: LogLevel = LOG_LEVELS.find((l) => l === input.level?.toLowerCase()) ?? 'info'
  const rank = LOG_LEVELS.indexOf(level)
  const out = input.out ?? ((line: string) => void process.stdout.write(`${line}\n`))
  const err = input.err ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const now = input.now ?? Date.now
  const write =
    (at: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (LOG_LEVELS.indexOf(at) < rank) return
      let line: string
      try {
        line = JSON.stringify(
          { time: new Date(now()).toISOString(), level: at, msg, ...fields },
          replacer,
        )
      } catch {
        line = JSON.stringify({ time: new Date(now()).toISOString(), level: at, msg })
      }
      ;(at === 'info' ? out : err)(line)
    }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}
