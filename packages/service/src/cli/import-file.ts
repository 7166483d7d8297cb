// What the `... import FILE` commands share: the usage check, reading the file, and listing its
// problems (at most 50) when nothing was imported.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CommandIo } from './command.js'
import { terminalLine } from './terminal-text.js'

const MAX_ISSUES_SHOWN = 50

/**
 * `<command> import FILE`: the file's path and its content read by `read` (the text by default),
 * or the exit code after saying what is wrong (2: a usage error, or a file that cannot be read,
 * `as` naming what it was read as, e.g. " as JSON").
 */
export function readImportFile<T = string>(input: {
  readonly command: string
  readonly sub: string | undefined
  readonly args: readonly string[]
  readonly io: CommandIo
  readonly read?: (text: string) => T
  readonly as?: string
}): { readonly file: string; readonly content: T } | 2 {
  const { command, sub, args, io } = input
  const read = input.read ?? ((text: string) => text as T)
  const file = args[0]
  if (sub !== 'import' || !file || args.length > 1) {
    io.err(`Usage: opayo-kashflow ${command} import FILE [--json]`)
    return 2
  }
  try {
    return { file, content: read(readFileSync(resolve(file), 'utf8')) }
  } catch (error) {
    io.err(
      terminalLine(
        `${command} import: cannot read ${file}${input.as ?? ''}: ${(error as Error).message}`,
      ),
    )
    return 2
  }
}

/** Lists a file's problems (one line each, at most 50 shown) and says nothing was imported. */
export function reportImportIssues(
  io: CommandIo,
  command: string,
  file: string,
  lines: readonly string[],
): void {
  const shown = lines.slice(0, MAX_ISSUES_SHOWN)
  io.err(
    [
      `${command} import: ${lines.length} problem(s) in ${terminalLine(file)}; nothing was imported:`,
      // A cell of the file is printed inside its line, never as control characters or lines.
      ...shown.map((line) => `  - ${terminalLine(line)}`),
      ...(lines.length > shown.length ? [`  ... and ${lines.length - shown.length} more`] : []),
    ].join('\n'),
  )
}
