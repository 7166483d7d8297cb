// `pnpm demo --mode clearing`: clearing mode end to end, on fakes, on loopback. Card payments and
// a refund are read from Opayo's Reporting API and posted to the clearing account; Opayo closes a
// settlement batch; the acquirer pays it into the bank less its own fees (the fake bank feed
// brings the deposit into KashFlow's bank account); the engine finds the deposit, posts the
// transfer and the fee journal; the books are then checked from what the fake KashFlow received.
import {
  createReferenceParser,
  defineFeeRules,
  definePostingRules,
  defineSettlementAccounts,
  format,
  money,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoReportingClient } from '@opayo-kashflow/opayo'
import { memoryStore } from '@opayo-kashflow/sync'
import type { SettledBatchRecord } from '@opayo-kashflow/sync'
import { startFakeKashflowServer, startFakeOpayoServer } from '@opayo-kashflow/testkit'
import { createSyncService } from '../service/service.js'
import { describeBatchRow, reconcileBatches } from '../service/reconcile-batches.js'
import { pollSettlementBatches } from '../service/settlement-poll.js'

/** What the clearing demo found. */
export interface ClearingDemoResult {
  /** True when every batch settled, clearing is at zero and the bank nominal is what was paid in. */
  readonly cleared: boolean
  readonly problems: readonly string[]
  /** The clearing account's balance at the end, in pence, from what KashFlow received. */
  readonly clearingBalance: number
  /** The bank nominal's balance at the end, in pence, from what KashFlow received. */
  readonly bankBalance: number
  /** What the acquirer paid into the bank, in pence. */
  readonly deposited: number
  /** What each settled batch posted. */
  readonly batches: readonly SettledBatchRecord[]
}

const CREDENTIALS = {
  username: 'accounts@example.co.uk',
  password: 's3cret',
  memorableWord: 'pineapple',
}
const REPORTING = { vendor: 'demoshop', user: 'reporter', password: 'r3porting' }
const BANK = { bankAccountId: 55166, nominalCode: 1200 }
const CLEARING = { bankAccountId: 55170, nominalCode: 1210 }
const cents = (major: number) => Math.round(major * 100)

/**
 * The acquirer's own deduction per transaction (its tariff, worked out here apart from the
 * tool's fee rules): 1.5% + 20p on a credit card payment, nothing on a refund.
 */
const acquirerFee = (tx: { readonly transactionType: string; readonly amount: number }) =>
  tx.transactionType === 'Refund' ? 0 : Math.round(tx.amount * 0.015) + 20

/**
 * Runs the clearing-mode demo and logs what each step did, ending with the clearing account's
 * balance (zero when all is well).
 * @example const { cleared } = await runClearingDemo({ log: console.log })
 */
