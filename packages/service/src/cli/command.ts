// The shape of a CLI command: what it needs before it runs (nothing, the config, the store's
// admin API, or the whole service), and its handler. main.ts dispatches from a table of these.
import type { SyncAdmin } from '@opayo-kashflow/sync'
import type { BuiltService } from './build.js'
import type { CliLogger } from './cli-logger.js'
import type { ServiceConfig } from './config.js'

/** Exit codes a script can rely on. */
/**
 * Exit codes: 0 done, 1 failed or needs attention, 2 usage or configuration error, 3 incomplete
 * (KashFlow could not be read for some of it: run it again when KashFlow answers).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, incomplete: 3 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Where a command writes: stdout and stderr, one line per call. */
export interface CommandIo {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

/** The parsed options every command may read. */
export interface CommandOptions {
  readonly config: string
  readonly json: boolean
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly out?: string | undefined
  readonly reason?: string | undefined
  /** `dead-letters resolve`: the invoice number a person chose. */
  readonly invoice?: string | undefined
  /** `dead-letters resolve`: who resolves it. @default the operating-system user */
  readonly by?: string | undefined
  readonly 'dry-run': boolean
  /** `demo`: `direct` (default) or `clearing`. */
  readonly mode?: string | undefined
  /** `serve`: `all` (default), `ack` or `worker` (see SERVE_ROLES). */
  readonly role?: string | undefined
  /** `settlement received|explain`: the day, YYYY-MM-DD. */
  readonly on?: string | undefined
  /** `settlement explain`: `chargeback`, `reserve` or `charges`. */
  readonly as?: string | undefined
  /** `settlement explain`: the nominal code to book it to. */
  readonly nominal?: string | undefined
  /** `fakes`: ports of the fake KashFlow, the fake Opayo and the `serve` the config points at. */
  readonly 'port-kashflow'?: string | undefined
  readonly 'port-opayo'?: string | undefined
  readonly 'port-serve'?: string | undefined
  /** `fakes`: the invoices to seed, `1042:120.00,1043:50.00`. */
  readonly invoices?: string | undefined
  /** `fakes`: a JSON seed file (invoices, customers, bank accounts, payment methods). */
  readonly seed?: string | undefined
  /** `fakes`: write the config there instead of printing it. */
  readonly 'write-config'?: string | undefined
  /** `trigger`: the amount, in major units. @default 10.00 */
  readonly amount?: string | undefined
  /** `trigger`: serve's base URL. @default from the config's server.host and server.port */
  readonly url?: string | undefined
}

/** What every handler gets: the subcommand, the rest of the words, the options, and output. */
export interface CommandContext {
  readonly sub: string | undefined
  readonly args: readonly string[]
  readonly options: CommandOptions
  readonly io: CommandIo
  /** Prints `value` as JSON with --json, else the text. */
  readonly print: (value: unknown, text: () => string) => void
  /** A --from/--to date option, or a ConfigError saying what is expected. */
  readonly date: (name: 'from' | 'to') => Date
}

/** One command: its required subcommands (checked before anything is read) and its handler. */
export type Command =
  | {
      /** Needs nothing: no config file, no secrets (demo). */
      readonly needs: 'nothing'
      readonly subcommands: readonly string[]
      run(ctx: CommandContext): Promise<ExitCode>
    }
  | {
      /** Needs the config file only; opens what it needs itself (registrations import). */
      readonly needs: 'config'
      readonly subcommands: readonly string[]
      run(ctx: CommandContext & { readonly config: ServiceConfig }): Promise<ExitCode>
    }
  | {
      /** Needs the store's admin API only: no KashFlow or Opayo secrets are read. */
      readonly needs: 'admin'
      readonly subcommands: readonly string[]
      run(ctx: CommandContext & { readonly admin: SyncAdmin }): Promise<ExitCode>
    }
  | {
      /** Needs the whole service: the store, the KashFlow client and the Opayo clients. */
      readonly needs: 'service'
      readonly subcommands: readonly string[]
      /**
       * The service logs while it runs, through pino (cli-logger.ts: level and format from
       * `OPAYO_KASHFLOW_LOG_LEVEL` / `_FORMAT`, then the config's `log` section); the handler
       * gets the same logger as `logger`.
       * @default false (one-shot commands print their own output)
       */
      readonly logs?: boolean
      run(
        ctx: CommandContext & {
          readonly config: ServiceConfig
          readonly built: BuiltService
          /** The service's logger, when the command `logs`. */
          readonly logger?: CliLogger
        },
      ): Promise<ExitCode>
    }
