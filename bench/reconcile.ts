// Reconcile streams: peak memory and time of `opayo-kashflow reconcile` at 10k and 1M Opayo rows.
//
// Three processes: this one (the orchestrator), a fake process serving the Opayo Reporting API
// (FakeOpayo.generateReportingRows: row i made from i when a page asks for it) and KashFlow (a
// FakeKashflow whose invoice N is generated on the GET that reads it, with one payment line per
// movement, the posting marker in its note), and the reconcile process, measured with
// `/usr/bin/time -f %M` (peak RSS, KiB) and the wall clock. Every row is a match: memory cannot
// hide behind rows that are skipped. The SQLite store holds the first BENCH_RECONCILE_STORE_EVENTS
// movements as ingested events (the same store file at every size; ingest is one durable
// transaction each, so a million would take the bench hours); the other rows are read from the
// store and not found.
//
// The reconcile process is the CLI from source (`node --conditions=@opayo-kashflow/source --import
// tsx packages/service/src/cli/bin.ts reconcile ...`) when its reconcile handler calls
// runReconcileCommand; until then, the same call the handler makes (loadConfig, serviceFromConfig, runReconcileCommand)
// from this file's `--reconcile` mode. The figure says which.
//
// Env: BENCH_RECONCILE_ROWS (default "10000,1000000": the first is the baseline),
// BENCH_RECONCILE_PER_INVOICE (movements per invoice, default 4: instalments; fewer means more
// KashFlow reads), BENCH_RECONCILE_STORE_EVENTS (default 10000).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { postingMarker } from '@opayo-kashflow/core'
import { createOpayoReportingClient, toCanonicalPayment } from '@opayo-kashflow/opayo'
import { FakeKashflow, FakeOpayo, serveFetch } from '@opayo-kashflow/testkit'
import type { Figure, BenchSection } from './lib/figure.js'
import { runSections } from './lib/figure.js'

const ROOT = new URL('..', import.meta.url)
const FROM = new Date('2026-01-01T00:00:00Z')
const TO = new Date('2027-01-01T00:00:00Z')
const SPACING_MS = 20 // 1M rows fit in under six hours of the range
const FIRST_INVOICE = 100_000
const REPORTING = { vendor: 'myshop', user: 'r', password: 'p' }
const KASHFLOW_USER = {
  username: 'bench@example.co.uk',
  password: 's3cret',
  memorableWord: 'pineapple',
}
const NODE = ['--conditions=@opayo-kashflow/source', '--import', 'tsx']

