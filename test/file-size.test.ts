// The file-size report: every source file over 300 lines, printed with `pnpm test`. A file may
// pass 300 lines only when it is listed below with the one job it does and the size it had when
// listed; it fails when it grows 10% past that, and a new file over 300 lines fails until it is
// split or listed with its reason. Lines count JSDoc: a documented resource client is long and
// still one job.
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const LIMIT = 300
const GROWTH = 1.1

/** Files allowed past the limit: the one job each does, and its size when listed. */
const ONE_JOB: Readonly<Record<string, { readonly lines: number; readonly job: string }>> = {
  'packages/sync/src/testing/store-contract.ts': {
    lines: 837,
    job: 'the exported Store contract suite: one test per promise of the Store port',
  },
  'packages/service/src/service/reconcile.ts': {
    lines: 551,
    job: 'reconciliation: Opayo vs ledger vs KashFlow rows, streamed',
  },
  'packages/opayo/src/normalise/to-canonical.ts': {
    lines: 519,
    job: 'one mapping: every Opayo channel record to CanonicalPayment',
  },
  'packages/kashflow/src/resources/invoices.ts': { lines: 512, job: 'the invoices resource' },
  'packages/sync/src/store/sqlite-store.ts': { lines: 493, job: 'the SQLite Store adapter' },
  'packages/sync/src/engine/matching.ts': {
    lines: 490,
    job: 'the engine step that matches a payment to an invoice',
  },
  'packages/kashflow/src/resources/journals.ts': { lines: 481, job: 'the journals resource' },
  'packages/kashflow/src/resources/customers.ts': { lines: 466, job: 'the customers resource' },
  'packages/kashflow/src/resources/invoice-payments.ts': {
    lines: 450,
    job: 'the invoice payments resource',
  },
  'packages/service/src/service/alerts.ts': {
    lines: 447,
    job: 'the alert webhook sender: queue, retry, rate limit',
  },
  'packages/kashflow/src/internal/transport.ts': {
    lines: 437,
    job: 'the KashFlow transport: session, requests, retries',
  },
  'packages/sync/src/store/postgres-store.ts': { lines: 436, job: 'the PostgreSQL Store adapter' },
  'packages/service/src/service/metrics.ts': {
    lines: 386,
    job: 'the Prometheus metrics of the service',
  },
  'packages/http-core/src/rate/rate-budget.ts': {
    lines: 374,
    job: 'the rate budget: bucket arithmetic and the in-memory budget',
  },
  'packages/opayo/src/server-notification/handler.ts': {
    lines: 365,
    job: 'the Server notification handler',
  },
  'packages/opayo/src/server-registration/schema.ts': {
    lines: 360,
    job: 'the Server registration request schema',
  },
  'packages/sync/src/engine/settlement.ts': {
    lines: 338,
    job: 'the engine step that settles a batch',
  },
  'packages/core/src/matching/rank-invoice-candidates.ts': {
    lines: 335,
    job: 'ranking invoice candidates for a payment',
  },
  'packages/kashflow/src/internal/unconfirmed.ts': {
    lines: 328,
    job: 'KASHFLOW_UNCONFIRMED: every KashFlow guess in the one place a sandbox user checks',
  },
  'packages/sync/src/store/store.ts': {
    lines: 348,
    job: 'the Store port: its types (relisted when bank statement lines joined it)',
  },
  'packages/opayo/src/reporting/client.ts': { lines: 315, job: 'the Reporting API client' },
  'packages/service/src/service/service.ts': {
    lines: 307,
    job: 'createSyncService: wires the engine, the routes, the registrations and the workers',
  },
  'packages/sync/src/store/memory-store.ts': { lines: 308, job: 'the in-memory Store adapter' },
  'packages/service/src/demo/clearing-demo.ts': {
    lines: 304,
    job: 'the clearing-mode demo: fakes, payments, the acquirer and bank, and the closing check',
  },
}

const sources = execFileSync('git', ['ls-files', 'packages/*/src/*.ts', 'packages/*/src/**/*.ts'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean)

const sizes = sources
  .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
  .filter((s) => s.lines > LIMIT)
  .sort((a, b) => b.lines - a.lines)

describe('source file sizes', () => {
  it(`lists every file over ${LIMIT} lines with its one job, and none grows past its listing`, () => {
    const report = sizes.map(
      (s) => `${String(s.lines).padStart(5)}  ${s.file}  ${ONE_JOB[s.file]?.job ?? 'NOT LISTED'}`,
    )
    console.log(`Source files over ${LIMIT} lines (${sizes.length}):\n${report.join('\n')}`)
    const unlisted = sizes.filter((s) => !ONE_JOB[s.file]).map((s) => `${s.file} (${s.lines})`)
    const grown = sizes
      .filter((s) => ONE_JOB[s.file] && s.lines > ONE_JOB[s.file]!.lines * GROWTH)
      .map((s) => `${s.file}: ${s.lines} lines, listed at ${ONE_JOB[s.file]!.lines}`)
    expect(unlisted, 'split these, or list each with its one job').toEqual([])
    expect(grown, 'split these, or list them again with the reason').toEqual([])
  })

  it('keeps the list honest: a listed file that is gone or back under the limit is removed', () => {
    const over = new Set(sizes.map((s) => s.file))
    expect(Object.keys(ONE_JOB).filter((file) => !over.has(file))).toEqual([])
  })
})
