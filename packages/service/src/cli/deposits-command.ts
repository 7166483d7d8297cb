// `opayo-kashflow deposits import FILE`: the bank's own statement export (CSV, read with the
// column mapping in `settlement.deposits.columns`) into the store, where a batch waiting for its
// deposit looks (`settlement.deposits: { "source": "statement" }`).
import { format, money, parseBankStatement } from '@opayo-kashflow/core'
import { openStore } from './build.js'
import type { CommandContext, ExitCode } from './command.js'
import type { ServiceConfig } from './config.js'
import { withDocs } from './docs-link.js'
import { readImportFile, reportImportIssues } from './import-file.js'
import { terminalLine } from './terminal-text.js'

/** What `deposits import` did, as `--json` prints it. */
export interface DepositsImportResult {
  readonly file: string
  /** Lines the file holds (with an amount). */
  readonly lines: number
  /** Lines stored now, and lines stored before (the same line in an earlier, overlapping export). */
  readonly added: number
  readonly known: number
  /** The first and last day of the file's lines, YYYY-MM-DD (absent when it has none). */
  readonly from?: string
  readonly to?: string
  /** Money in and out over the file, in major units as text. */
  readonly paidIn: string
  readonly paidOut: string
}

/**
 * Imports one bank statement export: every line read with the configured column mapping, or
 * nothing stored (each problem listed with its line). A line already stored (the same date,
 * amount and description, counted within the day) is kept once. Exit 0 when imported, 1 when
 * the file has problems, 2 for a usage error, a file that cannot be read, or deposits not read
 * from statements in the config.
 * @example
 * // `deposits import november.csv`, with the command line's context and configuration from main():
 * async function depositsImport(ctx: Parameters<typeof depositsCommand>[0]) {
 *   const code = await depositsCommand({ ...ctx, sub: 'import', args: ['november.csv'] })
 * }
 */
export async function depositsCommand(
  input: CommandContext & { readonly config: ServiceConfig },
): Promise<ExitCode> {
  const { config, io, print } = input
  const deposits = config.settlement?.deposits
  if (deposits?.source !== 'statement') {
    io.err(
      withDocs(
        'deposits import: deposits are not read from bank statements: set settlement.deposits to { "source": "statement", "columns": { ... } } (the column mapping of your bank\'s CSV export).',
        'deposits',
      ),
    )
    return 2
  }
  const opened = readImportFile({ ...input, command: 'deposits' })
  if (opened === 2) return 2
  const { file, content } = opened
  const parsed = parseBankStatement(content, deposits.columns)
  if (!parsed.ok) {
    reportImportIssues(
      io,
      'deposits',
      file,
      parsed.issues.map((i) => i.message),
    )
    return 1
  }
  const lines = parsed.value
  const store = await openStore(config)
  try {
    const { added, known } = await store.importBankStatement({
      bankAccountId: config.posting.bankAccountId,
      lines: lines.map(({ id, date, amount, description }) => ({ id, date, amount, description })),
      now: Date.now(),
    })
    const sum = (sign: 1 | -1) =>
      format(
        money(
          lines.reduce(
            (t, l) => t + (Math.sign(l.amount.amount) === sign ? l.amount.amount : 0),
            0,
          ) * sign,
          deposits.columns.currency,
        ),
      )
    const days = lines.map((l) => l.date).sort()
    const result: DepositsImportResult = {
      file,
      lines: lines.length,
      added,
      known,
      ...(days.length > 0 ? { from: days[0], to: days[days.length - 1] } : {}),
      paidIn: sum(1),
      paidOut: sum(-1),
    }
    print(result, () =>
      terminalLine(
        `imported ${lines.length} bank line(s) from ${file}${result.from ? ` (${result.from} to ${result.to})` : ''}: ${added} new, ${known} seen before; ${result.paidIn} in, ${result.paidOut} out. Batches waiting for a deposit look again at their next try.`,
      ),
    )
    return 0
  } finally {
    await store.close()
  }
}
