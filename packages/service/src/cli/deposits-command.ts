// `opayo-kashflow deposits import FILE`: the bank's own statement, an OFX download or a CSV
// export (read with the column mapping in `settlement.deposits.columns`), into the store, where a
// batch waiting for its deposit looks (`settlement.deposits: { "source": "statement" }`).
import { format, money, parseBankStatement, parseOfxStatement } from '@opayo-kashflow/core'
import type { BankStatementColumnsInput, BankStatementLine } from '@opayo-kashflow/core'
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

/** Whether the file is an OFX download rather than a CSV export. */
const isOfx = (text: string) => /^\s*(OFXHEADER|<\?xml|<\?OFX|<OFX>)/i.test(text)

/** The file's lines: OFX read as it is, CSV with the configured columns. */
function readStatement(
  content: string,
  columns: BankStatementColumnsInput | undefined,
  homeCurrency: string | undefined,
):
  | { readonly ok: true; readonly lines: readonly BankStatementLine[]; readonly currency: string }
  | { readonly ok: false; readonly issues: readonly string[] }
  | 'no-columns' {
  if (isOfx(content)) {
    const ofx = parseOfxStatement(content)
    if (!ofx.ok) return { ok: false, issues: ofx.issues.map((i) => i.message) }
    if (homeCurrency !== undefined && ofx.value.currency !== homeCurrency)
      return {
        ok: false,
        issues: [
          `The statement is in ${ofx.value.currency} (CURDEF), not the home currency ${homeCurrency}: is it the right account?`,
        ],
      }
    return { ok: true, lines: ofx.value.lines, currency: ofx.value.currency }
  }
  if (!columns) return 'no-columns'
  const csv = parseBankStatement(content, columns)
  return csv.ok
    ? { ok: true, lines: csv.value, currency: columns.currency }
    : { ok: false, issues: csv.issues.map((i) => i.message) }
}

/**
 * Imports one bank statement: an OFX download (each line under the bank's FITID; its currency
 * must be the home currency) or a CSV export read with the configured column mapping; every line
 * read, or nothing stored (each problem listed with its line). A line already stored (the same
 * FITID; for CSV the same date, amount and description, counted within the day) is kept once. Exit 0 when imported, 1 when
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
  const read = readStatement(content, deposits.columns, config.posting.homeCurrency)
  if (read === 'no-columns') {
    io.err(
      withDocs(
        `deposits import: ${file} is not OFX, and no CSV columns are configured: set settlement.deposits.columns (which of the export's headers hold the date and the amounts).`,
        'deposits',
      ),
    )
    return 2
  }
  if (!read.ok) {
    reportImportIssues(io, 'deposits', file, read.issues)
    return 1
  }
  const lines = read.lines
  const currency = read.currency
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
          currency,
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
