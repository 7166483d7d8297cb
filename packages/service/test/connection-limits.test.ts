// Issue 19, finding 7: one client holding 1,000 idle keep-alive connections refused 93 % of new
// connections (9 of 10 genuine notifications lost until Opayo retried). Each client address now
// gets a fair share of the cap, so another address still gets its notification answered. Real
// loopback: the attacker is 127.0.0.1 (and 127.0.0.3), the genuine client 127.0.0.2.
import { request } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ServiceConfigSchema } from '../src/cli/config.js'
import { clientKey, defaultPerClient } from '../src/connection-limits.js'
import { listen } from '../src/node.js'
import type { Listening } from '../src/node.js'

const opened: Socket[] = []
let server: Listening | undefined
afterEach(async () => {
  for (const socket of opened.splice(0)) socket.destroy()
  await server?.close()
  server = undefined
})

const handler = (req: Request) =>
  Promise.resolve(
    new Response(
      req.method === 'POST' ? `Status=OK\r\nRedirectURL=https://shop.example/\r\n` : 'ok',
    ),
  )

/**
 * One idle keep-alive connection from `localAddress`: it sends one request and keeps the
 * connection open. Resolves true when answered, false when the server closed it instead.
 */
function holdIdle(port: number, localAddress: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress })
    opened.push(socket)
    let answered = false
    socket.setTimeout(5_000, () => socket.destroy())
    socket.on('connect', () =>
      socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n'),
    )
    socket.on('data', (chunk: Buffer) => {
      if (!answered && chunk.toString('latin1').startsWith('HTTP/1.1 200')) {
        answered = true
        resolve(true)
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(answered))
  })
}

/** A notification POSTed from `localAddress` on a new connection; its status, or the error. */
function notify(port: number, localAddress: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method: 'POST',
        path: '/opayo/notify',
        agent: false,
        timeout: 5_000,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    req.end('VPSProtocol=3.00&TxType=PAYMENT')
  })
}

/** Opens `count` idle connections from `localAddress`, a few at a time; how many were answered. */
async function holdMany(port: number, localAddress: string, count: number): Promise<number> {
  let answered = 0
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, () =>
      holdIdle(port, localAddress),
    )
    answered += (await Promise.all(batch)).filter(Boolean).length
  }
  return answered
}

describe('connection limits per client address', () => {
  it('one address holding idle keep-alive connections cannot take the cap: another address is answered', async () => {
    server = await listen(handler, { maxConnections: 100, keepAliveTimeoutMs: 30_000 })
    // The attacker tries for more than the whole cap; it gets its share, a tenth of the cap.
    const held = await holdMany(server.port, '127.0.0.1', 120)
    expect(held).toBe(defaultPerClient(100))
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => notify(server!.port, '127.0.0.2')),
    )
    expect(answers).toEqual(Array.from({ length: 10 }, () => 200))
  })

  it('near the cap, an idle connection of the client holding the most is closed for a newcomer', async () => {
    server = await listen(handler, {
      maxConnections: 50,
      maxConnectionsPerClient: 40,
      keepAliveTimeoutMs: 30_000,
    })
    // Two attacker addresses fill the cap between them (40 + 10).
    expect(await holdMany(server.port, '127.0.0.1', 40)).toBe(40)
    await holdMany(server.port, '127.0.0.3', 10)
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => notify(server!.port, '127.0.0.2')),
    )
    expect(answers).toEqual(Array.from({ length: 5 }, () => 200))
  })

  it('takes its share from the options (maxConnectionsPerClient)', async () => {
    server = await listen(handler, {
      maxConnections: 100,
      maxConnectionsPerClient: 3,
      keepAliveTimeoutMs: 30_000,
    })
    expect(await holdMany(server.port, '127.0.0.1', 8)).toBe(3)
    expect(await notify(server.port, '127.0.0.2')).toBe(200)
  })
})

describe('clientKey', () => {
  it('reads IPv4-mapped addresses as IPv4 and IPv6 by its /64', () => {
    expect(clientKey('::ffff:127.0.0.2')).toBe('127.0.0.2')
    expect(clientKey('127.0.0.1')).toBe('127.0.0.1')
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(clientKey('::1')).toBe('0:0:0:0::/64')
    expect(defaultPerClient(1000)).toBe(100)
    expect(defaultPerClient(50)).toBe(10)
  })
})

describe('the service config', () => {
  it("sets the public listener's cap and share in server", () => {
    const base = {
      opayo: { vendorName: 'myshop' },
      kashflow: { username: 'u' },
      posting: { bankAccountId: 1, paymentMethodId: 2 },
      references: ['INV-{invoice}-{*}'],
      store: { sqlite: 'x.db' },
    }
    const defaults = ServiceConfigSchema.parse({
      ...base,
      server: { redirectUrl: 'https://shop.example/' },
    })
    expect(defaults.server.maxConnections).toBe(1000)
    expect(defaults.server.maxConnectionsPerClient).toBeUndefined()
    const set = ServiceConfigSchema.parse({
      ...base,
      server: {
        redirectUrl: 'https://shop.example/',
        maxConnections: 200,
        maxConnectionsPerClient: 5,
      },
    })
    expect(set.server).toMatchObject({ maxConnections: 200, maxConnectionsPerClient: 5 })
    expect(
      ServiceConfigSchema.safeParse({
        ...base,
        server: { redirectUrl: 'https://shop.example/', maxConnectionsPerClient: 0 },
      }).success,
    ).toBe(false)
  })
})
