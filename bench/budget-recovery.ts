// `KashFlow rate budget recovery`: the shape of issue 20's hidden scenario. 200 payments drained
// by one engine (4 loops, one KashFlow client) while the fake KashFlow answers 35% of requests
// with a fault: 15% 429 (half with `Retry-After: 1`, half without) and 20% 503, drawn from a
// seeded random; the account itself allows 40 requests a second (the fake's own limit, 429
// "Request limit exceeded"), and the client starts from its default guess of 60 a second.
//
// Everything runs on one virtual clock (the engine's sleeps, the client's retries and budget
// waits, the fake's clock), so a run is deterministic, takes seconds of real time, and the drain
// time is in virtual seconds: what the same work would take against a real KashFlow answering
// instantly. The engine retries on a short schedule (1 s to 30 s) and never pauses for the outage,
// so the time measures the pace of requests. The baseline is the same run with no budget (every
// request goes at once). Figures:
//  - the drain time with the budget over the baseline's (goal: at most 2x);
//  - the share of requests the account's own limit refused (429 "Request limit exceeded") in the
//    second half of the run, once the budget has learned (goal: at most 1%). The injected 429s
//    are 15% of requests whatever the budget does, so they are not counted there.
//
// Run alone: node --conditions=@opayo-kashflow/source --import tsx bench/budget-recovery.ts
import { pathToFileURL } from 'node:url'
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient, createRateBudget } from '@opayo-kashflow/kashflow'
import type { RateBudget } from '@opayo-kashflow/kashflow'
import { createSyncEngine, memoryStore } from '@opayo-kashflow/sync'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import type { FakeKashflowFault } from '@opayo-kashflow/testkit'
import { CREDENTIALS, payment } from '../test/support/payments.js'
import { virtualTime } from '../test/support/virtual-time.js'
import { runSections } from './lib/figure.js'
import type { BenchSection, Figure } from './lib/figure.js'

const PAYMENTS = Number(process.env['BENCH_RECOVERY_PAYMENTS'] ?? 200)
const ACCOUNT_LIMIT = 40
const GUESS = 60
const LOOPS = 4
const START = Date.UTC(2026, 10, 2, 10, 0, 0)

/** A seeded random (mulberry32), so both runs meet the same faults in the same order. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FAULTS: readonly FakeKashflowFault[] = [
  ...Array.from({ length: 3 }, () => ({ kind: 'rate-limit', retryAfter: '1' }) as const),
  ...Array.from({ length: 3 }, () => ({ kind: 'status', status: 429 }) as const),
  ...Array.from({ length: 8 }, () => ({ kind: 'status', status: 503 }) as const),
]

interface Run {
  readonly seconds: number
  readonly requests: number
  readonly posted: number
  /** Requests the account's own limit refused, in the second half of the run's requests. */
  readonly limitRefusedLate: number
  readonly lateRequests: number
}

async function drain(withBudget: boolean): Promise<Run> {
  const time = virtualTime(START)
  const fake = new FakeKashflow({
    now: time.now,
    invoices: Array.from({ length: PAYMENTS }, (_, i) => ({ number: 2000 + i, gross: 500 })),
  })
  fake.requestBudget(ACCOUNT_LIMIT, 1000)
  fake.chaos({ probability: 0.35, kinds: FAULTS, random: seeded(20) })
  // Which 429s were the account's own limit (the fake's budget), in the order requests came.
  const refusedByLimit: boolean[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await fake.fetch(new Request(input, init))
    const body = response.status === 429 ? await response.clone().text() : ''
    refusedByLimit.push(body.includes('Request limit exceeded'))
    return response
  }
  const rateBudget: RateBudget = withBudget
    ? createRateBudget({ limit: GUESS, windowMs: 1000, now: time.now, sleep: time.sleep })
    : { take: () => Promise.resolve(), learn: () => Promise.resolve() }
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    fetch,
    rateBudget,
    sleep: time.sleep,
    random: seeded(7),
  })
  const store = memoryStore()
  const engine = createSyncEngine({
    store,
    kashflow,
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    clock: { now: time.now },
    sleep: time.sleep,
    pollIntervalMs: 100,
    // Short retries and no outage pause, so the drain time measures the pace of requests (the
    // budget), not the default schedule's minutes between attempts after a 5xx.
    retry: {
      delaysMs: [1000, 1000, 2000, 2000, 5000, 5000, 10_000, 10_000, 20_000, 30_000],
      pauseAfterConsecutiveFailures: Number.MAX_SAFE_INTEGER,
    },
  })
  for (let i = 0; i < PAYMENTS; i += 1) await engine.ingest(payment(2000 + i))
  await time.run(async () => {
    engine.start({ concurrency: LOOPS })
    while (!(await engine.idle())) await time.sleep(100)
    await engine.stop()
  })
  const late = refusedByLimit.slice(Math.floor(refusedByLimit.length / 2))
  return {
    seconds: (time.now() - START) / 1000,
    requests: refusedByLimit.length,
    posted: (await store.list({ states: ['posted'] })).length,
    limitRefusedLate: late.filter(Boolean).length,
    lateRequests: late.length,
  }
}

export const section: BenchSection = {
  title: 'KashFlow rate budget recovery (15% 429, 20% 5xx, account limit 40/s, virtual clock)',
  async run(): Promise<Figure[]> {
    const without = await drain(false)
    const withBudget = await drain(true)
    const ratio = withBudget.seconds / without.seconds
    const share = withBudget.limitRefusedLate / Math.max(1, withBudget.lateRequests)
    const note = `${PAYMENTS} payments, ${LOOPS} loops; with the budget ${withBudget.requests} requests, ${withBudget.posted} posted; without ${without.requests} requests, ${without.posted} posted`
    return [
      {
        name: 'drain time with the learning budget',
        value: withBudget.seconds,
        unit: 's (virtual)',
        baseline: { name: 'the same run with no budget', value: without.seconds, unit: 's' },
        ratio,
        goal: '<= 2x the run without a budget',
        met: ratio <= 2 && withBudget.posted === PAYMENTS,
        note,
      },
      {
        name: "share of requests the account's own limit refused, second half of the run",
        value: share * 100,
        unit: '%',
        baseline: {
          name: 'the same share without a budget',
          value: (100 * without.limitRefusedLate) / Math.max(1, without.lateRequests),
          unit: '%',
        },
        ratio: share,
        goal: '<= 1% once the budget has learned',
        met: share <= 0.01,
      },
    ]
  },
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSections([section])
