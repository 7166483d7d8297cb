// Monthly acquirer and gateway charges: a charge statement is an event of its own
// (`charges:{statementId}`). The engine plans it with core's planMonthlyCharges and writes one
// bank line per statement line (PaidOut on the bank or clearing account, VAT per fee type,
// TransactionType the fee type's nominal), each through the write-once ledger and read back by
// its marker, so a retry or a crash never writes a line twice.
import {
  ChargeStatementSchema,
  InvalidArgumentError,
  planMonthlyCharges,
} from '@opayo-kashflow/core'
import type {
  ChargeStatement,
  ChargeStatementInput,
  PlannedCharge,
  SettlementAccounts,
} from '@opayo-kashflow/core'
import { KASHFLOW_UNCONFIRMED, KashflowCannotTellError } from '@opayo-kashflow/kashflow'
import type { BankTransactionInput } from '@opayo-kashflow/kashflow'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import { fingerprintOf } from './ingest.js'
import { writeOnce } from './ledger.js'
import { indexChargeStatement } from './charge-statements.js'
import { bankDebitOf, trueUpStep } from './charges-steps.js'
import type { TrueUpRecord } from './charges-steps.js'
import { settlementFailed } from './settlement-failure.js'
import { supersedeUnwritten, surfaceChangedBatch } from './settlement-integrity.js'
import type { IngestResult } from './sync-engine.js'

/** The event id of a charge statement: `charges:{statementId}`. */
export const chargeEventId = (statementId: string): string => `charges:${statementId.trim()}`

/** The stored payload of a charge statement event. */
export interface ChargeStatementPayload {
  readonly chargeStatement: ChargeStatement
}

/** What a posted charge statement records in its history (`detail` of the `posted` transition). */
export interface PostedChargesRecord {
  readonly statementId: string
  /** One per bank line written, in statement order. */
  readonly lines: readonly {
    readonly lineNo: number
    readonly marker: string
    readonly from: 'bank' | 'clearing'
    readonly bankAccountId: number
    readonly amount: PlannedCharge['amount']
    readonly direction: PlannedCharge['direction']
  }[]
  /** Statement lines that moved nothing (net and VAT zero). */
  readonly skipped: readonly number[]
  /**
   * The bank's line that shows the statement's bank lines (the direct debit), when deposits are
   * read from the bank (`settlement.deposits`): its id and day, on which the bank lines are dated.
   */
  readonly debit?: { readonly id: string; readonly date: string }
  /** Its true-up lines against the month's per-batch fees: the figures, and the line if any. */
  readonly trueUp?: TrueUpRecord
}

/**
 * The statement in a stored payload, or undefined when the payload is not a charge statement.
 * @example
 * chargeStatementOf({ settlementBatch: { batchId: '1234' } }) // undefined: not a charge statement
 */
export function chargeStatementOf(payload: unknown): ChargeStatement | undefined {
  if (payload === null || typeof payload !== 'object' || !('chargeStatement' in payload))
    return undefined
  const parsed = ChargeStatementSchema.safeParse(payload.chargeStatement)
  return parsed.success ? parsed.data : undefined
}

/**
 * The engine's `ingestChargeStatement` over its context. The same statement again is a duplicate;
 * the same id with other lines replaces it while nothing of it was written, and after that is
 * surfaced as a dead letter of its own (`charges:{id}:changed:{digest}`, reason
 * `charge_statement_changed`), never posted on top.
 * @example
 * function ingester(ctx: Parameters<typeof createChargeIngest>[0]) {
 *   return createChargeIngest(ctx)
 * }
 */
export function createChargeIngest(
  ctx: EngineContext,
): (input: ChargeStatementInput) => Promise<IngestResult> {
  return async (input) => {
    const parsed = ChargeStatementSchema.safeParse(input)
    if (!parsed.success)
      throw new InvalidArgumentError(
        `ingestChargeStatement(): ${parsed.error.issues.map((i) => `${i.path.join('.') || '(statement)'}: ${i.message}`).join('; ')}`,
      )
    const id = chargeEventId(parsed.data.statementId)
    const payload: ChargeStatementPayload = { chargeStatement: parsed.data }
    const fingerprint = fingerprintOf(payload)
    const result = await ctx.store.ingest({ id, payment: payload, fingerprint, now: ctx.now() })
    if (result.outcome === 'conflict') {
      // Nothing of it written yet: the corrected statement replaces the stored one.
      if (await supersedeUnwritten(ctx, result.event, payload, fingerprint))
        return { outcome: 'received', id }
      const surfaced = await surfaceChangedBatch(
        ctx,
        result.event,
        payload,
        fingerprint,
        'charge_statement_changed',
      )
      return { outcome: 'conflict', id: surfaced }
    }
    if (result.outcome === 'received') await indexChargeStatement(ctx, id)
    ctx.emit({ type: result.outcome, id })
    return { outcome: result.outcome, id }
  }
}

/** The bank line one planned charge is written as. */
function bankLineOf(line: PlannedCharge): BankTransactionInput {
  return {
    date: line.date,
    ...(line.direction === 'paidOut' ? { paidOut: line.amount } : { paidIn: line.amount }),
    reference: line.marker,
    comment: line.comment,
    transactionType: KASHFLOW_UNCONFIRMED.chargeTransactionType(line.nominalCode),
    ...(line.vat ? { vat: line.vat } : {}),
  }
}

