// Settlement batches: a closed Opayo batch is an event of its own (`batch:{batchId}`, its types in
// settlement-types.ts). The engine
// fills in what each of its transactions posted to the clearing account (from the ledger), plans
// the batch with core's planSettlement, and posts the transfer, fee and FX journals through the
// same write-once ledger (read back by marker and date), waiting or dead-lettering as planned.
import {
  InvalidArgumentError,
  canonicalPaymentId,
  normaliseBatchId,
  planSettlement,
} from '@opayo-kashflow/core'
import type {
  CurrencyCode,
  FeeStatementRow,
  JournalIntent,
  Money,
  RateRecord,
  SettlementBatchInput,
  SettlementFees,
  SettlementPostPlan,
} from '@opayo-kashflow/core'
import { fromKashflowExchangeRate } from '@opayo-kashflow/kashflow'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'
import type { IngestResult } from './sync-engine.js'
import { fingerprintOf } from './ingest.js'
import { listBatch, recordBatchFees } from './batch-fees-index.js'
import { executeIntent } from './ledger.js'
import { queueDepositAdjustment } from './settlement-adjustment.js'
import { settlementFailed } from './settlement-failure.js'
import { claimStatedDeposit, findDeposit } from './settlement-deposits.js'
import {
  SettlementBatchEventSchema,
  settlementBatchOf,
  planOptionsOf,
  settlementEventId,
} from './settlement-types.js'
import type {
  SettlementBatchEvent,
  SettlementBatchEventInput,
  SettledBatchRecord,
  SettlementPayload,
} from './settlement-types.js'
import {
  claimSettledTransactions,
  supersedeUnwritten,
  surfaceChangedBatch,
} from './settlement-integrity.js'
import type { SettlementClaim } from './settlement-integrity.js'

/** The engine's `ingestSettlementBatch` over the context's store. */
export function createSettlementIngest(
  ctx: EngineContext,
): (input: SettlementBatchEventInput) => Promise<IngestResult> {
  return async (input) => {
    const parsed = SettlementBatchEventSchema.safeParse(input)
    if (!parsed.success)
      throw new InvalidArgumentError(
        `ingestSettlementBatch(): ${parsed.error.issues.map((i) => `${i.path.join('.') || '(batch)'}: ${i.message}`).join('; ')}`,
      )
    const batch = parsed.data
    const id = settlementEventId(batch.batchId)
    const payload: SettlementPayload = { settlementBatch: batch }
    const fingerprint = fingerprintOf(payload)
    const result = await ctx.store.ingest({ id, payment: payload, fingerprint, now: ctx.now() })
    // Listed for its month's true-up (again, harmlessly, for a repeat or a replacement).
    await listBatch(ctx, id, batch.date)
    // The same batch again with more known (the amount received for a foreign-currency batch, from
    // the bank statement) replaces the stored one while nothing of it was written to KashFlow.
    if (
      result.outcome === 'conflict' &&
      (await supersedeUnwritten(ctx, result.event, payload, fingerprint))
    )
      return { outcome: 'received', id }
    // Changed after some of it was written: never a duplicate; a dead letter a person sees.
    // (A new `received` alone is the bank's figure, not Opayo's batch: not a change of it.)
    if (result.outcome === 'conflict' && opayoPartChanged(result.event.payment, batch))
      await surfaceChangedBatch(ctx, result.event, payload, fingerprint)
    else if (
      result.outcome === 'conflict' &&
      result.event.state === 'posted' &&
      batch.received !== undefined
    ) {
      // The deposit corrected after posting: an adjustment of its own, never a refusal.
      const record = result.event.detail as SettledBatchRecord
      const queued = await queueDepositAdjustment(
        ctx,
        result.event,
        batch.received,
        batch.receivedOn ?? record.date,
      )
      const adjustmentId = `${id}:deposit`
      if (queued === 'received' || queued === 'duplicate')
        return { outcome: queued, id: adjustmentId }
      if (queued === 'unchanged') return { outcome: 'duplicate', id }
    }
    ctx.emit({ type: result.outcome, id })
    return { outcome: result.outcome, id }
  }
}

/** Whether what Opayo reports of a batch (all but the deposit and its day) differs from the stored. */
function opayoPartChanged(stored: unknown, batch: SettlementBatchEvent): boolean {
  const before = settlementBatchOf(stored)
  if (!before) return true
  const opayoPart = ({ received: _r, receivedOn: _on, ...rest }: SettlementBatchEvent) => rest
  return fingerprintOf(opayoPart(before)) !== fingerprintOf(opayoPart(batch))
}

