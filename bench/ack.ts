// `durable ack`: how fast the real service acknowledges Opayo Server notifications durably.
//
// The service under test is the CLI itself, `opayo-kashflow serve`, run from source in a child
// process (node --conditions=@opayo-kashflow/source --import tsx packages/service/src/cli/bin.ts),
// on a temporary SQLite file (WAL, synchronous = FULL) holding OKW_ACK_REGISTRATIONS (default
// 10,000) registrations imported with `registrations import`. A fake KashFlow on loopback (in this
// process) takes the postings, so the service's workers run while it acknowledges. The load
// generator is this process: correctly signed notifications, one per registration, over
// keep-alive HTTP on 127.0.0.1.
//
// Baselines, in the same run and through the same load generator: a bare node:http server in a
// child process doing one INSERT with synchronous = FULL per request (its own transaction, its
// own fsync) before replying; and the same server with no disk (context only).
//
// Two measurements for each: (a) the most it acknowledges with OKW_ACK_CONCURRENCY (default 64)
// requests in flight, closed loop; (b) the p99 latency at a steady offered 200 req/s for
// OKW_ACK_STEADY_SECONDS (default 10), open loop: each request is sent on its schedule and timed
// from its scheduled send time, so a stall counts for every request it delays.
//
// Run alone: node --conditions=@opayo-kashflow/source --import tsx bench/ack.ts
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  buildServerNotification,
  signServerNotification,
  startFakeKashflowServer,
} from '@opayo-kashflow/testkit'
import { percentile, runSections } from './lib/figure.js'
import type { BenchSection, Figure } from './lib/figure.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'packages/service/src/cli/bin.ts')
const BASELINE = fileURLToPath(new URL('./ack/baseline-server.ts', import.meta.url))
const REGISTRATIONS = Number(process.env['OKW_ACK_REGISTRATIONS'] ?? 10_000)
const CONCURRENCY = Number(process.env['OKW_ACK_CONCURRENCY'] ?? 64)
const STEADY_RATE = 200
const STEADY_SECONDS = Number(process.env['OKW_ACK_STEADY_SECONDS'] ?? 10)
const WARM_UP = 500
/** Extra node flags for the serve child, e.g. OKW_ACK_SERVE_FLAGS=--cpu-prof */
const SERVE_FLAGS = (process.env['OKW_ACK_SERVE_FLAGS'] ?? '').split(' ').filter(Boolean)
const VENDOR = 'benchshop'
const USER = { username: 'accounts@example.co.uk', password: 's3cret', memorableWord: 'pineapple' }
// The tsx loader by absolute URL: the children run in the temporary folder.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const SOURCE = ['--conditions=@opayo-kashflow/source', '--import', TSX]

interface Target {
  readonly url: string
  readonly stop: () => Promise<void>
}

const keyOf = (i: number) => `K${String(i).padStart(9, '0')}`
const codeOf = (i: number) => `INV-${i + 1}-1`
const txIdOf = (i: number) =>
  `{${String(i).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}}`

/** One signed notification body per registration. */
function notificationBodies(count: number): string[] {
  const bodies: string[] = []
  for (let i = 0; i < count; i += 1) {
    const fields = signServerNotification(
      buildServerNotification({ VendorTxCode: codeOf(i), VPSTxId: txIdOf(i) }),
      { vendorName: VENDOR, securityKey: keyOf(i) },
    )
    bodies.push(new URLSearchParams(fields).toString())
  }
  return bodies
}

/** Starts a child and resolves with the URL it prints in its `listening on URL` line. */
function startChild(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  ready: RegExp = /listening on (http:\/\/[^\s]+)/,
): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 60_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = ready.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({
          url: match[1] ?? '',
          stop: async () => {
            child.kill('SIGTERM')
            await exited
          },
        })
      }
    })
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)))
  })
}

function post(agent: Agent, url: URL, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('latin1')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve(text))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Closed loop: `concurrency` requests in flight until `bodies` are sent. Returns req/s. */
async function maxThroughput(url: URL, bodies: readonly string[], concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  let next = 0
  let refused = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next]!
        next += 1
        if (!(await post(agent, url, body)).startsWith('Status=OK')) refused += 1
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  agent.destroy()
  return { perSecond: bodies.length / seconds, refused }
}

