// `opayo-kashflow settlement received BATCH AMOUNT`: the amount that reached the bank for a
// foreign-currency settlement batch (from the bank statement), so the engine can settle it.
import { parseAmount } from '@opayo-kashflow/core'
import type { CurrencyCode, Money } from '@opayo-kashflow/core'
import { SettlementBatchEventSchema, settlementEventId } from '@opayo-kashflow/sync'
import type { BuiltService } from './build.js'
import type { ServiceConfig } from './config.js'
import { terminalLine } from './terminal-text.js'

/** What `settlement received` did, as `--json` prints it. */
export interface SettlementReceivedResult {
  readonly batchId: string
  /** `queued`: the batch will be settled with this amount; `unchanged`: it already had it. */
  readonly outcome: 'queued' | 'unchanged'
  readonly received: { readonly amount: number; readonly currency: string }
}

/**
 * Records the amount received for a batch the engine holds, in the home currency every posting
 * path uses: `posting.homeCurrency` when configured, else KashFlow's setting (the client answers
 * the configured one without a request). Exit 0 when queued (or it already had that amount), 1
 * when the batch is unknown, something of it was already written to KashFlow (a person must
 * look) or the home currency cannot be read, 2 for a usage error or an amount that is not money.
 * @example
 * // `settlement received 77 97.80`, with the configuration and the service main() built from it:
 * async function received({ config, built }: Pick<Parameters<typeof settlementCommand>[0], 'config' | 'built'>) {
 *   const io = { out: console.log, err: console.error }
 *   const print = (value: unknown) => io.out(JSON.stringify(value)) // as with --json
 *   const code = await settlementCommand({ sub: 'received', args: ['77', '97.80'], config, built, io, print })
 * }
 */
export async function settlementCommand(input: {
  readonly sub: string | undefined
  readonly args: readonly string[]
  readonly config: ServiceConfig
  readonly built: Pick<BuiltService, 'service' | 'store' | 'kashflow'>
  readonly io: { readonly out: (s: string) => void; readonly err: (s: string) => void }
  readonly print: (value: unknown, text: () => string) => void
  /** `--on YYYY-MM-DD`: the day the deposit reached the bank (the transfer's date). */
  readonly on?: string | undefined
}): Promise<0 | 1 | 2> {
  const { sub, args, built, io, print, on } = input
  const [batchId, text] = args
  if (sub !== 'received' || !batchId || !text || args.length > 2) {
    io.err(
      'Usage: opayo-kashflow settlement received BATCH AMOUNT [--on YYYY-MM-DD] (AMOUNT in the home currency, e.g. 97.80; negative when the acquirer took money; --on the day it reached the bank)',
    )
    return 2
  }
  if (on !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(on)) {
    io.err(
      `settlement received: --on must be the day the deposit reached the bank, YYYY-MM-DD, got "${terminalLine(on)}".`,
    )
    return 2
  }
  const received = await readHomeAmount('settlement received', text, input)
  if (typeof received === 'number') return received
  let id: string
  try {
    id = settlementEventId(batchId)
  } catch (error) {
    io.err(`settlement received: ${(error as Error).message}`)
    return 2
  }
  const event = await built.store.get(id)
  const stored = SettlementBatchEventSchema.safeParse(
    (event?.payment as { settlementBatch?: unknown } | undefined)?.settlementBatch,
  )
  if (!event || !stored.success) {
    io.err(
      `settlement received: batch ${batchId} is not in the store yet (the poller ingests closed batches).`,
    )
    return 1
  }
  const result = await built.service.engine.ingestSettlementBatch({
    ...stored.data,
    received,
    ...(on === undefined ? {} : { receivedOn: on }),
  })
  if (result.outcome === 'conflict') {
    io.err(
      `settlement received: batch ${batchId} is ${event.state} and something of it was already written to KashFlow (or its deposit was already corrected once); it was not changed. See opayo-kashflow dead-letters show ${id}.`,
    )
    return 1
  }
  const printed: SettlementReceivedResult = {
    batchId,
    outcome: result.outcome === 'duplicate' ? 'unchanged' : 'queued',
    received,
  }
  print(printed, () =>
    printed.outcome === 'queued'
      ? result.id.endsWith(':deposit')
        ? `batch ${batchId} was already posted: the difference to ${text} is posted as an adjustment of its deposit (${result.id})`
        : `batch ${batchId}: ${text} received${on === undefined ? '' : ` on ${on}`} recorded; it is settled on the next round`
      : `batch ${batchId} already had ${text} received: nothing changed`,
  )
  return 0
}

/**
 * An amount typed in the home currency (`posting.homeCurrency`, else KashFlow's setting), or the
 * exit code after saying what is wrong: 1 when the home currency cannot be read, 2 when the text
 * is not money. One optional leading minus and digits: `--97.80` or `+97.80` is refused, never
 * read as its opposite.
 * @example
 * async function amount(input: Parameters<typeof readHomeAmount>[2]) {
 *   const read = await readHomeAmount('settlement explain', '30.00', input)
 *   if (typeof read !== 'number') console.log(read.amount) // 3000
 * }
 */
export async function readHomeAmount(
  command: string,
  text: string,
  input: {
    readonly config: ServiceConfig
    readonly built: Pick<BuiltService, 'kashflow'>
    readonly io: { readonly err: (s: string) => void }
  },
): Promise<Money | 1 | 2> {
  const { config, built, io } = input
  let currency: CurrencyCode | undefined
  if (/^-?\d/.test(text)) {
    try {
      currency = config.posting.homeCurrency ?? (await built.kashflow.settings.homeCurrency())
    } catch (error) {
      io.err(
        `${command}: cannot read the home currency from KashFlow (${terminalLine((error as Error).message)}); set posting.homeCurrency in the config.`,
      )
      return 1
    }
  }
  const parsed = currency === undefined ? undefined : parseAmount(text, currency)
  if (!parsed?.ok) {
    io.err(
      `${command}: ${parsed ? parsed.issues.map((i) => i.message).join('; ') : `"${terminalLine(text)}" is not an amount such as 97.80 or -97.80`}`,
    )
    return 2
  }
  return parsed.value
}
