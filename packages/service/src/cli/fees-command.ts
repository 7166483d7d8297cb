// `opayo-kashflow fees import FILE`: an acquirer fee statement (CSV) into the store, all or
// nothing, for clearing mode's `settlement.fees: { "source": "statement" }`.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseFeeStatement } from '@opayo-kashflow/core'
import { openStore } from './build.js'
import type { ServiceConfig } from './config.js'

const MAX_ISSUES_SHOWN = 50

/** What `fees import` did, as `--json` prints it. */
export interface FeesImportResult {
  readonly file: string
  /** `created`: stored now; `duplicate`: this very file was imported before (nothing changed). */
  readonly outcome: 'created' | 'duplicate'
  readonly rows: number
  /** sha-256 of the file: what makes a second import of it a duplicate. */
  readonly digest: string
}

/**
 * Imports one fee statement: every row valid or nothing stored. Exit 0 when imported (or
 * imported before), 1 when the file has problems (each listed with its line; nothing stored),
 * 2 for a usage error or a file that cannot be read.
 * @example await feesCommand({ sub: 'import', args: ['statement.csv'], config, io, print })
 */
export async function feesCommand(input: {
  readonly sub: string | undefined
  readonly args: readonly string[]
  readonly config: ServiceConfig
  readonly io: { readonly out: (s: string) => void; readonly err: (s: string) => void }
  readonly print: (value: unknown, text: () => string) => void
}): Promise<0 | 1 | 2> {
  const { sub, args, config, io, print } = input
  const file = args[0]
  if (sub !== 'import' || !file || args.length > 1) {
    io.err('Usage: opayo-kashflow fees import FILE [--json]')
    return 2
  }
  let text: string
  try {
    text = readFileSync(resolve(file), 'utf8')
  } catch (error) {
    io.err(`fees import: cannot read ${file}: ${(error as Error).message}`)
    return 2
  }
  const parsed = parseFeeStatement(text)
  if (!parsed.ok) {
    const shown = parsed.issues.slice(0, MAX_ISSUES_SHOWN)
    io.err(
      [
        `fees import: ${parsed.issues.length} problem(s) in ${file}; nothing was imported:`,
        ...shown.map((i) => `  - line ${i.line}: ${i.message}`),
        ...(parsed.issues.length > shown.length
          ? [`  ... and ${parsed.issues.length - shown.length} more`]
          : []),
      ].join('\n'),
    )
    return 1
  }
  const digest = createHash('sha256').update(text).digest('hex')
  const store = await openStore(config)
  try {
    const outcome = await store.importFeeStatement({
      digest,
      rows: parsed.value,
      now: Date.now(),
    })
    const result: FeesImportResult = { file, outcome, rows: parsed.value.length, digest }
    print(result, () =>
      outcome === 'created'
        ? `imported ${result.rows} fee row(s) from ${file}`
        : `${file} was imported before (same content): nothing changed`,
    )
    return 0
  } finally {
    await store.close()
  }
}
