// Fault injection for the fake KashFlow: queued faults, random ones (chaos), downtime, and the
// dropped connection after a committed write.
import { error } from './http.js'
import type { FakeKashflowFault } from './types.js'

/**
 * Thrown by `fake.fetch` to simulate a connection that drops after the write was committed.
 * @example
 * const failures: unknown[] = []
 * const kashflow = createKashflowClient({ ...credentials, fetch: (input, init) => fake.fetch(input, init).catch((e: unknown) => { failures.push(e); throw e }) })
 * fake.commitThenDropNextWrite()
 * await kashflow.customers.create({ name: 'Sam Jones' }).catch(() => undefined) // the client sees a lost connection
 * expect(failures[0]).toBeInstanceOf(DroppedConnectionError)
 */
export class DroppedConnectionError extends TypeError {
  readonly dropped = true
  constructor() {
    super('fetch failed: the connection was reset after the request was processed')
  }
}

/**
 * What `fake.chaos` takes: each request after login fails with `probability`, with a fault drawn
 * from `kinds`.
 * @example const options: KashflowChaos = { probability: 0.1, kinds: [{ kind: 'sql-timeout' }] }
 */
export interface KashflowChaos {
  readonly probability: number
  readonly kinds: readonly FakeKashflowFault[]
  readonly random?: () => number
}

/**
 * The faults in force: the queue, chaos and downtime. The fake asks it, per request, whether
 * KashFlow is down and which fault (if any) to serve.
 * @example
 * const faults = new KashflowFaults()
 * faults.inject({ kind: 'status', status: 503 })
 */
export class KashflowFaults {
  #queue: FakeKashflowFault[] = []
  #chaos: KashflowChaos | undefined
  #down: { from: number; to: number } | undefined

  /** Serve these faults, one per request (after login), before answering normally again. */
  inject(...faults: FakeKashflowFault[]): void {
    this.#queue.push(...faults)
  }

  /** Answer every request with 503 between these instants. */
  downtime(from: number, to: number): void {
    this.#down = { from, to }
  }

  /** Random faults; `undefined` turns chaos off. */
  chaos(options: KashflowChaos | undefined): void {
    this.#chaos = options
  }

  /** No queued fault, no chaos, no downtime. */
  clear(): void {
    this.#chaos = undefined
    this.#queue = []
    this.#down = undefined
  }

  /** The 503 to answer while down at `now`, else `undefined`. */
  downAt(now: number): Response | undefined {
    return this.#down && now >= this.#down.from && now < this.#down.to
      ? error(503, 'ServiceUnavailable', 'KashFlow is unavailable')
      : undefined
  }

  /**
   * The fault to serve this request, taken off the queue (chaos may add one first when the
   * queue is empty). A commit-then-drop waits for a write.
   */
  next(write: boolean): FakeKashflowFault | undefined {
    if (this.#queue.length === 0 && this.#chaos) {
      const random = this.#chaos.random ?? Math.random
      if (random() < this.#chaos.probability) {
        const kind = this.#chaos.kinds[Math.floor(random() * this.#chaos.kinds.length)]
        if (kind && (kind.kind !== 'commit-then-drop' || write)) this.#queue.push(kind)
      }
    }
    const fault = this.#queue[0]
    if (!fault || (fault.kind === 'commit-then-drop' && !write)) return undefined
    this.#queue.shift()
    return fault
  }
}

/**
 * Serves one fault: its answer, or, for a commit-then-drop, the write applied (`apply`) and then
 * the connection dropped (a refused write is answered as it is).
 * @example const answer = serveFault({ kind: 'sql-timeout' }, () => new Response(null))
 */
export function serveFault(
  fault: FakeKashflowFault,
  apply: () => Response,
): Response | DroppedConnectionError {
  if (fault.kind === 'status')
    return error(fault.status, 'ServerError', 'Injected failure', fault.headers ?? {})
  if (fault.kind === 'rate-limit')
    return error(429, 'TooManyRequests', 'Slow down', { 'retry-after': fault.retryAfter })
  if (fault.kind === 'sql-timeout') {
    return error(
      400,
      '-2146232060',
      'Execution Timeout Expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.',
    )
  }
  const applied = apply()
  return applied.status < 300 ? new DroppedConnectionError() : applied
}
