// `opayo-kashflow settlement explain BATCH AMOUNT --as chargeback|reserve|charges --nominal N
// [--on YYYY-MM-DD]`: part of a posted batch's payout difference (what the acquirer kept from the
// deposit) booked once to its nominal, off the clearing account.
import type { PayoutDifferenceKind } from '@opayo-kashflow/sync'
import type { BuiltService } from './build.js'
import type { ServiceConfig } from './config.js'
import { readHomeAmount } from './settlement-command.js'
import { terminalLine } from './terminal-text.js'

const KINDS: readonly PayoutDifferenceKind[] = ['chargeback', 'reserve', 'charges']
const USAGE =
  'Usage: opayo-kashflow settlement explain BATCH AMOUNT --as chargeback|reserve|charges --nominal NOMINAL_CODE [--on YYYY-MM-DD] [--from clearing|bank] (AMOUNT in the home currency: what the acquirer kept from the deposit, or debited on its own with --from bank; negative when it paid back)'

/** What `settlement explain` did, as `--json` prints it. */
export interface SettlementExplainResult {
  readonly batchId: string
  readonly kind: PayoutDifferenceKind
  /** `queued`: posted on the next round; `unchanged`: the same explanation was queued before. */
  readonly outcome: 'queued' | 'unchanged'
  readonly id: string
}

/**
 * Explains part of a posted batch's payout difference: exit 0 when queued (or queued before),
 * 1 when the batch is not posted or already has another explanation of that kind, 2 for a usage
 * error (the missing or wrong flag named).
 * @example
 * async function explain(input: Parameters<typeof settlementExplainCommand>[0]) {
 *   const code = await settlementExplainCommand({ ...input, args: ['1001', '30.00'], as: 'chargeback', nominal: '7903' })
 * }
 */
export async function settlementExplainCommand(input: {
  readonly args: readonly string[]
  readonly config: ServiceConfig
  readonly built: Pick<BuiltService, 'service' | 'kashflow'>
  readonly io: { readonly out: (s: string) => void; readonly err: (s: string) => void }
  readonly print: (value: unknown, text: () => string) => void
  readonly as?: string | undefined
  readonly nominal?: string | undefined
  readonly on?: string | undefined
  /** `clearing` (kept from the deposit, the default) or `bank` (a debit of its own). */
  readonly from?: string | undefined
}): Promise<0 | 1 | 2> {
  const { args, built, io, print } = input
  const [batchId, text] = args
  const kind = KINDS.find((k) => k === input.as)
  const nominalCode = Number(input.nominal)
  const problem =
    !batchId || !text || args.length > 2
      ? 'BATCH and AMOUNT are required'
      : kind === undefined
        ? `--as must be one of ${KINDS.join(', ')}${input.as === undefined ? '' : `, got "${terminalLine(input.as)}"`}`
        : !(Number.isSafeInteger(nominalCode) && nominalCode > 0)
          ? '--nominal must be the nominal code to book it to (e.g. 7903 for chargebacks)'
          : input.on !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(input.on)
            ? `--on must be YYYY-MM-DD, got "${terminalLine(input.on)}"`
            : input.from !== undefined && input.from !== 'bank' && input.from !== 'clearing'
              ? `--from must be clearing (kept from the deposit) or bank (debited on its own), got "${terminalLine(input.from)}"`
              : undefined
  if (problem !== undefined || !batchId || !text || !kind) {
    io.err(`settlement explain: ${problem ?? 'invalid arguments'}.\n${USAGE}`)
    return 2
  }
  const amount = await readHomeAmount('settlement explain', text, input)
  if (typeof amount === 'number') return amount
  const date = input.on ?? new Date().toISOString().slice(0, 10)
  let result: Awaited<ReturnType<typeof built.service.engine.explainPayoutDifference>>
  try {
    result = await built.service.engine.explainPayoutDifference({
      batchId,
      kind,
      amount,
      nominalCode,
      date,
      ...(input.from === 'bank' || input.from === 'clearing' ? { from: input.from } : {}),
    })
  } catch (error) {
    io.err(`settlement explain: ${terminalLine((error as Error).message)}`)
    return 1
  }
  if (result.outcome === 'conflict') {
    io.err(
      `settlement explain: batch ${batchId} already has another ${kind} explained (${result.id}); it was not changed. Adjust it in KashFlow by hand.`,
    )
    return 1
  }
  const printed: SettlementExplainResult = {
    batchId,
    kind,
    outcome: result.outcome === 'duplicate' ? 'unchanged' : 'queued',
    id: result.id,
  }
  print(printed, () =>
    printed.outcome === 'queued'
      ? `batch ${batchId}: ${kind} of ${text} to nominal ${nominalCode}${input.from === 'bank' ? ', off the bank,' : ''} queued (${result.id}); it is posted on the next round${input.from === 'bank' && input.config.settlement?.deposits ? ' once the bank shows its debit' : ''}`
      : `batch ${batchId} already had this ${kind}: nothing changed`,
  )
  return 0
}
