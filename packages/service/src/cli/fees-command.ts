// `opayo-kashflow fees import FILE`: a fee statement in our CSV layout into the store, all or
// nothing, for clearing mode's `settlement.fees: { "source": "statement" }`.
import { createHash } from 'node:crypto'
import { parseFeeStatement } from '@opayo-kashflow/core'
import type { FeeStatementRow } from '@opayo-kashflow/core'
import { openStore } from './build.js'
import type { CommandContext, ExitCode } from './command.js'
import type { ServiceConfig } from './config.js'
import { readImportFile, reportImportIssues } from './import-file.js'
import { terminalLine } from './terminal-text.js'

/** What `fees import` did, as `--json` prints it. */
export interface FeesImportResult {
  readonly file: string
  /** `created`: stored now; `duplicate`: the same fees were imported before (nothing changed). */
  readonly outcome: 'created' | 'duplicate'
  readonly rows: number
  /**
   * sha-256 of the fees the file holds (ids and amounts, in any row or column order): what makes a
   * second import of the same statement a duplicate, however it was re-exported.
   */
  readonly digest: string
}

/** The digest of a statement's fees: the same rows in another order, columns or lines are equal. */
function statementDigest(rows: readonly FeeStatementRow[]): string {
  const keys = rows
    .map((r) =>
      JSON.stringify([r.batchId, r.transactionId, r.vendorTxCode, r.fee.amount, r.fee.currency]),
    )
    .sort()
  return createHash('sha256').update(keys.join('\n')).digest('hex')
}

/**
 * Imports one fee statement: every row valid or nothing stored. Exit 0 when imported (or
 * imported before), 1 when the file has problems (each listed with its line; nothing stored),
 * 2 for a usage error or a file that cannot be read.
 * @example
 * // `fees import statement.csv`, with the command line's context and configuration from main():
 * async function feesImport(ctx: Parameters<typeof feesCommand>[0]) {
 *   const code = await feesCommand({ ...ctx, sub: 'import', args: ['statement.csv'] })
 * }
 */
export async function feesCommand(
  input: CommandContext & { readonly config: ServiceConfig },
): Promise<ExitCode> {
  const { config, io, print } = input
  const opened = readImportFile({ ...input, command: 'fees' })
  if (opened === 2) return 2
  const { file, content: text } = opened
  const parsed = parseFeeStatement(text)
  if (!parsed.ok) {
    reportImportIssues(
      io,
      'fees',
      file,
      parsed.issues.map((i) => `line ${i.line}: ${i.message}`),
    )
    return 1
  }
  const digest = statementDigest(parsed.value)
  const store = await openStore(config)
  try {
    const outcome = await store.importFeeStatement({
      digest,
      // Each row names its import: of two imports covering one batch, the later one counts.
      rows: parsed.value.map((row) => ({ ...row, statement: digest })),
      now: Date.now(),
    })
    const result: FeesImportResult = { file, outcome, rows: parsed.value.length, digest }
    print(result, () =>
      terminalLine(
        outcome === 'created'
          ? `imported ${result.rows} fee row(s) from ${file}`
          : `${file} was imported before (the same fees): nothing changed`,
      ),
    )
    return 0
  } finally {
    await store.close()
  }
}