/**
 * Writes one planned charge once: the ledger records the intent first; after an ambiguous answer
 * or a crash the line is looked for by its marker on its date (`bankTransactions.find`, which
 * says "cannot tell" when the rows lack `Comment`), and one found with another amount is "cannot
 * tell" too: never written again.
 */
async function postCharge(
  ctx: EngineContext,
  event: EventRecord,
  line: PlannedCharge,
  bankAccountId: number,
): Promise<string> {
  const input = bankLineOf(line)
  return writeOnce(ctx, event, {
    marker: line.marker,
    kind: 'bank-transaction',
    request: { bankAccountId, ...input },
    readBack: async () => {
      const found = await ctx.kashflow.bankTransactions.find(bankAccountId, {
        date: line.date,
        reference: line.marker,
        currency: line.amount.currency,
      })
      if (found === undefined) return undefined
      if (found[line.direction].amount !== line.amount.amount)
        throw new KashflowCannotTellError(
          'bankTransactions.find',
          `line ${found.id} carries ${line.marker} but ${line.direction} ${found[line.direction].amount} minor units, not ${line.amount.amount}`,
          { id: found.id },
        )
      return { id: found.id }
    },
    write: async () => ({
      id: (await ctx.kashflow.bankTransactions.create(bankAccountId, input)).id,
    }),
  })
}

/**
 * Plans and posts one claimed charge statement: dead-letters it when clearing mode or
 * `settlement.charges` is off, when it is not in the home currency (bank lines are read in it),
 * or when planning finds a problem (`unknown_fee_type`, `charge_vat_mismatch`, named per line);
 * otherwise writes each line once and records what was written.
 * @example
 * async function run(ctx: Parameters<typeof processChargeStatement>[0], event: EventRecord) {
 *   const statement = chargeStatementOf(event.payment)
 *   if (statement) await processChargeStatement(ctx, event, statement)
 * }
 */
export async function processChargeStatement(
  ctx: EngineContext,
  event: EventRecord,
  statement: ChargeStatement,
): Promise<void> {
  const settlement = ctx.options.settlement
  const { statementId } = statement
  // Listed for status and reconcile (also a statement stored before the index existed, once it
  // is processed again; one already posted before then is not listed).
  await indexChargeStatement(ctx, event.id)
  if (!settlement?.charges) {
    await ctx.deadLetter(event, 'charges_not_configured', {
      detail: { statementId },
      outcome: 'no charge rules are configured (settlement.charges, clearing mode)',
    })
    return
  }
  try {
    const home = await ctx.homeCurrency()
    if (statement.currency !== home) {
      await ctx.deadLetter(event, 'currency_mismatch', {
        detail: { statementId, currency: statement.currency, homeCurrency: home },
        outcome: `statement ${statementId} is in ${statement.currency}; bank lines are written in the home currency ${home}`,
      })
      return
    }
    const plan = planMonthlyCharges(statement, settlement.charges)
    if (!plan.ok) {
      await ctx.deadLetter(event, plan.issues[0]?.code ?? 'charge_statement_invalid', {
        detail: { statementId, issues: plan.issues },
        outcome: `charge statement cannot be posted: ${plan.issues[0]?.message ?? 'no detail'}`,
      })
      return
    }
    const trueUp = plan.value.trueUp
      ? await trueUpStep(ctx, event, statementId, statement.currency, plan.value.trueUp)
      : undefined
    if (trueUp === 'stopped') return
    const debit = await bankDebitOf(ctx, event, plan.value.lines)
    if (debit === 'wait') return
    const planned = [
      ...(debit
        ? plan.value.lines.map((line) =>
            line.from === 'bank' ? { ...line, date: debit.date } : line,
          )
        : plan.value.lines),
      ...(trueUp?.line ? [trueUp.line] : []),
    ]
    const markers = planned.map((line) => line.marker)
    if (
      !(await ctx.move(event, 'planned', {
        keepClaim: true,
        outcome: 'planned',
        detail: { intents: markers },
      }))
    )
      return
    ctx.emit({ type: 'planned', id: event.id, intents: markers })
    if (!(await ctx.move(event, 'posting', { keepClaim: true, outcome: 'posting' }))) return
    const lines: PostedChargesRecord['lines'][number][] = []
    for (const line of planned) {
      const bankAccountId = accountOf(settlement.accounts, line.from)
      await postCharge(ctx, event, line, bankAccountId)
      const { lineNo, marker, from, amount, direction } = line
      lines.push({ lineNo, marker, from, bankAccountId, amount, direction })
    }
    ctx.gate.setConsecutiveFailures(0)
    const record: PostedChargesRecord = {
      statementId,
      lines,
      skipped: plan.value.skipped,
      ...(debit ? { debit } : {}),
      ...(trueUp ? { trueUp: trueUp.record } : {}),
    }
    if (await ctx.move(event, 'posted', { outcome: 'posted', detail: record }))
      ctx.emit({ type: 'posted', id: event.id, markers })
  } catch (error) {
    await settlementFailed(ctx, event, error)
  }
}

const accountOf = (accounts: SettlementAccounts, from: 'bank' | 'clearing'): number =>
  from === 'bank' ? accounts.bank.bankAccountId : accounts.clearing.bankAccountId
