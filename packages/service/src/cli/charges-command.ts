// `opayo-kashflow charges import FILE`: monthly acquirer and gateway charge statements, in this
// project's CSV layout, checked against `settlement.charges` and queued for the engine, which
// writes one bank line per statement line, once.
import {
  add,
  format,
  money,
  negate,
  parseChargeStatements,
  planMonthlyCharges,
} from '@opayo-kashflow/core'
import type { ChargeRules, Money } from '@opayo-kashflow/core'
import type { BuiltService } from './build.js'
import type { CommandIo, ExitCode } from './command.js'
import type { ServiceConfig } from './config.js'
import { readImportFile, reportImportIssues } from './import-file.js'
import { settlementFromConfig } from './settlement-config.js'
import { terminalLine } from './terminal-text.js'

/** What `charges import` did with one statement, as `--json` prints it (an array of these). */
export interface ChargesImportResult {
  readonly statementId: string
  /**
   * `queued`: stored, the worker writes its lines; `duplicate`: the same statement was imported
   * before; `conflict`: other lines under an id already posted (a dead letter for a person).
   */
  readonly outcome: 'queued' | 'duplicate' | 'conflict'
  /** The engine's event id (for `conflict`, the dead letter's). */
  readonly id: string
  /** Bank lines to write. */
  readonly lines: number
  /** What comes off each account (net of credits), in major units as text. */
  readonly fromBank: string
  readonly fromClearing: string
  /**
   * Its `true-up` lines: the month and what they state; only the difference from what the
   * month's batches booked is posted (off clearing), worked out when the statement is processed.
   */
  readonly trueUp?: { readonly period: string; readonly stated: string }
}

/**
 * Imports charge statements: the file parsed all or nothing, each statement planned against
 * `settlement.charges` (an unknown fee type, VAT on an exempt line or VAT the rate does not
 * explain stops the whole file, nothing queued), then each queued once. Exit 0 when queued (or
 * imported before), 1 for problems in the file or a statement changed after it was posted, 2 for
 * a usage error, an unreadable file, or no `settlement.charges` configured.
 * @example
 * // `charges import october.csv`, with the configuration and the service main() built from it:
 * async function charges({ config, built }: Pick<Parameters<typeof chargesCommand>[0], 'config' | 'built'>) {
 *   const io = { out: console.log, err: console.error }
 *   const print = (value: unknown) => io.out(JSON.stringify(value)) // as with --json
 *   const code = await chargesCommand({ sub: 'import', args: ['october.csv'], config, built, io, print })
 * }
 */
export async function chargesCommand(input: {
  readonly sub: string | undefined
  readonly args: readonly string[]
  readonly config: ServiceConfig
  readonly built: Pick<BuiltService, 'service'>
  readonly io: CommandIo
  readonly print: (value: unknown, text: () => string) => void
}): Promise<ExitCode> {
  const { config, built, io, print } = input
  const opened = readImportFile({ ...input, command: 'charges' })
  if (opened === 2) return 2
  const { file, content } = opened
  const rules = settlementFromConfig(config)?.charges
  if (!rules) {
    io.err(
      'charges import: no charge rules are configured: set settlement.charges (per fee type: nominalCode, vat, from) in clearing mode; see docs/accounting.md.',
    )
    return 2
  }
  const parsed = parseChargeStatements(content)
  const problems = parsed.ok
    ? parsed.value.flatMap((statement) => {
        const plan = planMonthlyCharges(statement, rules)
        return plan.ok ? [] : plan.issues.map((i) => i.message)
      })
    : parsed.issues.map((i) => `line ${i.line}: ${i.message}`)
  if (!parsed.ok || problems.length > 0) {
    reportImportIssues(io, 'charges', file, problems)
    return 1
  }
  const results: ChargesImportResult[] = []
  for (const statement of parsed.value) {
    const { outcome, id } = await built.service.engine.ingestChargeStatement(statement)
    results.push({
      statementId: statement.statementId,
      outcome:
        outcome === 'received' ? 'queued' : outcome === 'duplicate' ? 'duplicate' : 'conflict',
      id,
      ...totals(statement, rules),
    })
  }
  print(results, () => results.map((r) => terminalLine(describe(r, file))).join('\n'))
  return results.some((r) => r.outcome === 'conflict') ? 1 : 0
}

/** The statement's bank lines and what comes off each account. */
function totals(
  statement: Parameters<typeof planMonthlyCharges>[0],
  rules: ChargeRules,
): Pick<ChargesImportResult, 'lines' | 'fromBank' | 'fromClearing' | 'trueUp'> {
  const plan = planMonthlyCharges(statement, rules)
  const lines = plan.ok ? plan.value.lines : []
  const trueUp = plan.ok ? plan.value.trueUp : undefined
  const sum = (from: 'bank' | 'clearing'): Money =>
    lines
      .filter((l) => l.from === from)
      .reduce(
        (total, l) => add(total, l.direction === 'paidOut' ? l.amount : negate(l.amount)),
        money(0, statement.currency),
      )
  return {
    lines: lines.length,
    fromBank: format(sum('bank')),
    fromClearing: format(sum('clearing')),
    ...(trueUp ? { trueUp: { period: trueUp.period, stated: format(trueUp.stated) } } : {}),
  }
}

function describe(result: ChargesImportResult, file: string): string {
  switch (result.outcome) {
    case 'queued':
      return `queued statement ${result.statementId} from ${file}: ${result.lines} bank line(s), ${result.fromBank} from the bank, ${result.fromClearing} from clearing${result.trueUp ? `, and a true-up of ${result.trueUp.stated} for ${result.trueUp.period} against the fees its batches booked` : ''} (${result.id})`
    case 'duplicate':
      return `statement ${result.statementId} was imported before (the same lines): nothing changed`
    case 'conflict':
      return `statement ${result.statementId} has other lines than when it was posted: nothing posted; dead letter ${result.id} for a person (dead-letters show ${result.id})`
  }
}