/** What one transaction of the batch posted to KashFlow, read from its event's ledger. */
interface PostedLookup {
  /** The event that posted it (its ledger holds the transaction's settlement claim). */
  readonly eventId: string
  readonly amount?: Money
  /** The bank account it was posted to, when the posting names one. */
  readonly bankAccountId?: number
  /** The invoice it was posted to, and when (for the invoice's exchange rate). */
  readonly invoiceNumber?: number
  readonly date?: string
}

const PAYMENT_KINDS_FOR = {
  payment: ['payment', 'capture'],
  refund: ['refund'],
} as const

async function postedOf(
  ctx: EngineContext,
  transactionId: string,
  kind: 'payment' | 'refund',
): Promise<PostedLookup | undefined> {
  for (const paymentKind of PAYMENT_KINDS_FOR[kind]) {
    const id = canonicalPaymentId(transactionId, paymentKind)
    const event = await ctx.store.get(id)
    if (event?.state !== 'posted') continue
    for (const entry of await ctx.store.ledger(id)) {
      if (entry.state !== 'done') continue
      const request = entry.request as {
        amount?: Money
        bankAccountId?: number
        invoiceNumber?: number
        date?: string
        lines?: readonly { debit?: Money; credit?: Money }[]
      } | null
      if (entry.kind === 'invoice-payment' || entry.kind === 'invoice-refund') {
        if (request?.amount === undefined) continue
        return {
          eventId: id,
          amount: request.amount,
          ...(request.bankAccountId === undefined ? {} : { bankAccountId: request.bankAccountId }),
          ...(request.invoiceNumber === undefined ? {} : { invoiceNumber: request.invoiceNumber }),
          ...(request.date === undefined ? {} : { date: request.date }),
        }
      }
      if (entry.kind === 'journal') {
        // A suspense journal: both lines carry the same amount.
        const line = request?.lines?.[0]
        const amount = line?.debit ?? line?.credit
        if (amount) return { eventId: id, amount }
      }
    }
  }
  return undefined
}

/**
 * The rate KashFlow booked a foreign-currency posting at: the invoice's `ExchangeRate` (home ->
 * foreign), read from KashFlow. Undefined when the invoice has none (planSettlement then
 * dead-letters the batch `missing_exchange_rate`).
 */
async function bookedRate(
  ctx: EngineContext,
  posted: PostedLookup,
  homeCurrency: CurrencyCode,
): Promise<RateRecord | undefined> {
  const amount = posted.amount
  if (!amount || amount.currency === homeCurrency || posted.invoiceNumber === undefined)
    return undefined
  const invoice = await ctx.kashflow.invoices.get(posted.invoiceNumber)
  const exchangeRate = invoice.Currency?.ExchangeRate
  if (exchangeRate === undefined || exchangeRate === null) return undefined
  const rate = fromKashflowExchangeRate({
    homeCurrency,
    currency: amount.currency,
    exchangeRate,
    at: posted.date ?? '1970-01-01',
  })
  return rate.ok ? rate.value : undefined
}

/** The journal that moves the payout between the clearing and the bank account. */
function transferJournal(plan: SettlementPostPlan): JournalIntent | undefined {
  const transfer = plan.transfer
  if (!transfer) return undefined
  return {
    kind: 'journal',
    paymentId: transfer.paymentId,
    marker: transfer.marker,
    date: transfer.date,
    reference: transfer.reference,
    comment: transfer.comment,
    lines: transfer.lines,
  }
}

/**
 * Plans and posts one claimed settlement batch. Waits (on the settlement schedule) while a
 * transaction is not posted yet, the fees are not imported or the received amount is unknown;
 * dead-letters an inconsistent batch; never posts a partial or guessed total.
 */
