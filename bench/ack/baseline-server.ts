// The baseline servers of bench/ack.ts, one per child process.
//   OKW_ACK_BASELINE=durable: bare node:http; each POST body is read, one INSERT runs in its own
//     transaction on a WAL SQLite file with synchronous = FULL (one fsync per request), then the
//     reply is written. The naive durable ack.
//   OKW_ACK_BASELINE=bare: the same server with no disk at all (context: what HTTP alone costs).
// Prints `listening on http://127.0.0.1:PORT` once ready.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

type Db = {
  pragma(sql: string): unknown
  exec(sql: string): void
  prepare(sql: string): { run(...args: unknown[]): unknown }
}

const mode = process.env['OKW_ACK_BASELINE'] ?? 'durable'
const file = process.env['OKW_ACK_DB'] ?? ''
// better-sqlite3 is a dependency of @opayo-kashflow/sync, not of the workspace root.
const require = createRequire(
  fileURLToPath(new URL('../../packages/sync/package.json', import.meta.url)),
)
let insert: ((body: string) => void) | undefined
if (mode === 'durable') {
  const Database = require('better-sqlite3') as new (path: string) => Db
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
  const statement = db.prepare('INSERT INTO events (body) VALUES (?)')
  insert = (body) => void statement.run(body)
}

const REPLY = 'Status=OK\r\nRedirectURL=https://shop.example/thanks\r\n'
const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    insert?.(Buffer.concat(chunks).toString('latin1'))
    res.writeHead(200, { 'content-type': 'text/plain; charset=ISO-8859-1' })
    res.end(REPLY)
  })
})
server.keepAliveTimeout = 5_000
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
