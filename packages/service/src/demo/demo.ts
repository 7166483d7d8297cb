// The demo behind `pnpm demo` and `opayo-kashflow demo`: the whole job, on fakes, on loopback.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  money,
  postingMarker,
  staticRateProvider,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import {
  createOpayoPiClient,
  createOpayoReportingClient,
  encryptFormCrypt,
} from '@opayo-kashflow/opayo'
import type { PiTransaction } from '@opayo-kashflow/opayo'
import type { EventState } from '@opayo-kashflow/sync'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
  startFakeKashflowServer,
  startFakeOpayoServer,
} from '@opayo-kashflow/testkit'
import { listen } from '../node.js'
import { reconciliationCsv, reconciliationHtml } from '../service/reconcile.js'
import type { Reconciliation } from '../service/reconcile.js'
import { createSyncService } from '../service/service.js'
import { DEMO_CREATE_INVOICE, DEMO_MATCHING, sendMatchingPayments } from './matching.js'

export interface DemoOptions {
  /** Where progress and the report go. @default a line to standard output */
  readonly log?: (line: string) => void
  /** Folder for the SQLite file and the reports. @default a new temporary folder */
  readonly dir?: string
  /** Give up waiting after this long. @default 120000 */
  readonly timeoutMs?: number
}

export interface DemoResult {
  /** True when every payment is posted once, skipped with a reason, or dead-lettered with a reason. */
  readonly accounted: boolean
  readonly problems: readonly string[]
  readonly sent: number
  readonly counts: Readonly<Record<EventState, number>>
  readonly reconciliation: Reconciliation
  readonly reports: { readonly csv: string; readonly json: string; readonly html: string }
}

const VENDOR = 'demoshop'
const FORM_PASSWORD = 'DemoFormKey12345'
const CREDENTIALS = {
  username: 'accounts@example.co.uk',
  password: 's3cret',
  memorableWord: 'pineapple',
}
const REPORTING = { vendor: VENDOR, user: 'reporter', password: 'r3porting' }
const HANDOVER_TOKEN = 'demo-handover-token'

const guid = (n: number) =>
  `${(0xd0000000 + n).toString(16).toUpperCase()}-1A2B-4C3D-8E4F-${String(n).padStart(12, '0')}`
const key = (n: number) => `K${String(n).padStart(9, '0')}`.slice(0, 10)

