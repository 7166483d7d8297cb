// The alert webhook against a real loopback HTTP receiver (node:http on 127.0.0.1): what is POSTed,
// what is retried (5xx, 429 after its Retry-After, refused connections, timeouts) and what is not
// (other 4xx), the rate limit that turns a storm into a few posts and one count, and that neither
// a bad receiver nor a bad alert ever reaches the caller. Waits run on a virtual clock: the fake
// sleep records the delay and moves the clock; the HTTP is real.
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SyncConfigError } from '@opayo-kashflow/sync'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAlertSender, healthTransition } from '../src/service/alerts.js'
import type { AlertMessage } from '../src/service/alerts.js'

const T0 = Date.UTC(2024, 0, 1, 9)
const SECRET = 'Bearer s3cret-receiver-token'

interface Received {
  readonly method: string | undefined
  readonly headers: IncomingHttpHeaders
  readonly body: AlertMessage
}
/** What the receiver answers to its n-th request (from 1): a status and headers, or no answer. */
type Reply = (n: number) => { status: number; headers?: Record<string, string> } | 'hang'

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function receiver(reply: Reply = () => ({ status: 204 })) {
  const received: Received[] = []
  const hanging: ServerResponse[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({
        method: req.method,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertMessage,
      })
      const answer = reply(received.length)
      if (answer === 'hang') hanging.push(res)
      else res.writeHead(answer.status, answer.headers).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const handle = {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    received,
    hanging,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  servers.push(handle)
  return handle
}

/** A virtual clock whose sleep records the delay and moves the clock by it. */
function clock() {
  let t = T0
  const delays: number[] = []
  return {
    now: () => t,
    advance: (ms: number) => (t += ms),
    delays,
    sleep: (ms: number) => {
      delays.push(ms)
      t += ms
      return Promise.resolve()
    },
  }
}

function recorder() {
  const logs: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = []
  const logger = {
    info: (message: string, fields?: Record<string, unknown>) =>
      logs.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) =>
      logs.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) =>
      logs.push({ level: 'error', message, fields }),
  }
  return { logs, logger }
}

const deadLettered = (id = 'opayo:server:ABC'): AlertMessage => ({
  type: 'dead_lettered',
  at: new Date(T0).toISOString(),
  service: 'shop-payments',
  summary: `Payment event ${id} dead-lettered: invoice_not_found`,
  detail: { id, reason: 'invoice_not_found', vendorTxCode: 'INV-1042-1', invoice: 1042 },
})

describe('createAlertSender delivers to the webhook', () => {
  it('POSTs the message as JSON with the configured headers', async () => {
    const hook = await receiver()
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({
      url: hook.url,
      headers: { authorization: SECRET },
      now: time.now,
      sleep: time.sleep,
      logger,
    })
    const message = deadLettered()
    alerts.send(message)
    await alerts.flush()
    expect(hook.received).toHaveLength(1)
    const [first] = hook.received
    expect(first?.method).toBe('POST')
    expect(first?.headers['content-type']).toBe('application/json')
    expect(first?.headers['authorization']).toBe(SECRET)
    expect(first?.body).toEqual(message)
    expect(logs).toEqual([])
    expect(time.delays).toEqual([])
  })

  it('retries a 503 after 1 s and delivers once', async () => {
    const hook = await receiver((n) => ({ status: n === 1 ? 503 : 200 }))
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({ url: hook.url, now: time.now, sleep: time.sleep, logger })
    alerts.send(deadLettered())
    await alerts.flush()
    expect(hook.received.map((r) => r.body)).toEqual([deadLettered(), deadLettered()])
    expect(time.delays).toEqual([1000])
    expect(logs).toEqual([])
  })

  it('backs off 1 s, 2 s, 4 s and gives up after `retries`, logging once at error', async () => {
    const hook = await receiver(() => ({ status: 500 }))
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({
      url: hook.url,
      retries: 3,
      now: time.now,
      sleep: time.sleep,
      logger,
    })
    alerts.send(deadLettered())
    await alerts.flush()
    expect(hook.received).toHaveLength(4)
    expect(time.delays).toEqual([1000, 2000, 4000])
    expect(logs).toEqual([
      {
        level: 'error',
        message: 'alert not delivered',
        fields: {
          type: 'dead_lettered',
          attempts: 4,
          status: 500,
          receiver: new URL(hook.url).origin,
        },
      },
    ])
  })

  it('waits out a 429 for its Retry-After (capped at 60 s)', async () => {
    const hook = await receiver((n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '7' } }
        : n === 2
          ? { status: 429, headers: { 'retry-after': '3600' } }
          : { status: 202 },
    )
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({ url: hook.url, now: time.now, sleep: time.sleep, logger })
    alerts.send(deadLettered())
    await alerts.flush()
    expect(hook.received).toHaveLength(3)
    expect(time.delays).toEqual([7000, 60_000])
    expect(logs).toEqual([])
  })

  it('does not retry a 400, logs it at error and goes on with the next alert', async () => {
    const hook = await receiver((n) => ({ status: n === 1 ? 400 : 200 }))
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({ url: hook.url, now: time.now, sleep: time.sleep, logger })
    alerts.send(deadLettered('opayo:server:A'))
    alerts.send(deadLettered('opayo:server:B'))
    await alerts.flush()
    expect(hook.received.map((r) => r.body.detail['id'])).toEqual([
      'opayo:server:A',
      'opayo:server:B',
    ])
    expect(time.delays).toEqual([])
    expect(logs).toEqual([
      {
        level: 'error',
        message: 'alert not delivered',
        fields: {
          type: 'dead_lettered',
          attempts: 1,
          status: 400,
          receiver: new URL(hook.url).origin,
        },
      },
    ])
  })

  it('retries a POST that times out', async () => {
    const hook = await receiver((n) => (n === 1 ? 'hang' : { status: 200 }))
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({
      url: hook.url,
      // Long enough that the second, answered POST never times out on a loaded machine.
      timeoutMs: 1_000,
      now: time.now,
      sleep: time.sleep,
      logger,
    })
    alerts.send(deadLettered())
    await alerts.flush()
    expect(hook.received).toHaveLength(2)
    expect(time.delays).toEqual([1000])
    expect(logs).toEqual([])
  })
})

