import { FakeKashflow } from '@opayo-kashflow/testkit'
import type { FakeKashflowSeed } from '@opayo-kashflow/testkit'
import { kashflowHandlers } from '@opayo-kashflow/testkit/msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { createKashflowClient } from '../src/index.js'
import type { KashflowClientOptions } from '../src/index.js'

export const BASE = 'https://api.kashflow.com/v2'
export const CREDENTIALS = {
  username: 'accounts@example.co.uk',
  password: 's3cret',
  memorableWord: 'pineapple',
}

/** msw with onUnhandledRequest: 'error', for one test file. */
export function useMsw() {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}

/** A fake KashFlow behind msw, a client pointed at it, and a fake clock for both. */
export function setup(
  server: ReturnType<typeof useMsw>,
  seed: FakeKashflowSeed = {},
  options: Partial<KashflowClientOptions> = {},
) {
  let now = Date.UTC(2026, 10, 2, 10, 0, 0)
  const waits: number[] = []
  const fake = new FakeKashflow({ now: () => now, ...seed })
  server.use(...kashflowHandlers(fake))
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    sleep: (ms) => {
      waits.push(ms)
      now += ms
      return Promise.resolve()
    },
    random: () => 0.5,
    ...options,
  })
  return {
    fake,
    kashflow,
    waits,
    advance: (ms: number) => {
      now += ms
    },
    now: () => now,
  }
}

/**
 * A fetch that records the JSON body of every write (POST, PUT, DELETE) except the login, then
 * passes the request on (to msw). Give it to the client as `fetch`.
 */
export function recordingFetch() {
  const writes: { method: string; path: string; body: unknown }[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const path = new URL(request.url).pathname.replace(/^.*?\/v2\//, '')
    if (request.method !== 'GET' && path !== 'sessiontoken') {
      const text = await request.clone().text()
      writes.push({
        method: request.method,
        path,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      })
    }
    return globalThis.fetch(request)
  }
  return { fetch, writes }
}