const perInvoice = Number(process.env['BENCH_RECONCILE_PER_INVOICE'] ?? '4')
const storeEvents = Number(process.env['BENCH_RECONCILE_STORE_EVENTS'] ?? '10000')
const sizes = (process.env['BENCH_RECONCILE_ROWS'] ?? '10000,1000000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0)

/** Row i of every run: invoice FIRST_INVOICE + floor(i / perInvoice), instalment i % perInvoice. */
const rowOf = (i: number) => ({
  vendorTxCode: `INV-${FIRST_INVOICE + Math.floor(i / perInvoice)}-${i % perInvoice}`,
})
const txIdOf = (i: number) =>
  `AE000000-0000-4000-8000-${i.toString(16).toUpperCase().padStart(12, '0')}`
const amountOf = (i: number) => 1000 + (i % 9000) // FakeOpayo's default for generated rows

/** `--fake N`: serves Reporting and KashFlow for N generated rows until stdin closes. */
async function serveFakes(rows: number): Promise<void> {
  const opayo = new FakeOpayo({ vendorName: REPORTING.vendor, reporting: REPORTING })
  opayo.generateReportingRows({ count: rows, from: FROM, spacingMs: SPACING_MS, row: rowOf })
  const kashflow = new FakeKashflow({ user: KASHFLOW_USER })
  // Stated in RateLimit headers, which the client adopts: its default budget (60 requests a
  // second, an unconfirmed guess) would otherwise set the pace of the whole run.
  kashflow.requestBudget(1_000_000, 1000, { headers: true })
  const invoices = Math.ceil(rows / perInvoice)
  const served = await serveFetch(async (request) => {
    const url = new URL(request.url)
    if (url.pathname.endsWith('/access/access.htm')) {
      const response = await opayo.fetch(request)
      opayo.requests.length = 0 // the fake's request log would grow with the pages
      return response
    }
    const invoice = /\/v2\/invoices\/(\d+)$/.exec(url.pathname)
    const number = invoice ? Number(invoice[1]) : NaN
    if (request.method === 'GET' && number >= FIRST_INVOICE && number < FIRST_INVOICE + invoices) {
      // Made on the GET and dropped after it: the fake holds no million invoices either.
      const first = (number - FIRST_INVOICE) * perInvoice
      const last = Math.min(rows, first + perInvoice)
      let gross = 0
      for (let i = first; i < last; i += 1) gross += amountOf(i)
      const held = kashflow.addInvoice({ number, gross: gross / 100 })
      for (let i = first; i < last; i += 1)
        held.PaymentLines.push({
          Id: 1 + i,
          Date: '2026-01-01 00:00:00',
          Amount: amountOf(i) / 100,
          Method: 409844,
          AccountId: 55166,
          Note: postingMarker(txIdOf(i), 'payment'),
          Reference: rowOf(i).vendorTxCode,
          IsExternalRefund: false,
          BulkId: 1 + i,
          BulkPaymentNumber: 1 + i,
        })
      try {
        return await kashflow.fetch(request)
      } finally {
        kashflow.invoices.delete(number)
      }
    }
    return kashflow.fetch(request)
  })
  process.stdout.write(
    `${JSON.stringify({ reportingUrl: `${served.origin}/access/access.htm`, kashflowUrl: `${served.origin}/v2` })}\n`,
  )
  process.stdin.resume()
  await new Promise((resolve) => process.stdin.once('end', resolve))
  await served.close()
}

/** `--reconcile CONFIG OUT`: what main.ts does for `reconcile` (until it is wired there). */
async function reconcileEntry(configPath: string, outDir: string): Promise<number> {
  const { loadConfig } = await import('../packages/service/src/cli/config.js')
  const { serviceFromConfig } = await import('../packages/service/src/cli/build.js')
  const { runReconcileCommand } = await import('../packages/service/src/cli/reconcile-command.js')
  const { createReferenceParser } = await import('@opayo-kashflow/core')
  const config = await loadConfig(configPath)
  const { store, kashflow, reporting } = await serviceFromConfig(config)
  try {
    return await runReconcileCommand({
      reporting,
      store,
      kashflow,
      references: createReferenceParser(config.references),
      from: FROM,
      to: TO,
      outDir,
      json: true,
      out: (line) => process.stdout.write(`${line}\n`),
    })
  } finally {
    await store.close()
  }
}

/** The store file: the first `count` movements ingested as the engine would (state received). */
async function buildStore(path: string, count: number): Promise<void> {
  const { sqliteStore } = await import('@opayo-kashflow/sync/sqlite')
  const store = await sqliteStore({ path })
  const fake = new FakeOpayo({ vendorName: REPORTING.vendor, reporting: REPORTING })
  fake.generateReportingRows({ count, from: FROM, spacingMs: SPACING_MS, row: rowOf })
  const reporting = createOpayoReportingClient({
    ...REPORTING,
    environment: new URL('https://reporting.bench.test/access/access.htm'),
    fetch: fake.fetch,
  })
  for await (const row of reporting.transactions.list({ from: FROM, to: TO })) {
    fake.requests.length = 0
    const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
    if (!payment.ok) throw new Error(`generated row ${row.vendortxcode} is not a payment`)
    await store.ingest({
      id: payment.value.id,
      payment: payment.value,
      fingerprint: payment.value.id,
      partition: row.vendortxcode.split('-')[1],
      now: Date.now(),
    })
  }
  await store.close()
}

function child(args: readonly string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, [...NODE, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

interface Run {
  readonly rows: number
  readonly peakMb: number
  readonly seconds: number
  readonly summary: { matched: number; missing_in_kashflow: number }
  readonly jsonMb: number
  readonly htmlKb: number
}

async function runAt(rows: number, dir: string, storePath: string, viaBin: boolean): Promise<Run> {
  const fake = child([new URL(import.meta.url).pathname, '--fake', String(rows)], process.env)
  const stderr: string[] = []
  fake.stderr.on('data', (c: Buffer) => stderr.push(c.toString()))
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: fake.stdout }).once('line', resolve)
    fake.once('exit', (code) => reject(new Error(`fake exited ${code}: ${stderr.join('')}`)))
  })
  const urls = JSON.parse(first) as { reportingUrl: string; kashflowUrl: string }
  try {
    const configPath = join(dir, `config-${rows}.json`)
    const outDir = join(dir, `out-${rows}`)
    writeFileSync(
      configPath,
      JSON.stringify({
        opayo: {
          vendorName: REPORTING.vendor,
          environment: urls.reportingUrl,
          reportingUser: REPORTING.user,
        },
        kashflow: { username: KASHFLOW_USER.username, baseUrl: urls.kashflowUrl },
        posting: { bankAccountId: 55166, paymentMethodId: 409844 },
        references: ['INV-{invoice}-{*}'],
        store: { sqlite: storePath },
        server: { redirectUrl: 'https://shop.example/thanks?o={vendorTxCode}' },
        poll: false,
      }),
    )
    const command = viaBin
      ? [
          'packages/service/src/cli/bin.ts',
          'reconcile',
          '--config',
          configPath,
          '--from',
          FROM.toISOString(),
          '--to',
          TO.toISOString(),
          '--out',
          outDir,
          '--json',
        ]
      : [new URL(import.meta.url).pathname, '--reconcile', configPath, outDir]
    const started = performance.now()
    const proc = spawn(
      '/usr/bin/time',
      ['-f', 'maxrss_kb=%M', process.execPath, ...NODE, ...command],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          OPAYO_KASHFLOW_KASHFLOW_PASSWORD: KASHFLOW_USER.password,
          OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: KASHFLOW_USER.memorableWord,
          OPAYO_KASHFLOW_REPORTING_PASSWORD: REPORTING.password,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()))
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()))
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve))
    const seconds = (performance.now() - started) / 1000
    const rss = /maxrss_kb=(\d+)/.exec(err)
    if (!rss || (code !== 0 && code !== 1))
      throw new Error(`reconcile at ${rows} rows exited ${code}: ${err.slice(-2000)}`)
    const printed = JSON.parse(out.slice(out.indexOf('{'))) as {
      summary: Run['summary']
      reports: { json: string; html: string }
    }
    const run: Run = {
      rows,
      peakMb: Number(rss[1]) / 1024,
      seconds,
      summary: printed.summary,
      jsonMb: statSync(printed.reports.json).size / 1e6,
      htmlKb: statSync(printed.reports.html).size / 1e3,
    }
    rmSync(outDir, { recursive: true, force: true })
    return run
  } finally {
    fake.stdin.end()
    await new Promise((resolve) => fake.once('exit', resolve))
  }
}

