// `KashFlow rate budget`: a backlog of payments drained by one engine (4 loops, one KashFlow
// client, one rate budget) against the loopback fake KashFlow holding each account to 100
// requests in any second. The baseline is the budget itself: the requests the window allowed
// over the run's duration (100/s x seconds). Three runs:
//  - the fake as pessimistic as KashFlow may be (429 + Retry-After only), the client told the
//    account's budget (100/s);
//  - the fake stating RateLimit headers, the client on its default guess (60/s), learning 100/s;
//  - the fake pessimistic, the client guessing too high (150/s), learning from 429s alone.
//
// Run alone: node --conditions=@opayo-kashflow/source --import tsx bench/budget.ts
// BENCH_BUDGET_PAYMENTS (default 2000) sets the first run's backlog; the two learning runs drain
// a quarter of it each, so the section takes about a minute.
import { pathToFileURL } from 'node:url'
import {
  CanonicalPaymentSchema,
  createReferenceParser,
  definePostingRules,
} from '@opayo-kashflow/core'
import type { CanonicalPayment } from '@opayo-kashflow/core'
import {
  createKashflowClient,
  createRateBudget,
  newBucket,
  takeTokens,
} from '@opayo-kashflow/kashflow'
import type { RateBucketState, RateBudget, RateBudgetOptions } from '@opayo-kashflow/kashflow'
import { createSyncEngine, memoryStore } from '@opayo-kashflow/sync'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import { runSections } from './lib/figure.js'
import type { BenchSection, Figure } from './lib/figure.js'

const LIMIT = 100
const WINDOW_MS = 1000
const LOOPS = 4
const PAYMENTS = Number(process.env['BENCH_BUDGET_PAYMENTS'] ?? 2000)

function paymentFor(invoice: number, n: number): CanonicalPayment {
  const tx = `${String(n).padStart(8, '0')}-0000-4000-8000-${String(invoice).padStart(12, '0')}`
  return CanonicalPaymentSchema.parse({
    id: `opayo:${tx}:payment`,
    source: {
      system: 'opayo',
      protocol: 'server',
      transactionId: tx,
      vendorTxCode: `INV-${invoice}-${n}`,
      verified: true,
    },
    kind: 'payment',
    status: 'succeeded',
    amount: { amount: 1000, currency: 'GBP' },
    occurredAt: '2026-11-02T10:15:00Z',
  })
}

interface Drained {
  /** Requests of the budget's plan that no loop asked for in time (the bucket was full). */
  readonly unasked: number | undefined
  readonly seconds: number
  readonly requests: number
  readonly useful: number
  readonly tooMany: number
  readonly posted: number
}

/** Drains `payments` payments against a fake budgeted at LIMIT per WINDOW_MS. */
async function drain(input: {
  readonly payments: number
  readonly headers: boolean
  readonly clientBudget: RateBudgetOptions | undefined
}): Promise<Drained> {
  const server = await startFakeKashflowServer({
    port: 0,
    seed: {
      invoices: Array.from({ length: input.payments }, (_, i) => ({
        number: 10_000 + i,
        gross: 500,
      })),
    },
  })
  try {
    server.fake.requestBudget(LIMIT, WINDOW_MS, { headers: input.headers })
    // The given budget, and a shadow of it that counts the refills lost to a full bucket:
    // requests the plan allowed that no loop was there to send (an engine short of CPU).
    const given = input.clientBudget
    const inner = given ? createRateBudget(given) : undefined
    let unasked = 0
    let shadow: RateBucketState | undefined
    const rateBudget: RateBudget | undefined =
      given && inner
        ? {
            take: (n = 1, signal) => {
              const now = Date.now()
              shadow ??= newBucket(given, now)
              const refilled =
                shadow.tokens + Math.max(0, now - shadow.updatedAt) * shadow.ratePerMs
              unasked += Math.max(0, refilled - shadow.capacity)
              shadow = takeTokens(shadow, n, now).state
              return inner.take(n, signal)
            },
            learn: (signal) => inner.learn(signal),
          }
        : undefined
    const kashflow = createKashflowClient({
      username: server.fake.user.username,
      password: server.fake.user.password,
      memorableWord: server.fake.user.memorableWord,
      baseUrl: server.url,
      // A read that meets a 429 goes back to the engine too, so every 429 is counted once.
      retry: { limit: 0 },
      ...(rateBudget ? { rateBudget } : {}),
    })
    const store = memoryStore()
    const engine = createSyncEngine({
      store,
      kashflow,
      rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
      references: createReferenceParser(['INV-{invoice}-{*}']),
      pollIntervalMs: 20,
      workerId: 'bench',
    })
    for (let i = 0; i < input.payments; i += 1) await engine.ingest(paymentFor(10_000 + i, i + 1))
    let posted = 0
    const allPosted = new Promise<void>((resolve) =>
      engine.on('posted', () => {
        posted += 1
        if (posted === input.payments) resolve()
      }),
    )
    const started = performance.now()
    engine.start({ concurrency: LOOPS })
    await allPosted
    const seconds = (performance.now() - started) / 1000
    await engine.stop()
    const log = server.fake.log
    return {
      unasked: given ? unasked : undefined,
      seconds,
      requests: log.length,
      useful: log.filter((r) => r.status >= 200 && r.status < 300).length,
      tooMany: log.filter((r) => r.status === 429).length,
      posted,
    }
  } finally {
    await server.close()
  }
}

