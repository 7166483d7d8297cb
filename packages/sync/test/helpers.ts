import { createReferenceParser, definePostingRules, staticRateProvider } from '@opayo-kashflow/core'
import { createKashflowClient, createRateBudget } from '@opayo-kashflow/kashflow'
import { FakeKashflow } from '@opayo-kashflow/testkit'
import type { FakeKashflowSeed } from '@opayo-kashflow/testkit'
import { createSyncEngine, memoryStore } from '../src/index.js'
import type { Store, SyncEngineOptions, SyncEvent } from '../src/index.js'

export { CREDENTIALS, payment } from '../../../test/support/payments.js'
import { CREDENTIALS } from '../../../test/support/payments.js'

/** An engine over a store, against a fake KashFlow (fetch-level), all on one fake clock. */
export function harness(
  options: {
    seed?: FakeKashflowSeed
    store?: Store
    engine?: Partial<SyncEngineOptions>
    clientRetryLimit?: number
    /** Wraps the fake's fetch, to act between the client and the fake (e.g. refuse one write). */
    wrapFetch?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch
  } = {},
) {
  let now = Date.UTC(2026, 10, 2, 10, 0, 0)
  const clock = { now: () => now }
  const fake = new FakeKashflow({ now: () => now, ...options.seed })
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    fetch: options.wrapFetch ? options.wrapFetch(fake.fetch) : fake.fetch,
    retry: { limit: options.clientRetryLimit ?? 0 },
    sleep: (ms) => {
      now += ms
      return Promise.resolve()
    },
    // The account's budget on the same fake clock: a Retry-After it waits out moves the clock.
    rateBudget: createRateBudget({
      limit: 1000,
      windowMs: 1000,
      now: () => now,
      sleep: (ms) => {
        now += ms
        return Promise.resolve()
      },
    }),
    random: () => 0.5,
  })
  const store = options.store ?? memoryStore()
  const events: SyncEvent[] = []
  const engine = createSyncEngine({
    store,
    kashflow,
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    rates: staticRateProvider({ 'GBP/EUR': '1.1650' }, { source: 'test table' }),
    clock,
    ...options.engine,
  })
  engine.on('*', (e) => events.push(e))
  /** Moves the clock to the earliest next try (or lease end) of an unfinished event, at least 1 s. */
  const toNextDue = async () => {
    const pending = await store.list({ states: ['received', 'planned', 'posting', 'waiting'] })
    const next = Math.min(...pending.map((e) => Math.max(e.nextAttemptAt, e.leaseUntil ?? 0)))
    now = Math.max(now + 1000, Number.isFinite(next) ? next : now + 1000)
  }
  return {
    fake,
    kashflow,
    store,
    engine,
    events,
    clock,
    advance: (ms: number) => {
      now += ms
    },
    /** Runs rounds, advancing the clock to the next due time, until everything is finished. */
    settle: async (maxRounds = 200) => {
      for (let i = 0; i < maxRounds; i += 1) {
        await engine.drain()
        if (await engine.idle()) return
        await toNextDue()
      }
      throw new Error('the engine did not settle')
    },
    /** Advances the clock to the next due time (a waiting event's next try) and runs one drain. */
    nextRound: async () => {
      await toNextDue()
      await engine.drain()
    },
    /** Payment lines written for this marker (by the fake's record of what was sent). */
    linesWith: (marker: string) => fake.linesSentWith(marker),
  }
}