export const section: BenchSection = {
  title: 'reconcile',
  async run(): Promise<readonly Figure[]> {
    // The CLI runs the streaming command once its `reconcile` handler calls runReconcileCommand.
    const viaBin = ['main.ts', 'service-commands.ts'].some((file) => {
      const path = new URL(`packages/service/src/cli/${file}`, ROOT)
      return existsSync(path) && readFileSync(path, 'utf8').includes('runReconcileCommand(')
    })
    const how = viaBin
      ? 'the CLI from source (bin.ts reconcile)'
      : 'runReconcileCommand from bench/reconcile.ts --reconcile (the CLI handler not wired yet)'
    const dir = mkdtempSync(join(tmpdir(), 'bench-reconcile-'))
    try {
      const storePath = join(dir, 'store.db')
      await buildStore(storePath, Math.min(storeEvents, Math.max(...sizes)))
      const runs: Run[] = []
      for (const rows of sizes) {
        const run = await runAt(rows, dir, storePath, viaBin)
        console.log(
          `  ${rows.toLocaleString('en-GB')} rows: peak RSS ${run.peakMb.toFixed(1)} MB, ${run.seconds.toFixed(1)} s (${((run.seconds / rows) * 1e6).toFixed(1)} µs/row), matched ${run.summary.matched}, JSON ${run.jsonMb.toFixed(1)} MB, HTML ${run.htmlKb.toFixed(1)} kB`,
        )
        runs.push(run)
      }
      const base = runs[0]
      const big = runs.at(-1)
      if (!base || !big || runs.length < 2) return []
      const n = (r: Run) => r.rows.toLocaleString('en-GB')
      const note = `${how}; Reporting and KashFlow fakes in another process; ${perInvoice} movements per invoice; ${Math.min(storeEvents, big.rows)} movements in the SQLite store`
      const rssRatio = big.peakMb / base.peakMb
      const perRow = (r: Run) => (r.seconds / r.rows) * 1e6
      const timeRatio = perRow(big) / perRow(base)
      return [
        {
          name: `reconcile peak RSS at ${n(big)} rows`,
          value: big.peakMb,
          unit: 'MB',
          baseline: { name: `same command at ${n(base)} rows`, value: base.peakMb, unit: 'MB' },
          ratio: rssRatio,
          goal: '<= 1.1x',
          met: rssRatio <= 1.1,
          note,
        },
        {
          name: `reconcile peak RSS at ${n(big)} rows, absolute`,
          value: big.peakMb,
          unit: 'MB',
          baseline: { name: 'the goal', value: 250, unit: 'MB' },
          ratio: big.peakMb / 250,
          goal: '< 250 MB (ratio < 1.0)',
          met: big.peakMb < 250,
        },
        {
          name: `reconcile time per row at ${n(big)} rows`,
          value: perRow(big),
          unit: 'µs/row',
          baseline: { name: `at ${n(base)} rows`, value: perRow(base), unit: 'µs/row' },
          ratio: timeRatio,
          goal: '<= 1.2x (linear)',
          met: timeRatio <= 1.2,
          note: `${big.seconds.toFixed(1)} s at ${n(big)} rows, ${base.seconds.toFixed(1)} s at ${n(base)}; includes process start-up`,
        },
      ]
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

const mode = process.argv[2]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (mode === '--fake') await serveFakes(Number(process.argv[3]))
  else if (mode === '--reconcile')
    process.exitCode = await reconcileEntry(process.argv[3] ?? '', process.argv[4] ?? '')
  else await runSections([section])
}
