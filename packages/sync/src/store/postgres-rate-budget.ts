// The KashFlow request budget shared by every worker of one account: the token bucket of
// @opayo-kashflow/kashflow kept in one PostgreSQL row. A take is one atomic statement (refill,
// take, and the debt to wait out); what a response teaches is applied under the row's lock.
import {
  KASHFLOW_UNCONFIRMED,
  learnRate,
  newBucket,
  recoveryDue,
  takeTokens,
} from '@opayo-kashflow/kashflow'
import type { RateBucketState, RateBudget, RateSignal } from '@opayo-kashflow/kashflow'
import type { Pool, PoolClient } from 'pg'
import { SyncConfigError } from '../engine/errors.js'
import { postgresDialect } from './migrations.js'
import { migratePostgres, pgTransaction } from './postgres-common.js'
import { loadStoreDriver } from './store-driver-missing-error.js'

/** Options of {@link postgresRateBudget}. */
export interface PostgresRateBudgetOptions {
  /** e.g. `postgres://user@127.0.0.1:5432/opayo`. One of connectionString or pool. */
  readonly connectionString?: string
  /** Your own pg Pool (closed by you, not by the budget). */
  readonly pool?: Pool
  /** Schema holding the table; use the store's. @default 'opayo_kashflow' */
  readonly schema?: string
  /**
   * Names the KashFlow account: every worker posting to the same account gives the same name
   * (the KashFlow username will do; it is stored as given, so do not use a secret).
   * @default 'default'
   */
  readonly account?: string
  /**
   * The account's budget: `limit` requests in any `windowMs`. When given, it replaces what the
   * row holds (what was learned from KashFlow); when not, a new row starts from the client's
   * guess (`KASHFLOW_UNCONFIRMED.defaultRateBudget`) and an existing row keeps what it learned.
   */
  readonly limit?: number
  readonly windowMs?: number
  /**
   * The least a 429 shrinks the shared limit to; it grows back as the in-memory budget does
   * (`createRateBudget`: `max(1, 5% of limit)` per full window with no 429). @default 1
   */
  readonly minLimit?: number
  /**
   * The clock, in ms since the epoch. Workers' clocks should agree (NTP): a clock running ahead
   * refills the bucket early by the difference, once. @default Date.now
   */
  readonly now?: () => number
  /** How to wait. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** A {@link RateBudget} kept in PostgreSQL; `close()` ends the pool it made. */
export interface PostgresRateBudget extends RateBudget {
  /** Ends the pool when the budget made it (not a pool you passed). */
  close(): Promise<void>
}

interface BucketRow {
  tokens: number
  updated_at: string | number
  limit_count: number
  window_ms: string | number
  capacity: number
  rate_per_ms: number
  shrunk_at: string | number
  ceiling: number | null
  floor_count: number | null
  incident_until: string | number | null
  calm_since: string | number | null
}

const stateOf = (row: BucketRow): RateBucketState => ({
  tokens: Number(row.tokens),
  updatedAt: Number(row.updated_at),
  limit: Number(row.limit_count),
  windowMs: Number(row.window_ms),
  capacity: Number(row.capacity),
  ratePerMs: Number(row.rate_per_ms),
  shrunkAt: Number(row.shrunk_at),
  // Rows from before recovery was kept: grow back to what they hold, from now.
  ceiling: Number(row.ceiling ?? row.limit_count),
  floor: Number(row.floor_count ?? 1),
  incidentUntil: Number(row.incident_until ?? 0),
  calmSince: Number(row.calm_since ?? row.updated_at),
})

const timerSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer)
      reject(signal?.reason instanceof Error ? signal.reason : new Error('Aborted'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, ms)
    if (signal?.aborted) abort()
    else signal?.addEventListener('abort', abort, { once: true })
  })

/**
 * One KashFlow account's request budget shared through PostgreSQL by every worker (and every
 * loop) that gives it to its KashFlow client: together they never send more than the budget.
 * Makes the table if the schema lacks it (the same migrations as `postgresStore`).
 * @throws {SyncConfigError} when `limit`/`windowMs` is not a positive number or only one is given
 * @example
 * const rateBudget = await postgresRateBudget({ connectionString: process.env.DATABASE_URL ?? '', account: 'accounts@example.co.uk', limit: 100, windowMs: 1000 })
 * const kashflow = createKashflowClient({ ...credentials, rateBudget })
 */