describe('the rate limit', () => {
  it('turns a storm of 50 into 5 posts, then one alerts_dropped with 45 once the minute allows', async () => {
    const hook = await receiver()
    let t = T0
    const sleeps: { ms: number; resolve: () => void }[] = []
    const alerts = createAlertSender({
      url: hook.url,
      maxPerMinute: 5,
      now: () => t,
      sleep: (ms) => new Promise<void>((resolve) => sleeps.push({ ms, resolve })),
    })
    for (let i = 0; i < 50; i++) alerts.send(deadLettered(`opayo:server:${i}`))
    // The loop waits for the minute to pass: 5 posted, nothing about the drops yet.
    await vi.waitFor(() => expect(sleeps).toHaveLength(1))
    expect(hook.received.map((r) => r.body.detail['id'])).toEqual(
      [0, 1, 2, 3, 4].map((i) => `opayo:server:${i}`),
    )
    expect(sleeps[0]?.ms).toBe(60_000)
    t += 60_000
    sleeps[0]?.resolve()
    await alerts.flush()
    expect(hook.received).toHaveLength(6)
    const summary = hook.received[5]?.body
    expect(summary).toMatchObject({
      type: 'alerts_dropped',
      at: new Date(T0 + 60_000).toISOString(),
      service: 'shop-payments',
      detail: { count: 45, byType: { dead_lettered: 45 } },
    })
    expect(summary?.summary).toMatch(/^45 alerts were dropped/)
    expect(sleeps).toHaveLength(1)
    // The count starts again: the next alert is posted, with no second summary.
    alerts.send(deadLettered('opayo:server:later'))
    await alerts.flush()
    expect(hook.received.map((r) => r.body.type)).toEqual([
      ...Array<string>(5).fill('dead_lettered'),
      'alerts_dropped',
      'dead_lettered',
    ])
  })

  it('keeps a place in the next minute for the count, so a storm that goes on cannot starve it', async () => {
    const hook = await receiver()
    let t = T0
    const sleeps: { ms: number; resolve: () => void }[] = []
    const alerts = createAlertSender({
      url: hook.url,
      maxPerMinute: 2,
      now: () => t,
      sleep: (ms) => new Promise<void>((resolve) => sleeps.push({ ms, resolve })),
    })
    for (let i = 0; i < 3; i++) alerts.send(deadLettered(`opayo:server:${i}`))
    await vi.waitFor(() => expect(sleeps).toHaveLength(1))
    // The minute passes and the storm goes on: one new alert is taken, the other is counted.
    t += 60_000
    alerts.send(deadLettered('opayo:server:3'))
    alerts.send(deadLettered('opayo:server:4'))
    sleeps[0]?.resolve()
    await alerts.flush()
    expect(sleeps).toHaveLength(1)
    expect(hook.received.map((r) => r.body.detail['id'] ?? r.body.detail['count'])).toEqual([
      'opayo:server:0',
      'opayo:server:1',
      'opayo:server:3',
      2,
    ])
    expect(hook.received[3]?.body.at).toBe(new Date(T0 + 60_000).toISOString())
  })

  it('does not freeze the event loop when the sleep does not move the clock', async () => {
    const hook = await receiver()
    let sleeps = 0
    const alerts = createAlertSender({
      url: hook.url,
      maxPerMinute: 1,
      now: () => T0, // a fixed clock: the minute never passes
      // Resolves at once; after 100 turns it stops, so a spinning loop fails rather than hangs.
      sleep: () => (++sleeps > 100 ? new Promise<void>(() => undefined) : Promise.resolve()),
    })
    alerts.send(deadLettered('opayo:server:A'))
    alerts.send(deadLettered('opayo:server:B'))
    await vi.waitFor(() => expect(hook.received).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(sleeps).toBeLessThan(5)
    await alerts.close()
    expect(hook.received).toHaveLength(1)
  })

  it('drops and counts what is beyond maxQueued', async () => {
    const hook = await receiver()
    const time = clock()
    const alerts = createAlertSender({
      url: hook.url,
      maxQueued: 2,
      now: time.now,
      sleep: time.sleep,
    })
    for (let i = 0; i < 5; i++) alerts.send(deadLettered(`opayo:server:${i}`))
    await alerts.flush()
    expect(hook.received.map((r) => r.body.type)).toEqual([
      'dead_lettered',
      'dead_lettered',
      'alerts_dropped',
    ])
    expect(hook.received[2]?.body.detail).toEqual({ count: 3, byType: { dead_lettered: 3 } })
  })
})

describe('send never reaches the caller', () => {
  it('returns at once and never throws, whatever the receiver or the alert', async () => {
    const gone = await receiver()
    const url = gone.url
    await gone.close()
    const time = clock()
    const { logs, logger } = recorder()
    const refused = createAlertSender({ url, retries: 1, now: time.now, sleep: time.sleep, logger })
    const circular: Record<string, unknown> = {}
    circular['self'] = circular
    expect(refused.send(deadLettered())).toBeUndefined()
    expect(() => refused.send({ ...deadLettered(), detail: circular })).not.toThrow()
    expect(() => refused.send(undefined as unknown as AlertMessage)).not.toThrow()
    await refused.flush()
    expect(
      logs.map((l) => [l.level, l.message, l.fields?.['attempts'], l.fields?.['error']]),
    ).toEqual([
      ['error', 'alert not delivered', 2, 'TypeError'], // connection refused, retried once
      ['error', 'alert not delivered', 0, 'TypeError'], // cannot be JSON
      ['error', 'alert not delivered', 0, 'TypeError'], // not an alert at all
    ])

    const throwing = createAlertSender({
      url,
      retries: 0,
      fetch: () => {
        throw new Error('fetch exploded')
      },
      logger: {
        error: () => {
          throw new Error('logger exploded')
        },
      },
    })
    expect(() => throwing.send(deadLettered())).not.toThrow()
    await throwing.flush()

    const brokenClock = createAlertSender({
      url,
      now: () => {
        throw new Error('clock exploded')
      },
    })
    expect(() => brokenClock.send(deadLettered())).not.toThrow()
    await brokenClock.flush()
  })

  it('puts the headers on the wire but never in a log or an error', async () => {
    const hook = await receiver(() => ({ status: 503 }))
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({
      url: hook.url,
      headers: { authorization: SECRET, 'x-api-key': 'key-s3cret' },
      retries: 1,
      maxQueued: 1,
      now: time.now,
      sleep: time.sleep,
      logger,
    })
    alerts.send(deadLettered('opayo:server:A'))
    alerts.send(deadLettered('opayo:server:B'))
    await alerts.flush()
    alerts.send(deadLettered('opayo:server:C'))
    alerts.send(deadLettered('opayo:server:D'))
    await alerts.close()
    expect(hook.received[0]?.headers['authorization']).toBe(SECRET)
    expect(hook.received[0]?.headers['x-api-key']).toBe('key-s3cret')
    expect(logs.map((l) => l.message)).toEqual([
      'alert not delivered',
      'alert not delivered',
      'alerts dropped at close',
    ])
    expect(JSON.stringify(logs)).not.toMatch(/s3cret/)

    let error: unknown
    try {
      createAlertSender({
        url: hook.url,
        headers: { authorization: `${SECRET}\r\nX-Injected: yes` },
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SyncConfigError)
    expect(String((error as Error).message)).toMatch(/"authorization"/)
    expect(String((error as Error).message)).not.toMatch(/s3cret/)
  })
})

describe('close', () => {
  it('waits for the POST in flight, then drops the rest and logs the count at warn', async () => {
    const hook = await receiver((n) => (n === 1 ? 'hang' : { status: 200 }))
    const time = clock()
    const { logs, logger } = recorder()
    const alerts = createAlertSender({ url: hook.url, now: time.now, sleep: time.sleep, logger })
    for (let i = 0; i < 3; i++) alerts.send(deadLettered(`opayo:server:${i}`))
    await vi.waitFor(() => expect(hook.hanging).toHaveLength(1))
    let closed = false
    const closing = alerts.close().then(() => (closed = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(closed).toBe(false)
    hook.hanging[0]?.writeHead(200).end()
    await closing
    alerts.send(deadLettered('opayo:server:after'))
    await alerts.flush()
    expect(hook.received).toHaveLength(1)
    expect(logs).toEqual([
      {
        level: 'warn',
        message: 'alerts dropped at close',
        fields: { count: 2, queued: 2, unreported: 0, receiver: new URL(hook.url).origin },
      },
    ])
  })

  it('stops the retries of the alert in flight instead of sleeping them out', async () => {
    const hook = await receiver(() => ({ status: 503 }))
    const { logs, logger } = recorder()
    const alerts = createAlertSender({
      url: hook.url,
      sleep: () => new Promise<void>(() => undefined), // a backoff that would never end
      logger,
    })
    alerts.send(deadLettered())
    await vi.waitFor(() => expect(hook.received).toHaveLength(1))
    await alerts.close()
    expect(hook.received).toHaveLength(1)
    expect(logs.map((l) => l.fields)).toEqual([
      {
        type: 'dead_lettered',
        attempts: 1,
        status: 503,
        closed: true,
        receiver: new URL(hook.url).origin,
      },
    ])
  })
})

describe('options are checked', () => {
  const rejects = (options: Parameters<typeof createAlertSender>[0], message: RegExp) => {
    let error: unknown
    try {
      createAlertSender(options)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SyncConfigError)
    expect((error as SyncConfigError).code).toBe('sync_config_invalid')
    expect((error as Error).message).toMatch(message)
    return (error as Error).message
  }

  it('the URL is http(s), without credentials (which are never repeated)', () => {
    rejects({ url: 'ftp://alerts.example/hook' }, /http: or https:.*"ftp:"/)
    rejects({ url: 'not a url' }, /alerts\.url is not a URL/)
    const message = rejects(
      { url: 'https://ops:pa55word@alerts.example/hook' },
      /must not carry a user name or password/,
    )
    expect(message).not.toMatch(/pa55word/)
    expect(() => createAlertSender({ url: new URL('https://alerts.example/hook') })).not.toThrow()
    expect(() => createAlertSender({ url: 'http://127.0.0.1:8080/hook' })).not.toThrow()
  })

  it('the numbers are positive whole numbers (retries may be 0)', () => {
    const url = 'https://alerts.example/hook'
    rejects({ url, maxPerMinute: 0 }, /alerts\.maxPerMinute must be a positive whole number/)
    rejects({ url, maxPerMinute: 1.5 }, /alerts\.maxPerMinute/)
    rejects({ url, timeoutMs: -1 }, /alerts\.timeoutMs/)
    rejects({ url, maxQueued: Number.NaN }, /alerts\.maxQueued/)
    rejects({ url, retries: -1 }, /alerts\.retries must be a whole number, 0 or more/)
    expect(() => createAlertSender({ url, retries: 0 })).not.toThrow()
  })
})

describe('healthTransition', () => {
  it.each([
    [undefined, [], undefined],
    [undefined, ['kashflow_refusing'], 'degraded'],
    [[], [], undefined],
    [[], ['dead_letters'], 'degraded'],
    [['dead_letters'], ['dead_letters'], undefined],
    [['dead_letters'], ['dead_letters', 'kashflow_refusing'], 'degraded'],
    [['dead_letters'], ['kashflow_refusing'], 'degraded'],
    [['dead_letters', 'kashflow_refusing'], ['kashflow_refusing', 'dead_letters'], undefined],
    [['dead_letters', 'kashflow_refusing'], ['dead_letters'], undefined],
    [['dead_letters'], [], 'recovered'],
    [['kashflow_refusing', 'workers_not_running'], [], 'recovered'],
  ] as const)('%j -> %j is %s', (previous, current, expected) => {
    expect(healthTransition(previous, current)).toBe(expected)
  })
})