function figures(label: string, d: Drained, note: string): Figure[] {
  const capacity = (LIMIT * d.seconds * 1000) / WINDOW_MS
  const baseline = {
    name: `the budget (${LIMIT}/s x ${d.seconds.toFixed(1)} s)`,
    value: capacity,
    unit: 'requests',
  }
  const useful = d.useful / capacity
  const refused = d.tooMany / d.requests
  const posted = d.posted / capacity
  return [
    {
      name: `${label}: useful requests (2xx)`,
      value: d.useful,
      unit: 'requests',
      baseline,
      ratio: useful,
      goal: '>= 0.95 of the budget',
      met: useful >= 0.95,
      note,
    },
    {
      name: `${label}: requests answered 429`,
      value: d.tooMany,
      unit: `of ${d.requests} requests`,
      baseline: { name: 'requests sent', value: d.requests, unit: 'requests' },
      ratio: refused,
      goal: '<= 0.01 of requests',
      met: refused <= 0.01,
    },
    {
      name: `${label}: posted payments`,
      value: d.posted,
      unit: 'payments',
      baseline,
      ratio: posted,
      goal: '>= 0.47 of the budget (one read + one write each)',
      met: posted >= 0.47,
    },
  ]
}

export const section: BenchSection = {
  title: 'KashFlow rate budget',
  async run() {
    const told = await drain({
      payments: PAYMENTS,
      headers: false,
      clientBudget: { limit: LIMIT, windowMs: WINDOW_MS },
    })
    const learning = Math.max(100, Math.round(PAYMENTS / 4))
    const fromHeaders = await drain({ payments: learning, headers: true, clientBudget: undefined })
    const from429 = await drain({
      payments: learning,
      headers: false,
      clientBudget: { limit: 150, windowMs: WINDOW_MS },
    })
    return [
      ...figures(
        `${PAYMENTS} payments, budget given, fake 429 + Retry-After only`,
        told,
        `${LOOPS} loops, one client; the client plans 98% of the budget less a burst of 1 (97/s); the login (2 requests) is in the count. The loops left ${Math.round(told.unasked ?? 0)} requests of that plan unasked (${(((told.unasked ?? 0) / ((LIMIT * told.seconds * 1000) / WINDOW_MS)) * 100).toFixed(1)}% of the budget: the engine and the fake, one process, short of CPU).`,
      ),
      ...figures(
        `${learning} payments, default guess (60/s), fake states RateLimit headers`,
        fromHeaders,
        'learns 100/s from the first answer; the short run makes the login and the start a larger share.',
      ),
      ...figures(
        `${learning} payments, guess 150/s, fake 429 + Retry-After only`,
        from429,
        'each 429 shrinks the guess by 3 to 10% and stops every loop for its Retry-After (whole seconds, >= 1 s on the fake): the price of learning from 429s alone.',
      ),
    ]
  },
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSections([section])
