// A worker process for the crash test: drains the SQLite-backed queue against a loopback fake
// KashFlow. With CRASH_AFTER_WRITE set, it kills itself with SIGKILL right after a KashFlow write
// and before the ledger records it, at that probability: the worst moment to die.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createSyncEngine } from '../../src/index.js'
import { sqliteStore } from '../../src/sqlite.js'

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}
const crashAfterWrite = Number(process.env['CRASH_AFTER_WRITE'] ?? '0')

const store = await sqliteStore({ path: env('DB_PATH') })
const engine = createSyncEngine({
  store,
  kashflow: createKashflowClient({
    username: 'accounts@example.co.uk',
    password: 's3cret',
    memorableWord: 'pineapple',
    baseUrl: env('KASHFLOW_URL'),
    timeout: 5_000,
  }),
  rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
  references: createReferenceParser(['INV-{invoice}-{*}']),
  leaseMs: Number(process.env['LEASE_MS'] ?? '300'),
  batchSize: 5,
  pollIntervalMs: 20,
  retry: { delaysMs: [50, 100, 200, 400, 800, 1600, 3200], probeIntervalMs: 100 },
  afterWrite: () => {
    if (Math.random() < crashAfterWrite) process.kill(process.pid, 'SIGKILL')
  },
})

engine.start({ concurrency: 2 })
const deadline = Date.now() + Number(process.env['MAX_MS'] ?? '60000')
while (!(await engine.idle()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
await engine.stop()
await store.close()
process.stdout.write(JSON.stringify({ done: true }))
