import { describe, expect, it } from 'vitest'
import { runWithRetry } from '../src/index.js'
import type { AttemptOutcome, RetryEvent, RetryRun } from '../src/index.js'
import { POLICY } from './policy.js'

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}`)
  }
}

class Lost extends Error {}
class Unanswered extends Error {
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`no answer after ${attempts} attempt(s)`)
  }
}
class MayHaveApplied extends Error {
  constructor(readonly failure: unknown) {
    super('may have been applied')
  }
}

/** One scripted answer per attempt: a status (with an optional Retry-After) or a lost request. */
type Step = number | { readonly status: number; readonly retryAfterMs: number } | 'lost'

/** A run over a script, recording what was sent and every wait. */
function scripted(
  steps: readonly Step[],
  overrides: Partial<RetryRun<Step, string, HttpError>> = {},
) {
  const sent: number[] = []
  const waits: number[] = []
  const events: RetryEvent[] = []
  let i = 0
  const run: RetryRun<Step, string, HttpError> = {
    policy: POLICY,
    method: 'GET',
    sleep: (ms) => {
      waits.push(ms)
      return Promise.resolve()
    },
    random: () => 0.999_999,
    send: (attempt) => {
      sent.push(attempt)
      const step = steps[i++]
      if (step === undefined) throw new Error('the script ran out')
      return step === 'lost' ? Promise.reject(new Lost('socket hang up')) : Promise.resolve(step)
    },
    classify: (step): AttemptOutcome<string, HttpError> => {
      const status = typeof step === 'number' ? step : (step as { status: number }).status
      if (status < 300) return { kind: 'done', value: `ok ${status}` }
      const retryAfterMs = typeof step === 'object' ? step.retryAfterMs : undefined
      return { kind: 'failed', status, error: new HttpError(status, retryAfterMs) }
    },
    unanswered: (cause, attempts) => new Unanswered(attempts, cause),
    mayHaveApplied: (failure) => new MayHaveApplied(failure),
    onRetry: (event) => events.push(event),
    ...overrides,
  }
  return { run, sent, waits, events, rounded: () => waits.map(Math.round) }
}

/** The scripted run with a client's own rule consulted first (`undefined`: no opinion). */
function ruled(
  s: ReturnType<typeof scripted>,
  rule: (step: Step) => AttemptOutcome<string, HttpError> | undefined,
) {
  const classify = s.run.classify
  s.run = { ...s.run, classify: (step, attempt) => rule(step) ?? classify(step, attempt) }
  return s
}

/** KashFlow's rule: a 401 renews the session once and sends again at once. */
function renewOnce(): (step: Step) => AttemptOutcome<string, HttpError> | undefined {
  let renewed = false
  return (step) => {
    if (step !== 401 || renewed) return undefined
    renewed = true
    return { kind: 'again', wait: false }
  }
}

describe('runWithRetry: a read', () => {
  it('returns the first success without waiting', async () => {
    const s = scripted([200])
    await expect(runWithRetry(s.run)).resolves.toBe('ok 200')
    expect(s.sent).toEqual([0])
    expect(s.waits).toEqual([])
  })

  it('retries a retryable status with the backoff, then succeeds', async () => {
    const s = scripted([503, 502, 200])
    await expect(runWithRetry(s.run)).resolves.toBe('ok 200')
    expect(s.sent).toEqual([0, 1, 2])
    expect(s.rounded()).toEqual([1000, 2000])
    expect(s.events.map((e) => [e.attempt, e.status])).toEqual([
      [0, 503],
      [1, 502],
    ])
  })

  it("waits the server's Retry-After instead of the backoff, even past maxDelayMs", async () => {
    const s = scripted([{ status: 429, retryAfterMs: 90_000 }, 200])
    await expect(runWithRetry(s.run)).resolves.toBe('ok 200')
    expect(s.waits).toEqual([90_000])
  })

  it('gives up after limit retries and throws the last answer’s error', async () => {
    const s = scripted([500, 500, 500, 500, 200])
    const error = await runWithRetry(s.run).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(500)
    expect(s.sent).toEqual([0, 1, 2, 3])
    expect(s.rounded()).toEqual([1000, 2000, 4000])
  })

  it('never retries a status outside the policy', async () => {
    const s = scripted([404, 200])
    await expect(runWithRetry(s.run)).rejects.toMatchObject({ status: 404 })
    expect(s.waits).toEqual([])
  })

  it('retries an answer the client calls transient although its status is not listed', async () => {
    const s = ruled(scripted([400, 200]), (step) =>
      step === 400
        ? { kind: 'failed', status: 400, error: new HttpError(400), transient: true }
        : undefined,
    )
    await expect(runWithRetry(s.run)).resolves.toBe('ok 200')
    expect(s.events.map((e) => e.status)).toEqual([400])
  })

  it('retries a lost request with the backoff, and reports the attempts when it gives up', async () => {
    const s = scripted(['lost', 'lost', 'lost', 'lost'])
    const error = await runWithRetry(s.run).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Unanswered)
    expect((error as Unanswered).attempts).toBe(4)
    expect((error as Unanswered).cause).toBeInstanceOf(Lost)
    expect(s.rounded()).toEqual([1000, 2000, 4000])
    expect(s.events.map((e) => e.status)).toEqual([undefined, undefined, undefined])
  })

  it('sends once with limit 0', async () => {
    const s = scripted([503, 200], { policy: { ...POLICY, limit: 0 } })
    await expect(runWithRetry(s.run)).rejects.toMatchObject({ status: 503 })
    expect(s.sent).toEqual([0])
  })

  it('treats a POST marked idempotent as a read (a report sent as a POST)', async () => {
    const s = scripted([503, 200], { method: 'POST', idempotent: true })
    await expect(runWithRetry(s.run)).resolves.toBe('ok 200')
  })

  it('rethrows the failure as is once the signal aborted, without retrying', async () => {
    const controller = new AbortController()
    const s = scripted(['lost', 200], { signal: controller.signal })
    controller.abort()
    await expect(runWithRetry(s.run)).rejects.toBeInstanceOf(Lost)
    expect(s.sent).toEqual([0])
  })

  it('passes the signal to each wait', async () => {
    const controller = new AbortController()
    const seen: (AbortSignal | undefined)[] = []
    const s = scripted([503, 200], {
      signal: controller.signal,
      sleep: (_ms, signal) => {
        seen.push(signal)
        return Promise.resolve()
      },
    })
    await runWithRetry(s.run)
    expect(seen).toEqual([controller.signal])
  })

  it('runs prepare before each attempt, outside the failure handling', async () => {
    const prepared: number[] = []
    const s = scripted([503, 200], {
      prepare: (attempt) => {
        prepared.push(attempt)
        return Promise.resolve()
      },
    })
    await runWithRetry(s.run)
    expect(prepared).toEqual([0, 1])

    const failing = scripted([200], { prepare: () => Promise.reject(new Error('no session')) })
    await expect(runWithRetry(failing.run)).rejects.toThrow('no session')
    expect(failing.sent).toEqual([])
  })

  it('throws what classify throws, unretried', async () => {
    const s = scripted([200, 200], {
      classify: () => {
        throw new Error('not JSON')
      },
    })
    await expect(runWithRetry(s.run)).rejects.toThrow('not JSON')
    expect(s.sent).toEqual([0])
  })
})

describe('runWithRetry: again, the client’s own reason to send once more', () => {
  it('with wait: waits the backoff and counts as an attempt', async () => {
    let notFoundLeft = 1
    const s = ruled(scripted([404, 503, 503, 503, 200]), (step) =>
      step === 404 && notFoundLeft-- > 0 ? { kind: 'again', wait: true } : undefined,
    )
    // The 404 used attempt 0: two 503s are retried, the third is the last attempt's answer.
    await expect(runWithRetry(s.run)).rejects.toMatchObject({ status: 503 })
    expect(s.sent).toEqual([0, 1, 2, 3])
    expect(s.rounded()).toEqual([1000, 2000, 4000])
  })

  it('without wait: sends again at once and does not count', async () => {
    const s = ruled(scripted([401, 503, 503, 503, 200]), renewOnce())
    await expect(runWithRetry(s.run)).resolves.toBe('ok 200')
    expect(s.sent).toEqual([0, 0, 1, 2, 3])
    expect(s.rounded()).toEqual([1000, 2000, 4000])
  })
})

describe('runWithRetry: a write is sent once', () => {
  const write = { method: 'POST' } as const

  it('reports a lost write as may-have-applied, never retried', async () => {
    const s = scripted(['lost', 200], write)
    const error = await runWithRetry(s.run).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MayHaveApplied)
    expect((error as MayHaveApplied).failure).toEqual({ cause: expect.any(Lost) })
    expect(s.sent).toEqual([0])
    expect(s.waits).toEqual([])
  })

  it('reports a 5xx answer to a write as may-have-applied, with the mapped error', async () => {
    const s = scripted([503, 200], write)
    const error = await runWithRetry(s.run).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MayHaveApplied)
    expect((error as MayHaveApplied).failure).toEqual({ status: 503, error: expect.any(HttpError) })
    expect(s.sent).toEqual([0])
  })

  it('throws a 4xx answer to a write as its own error, not retried even for a 429', async () => {
    const s = scripted([{ status: 429, retryAfterMs: 1000 }, 200], write)
    await expect(runWithRetry(s.run)).rejects.toMatchObject({ status: 429 })
    expect(s.waits).toEqual([])
  })

  it('treats a GET marked not idempotent as a write', async () => {
    const s = scripted([500, 200], { idempotent: false })
    await expect(runWithRetry(s.run)).rejects.toBeInstanceOf(MayHaveApplied)
  })

  it('still honours the client’s again (a renewed session) for a write', async () => {
    const s = ruled(scripted([401, 200], write), renewOnce())
    await expect(runWithRetry(s.run)).resolves.toBe('ok 200')
  })
})
