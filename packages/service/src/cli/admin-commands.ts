// `status` and `dead-letters ...`: the store's admin API (createSyncAdmin from
// @opayo-kashflow/sync), the same code a running engine answers with; no vendor secrets are read.
import { explain } from '../service/explain.js'
import { matchingLines, resolutionLines } from '../service/explain-matching.js'
import type { ChargeStatementSummary } from '@opayo-kashflow/sync'
import type { Command } from './command.js'
import { EXIT } from './command.js'
import { resolveDeadLetterCommand } from './resolve-command.js'
import { terminalLine } from './terminal-text.js'

/** `status`: counts per state, backlog age, conflicts; exit 1 while dead letters wait. */
export const statusCommand: Command = {
  needs: 'admin',
  subcommands: [],
  async run({ admin, print }) {
    const backlog = await admin.backlog()
    const dead = backlog.counts.dead
    const chargeStatements = await admin.chargeStatements()
    const report = {
      ...backlog,
      oldestPendingAgeMs: backlog.oldestPendingAgeMs ?? null,
      dead,
      chargeStatements,
    }
    print(report, () =>
      [
        ...Object.entries(backlog.counts).map(([s, n]) => `${s.padEnd(10)} ${n}`),
        `oldest pending: ${backlog.oldestPendingAgeMs === undefined ? 'none' : `${Math.round(backlog.oldestPendingAgeMs / 1000)} s`}`,
        `conflicts: ${backlog.conflicts}`,
        ...(chargeStatements.length > 0 ? [`charge statements: ${chargeStatements.length}`] : []),
        ...chargeStatements.map((c) => terminalLine(`  ${describeCharges(c)}`)),
        ...(dead > 0
          ? [`${dead} dead letter(s) need a person: opayo-kashflow dead-letters list`]
          : []),
      ].join('\n'),
    )
    return dead > 0 ? EXIT.failed : EXIT.ok
  },
}

/** One charge statement in a line: its state and totals, the bank's debit, or why it waits. */
function describeCharges(c: ChargeStatementSummary): string {
  const head = `${c.statementId} (${c.from}${c.to === c.from ? '' : `..${c.to}`}, ${c.lines} line(s), ${c.total}) ${c.state}`
  if (c.state === 'posted')
    return `${head}: ${c.fromBank ?? ''} off the bank, ${c.fromClearing ?? ''} off clearing${c.debit ? `; the bank's debit ${c.debit.id} on ${c.debit.date}` : ''}`
  return c.why ? `${head}: ${c.why}` : head
}

/** `dead-letters list | show ID | replay [ID...] | resolve ID --invoice N --reason R | discard ID --reason R`. */
export const deadLettersCommand: Command = {
  needs: 'admin',
  subcommands: ['list', 'show', 'replay', 'resolve', 'discard'],
  async run(ctx) {
    const { admin, sub, args, options, io, print } = ctx
    const letters = admin.deadLetters
    switch (sub) {
      case 'resolve':
        return resolveDeadLetterCommand(ctx)
      case 'list': {
        const dead = await letters.list()
        print(
          dead.map((e) => ({
            id: e.id,
            reason: e.reason,
            explanation: explain(e),
            attempts: e.attempts,
          })),
          () =>
            dead.length
              ? dead
                  .map((e) => terminalLine(`${e.id}  ${e.reason ?? ''}  ${explain(e)}`))
                  .join('\n')
              : 'No dead letters.',
        )
        return EXIT.ok
      }
      case 'show': {
        const id = args[0]
        const explained = id ? await letters.get(id) : undefined
        if (!explained) {
          io.err(
            id
              ? `No event ${terminalLine(id)}. Run opayo-kashflow dead-letters list for the ids.`
              : 'Usage: opayo-kashflow dead-letters show ID',
          )
          return id ? EXIT.failed : EXIT.usage
        }
        const { event, attempts, ledger } = explained
        print({ event, explanation: explain(event), attempts, ledger }, () =>
          [
            `${event.id}: ${event.state}${event.reason ? ` (${event.reason})` : ''}`,
            `explanation: ${explain(event)}`,
            'attempts:',
            ...attempts.map(
              (a) =>
                `  ${new Date(a.at).toISOString()} ${a.from} -> ${a.to}: ${a.outcome}${a.error ? ` [${a.error.name}: ${a.error.message}]` : ''}`,
            ),
            ...matchingLines(event),
            ...resolutionLines(ledger),
            ...(ledger.length ? ['ledger:', ...ledger.map((l) => `  ${l.marker} ${l.state}`)] : []),
          ]
            // One line per fact: a reason or an error message cannot add lines of its own.
            .map(terminalLine)
            .join('\n'),
        )
        return EXIT.ok
      }
      case 'replay': {
        const selection = args.length
          ? args
          : options.reason === undefined
            ? {}
            : { reason: options.reason }
        const { replayed, dryRun } = await letters.replay(selection, {
          dryRun: options['dry-run'],
        })
        print(
          { replayed, dryRun },
          () =>
            `${dryRun ? 'Would replay' : 'Replayed'} ${replayed.length}: ${terminalLine(replayed.join(', '))}`,
        )
        return EXIT.ok
      }
      default: {
        // discard (main.ts has checked the subcommand against the table)
        const id = args[0]
        if (!id || !options.reason) {
          io.err('Usage: opayo-kashflow dead-letters discard ID --reason "why"')
          return EXIT.usage
        }
        const done = await letters.discard(id, options.reason)
        print({ discarded: done }, () =>
          terminalLine(done ? `Discarded ${id}.` : `${id} is not a dead letter.`),
        )
        return done ? EXIT.ok : EXIT.failed
      }
    }
  },
}
