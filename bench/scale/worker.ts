// One worker process of the `scale-out on PostgreSQL` bench (bench/scale.ts forks it): a sync
// engine over postgresStore against the loopback fake KashFlow, public API only. It opens its
// store and engine, says `ready`, starts its loops on `go`, and on `stop` stops them, closes the
// store, reports what it posted and exits. It exits on its own if the bench goes away.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createSyncEngine } from '@opayo-kashflow/sync'
import { postgresStore } from '@opayo-kashflow/sync/postgres'

/** What the bench passes in `OKW_SCALE_WORKER` (JSON). */
export interface ScaleWorkerConfig {
  readonly connectionString: string
  readonly schema: string
  readonly kashflowUrl: string
  readonly workerId: string
  /** Engine loops in this process (`start({ concurrency })`). */
  readonly loops: number
  /** The fake KashFlow's default user. */
  readonly credentials: { username: string; password: string; memorableWord: string }
}

/** Messages between the bench and a worker. */
export type ToWorker = { readonly type: 'go' } | { readonly type: 'stop' }
export type FromWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done'
      readonly posted: number
      readonly retries: number
      /** CPU milliseconds (user + system) this process used between `go` and `stop`. */
      readonly cpuMs: number
    }
  | { readonly type: 'error'; readonly message: string }

const send = (message: FromWorker): void => {
  process.send?.(message)
}

async function main(): Promise<void> {
  const raw = process.env['OKW_SCALE_WORKER']
  if (raw === undefined || process.send === undefined)
    throw new Error('bench/scale/worker.ts is forked by bench/scale.ts (IPC and OKW_SCALE_WORKER)')
  const config = JSON.parse(raw) as ScaleWorkerConfig
  // The bench goes away (done, killed or crashed): so does the worker.
  process.on('disconnect', () => process.exit(0))

  const store = await postgresStore({
    connectionString: config.connectionString,
    schema: config.schema,
  })
  const kashflow = createKashflowClient({
    ...config.credentials,
    baseUrl: config.kashflowUrl,
    // Out of the way: this bench measures scale-out, not the account's request budget (the
    // `budget` bench does that).
    rateBudget: { limit: 1_000_000, windowMs: 1000 },
  })
  const engine = createSyncEngine({
    store,
    kashflow,
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    workerId: config.workerId,
    pollIntervalMs: 20,
  })
  let posted = 0
  let retries = 0
  let cpu = process.cpuUsage()
  engine.on('posted', () => (posted += 1))
  engine.on('retry-scheduled', () => (retries += 1))

  process.on('message', (message: ToWorker) => {
    if (message.type === 'go') {
      cpu = process.cpuUsage()
      engine.start({ concurrency: config.loops })
    } else if (message.type === 'stop')
      void (async () => {
        const used = process.cpuUsage(cpu)
        const cpuMs = (used.user + used.system) / 1000
        await engine.stop()
        await store.close()
        send({ type: 'done', posted, retries, cpuMs })
        process.disconnect()
      })().catch((error: unknown) => {
        send({ type: 'error', message: String(error) })
        process.exit(1)
      })
  })
  send({ type: 'ready' })
}

main().catch((error: unknown) => {
  send({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  })
  process.exit(1)
})
