// Connection limits per client address on a node:http server. The server's cap (maxConnections)
// is shared by everyone: one client holding 1,000 idle keep-alive connections refused 93 % of new
// ones, Opayo's notifications among them. Each client address gets a fair share of the cap; a
// connection over it is refused at once (closed before any byte is read). And when the cap is
// nearly used up, an idle keep-alive connection of the client holding the most is closed, so a
// newcomer finds room. A proxy in front still sets per-client limits of its own (behind one, every
// connection comes from the proxy's address: give it the whole cap).
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** How many connections one client address may hold, and when idle ones are shed. */
export interface ConnectionLimits {
  /** The server's cap on open connections. */
  readonly maxConnections: number
  /** At most this many open connections per client address (IPv6: per /64). */
  readonly perClient: number
}

/**
 * The fair share of a cap one client address may hold: a tenth of it, at least 10.
 * @example defaultPerClient(1000) // 100
 */
export function defaultPerClient(maxConnections: number): number {
  return Math.max(10, Math.floor(maxConnections / 10))
}

/**
 * The client a connection counts against: its IPv4 address (IPv4-mapped IPv6 read as IPv4), or
 * the /64 prefix of an IPv6 address (one host holds a whole /64).
 * @example clientKey('::ffff:127.0.0.2') // '127.0.0.2'
 * @example clientKey('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::/64'
 */
export function clientKey(address: string | undefined): string {
  if (!address) return '?'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  if (!address.includes(':')) return address
  // Expand "::" enough to read the first four groups.
  const [head = '', tail] = address.toLowerCase().split('::')
  const groups = head ? head.split(':') : []
  if (tail !== undefined) while (groups.length < 4) groups.push('0')
  return `${groups.slice(0, 4).join(':')}::/64`
}

/**
 * Enforces `limits` on `server` (which must not yet have connections): counts the open
 * connections per client, destroys a new one over the client's share, and, while the server is
 * within a tenth of its cap, closes one idle keep-alive connection of the client holding the most
 * for every new connection. Returns how many connections were refused and shed.
 * @example
 * const http = process.getBuiltinModule('node:http')
 * const server = http.createServer((request, response) => response.end('ok'))
 * server.maxConnections = 1000
 * const counts = limitConnectionsPerClient(server, { maxConnections: 1000, perClient: 100 })
 * server.listen(8080)
 * console.log(counts.refused(), counts.shed())
 */
export function limitConnectionsPerClient(
  server: Server,
  limits: ConnectionLimits,
): { readonly refused: () => number; readonly shed: () => number } {
  const perClient = Math.max(1, Math.floor(limits.perClient))
  // Shed idle connections once this many are open: Node itself refuses at the cap, so room must
  // be made before it is reached.
  const sheddingFrom = Math.max(1, limits.maxConnections - Math.ceil(limits.maxConnections / 10))
  const byClient = new Map<string, Set<Socket>>()
  const busy = new WeakSet<Socket>()
  let open = 0
  let refused = 0
  let shed = 0

  const shedOneIdle = (): void => {
    let heaviest: Set<Socket> | undefined
    for (const sockets of byClient.values())
      if (!heaviest || sockets.size > heaviest.size) heaviest = sockets
    for (const socket of heaviest ?? [])
      if (!busy.has(socket)) {
        shed += 1
        socket.destroy()
        return
      }
  }

  server.on('connection', (socket: Socket) => {
    const key = clientKey(socket.remoteAddress)
    const sockets = byClient.get(key) ?? new Set<Socket>()
    if (sockets.size >= perClient) {
      refused += 1
      socket.destroy()
      return
    }
    if (open >= sheddingFrom) shedOneIdle()
    sockets.add(socket)
    byClient.set(key, sockets)
    open += 1
    socket.once('close', () => {
      open -= 1
      sockets.delete(socket)
      if (sockets.size === 0 && byClient.get(key) === sockets) byClient.delete(key)
    })
  })
  // A connection is busy from a request's start to its response's end: only idle ones are shed.
  server.on('request', (req, res) => {
    const socket = req.socket
    busy.add(socket)
    res.once('close', () => busy.delete(socket))
  })
  return { refused: () => refused, shed: () => shed }
}