/** Open loop at `rate` req/s: latency from each request's scheduled send time. Returns ms samples. */
async function steadyLatency(url: URL, bodies: readonly string[], rate: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  const samples: number[] = []
  let refused = 0
  const interval = 1000 / rate
  const start = performance.now() + 20
  const inflight: Promise<void>[] = []
  for (let i = 0; i < bodies.length; i += 1) {
    const due = start + i * interval
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 1))
    while (performance.now() < due) {
      // spin the last millisecond: setTimeout alone is too coarse for a 5 ms schedule
    }
    inflight.push(
      post(agent, url, bodies[i]!).then((text) => {
        samples.push(performance.now() - due)
        if (!text.startsWith('Status=OK')) refused += 1
      }),
    )
  }
  await Promise.all(inflight)
  agent.destroy()
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), refused }
}

function run(args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: 300_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${stderr}${stdout}`)) : resolve(stdout),
    ),
  )
}

/** Measures one target: warm-up, max throughput, then the steady p99. */
async function measure(target: Target, bodies: readonly string[]) {
  const url = new URL('/opayo/notify', target.url)
  const steadyCount = STEADY_RATE * STEADY_SECONDS
  const maxCount = bodies.length - WARM_UP - steadyCount
  await maxThroughput(url, bodies.slice(0, WARM_UP), 8)
  const max = await maxThroughput(url, bodies.slice(WARM_UP, WARM_UP + maxCount), CONCURRENCY)
  const steady = await steadyLatency(url, bodies.slice(WARM_UP + maxCount), STEADY_RATE)
  return { max, steady }
}

export const section: BenchSection = {
  title: 'durable ack',
  async run(): Promise<readonly Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), 'okw-ack-'))
    // One fake KashFlow per run, each with every invoice open: the workers of both runs post.
    const seed = {
      invoices: Array.from({ length: REGISTRATIONS }, (_, i) => ({ number: i + 1, gross: 10 })),
    }
    const kashflow = await startFakeKashflowServer({ port: 0, seed })
    const kashflowRoles = await startFakeKashflowServer({ port: 0, seed })
    try {
      writeFileSync(
        join(dir, 'registrations.json'),
        JSON.stringify(
          Array.from({ length: REGISTRATIONS }, (_, i) => ({
            vendorTxCode: codeOf(i),
            securityKey: keyOf(i),
            amount: 1000,
            currency: 'GBP',
          })),
        ),
      )
      const config = (file: string, db: string, kashflowUrl: string) =>
        writeFileSync(
          join(dir, file),
          JSON.stringify({
            opayo: { vendorName: VENDOR },
            kashflow: { username: USER.username, baseUrl: kashflowUrl },
            posting: { bankAccountId: 55166, paymentMethodId: 409844, homeCurrency: 'GBP' },
            references: ['INV-{invoice}-{*}'],
            store: { sqlite: join(dir, db) },
            server: { port: 0, redirectUrl: 'https://shop.example/thanks?o={vendorTxCode}' },
            poll: false,
          }),
        )
      config('config.json', 'serve.db', kashflow.url)
      config('roles.json', 'roles.db', kashflowRoles.url)
      const env = {
        OPAYO_KASHFLOW_KASHFLOW_PASSWORD: USER.password,
        OPAYO_KASHFLOW_KASHFLOW_MEMORABLE_WORD: USER.memorableWord,
        OPAYO_KASHFLOW_LOG_LEVEL: 'silent',
      }
      for (const file of ['config.json', 'roles.json'])
        await run(
          [...SOURCE, CLI, 'registrations', 'import', 'registrations.json', '--config', file],
          dir,
          env,
        )
      const bodies = notificationBodies(REGISTRATIONS)

      const serve = await startChild(
        [...SERVE_FLAGS, ...SOURCE, CLI, 'serve', '--config', 'config.json'],
        env,
        dir,
      )
      const served = await measure(serve, bodies).finally(() => serve.stop())
      // serve --role ack, with a serve --role worker process posting from the same SQLite file.
      const worker = await startChild(
        [...SOURCE, CLI, 'serve', '--role', 'worker', '--config', 'roles.json'],
        env,
        dir,
        /worker is running/,
      )
      const ackOnly = await startChild(
        [...SERVE_FLAGS, ...SOURCE, CLI, 'serve', '--role', 'ack', '--config', 'roles.json'],
        env,
        dir,
      )
      const acked = await measure(ackOnly, bodies).finally(async () => {
        await ackOnly.stop()
        await worker.stop()
      })
      const durable = await startChild(
        [...SOURCE, BASELINE],
        { OKW_ACK_BASELINE: 'durable', OKW_ACK_DB: join(dir, 'baseline.db') },
        dir,
      )
      const naive = await measure(durable, bodies).finally(() => durable.stop())
      const bareServer = await startChild([...SOURCE, BASELINE], { OKW_ACK_BASELINE: 'bare' }, dir)
      const bare = await measure(bareServer, bodies).finally(() => bareServer.stop())

      const refused = served.max.refused + served.steady.refused
      const refusedAck = acked.max.refused + acked.steady.refused
      const note = `${CONCURRENCY} in flight; ${REGISTRATIONS} registrations; serve answered ${refused} requests other than Status=OK (goal 0); bare http without disk: ${Math.round(bare.max.perSecond)} req/s, p99 ${bare.steady.p99.toFixed(2)} ms at ${STEADY_RATE} req/s`
      return [
        {
          name: 'notification ack, opayo-kashflow serve (SQLite FULL, group commit), max',
          value: served.max.perSecond,
          unit: 'req/s',
          baseline: {
            name: 'node:http + one INSERT per request (synchronous FULL)',
            value: naive.max.perSecond,
            unit: 'req/s',
          },
          ratio: served.max.perSecond / naive.max.perSecond,
          goal: '>= 1.0x baseline',
          met: served.max.perSecond >= naive.max.perSecond && refused === 0,
          note,
        },
        {
          name: `notification ack p99 at a steady ${STEADY_RATE} req/s, serve`,
          value: served.steady.p99,
          unit: 'ms',
          baseline: {
            name: 'node:http + one INSERT per request, p99',
            value: naive.steady.p99,
            unit: 'ms',
          },
          ratio: served.steady.p99 / naive.steady.p99,
          goal: '<= 5 ms (ratio: serve p99 / baseline p99)',
          met: served.steady.p99 <= 5 && refused === 0,
          note: `p50 serve ${served.steady.p50.toFixed(2)} ms, baseline ${naive.steady.p50.toFixed(2)} ms; open loop, timed from each request's scheduled send`,
        },
        {
          name: 'notification ack, serve --role ack (a --role worker process posting beside it), max',
          value: acked.max.perSecond,
          unit: 'req/s',
          baseline: {
            name: 'node:http + one INSERT per request (synchronous FULL)',
            value: naive.max.perSecond,
            unit: 'req/s',
          },
          ratio: acked.max.perSecond / naive.max.perSecond,
          goal: '>= 1.0x baseline',
          met: acked.max.perSecond >= naive.max.perSecond && refusedAck === 0,
          note: `the ack process answered ${refusedAck} requests other than Status=OK (goal 0); the worker shares the SQLite file`,
        },
        {
          name: `notification ack p99 at a steady ${STEADY_RATE} req/s, serve --role ack`,
          value: acked.steady.p99,
          unit: 'ms',
          baseline: {
            name: 'node:http + one INSERT per request, p99',
            value: naive.steady.p99,
            unit: 'ms',
          },
          ratio: acked.steady.p99 / naive.steady.p99,
          goal: '<= 5 ms (ratio: ack p99 / baseline p99)',
          met: acked.steady.p99 <= 5 && refusedAck === 0,
          note: `p50 ack ${acked.steady.p50.toFixed(2)} ms, baseline ${naive.steady.p50.toFixed(2)} ms`,
        },
      ]
    } finally {
      await kashflow.close()
      await kashflowRoles.close()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSections([section])