export async function processSettlement(
  ctx: EngineContext,
  event: EventRecord,
  batch: SettlementBatchEvent,
): Promise<void> {
  const settlement = ctx.options.settlement
  if (!settlement) {
    await ctx.deadLetter(event, 'settlement_not_configured', {
      detail: { batchId: batch.batchId },
      outcome: 'no settlement accounts are configured (clearing mode is off)',
    })
    return
  }
  try {
    // The one home currency (ctx.homeCurrency), filled into the accounts planSettlement reads.
    const homeCurrency = await ctx.homeCurrency()
    const accounts = { ...settlement.accounts, homeCurrency }
    const elsewhere: string[] = []
    const claims: SettlementClaim[] = []
    const transactions: SettlementBatchInput['transactions'][number][] = []
    for (const tx of batch.transactions) {
      const posted = await postedOf(ctx, tx.transactionId, tx.kind)
      if (posted) claims.push({ transactionId: tx.transactionId, eventId: posted.eventId })
      if (
        posted?.bankAccountId !== undefined &&
        posted.bankAccountId !== settlement.accounts.clearing.bankAccountId
      )
        elsewhere.push(tx.transactionId)
      if (posted?.amount === undefined) transactions.push(tx)
      else {
        // A posting in a foreign invoice currency is valued at the invoice's own rate: the FX
        // journal books what the payout differs from that.
        const rate = await bookedRate(ctx, posted, homeCurrency)
        transactions.push({ ...tx, posted: { amount: posted.amount, ...(rate ? { rate } : {}) } })
      }
    }
    if (elsewhere.length > 0) {
      await ctx.deadLetter(event, 'posted_outside_clearing', {
        detail: { batchId: batch.batchId, transactions: elsewhere },
        outcome: `${elsewhere.length} transaction(s) were posted to another bank account than the clearing account`,
      })
      return
    }
    // Statement fees without rows of their own: the statements imported into the store.
    const fees: SettlementFees =
      settlement.fees.source === 'statement' && !('rows' in settlement.fees)
        ? {
            source: 'statement',
            rows: (await ctx.store.feeStatementRows()) as unknown as FeeStatementRow[],
          }
        : settlement.fees
    const options = planOptionsOf(settlement, accounts, fees)
    let input: SettlementBatchInput = { ...batch, transactions }
    let depositId: string | undefined
    if (
      batch.received === undefined &&
      settlement.deposits &&
      transactions.every((t) => t.posted !== undefined)
    ) {
      const finding = await findDeposit(ctx, input, options, settlement.deposits, homeCurrency)
      if (finding?.kind === 'wait') {
        await ctx.settleFailure(
          event,
          { kind: 'settlement-wait', message: finding.message },
          {
            lastError: undefined,
            detail: {
              reason: 'amount_received_unknown',
              message: finding.message,
              candidates: finding.candidates,
            },
          },
        )
        return
      }
      if (finding?.kind === 'found') {
        input = { ...input, received: finding.received, receivedOn: finding.receivedOn }
        depositId = finding.depositId
      }
    } else if (
      batch.received !== undefined &&
      batch.receivedOn !== undefined &&
      settlement.deposits
    )
      // Stated by a person: the bank line that shows it is claimed, so no other batch takes it.
      depositId = await claimStatedDeposit(
        ctx,
        settlement.deposits.source,
        settlement.accounts.bank.bankAccountId,
        normaliseBatchId(batch.batchId),
        batch.received,
        batch.receivedOn,
      )
    const plan = planSettlement(input, options)
    if (plan.kind === 'wait') {
      await ctx.settleFailure(
        event,
        { kind: 'settlement-wait', message: plan.message },
        {
          lastError: undefined,
          detail: { reason: plan.reason, message: plan.message, unposted: plan.unposted },
        },
      )
      return
    }
    if (plan.kind === 'dead-letter') {
      // The first issue names the reason (`settlement_totals_mismatch` and
      // `settlement_multi_currency` among them) and its message carries the figures.
      await ctx.deadLetter(event, plan.issues[0]?.code ?? 'settlement_invalid', {
        detail: { batchId: plan.batchId, issues: plan.issues },
        outcome: `settlement batch is inconsistent: ${plan.issues[0]?.message ?? 'no detail'}`,
      })
      return
    }
    // Each transaction is settled by one batch only: claimed before anything is written.
    const taken = await claimSettledTransactions(ctx, plan.batchId, claims)
    if (taken.length > 0) {
      await ctx.deadLetter(event, 'transaction_already_settled', {
        detail: { batchId: plan.batchId, settledElsewhere: taken },
        outcome: `${taken.length} transaction(s) of batch ${plan.batchId} were settled by another batch (${[...new Set(taken.map((t) => t.batchId))].join(', ')}); nothing was posted`,
      })
      return
    }
    const writes = [transferJournal(plan), plan.feeJournal, plan.fxJournal].filter(
      (w): w is JournalIntent => w !== undefined,
    )
    const kinds = writes.map((w) => w.marker)
    if (
      !(await ctx.move(event, 'planned', {
        keepClaim: true,
        outcome: 'planned',
        detail: { intents: kinds },
      }))
    )
      return
    ctx.emit({ type: 'planned', id: event.id, intents: kinds })
    if (!(await ctx.move(event, 'posting', { keepClaim: true, outcome: 'posting' }))) return
    const markers: string[] = []
    for (const write of writes) markers.push(await executeIntent(ctx, event, write, undefined))
    ctx.gate.setConsecutiveFailures(0)
    const record: SettledBatchRecord = {
      batchId: plan.batchId,
      date: plan.date,
      markers,
      totals: plan.totals,
      ...(depositId === undefined ? {} : { depositId }),
    }
    // Listed with its fees for the month's true-up, before the batch counts as posted.
    await recordBatchFees(ctx, event.id, batch.date, plan.totals)
    if (await ctx.move(event, 'posted', { outcome: 'posted', detail: record }))
      ctx.emit({ type: 'posted', id: event.id, markers })
  } catch (error) {
    await settlementFailed(ctx, event, error)
  }
}
