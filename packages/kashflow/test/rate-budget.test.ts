import { FakeKashflow } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, money } from '@opayo-kashflow/core'
import { KashflowRateLimitError, createKashflowClient, createRateBudget } from '../src/index.js'
import type { RateBudget, RateSignal } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const invoices = [{ number: 1042, gross: 120 }]

/**
 * A fake clock with timers: `sleep` resolves when `run` has moved the clock to its deadline.
 * `run` lets every pending callback settle, then jumps to the next deadline, until `work` ends.
 */
function fakeTime(start: number) {
  let now = start
  const timers: { at: number; resolve: () => void }[] = []
  const settle = () => new Promise<void>((r) => setImmediate(r))
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + ms, resolve })
      }),
    async run<T>(work: Promise<T>): Promise<T> {
      let done = false
      const result = work.finally(() => {
        done = true
      })
      result.catch(() => undefined)
      while (!done) {
        await settle()
        if (done || timers.length === 0) continue
        timers.sort((a, b) => a.at - b.at)
        const next = timers[0]!.at
        now = Math.max(now, next)
        for (const t of timers.filter((t) => t.at <= now)) {
          timers.splice(timers.indexOf(t), 1)
          t.resolve()
        }
      }
      return result
    },
  }
}

/**
 * A fake KashFlow and a client on one fake clock, the client's budget on the same clock, and a
 * record of what the budget was asked and told.
 */
function rig(budget: { limit: number; windowMs: number }) {
  const time = fakeTime(Date.UTC(2026, 10, 2, 10, 0, 0))
  const fake = new FakeKashflow({ now: time.now, invoices })
  const inner = createRateBudget({ ...budget, now: time.now, sleep: time.sleep })
  const taken: number[] = []
  const learned: RateSignal[] = []
  const rateBudget: RateBudget = {
    take: async (n = 1, signal) => {
      taken.push(time.now())
      await inner.take(n, signal)
    },
    learn: async (signal) => {
      learned.push(signal)
      await inner.learn(signal)
    },
  }
  const retryWaits: number[] = []
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    fetch: fake.fetch,
    rateBudget,
    sleep: (ms) => {
      retryWaits.push(ms)
      return time.sleep(ms)
    },
    random: () => 0.5,
  })
  return {
    fake,
    kashflow,
    taken,
    learned,
    retryWaits,
    now: time.now,
    run: <T>(work: Promise<T>) => time.run(work),
  }
}

describe('the client rate budget', () => {
  it('takes a token before every request, the login included', async () => {
    const { fake, kashflow, taken, run } = rig({ limit: 100, windowMs: 1000 })
    await run(kashflow.invoices.get(1042))
    await run(kashflow.bankAccounts.list())
    expect(fake.log).toHaveLength(4) // two login steps, two reads
    expect(taken).toHaveLength(4)
  })

  it('keeps a backlog of reads within the account budget: no 429 from a budgeted fake', async () => {
    const { fake, kashflow, run } = rig({ limit: 10, windowMs: 1000 })
    fake.requestBudget(10, 1000)
    await run(Promise.all(Array.from({ length: 60 }, () => kashflow.invoices.get(1042))))
    expect(fake.log.filter((r) => r.status === 429)).toHaveLength(0)
    expect(fake.requestCounts()['GET /invoices/1042']).toBe(60)
  })

  it('learns from a 429 with Retry-After: every later request waits, and the budget shrinks', async () => {
    const { fake, kashflow, learned, now, run } = rig({ limit: 10, windowMs: 1000 })
    const invoice = await run(kashflow.invoices.get(1042))
    fake.rateLimitNext(1, '4')
    // A write is not resent after a 429: the caller gets the error and its Retry-After.
    await expect(
      run(
        kashflow.invoicePayments.create({
          invoiceNumber: 1042,
          amount: money(4000, 'GBP'),
          date: '2026-11-02',
          bankAccountId: 55166,
          methodId: 409844,
          note: 'n',
          invoice,
        }),
      ),
    ).rejects.toBeInstanceOf(KashflowRateLimitError)
    expect(learned.at(-1)).toMatchObject({ status: 429, retryAfterMs: 4000 })
    const refusedAt = now()
    await run(kashflow.bankAccounts.list())
    // The next request went only after the Retry-After had passed on the budget's clock.
    expect(now() - refusedAt).toBeGreaterThanOrEqual(4000)
    expect(fake.log.at(-1)).toMatchObject({ status: 200 })
    expect(fake.log.filter((r) => r.status === 429)).toHaveLength(1)
  })

  it('sets the budget from RateLimit headers when KashFlow sends them', async () => {
    const { fake, kashflow, learned, run } = rig({ limit: 3, windowMs: 1000 })
    fake.requestBudget(40, 2000, { headers: true })
    await run(kashflow.bankAccounts.list())
    expect(learned.at(-1)).toMatchObject({ status: 200, limit: 40, windowMs: 2000, remaining: 39 })
    // Now at 40 per 2 s: a backlog of 120 reads gets no 429.
    await run(Promise.all(Array.from({ length: 120 }, () => kashflow.invoices.get(1042))))
    expect(fake.log.filter((r) => r.status === 429)).toHaveLength(0)
  })

  it('honours a read retry Retry-After once: the budget does not wait it out again', async () => {
    const { fake, kashflow, retryWaits, now, run } = rig({ limit: 100, windowMs: 1000 })
    await run(kashflow.bankAccounts.list())
    fake.rateLimitNext(1, '7')
    const start = now()
    await run(kashflow.invoices.get(1042))
    expect(retryWaits).toEqual([7000])
    // 7 s of Retry-After plus at most a few budget ticks, not 14 s.
    expect(now() - start).toBeLessThan(7100)
  })

  it('refuses a budget that is not a positive rate, saying what to give', () => {
    expect(() =>
      createKashflowClient({ ...CREDENTIALS, rateBudget: { limit: 0, windowMs: 1000 } }),
    ).toThrow(InvalidArgumentError)
    expect(() =>
      createKashflowClient({ ...CREDENTIALS, rateBudget: { limit: 10, windowMs: -1 } }),
    ).toThrow(/limit: 100, windowMs: 1000/)
  })
})