/**
 * Runs the demo: fake Opayo and fake KashFlow on loopback, the sync service on SQLite in a
 * temporary folder, and about 200 realistic Opayo events (payments, refunds, deferred + release,
 * declines, duplicates, a tampered signature, a missing vendorTxCode, invoices that do not exist
 * yet, a mistyped reference matching posts, an ambiguous one it leaves to a person, a shop order
 * turned into an invoice, a euro
 * payment, rate limits and a KashFlow outage), and three attacks that must move no
 * money (a forged Form return, a replay with TxType changed, a hand-over with a forged amount). Returns whether every payment is
 * accounted for, with the reconciliation.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`))
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'opayo-kashflow-demo-'))
  mkdirSync(dir, { recursive: true })
  const started = Date.now()
  const problems: string[] = []

  // --- the outside world, faked -------------------------------------------------------------
  const invoices = [
    ...Array.from({ length: 60 }, (_, i) => ({
      number: 1001 + i,
      gross: 500,
      customerCode: `CUST${1001 + i}`,
    })),
    { number: 1099, gross: 500, customerCode: 'EUROCUST' },
  ]
  const kashflowServer = await startFakeKashflowServer({
    port: 0,
    seed: {
      invoices,
      // The weakest KashFlow we can document (no note on payment lines, unknown fields dropped),
      // except that the bulk route takes a negative amount (UNCONFIRMED), so refunds can post.
      unconfirmed: { negativeBulkAmounts: 'accepted' },
      customers: [
        {
          Code: 'CUST1001',
          Name: 'Sam Jones',
          Contacts: [{ IsPrimary: true, Email: 'sam@example.co.uk' }],
        },
      ],
    },
  })
  const opayoServer = await startFakeOpayoServer({
    port: 0,
    options: { vendorName: VENDOR, reporting: REPORTING },
  })
  const kashflowFake = kashflowServer.fake

  // --- the service under test ---------------------------------------------------------------
  const store = await sqliteStore({ path: join(dir, 'opayo-kashflow.db') })
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    baseUrl: kashflowServer.url,
    timeout: 5_000,
    retry: { limit: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
  })
  const reporting = createOpayoReportingClient({
    ...REPORTING,
    environment: new URL(opayoServer.reportingUrl),
  })
  const pi = createOpayoPiClient({
    integrationKey: opayoServer.fake.options.integrationKey,
    integrationPassword: opayoServer.fake.options.integrationPassword,
    vendorName: VENDOR,
    environment: new URL(opayoServer.piUrl),
  })
  const references = createReferenceParser(['INV-{invoice}-{*}'])
  const service = createSyncService({
    store,
    kashflow,
    rules: definePostingRules({
      bankAccountId: 55166,
      paymentMethodId: 409844,
      unmatchedReference: DEMO_CREATE_INVOICE,
    }),
    references,
    matching: DEMO_MATCHING,
    customFields: defineCustomFieldMappings([
      customFieldPresets.fraudRecommendation(),
      customFieldPresets.bankAuthCode(),
    ]),
    rates: staticRateProvider({ 'GBP/EUR': '1.1650' }, { source: 'demo rate table' }),
    opayo: {
      vendorName: VENDOR,
      formPassword: FORM_PASSWORD,
      reporting,
      pi,
    },
    handoverToken: HANDOVER_TOKEN,
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    // Demo-speed schedules: seconds instead of hours.
    retry: {
      delaysMs: [200, 400, 800, 1_600, 3_200, 5_000, 5_000],
      notFoundDelaysMs: [500, 1_000, 1_500, 2_000],
      confirmDelaysMs: [200, 400, 800],
      pauseAfterConsecutiveFailures: 5,
      probeIntervalMs: 1_000,
    },
    leaseMs: 5_000,
    batchSize: 10,
    pollIntervalMs: 25,
  })
  const register = (vendorTxCode: string, securityKey: string, amount: number) =>
    store.saveRegistration({
      vendorTxCode,
      securityKey,
      amount,
      currency: 'GBP',
      txType: 'PAYMENT',
      createdAt: Date.now(),
    })
  const server = await listen(service.handler, { port: 0 })
  service.start({ concurrency: 2 })

  let paused = 0
  service.engine.on('paused', () => (paused += 1))
  let sent = 0
  /** Sends that repeat an event already stored (answered as before), and sends refused at the door. */
  let repeats = 0
  let refused = 0
  const expected = new Map<string, 'posted' | 'skipped' | 'dead' | 'never'>()
  const notifyUrl = `${server.url}/opayo/notify`

  // --- the stream of Opayo events -----------------------------------------------------------
  const serverPayment = async (
    n: number,
    invoice: number,
    amount: number,
    extra: Record<string, string> = {},
    seed = true,
  ) => {
    const vendorTxCode = `INV-${invoice}-${n}`
    const tx = guid(n)
    // What the checkout stored when it registered the transaction with Opayo.
    await register(vendorTxCode, key(n), amount)
    const status = extra['Status'] ?? 'OK'
    if (seed) {
      opayoServer.fake.seed({
        transactionId: tx,
        vendorTxCode,
        amount,
        status: status === 'OK' ? 'Ok' : 'NotAuthed',
        statusCode: status === 'OK' ? '0000' : '2000',
      })
    }
    const fields = signServerNotification(
      buildServerNotification({
        VendorTxCode: vendorTxCode,
        VPSTxId: `{${tx}}`,
        ...extra,
        ...(status === 'OK'
          ? {}
          : {
              StatusDetail: '2000 : The Authorisation was Declined by the bank.',
              TxAuthNo: undefined,
              BankAuthCode: undefined,
              DeclineCode: '05',
            }),
      }),
      { vendorName: VENDOR, securityKey: key(n) },
    )
    const reply = await postServerNotification(notifyUrl, fields)
    sent += 1
    return { fields, reply, id: `opayo:${tx}:payment`, vendorTxCode }
  }

  const progress = setInterval(() => {
    void service.engine.status().then((s) => {
      const c = s.counts
      log(
        `  sent ${String(sent).padStart(3)} | received ${c.received + c.planned + c.posting} waiting ${c.waiting} | posted ${c.posted} skipped ${c.skipped} dead ${c.dead}${s.paused ? ` | PAUSED (${s.paused.reason})` : ''}`,
      )
    })
  }, 1_000)

  log('Sending Opayo events to the sync service...')
  const sentPayments: Awaited<ReturnType<typeof serverPayment>>[] = []
  for (let i = 0; i < 120; i += 1) {
    if (i === 40) kashflowFake.rateLimitNext(6, '1') // KashFlow starts rate limiting
    if (i === 80) kashflowFake.downtime(Date.now(), Date.now() + 4_000) // and then goes down for 4 seconds
    const p = await serverPayment(i + 1, 1001 + (i % 60), 1000 + i * 7)
    if (p.reply.status !== 'OK')
      problems.push(`payment ${p.vendorTxCode} was answered ${p.reply.status}`)
    expected.set(p.id, 'posted')
    sentPayments.push(p)
  }
  // Duplicates: Opayo resends notifications it thinks went unanswered.
  for (const p of sentPayments.slice(0, 15)) {
    const again = await postServerNotification(notifyUrl, p.fields)
    repeats += 1
    sent += 1
    if (again.body !== p.reply.body)
      problems.push(`duplicate of ${p.vendorTxCode} got a different reply`)
  }
  // Declines: valid notifications, answered OK, nothing to post.
  for (let i = 0; i < 12; i += 1) {
    const p = await serverPayment(200 + i, 1001 + i, 2500, { Status: 'NOTAUTHED' })
    if (p.reply.status !== 'OK')
      problems.push(`decline ${p.vendorTxCode} was answered ${p.reply.status}`)
    expected.set(p.id, 'skipped')
  }
  // A tampered notification: Status changed after signing. INVALID, never ingested.
  {
    const vendorTxCode = 'INV-1002-TAMPER'
    await register(vendorTxCode, key(300), 9900)
    const fields = signServerNotification(
      buildServerNotification({
        VendorTxCode: vendorTxCode,
        VPSTxId: `{${guid(300)}}`,
        Status: 'NOTAUTHED',
      }),
      { vendorName: VENDOR, securityKey: key(300) },
    )
    const reply = await postServerNotification(notifyUrl, { ...fields, Status: 'OK' })
    sent += 1
    refused += 1
    if (reply.status !== 'INVALID')
      problems.push(`the tampered notification was answered ${reply.status}`)
  }
  // References to invoices that do not exist yet; 2001 will be raised during the run.
  for (const [n, invoice] of [
    [301, 2001],
    [302, 2002],
    [303, 2003],
  ] as const) {
    const p = await serverPayment(n, invoice, 1500)
    expected.set(p.id, invoice === 2001 ? 'posted' : 'dead')
  }
  setTimeout(() => kashflowFake.addInvoice({ number: 2001, gross: 15 }), 1_500)
  // A reference that names no invoice at all.
  {
    const tx = guid(304)
    const vendorTxCode = 'demotransaction-100092813'
    await register(vendorTxCode, key(304), 4200)
    opayoServer.fake.seed({ transactionId: tx, vendorTxCode, amount: 4200 })
    const fields = signServerNotification(
      buildServerNotification({ VendorTxCode: vendorTxCode, VPSTxId: `{${tx}}` }),
      { vendorName: VENDOR, securityKey: key(304) },
    )
    await postServerNotification(notifyUrl, fields)
    sent += 1
    expected.set(`opayo:${tx}:payment`, 'dead')
  }
  // References that fail: one matching posts by itself, one it leaves to a person (matching.ts).
  const matching = await sendMatchingPayments({
    store,
    notifyUrl,
    kashflow: kashflowFake,
    opayo: opayoServer.fake,
    vendorName: VENDOR,
  })
  sent += matching.sent
  for (const [id, want] of matching.expected) expected.set(id, want)
  // Form returns, through the shopper's browser (one with a thousands separator).
  for (let i = 0; i < 8; i += 1) {
    const tx = guid(400 + i)
    const invoice = 1021 + i
    const vendorTxCode = `INV-${invoice}-F${i}`
    const amount = i === 0 ? 123147 : 3000 + i
    kashflowFake.invoices.get(invoice)!.GrossAmount = 5000
    await service.recordFormTransaction({ vendorTxCode, amount: money(amount, 'GBP') })
    opayoServer.fake.seed({ transactionId: tx, vendorTxCode, amount })
    const decimal = (amount / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/, ',')
    const crypt = encryptFormCrypt(
      {
        VendorTxCode: vendorTxCode,
        VPSTxId: `{${tx}}`,
        Status: 'OK',
        StatusDetail: '0000 : The Authorisation was Successful.',
        TxAuthNo: '19000362',
        CardType: 'VISA',
        Last4Digits: '0006',
        Amount: decimal,
        BankAuthCode: '999777',
      },
      FORM_PASSWORD,
    )
    const response = await fetch(
      `${server.url}/opayo/form-return?crypt=${encodeURIComponent(crypt)}`,
      { redirect: 'manual' },
    )
    sent += 1
    if (response.status !== 303)
      problems.push(`Form return ${vendorTxCode} answered ${response.status}`)
    expected.set(`opayo:${tx}:payment`, 'posted')
  }
  // Pi: payments, refunds of them, deferred payments released later, and a euro payment.
  const handover = async (body: unknown) => {
    sent += 1
    return fetch(`${server.url}/pi/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${HANDOVER_TOKEN}` },
      body: JSON.stringify(body),
    })
  }
  const card = { merchantSessionKey: 'MSK', cardIdentifier: 'card' }
  const piPaid: { tx: PiTransaction; vendorTxCode: string; amount: number }[] = []
  for (let i = 0; i < 10; i += 1) {
    const invoice = 1031 + i
    const vendorTxCode = `INV-${invoice}-P${i}`
    const amount = 2000 + i
    const tx = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card },
      vendorTxCode,
      amount,
      currency: 'GBP',
      description: `Invoice ${invoice}`,
    })
    await handover({ transactionId: tx.transactionId, vendorTxCode })
    piPaid.push({ tx, vendorTxCode, amount })
    expected.set(`opayo:${tx.transactionId}:payment`, 'posted')
  }
  for (const [i, paid] of piPaid.entries()) {
    const vendorTxCode = paid.vendorTxCode.replace(/-P(\d+)$/, '-R$1')
    const amount = i % 2 ? paid.amount : 500
    const tx = await pi.transactions.create({
      transactionType: 'Refund',
      referenceTransactionId: paid.tx.transactionId,
      vendorTxCode,
      amount,
      description: 'Refund',
    })
    await handover({
      transactionId: tx.transactionId,
      vendorTxCode,
      relatedTransactionId: paid.tx.transactionId,
    })
    expected.set(`opayo:${tx.transactionId}:refund`, 'posted')
  }
  for (let i = 0; i < 6; i += 1) {
    const invoice = 1041 + i
    const vendorTxCode = `INV-${invoice}-D${i}`
    const amount = 4000 + i
    const tx = await pi.transactions.create({
      transactionType: 'Deferred',
      paymentMethod: { card },
      vendorTxCode,
      amount,
      currency: 'GBP',
      description: 'Deferred',
    })
    await handover({ transactionId: tx.transactionId, vendorTxCode })
    expected.set(`opayo:${tx.transactionId}:authorisation`, 'skipped')
    // The release is money Opayo reports: the Reporting poll below brings it in as a capture.
    await pi.instructions.create(tx.transactionId, { instructionType: 'release', amount })
    expected.set(`opayo:${tx.transactionId}:capture`, 'posted')
  }
  {
    const vendorTxCode = 'INV-1099-EUR1'
    const tx = await pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card },
      vendorTxCode,
      amount: 10000,
      currency: 'EUR',
      description: 'Euro order',
    })
    await handover({ transactionId: tx.transactionId, vendorTxCode })
    expected.set(`opayo:${tx.transactionId}:payment`, 'posted')
  }
  // An app hands over a result with no vendorTxCode: refused at the door (400), nothing stored.
  {
    const response = await handover({ transactionId: guid(500), vendorTxCode: '' })
    refused += 1
    if (response.status !== 400)
      problems.push(`the hand-over without a vendorTxCode was answered ${response.status}`)
  }
  // Attacks. A Form return forged with the Form password for a transaction Opayo never saw, at
  // £99,999.00: a hint Opayo cannot confirm, so it is retried and dead-lettered as unconfirmed.
  {
    const vendorTxCode = 'INV-1029-FORGED'
    await service.recordFormTransaction({ vendorTxCode, amount: money(3000, 'GBP') })
    const crypt = encryptFormCrypt(
      { VendorTxCode: vendorTxCode, VPSTxId: `{${guid(600)}}`, Status: 'OK', Amount: '99,999.00' },
      FORM_PASSWORD,
    )
    await fetch(`${server.url}/opayo/form-return?crypt=${encodeURIComponent(crypt)}`, {
      redirect: 'manual',
    })
    sent += 1
    expected.set(`hint:form:${vendorTxCode}`, 'dead')
  }
  // A genuine notification replayed with TxType=REFUND added (TxType is not signed): the same
  // reply as the first time, and no refund.
  {
    const first = sentPayments[0]!
    const again = await postServerNotification(notifyUrl, { ...first.fields, TxType: 'REFUND' })
    repeats += 1
    sent += 1
    if (again.body !== first.reply.body)
      problems.push('a replay with an unsigned field changed got a different reply')
    expected.set(first.id.replace(/:payment$/, ':refund'), 'never')
  }
  // A hand-over with a forged amount: only Opayo's amount posts.
  {
    const tx = piPaid[0]!.tx
    repeats += 1 // the same transaction again: a duplicate hint
    await handover({
      transaction: { ...tx, amount: { totalAmount: 777_700 } },
      vendorTxCode: piPaid[0]!.vendorTxCode,
    })
  }
  // The Reporting poll (every 15 minutes in production) brings in what no push reported: here,
  // the releases of the deferred payments.
  const polled = await service.backfill({
    from: new Date(started - 60_000),
    to: new Date(Date.now() + 60_000),
  })
  log(`Sent ${sent} events; the Reporting poll read ${polled.seen} (${polled.received} new).`)
  log('Waiting for the engine to finish...')

  // --- wait until everything is accounted for ------------------------------------------------
  const deadline = Date.now() + (options.timeoutMs ?? 120_000)
  const finished = async () => {
    for (const [id, want] of expected) {
      if (want === 'never') continue
      const event = await store.get(id)
      if (!event || !['posted', 'skipped', 'dead', 'discarded'].includes(event.state)) return false
      if (want === 'posted' && event.state !== 'posted') return false
    }
    return true
  }
  while (!(await finished()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  clearInterval(progress)
  await service.stop()

  // --- check and report -----------------------------------------------------------------------
  const lines = [...kashflowFake.invoices.values()].flatMap((i) => i.PaymentLines)
  for (const [id, want] of expected) {
    const event = await store.get(id)
    if (want === 'never') {
      if (event) problems.push(`${id} should never have been stored (it was ${event.state})`)
      continue
    }
    if (!event) {
      problems.push(`${id} was never stored`)
      continue
    }
    if (event.state !== want)
      problems.push(
        `${id} ended ${event.state} (${event.reason ?? event.lastError?.message ?? ''}), expected ${want}`,
      )
    if (event.state === 'dead' && !event.reason) problems.push(`${id} is dead without a reason`)
    if (event.state === 'posted') {
      const [, tx, kind] = id.split(':')
      const marker = postingMarker(tx ?? '', (kind ?? 'payment') as 'payment')
      const count = kashflowFake.linesSentWith(marker).length
      if (count !== 1) problems.push(`${id} is in KashFlow ${count} times`)
    }
  }
  const ours = new Set(kashflowFake.linesSentWith('OPAYO:'))
  const unexplained = lines.filter((l) => !ours.has(l))
  if (unexplained.length)
    problems.push(`${unexplained.length} KashFlow payments carry no Opayo marker`)

  const reconciliation = await service.reconcile({
    from: new Date(started - 60_000),
    to: new Date(Date.now() + 60_000),
  })
  for (const row of reconciliation.rows) {
    if (row.status === 'amount_mismatch' || row.status === 'orphan_in_kashflow')
      problems.push(`reconciliation: ${row.status} ${row.vendorTxCode} ${row.note}`)
    if (
      row.status === 'missing_in_kashflow' &&
      !['dead', 'skipped', 'discarded'].includes(row.engineState)
    ) {
      problems.push(
        `reconciliation: ${row.vendorTxCode} is missing in KashFlow and not accounted for (${row.engineState})`,
      )
    }
  }
  const reports = {
    csv: join(dir, 'reconciliation.csv'),
    json: join(dir, 'reconciliation.json'),
    html: join(dir, 'reconciliation.html'),
  }
  writeFileSync(reports.csv, reconciliationCsv(reconciliation))
  writeFileSync(reports.json, JSON.stringify(reconciliation, null, 2))
  writeFileSync(reports.html, reconciliationHtml(reconciliation))

  const status = await service.engine.status()
  const dead = await service.engine.deadLetters.list()
  log('')
  const stored = await store.list()
  const hints = stored.filter((e) => e.id.startsWith('hint:')).length
  const notified = stored.filter(
    (e) => (e.payment as { source?: { protocol?: string } } | null)?.source?.protocol === 'server',
  ).length
  if (notified + hints !== sent - repeats - refused)
    problems.push(
      `the summary does not add up: ${sent - repeats - refused} new sends but ${notified + hints} new events`,
    )
  log(`Summary after ${((Date.now() - started) / 1000).toFixed(1)} s:`)
  log(
    `  ${sent} sent = ${sent - repeats - refused} new + ${repeats} repeats (answered as before, nothing applied twice) + ${refused} refused (INVALID or 400)`,
  )
  log(
    `  ${stored.length} events stored = the ${notified + hints} new (${notified} signed notifications + ${hints} hints: Form returns and hand-overs) + ${stored.length - notified - hints} payments read from Opayo (the Reporting poll, and Opayo's records confirming the hints)`,
  )
  for (const [state, n] of Object.entries(status.counts))
    if (n > 0) log(`  ${state.padEnd(10)} ${n}`)
  log(
    `  KashFlow payment lines: ${lines.length}; KashFlow paused posting ${paused} time(s) during the outage`,
  )
  log('Dead letters (each with its reason; `opayo-kashflow dead-letters show ID` explains one):')
  for (const e of dead)
    log(
      `  ${e.id} (${(e.payment as { source?: { vendorTxCode?: string } } | null)?.source?.vendorTxCode ?? (e.payment as { hint?: { vendorTxCode?: string } } | null)?.hint?.vendorTxCode ?? 'no vendorTxCode'}): ${e.reason}`,
    )
  for (const line of await matching.report(problems)) log(line)
  log('Reconciliation (Opayo successful money movements vs the ledger and KashFlow):')
  for (const [k, v] of Object.entries(reconciliation.summary))
    log(`  ${k.replace(/_/g, ' ').padEnd(20)} ${v}`)
  const missing = reconciliation.rows.filter((r) => r.status === 'missing_in_kashflow')
  for (const r of missing) log(`    missing: ${r.vendorTxCode} (${r.engineState}: ${r.note})`)
  const euro = kashflowFake.linesSentWith('INV-1099-EUR1')[0]
  if (euro)
    log(
      `  the euro payment of EUR 100.00 was posted as GBP ${euro.Amount.toFixed(2)} at the demo rate`,
    )
  log(`Reports: ${reports.csv}, ${reports.json}, ${reports.html}`)
  log(
    problems.length === 0
      ? 'Every payment is accounted for: posted once, skipped with a reason, or dead-lettered with a reason.'
      : `NOT ACCOUNTED FOR:\n  ${problems.join('\n  ')}`,
  )

  await server.close()
  await store.close()
  await kashflowServer.close()
  await opayoServer.close()
  return {
    accounted: problems.length === 0,
    problems,
    sent,
    counts: status.counts,
    reconciliation,
    reports,
  }
}