export async function postgresRateBudget(
  options: PostgresRateBudgetOptions,
): Promise<PostgresRateBudget> {
  const { limit, windowMs } = options
  const positive = (n: number | undefined) => n !== undefined && Number.isFinite(n) && n > 0
  if (
    (limit === undefined) !== (windowMs === undefined) ||
    (limit !== undefined && !positive(limit)) ||
    (windowMs !== undefined && !positive(windowMs))
  )
    throw new SyncConfigError(
      `postgresRateBudget(): give both limit and windowMs as positive numbers (e.g. limit: 100, windowMs: 1000), or neither; got limit ${String(limit)} per ${String(windowMs)} ms.`,
    )
  const pg = await loadStoreDriver('pg', () => import('pg'))
  const PoolCtor = pg.default?.Pool ?? (pg as unknown as { Pool: typeof Pool }).Pool
  const pool = options.pool ?? new PoolCtor({ connectionString: options.connectionString })
  const schema = options.schema ?? 'opayo_kashflow'
  const dialect = postgresDialect(schema)
  const table = dialect.table('rate_budgets')
  const account = options.account ?? 'default'
  const now = options.now ?? Date.now
  const wait = options.sleep ?? timerSleep

  const tx = <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => pgTransaction(pool, fn)

  await migratePostgres(pool, schema)
  const configured = limit !== undefined && windowMs !== undefined
  const seed = newBucket(
    {
      ...(configured ? { limit, windowMs } : KASHFLOW_UNCONFIRMED.defaultRateBudget),
      ...(options.minLimit === undefined ? {} : { minLimit: options.minLimit }),
    },
    now(),
  )
  const columns =
    'account, tokens, updated_at, limit_count, window_ms, capacity, rate_per_ms, shrunk_at, ceiling, floor_count, incident_until, calm_since'
  const returning =
    'tokens, updated_at, limit_count, window_ms, capacity, rate_per_ms, shrunk_at, ceiling, floor_count, incident_until, calm_since'
  const seedValues = (s: RateBucketState) => [
    account,
    s.tokens,
    Math.trunc(s.updatedAt),
    s.limit,
    Math.trunc(s.windowMs),
    s.capacity,
    s.ratePerMs,
    Math.trunc(s.shrunkAt),
    s.ceiling,
    s.floor,
    Math.trunc(s.incidentUntil),
    Math.trunc(s.calmSince),
  ]
  await pool.query(
    `INSERT INTO ${table} (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (account) DO ${
       configured
         ? `UPDATE SET limit_count = EXCLUDED.limit_count, window_ms = EXCLUDED.window_ms,
              capacity = EXCLUDED.capacity, rate_per_ms = EXCLUDED.rate_per_ms,
              tokens = LEAST(${table}.tokens, EXCLUDED.capacity), shrunk_at = 0,
              ceiling = EXCLUDED.ceiling, floor_count = EXCLUDED.floor_count,
              incident_until = 0, calm_since = EXCLUDED.calm_since`
         : 'NOTHING'
     }`,
    seedValues(seed),
  )

  // The last state this process saw: lets `learn` skip answers that cannot change the row.
  let known: RateBucketState = seed
  // Counts the 429s this process learned: a caller that waited through one takes again.
  let refusals = 0

  /** Applies `change` to the row (or the seed) under its lock, at `now()`, and stores the result. */
  const update = (change: (current: RateBucketState, at: number) => RateBucketState) =>
    tx(async (c) => {
      const r = await c.query<BucketRow>(
        `SELECT ${returning} FROM ${table} WHERE account = $1 FOR UPDATE`,
        [account],
      )
      const row = r.rows[0]
      const at = now()
      const next = change(takeTokens(row ? stateOf(row) : seed, 0, at).state, at)
      await c.query(
        `INSERT INTO ${table} (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (account) DO UPDATE SET tokens = EXCLUDED.tokens, updated_at = EXCLUDED.updated_at,
           limit_count = EXCLUDED.limit_count, window_ms = EXCLUDED.window_ms, capacity = EXCLUDED.capacity,
           rate_per_ms = EXCLUDED.rate_per_ms, shrunk_at = EXCLUDED.shrunk_at, ceiling = EXCLUDED.ceiling,
           floor_count = EXCLUDED.floor_count, incident_until = EXCLUDED.incident_until,
           calm_since = EXCLUDED.calm_since`,
        seedValues(next),
      )
      known = next
    })

  const budget: PostgresRateBudget = {
    async take(n = 1, signal) {
      if (signal?.aborted)
        throw signal.reason instanceof Error ? signal.reason : new Error('Aborted')
      // A shrunk budget due to grow: grow it under the row's lock first (the same rule as
      // in memory, `takeTokens`); otherwise a take stays one statement.
      if (recoveryDue(known, now())) await update((current) => current)
      // Refill since updated_at (never for a clock that went back), take n, and return the rest:
      // below zero is the debt this caller waits out. One statement, so workers never interleave.
      const r = await pool.query<BucketRow>(
        `INSERT INTO ${table} AS b (${columns}) VALUES ($1, $2::double precision - $13::double precision, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (account) DO UPDATE SET
           tokens = LEAST(b.capacity, b.tokens + GREATEST(0, EXCLUDED.updated_at - b.updated_at) * b.rate_per_ms) - $13::double precision,
           updated_at = GREATEST(b.updated_at, EXCLUDED.updated_at)
         RETURNING ${returning}`,
        [...seedValues({ ...seed, updatedAt: now() }), n],
      )
      const row = r.rows[0]
      if (!row) return
      known = stateOf(row)
      const waitMs = known.tokens < 0 ? -known.tokens / known.ratePerMs : 0
      if (waitMs <= 0) return
      const before = refusals
      await wait(Math.ceil(waitMs), signal)
      // A 429 came while this caller waited: its slot may fall in the refused time. Take again.
      if (refusals !== before) await budget.take(n, signal)
    },
    async learn(signal: RateSignal) {
      const news =
        signal.status === 429 ||
        (signal.limit !== undefined &&
          (signal.limit !== known.limit ||
            (signal.windowMs !== undefined && signal.windowMs !== known.windowMs))) ||
        (signal.remaining !== undefined && signal.remaining < known.capacity)
      if (!news) return
      if (signal.status === 429) refusals += 1
      await update((current, at) => {
        // No log of requests here: a bucket in debt (callers waiting) was spending its whole plan.
        const saturated = current.tokens < 0
        const planned = Math.floor(current.capacity + current.ratePerMs * current.windowMs)
        return learnRate(current, signal, at, saturated ? planned : undefined)
      })
    },
    async inspect() {
      const r = await pool.query<BucketRow>(
        `SELECT ${returning} FROM ${table} WHERE account = $1`,
        [account],
      )
      const row = r.rows[0]
      const state = takeTokens(row ? stateOf(row) : seed, 0, now()).state
      return {
        limit: state.limit,
        ceiling: state.ceiling,
        windowMs: state.windowMs,
        tokens: state.tokens,
      }
    },
    async close() {
      if (!options.pool) await pool.end()
    },
  }
  return budget
}
