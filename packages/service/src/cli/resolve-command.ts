// `dead-letters resolve ID --invoice N [--by NAME] --reason R`: a person names the invoice for a
// payment whose reference failed; the running service posts it through the ledger, exactly once.
import { userInfo } from 'node:os'
import type { SyncAdmin } from '@opayo-kashflow/sync'
import type { CommandContext, ExitCode } from './command.js'
import { EXIT } from './command.js'
import { terminalLine } from './terminal-text.js'

const USAGE =
  'Usage: opayo-kashflow dead-letters resolve ID --invoice N [--by NAME] --reason "why this invoice"'

/** Who resolves when --by is not given: the operating-system user, else "cli". */
function defaultBy(): string {
  try {
    return userInfo().username || 'cli'
  } catch {
    return 'cli'
  }
}

/**
 * Records the resolution through the store's admin API (`deadLetters.resolve`) and prints what
 * happened. Exit 0 when resolved, 1 when refused (not such a dead letter, or a write to another
 * invoice was begun), 2 for a usage error.
 * @example
 * // dead-letters resolve opayo:D0000001-1A2B-4C3D-8E4F-000000000001:payment --invoice 1042 --reason typo
 * const code = await resolveDeadLetterCommand({
 *   sub: 'resolve',
 *   args: ['opayo:D0000001-1A2B-4C3D-8E4F-000000000001:payment'],
 *   options: { config: './opayo-kashflow.config.json', json: true, 'dry-run': false, invoice: '1042', reason: 'typo' },
 *   io: { out: console.log, err: console.error },
 *   print: (value) => console.log(JSON.stringify(value)), // as with --json
 *   date: () => new Date(),
 *   admin: createSyncAdmin({ store }),
 * })
 */
export async function resolveDeadLetterCommand(
  ctx: CommandContext & { readonly admin: SyncAdmin },
): Promise<ExitCode> {
  const { admin, args, options, io, print } = ctx
  const id = args[0]
  const invoice = options.invoice?.trim() ?? ''
  if (!id || args.length > 1 || !/^[1-9]\d*$/.test(invoice) || !options.reason?.trim()) {
    io.err(USAGE)
    return EXIT.usage
  }
  const result = await admin.deadLetters.resolve(id, {
    invoiceNumber: Number(invoice),
    by: options.by?.trim() || defaultBy(),
    reason: options.reason,
  })
  print(result, () =>
    terminalLine(
      result.resolved
        ? `Resolved: ${result.message} The service posts it on its next round.`
        : `Not resolved: ${result.message}`,
    ),
  )
  return result.resolved ? EXIT.ok : EXIT.failed
}