export async function runClearingDemo(
  options: {
    readonly log?: (line: string) => void
    readonly timeoutMs?: number
    /** The acquirer's deduction per transaction, in pence (a test's other acquirer). */
    readonly acquirerFee?: (tx: {
      readonly transactionType: string
      readonly amount: number
    }) => number
  } = {},
): Promise<ClearingDemoResult> {
  const feeOf = options.acquirerFee ?? acquirerFee
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`))
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  const problems: string[] = []

  const kashflowServer = await startFakeKashflowServer({
    port: 0,
    seed: {
      invoices: Array.from({ length: 8 }, (_, i) => ({ number: 2001 + i, gross: 500 })),
      unconfirmed: { negativeBulkAmounts: 'accepted' },
      bankAccounts: [
        { Id: BANK.bankAccountId, AccountName: 'Current Account', Code: BANK.nominalCode },
        { Id: CLEARING.bankAccountId, AccountName: 'Opayo clearing', Code: CLEARING.nominalCode },
      ],
      nominals: [
        { Code: 1200, Name: 'Current Account' },
        { Code: 1210, Name: 'Opayo clearing' },
        { Code: 4000, Name: 'Sales' },
        { Code: 7901, Name: 'Bank charges' },
        { Code: 7906, Name: 'Exchange differences' },
      ],
    },
  })
  const opayoServer = await startFakeOpayoServer({
    port: 0,
    options: { vendorName: REPORTING.vendor, reporting: REPORTING },
  })
  const store = memoryStore()
  const reporting = createOpayoReportingClient({
    ...REPORTING,
    environment: new URL(opayoServer.reportingUrl),
  })
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({ ...CREDENTIALS, baseUrl: kashflowServer.url, timeout: 5_000 }),
    rules: definePostingRules({
      bankAccountId: BANK.bankAccountId,
      paymentMethodId: 409844,
      mode: 'clearing',
      clearingBankAccountId: CLEARING.bankAccountId,
    }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    settlement: {
      accounts: defineSettlementAccounts({
        clearing: CLEARING,
        bank: BANK,
        feesNominalCode: 7901,
        fxNominalCode: 7906,
      }),
      fees: {
        source: 'rules',
        rules: defineFeeRules({
          currency: 'GBP',
          rules: [
            { schemes: ['visa_debit', 'mastercard_debit'], percent: '0.3', fixed: 2, minimum: 5 },
            { percent: '1.5', fixed: 20 },
          ],
        }),
      },
      // Each batch's deposit is read from the bank account's lines (the bank feed).
      deposits: { source: 'kashflow' },
    },
    opayo: { vendorName: REPORTING.vendor, reporting },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    retry: {
      delaysMs: [200, 400, 800],
      settlementDelaysMs: [200, 400, 800, 1_600],
      probeIntervalMs: 1_000,
    },
    pollIntervalMs: 25,
  })

  try {
    // --- Opayo takes payments and a refund ------------------------------------------------------
    const fake = opayoServer.fake
    const amounts = [12000, 4550, 9999, 2500, 30000, 1999, 7500, 500]
    const taken = amounts.map((amount, i) =>
      fake.seed({
        vendorTxCode: `INV-${2001 + i}-1`,
        amount,
        cardType: i % 3 === 1 ? 'MC' : 'VISA',
      }),
    )
    const refunded = taken[0]
    if (refunded)
      taken.push(
        fake.seed({
          vendorTxCode: 'INV-2001-R1',
          amount: 2000,
          transactionType: 'Refund',
          relatedTransactionId: refunded.transactionId,
        }),
      )
    const byId = new Map(taken.map((tx) => [tx.transactionId, tx]))
    log(`Opayo took ${amounts.length} card payments and 1 refund.`)

    service.start({ concurrency: 2 })
    const from = new Date(Date.now() - 86_400_000)
    const pulled = await service.backfill({ from, to: new Date(Date.now() + 60_000) })
    log(
      `Read from the Reporting API: ${pulled.received} movements, posted to the clearing account.`,
    )
    const until = async (done: () => Promise<boolean>) => {
      while (!(await done())) {
        if (Date.now() > deadline) return false
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return true
    }
    if (
      !(await until(
        async () => (await store.list({ states: ['posted'] })).length === pulled.received,
      ))
    )
      problems.push('not every movement was posted to the clearing account in time')

    // --- Opayo closes the day's batch; the poller reads it -------------------------------------
    const today = new Date().toISOString().slice(0, 10)
    const closed = fake.closeBatches({ date: today, fee: feeOf })
    // The acquirer pays each batch less its deductions; the bank feed brings the line into
    // KashFlow's bank account, where the engine finds it by amount and date.
    let deposited = 0
    for (const batch of closed) {
      const pence = batch.transactionIds.reduce((sum, id) => {
        const tx = byId.get(id)
        if (!tx) return sum
        return sum + (tx.transactionType === 'Refund' ? -tx.amount : tx.amount) - feeOf(tx)
      }, 0)
      deposited += pence
      kashflowServer.fake.addBankTransaction(BANK.bankAccountId, {
        date: today,
        paidIn: pence / 100,
        comment: 'ELAVON MERCHANT SERVICES',
      })
    }
    log(`The acquirer paid ${format(money(deposited, 'GBP'))} into the bank, less its own fees.`)
    const polled = await pollSettlementBatches({
      reporting,
      engine: service.engine,
      from,
      to: new Date(Date.now() + 86_400_000),
    })
    log(
      `Opayo closed ${closed.length} settlement batch(es); the poller ingested ${polled.received}.`,
    )
    for (const bad of polled.invalid) problems.push(`batch ${bad.batchId}: ${bad.reason}`)
    const batchEvents = async () => (await store.list()).filter((e) => e.id.startsWith('batch:'))
    if (
      !(await until(async () => {
        const events = await batchEvents()
        return events.length === closed.length && events.every((e) => e.state === 'posted')
      }))
    )
      problems.push(
        `batches not settled: ${(await batchEvents()).map((e) => `${e.id} ${e.state} ${e.reason ?? e.lastError?.message ?? ''}`).join('; ')}`,
      )
    const batches = (await batchEvents())
      .filter((e) => e.state === 'posted')
      .map((e) => e.detail as SettledBatchRecord)
    for (const b of batches) {
      const t = b.totals
      log(
        `Batch ${b.batchId} of ${b.date}: Opayo ${format(t.gross)}, fees ${format(t.feesHome)}, transfer to the bank ${format(t.received)}, FX ${format(t.fxDifference)}; journals ${b.markers.join(', ')}`,
      )
    }

    // --- the clearing account, as KashFlow holds it ---------------------------------------------
    const kf = kashflowServer.fake
    const paid = [...kf.invoices.values()]
      .flatMap((invoice) => invoice.PaymentLines)
      .filter((line) => line.AccountId === CLEARING.bankAccountId)
      .reduce((sum, line) => sum + cents(line.Amount), 0)
    const journalled = nominalBalance(kf.journals.values(), CLEARING.nominalCode)
    const clearingBalance = paid + journalled
    log(
      `Clearing account ${CLEARING.nominalCode}: ${format(money(paid, 'GBP'))} in from payments and refunds, ${format(money(-journalled, 'GBP'))} out by transfers and fees: ${format(money(clearingBalance, 'GBP'))} remains.`,
    )
    if (clearingBalance !== 0) problems.push(`the clearing account holds ${clearingBalance}p`)
    // The bank nominal, from every journal line KashFlow received on it, against the bank.
    const bankBalance = nominalBalance(kf.journals.values(), BANK.nominalCode)
    log(
      `Bank nominal ${BANK.nominalCode}: ${format(money(bankBalance, 'GBP'))} booked; the acquirer paid in ${format(money(deposited, 'GBP'))}.`,
    )
    if (bankBalance !== deposited)
      problems.push(`the bank nominal holds ${bankBalance}p but the acquirer paid in ${deposited}p`)

    // --- what `opayo-kashflow reconcile` reports per batch ----------------------------------------
    const perBatch = await reconcileBatches({
      reporting,
      store,
      kashflow: createKashflowClient({ ...CREDENTIALS, baseUrl: kashflowServer.url }),
      clearingNominalCode: CLEARING.nominalCode,
      from,
      to: new Date(Date.now() + 86_400_000),
    })
    log('Reconciliation per batch:')
    for (const row of perBatch.rows) log(`  ${describeBatchRow(row)}`)
    if (perBatch.needsAttention > 0)
      problems.push(`${perBatch.needsAttention} batch(es) need attention in the reconciliation`)
    for (const problem of problems) log(`PROBLEM: ${problem}`)
    log(
      problems.length === 0
        ? 'The clearing account is at zero: every batch is settled.'
        : 'The clearing account is NOT at zero.',
    )
    return {
      cleared: problems.length === 0,
      problems,
      clearingBalance,
      bankBalance,
      deposited,
      batches,
    }
  } finally {
    await service.stop()
    await store.close()
    await kashflowServer.close()
    await opayoServer.close()
  }
}

/** Debits minus credits on one nominal over journals in the live shape (`LineItems`), in pence. */
function nominalBalance(journals: Iterable<Record<string, unknown>>, nominalCode: number): number {
  let balance = 0
  for (const journal of journals)
    for (const line of journal['LineItems'] as {
      NominalCode: number
      Debit: number
      Credit: number
    }[])
      if (line.NominalCode === nominalCode) balance += cents(line.Debit) - cents(line.Credit)
  return balance
}
