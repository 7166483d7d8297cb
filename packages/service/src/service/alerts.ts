// An optional webhook that tells operators when money stops moving: a dead-lettered event, health
// turning degraded or recovering. Sending never blocks the caller: one background loop POSTs one
// message at a time, retries what the receiver may take later, and drops (and then reports) what a
// storm would send beyond the rate limit, so 500 dead letters are a handful of posts and a count.
import { SyncConfigError } from '@opayo-kashflow/sync'
import type { SyncLogger } from '@opayo-kashflow/sync'

/**
 * The JSON body POSTed to the alert webhook.
 * - `dead_lettered`: `detail` has `id`, `reason`, and `vendorTxCode`, `invoice` when known.
 * - `health_degraded` / `health_recovered`: `detail.reasons`, the health reasons now.
 * - `alerts_dropped`: sent by the sender itself; `detail.count` alerts were dropped by the rate
 *   limit or a full queue, `detail.byType` counts them by type.
 * @example
 * const message: AlertMessage = {
 *   type: 'dead_lettered',
 *   at: new Date().toISOString(),
 *   service: 'opayo-kashflow',
 *   summary: 'Payment event opayo:server:ABC dead-lettered: invoice_not_found',
 *   detail: { id: 'opayo:server:ABC', reason: 'invoice_not_found', invoice: 1042 },
 * }
 */
export interface AlertMessage {
  readonly type: 'dead_lettered' | 'health_degraded' | 'health_recovered' | 'alerts_dropped'
  /** When it happened, an ISO 8601 time. */
  readonly at: string
  /** Which service sent it (a configured name, or `opayo-kashflow`). */
  readonly service: string
  /** One sentence for a person. */
  readonly summary: string
  readonly detail: Readonly<Record<string, unknown>>
}

/**
 * Where and how alerts are sent. The numbers are optional; the defaults are documented.
 * @example
 * const options: AlertOptions = {
 *   url: 'https://alerts.example/hooks/opayo-kashflow',
 *   headers: { authorization: 'Bearer token-from-the-receiver' },
 *   maxPerMinute: 10,
 * }
 */
export interface AlertOptions {
  /** The webhook: an `http:` or `https:` URL without a user name or password. */
  readonly url: string | URL
  /**
   * Sent with every POST, e.g. `authorization` for the receiving end. Their values are never
   * logged nor put in an error message.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * At most this many alerts are POSTed in any 60 s. More are dropped and counted, and one
   * `alerts_dropped` reports the count once the minute allows. @default 20
   */
  readonly maxPerMinute?: number | undefined
  /**
   * How often a POST answered 5xx or 429, refused, or timed out is tried again (backoff 1 s, 2 s,
   * 4 s ... at most 60 s; a 429's Retry-After, at most 60 s) before the alert is dropped and
   * logged. 0 never retries. @default 5
   */
  readonly retries?: number | undefined
  /** Each POST is given up after this long (and retried). @default 5000 */
  readonly timeoutMs?: number | undefined
  /** At most this many alerts wait to be sent; more are dropped and counted. @default 100 */
  readonly maxQueued?: number | undefined
}

/**
 * Sends alerts in the background.
 * @example
 * const alerts: AlertSender = createAlertSender({ url: 'https://alerts.example/hook' })
 * alerts.send({
 *   type: 'health_recovered',
 *   at: new Date().toISOString(),
 *   service: 'opayo-kashflow',
 *   summary: 'Health recovered',
 *   detail: { reasons: [] },
 * })
 * await alerts.close()
 */
export interface AlertSender {
  /** Queues the alert (or drops and counts it) and returns at once. Never throws. */
  send(message: AlertMessage): void
  /**
   * Resolves when nothing is left to send: the queue is empty, and a pending `alerts_dropped` is
   * sent (which waits for the rate window). Never rejects.
   */
  flush(): Promise<void>
  /**
   * Stops accepting alerts, waits for the POST in flight (at most its timeout; no more retries),
   * drops the rest and logs how many at warn. Never rejects.
   */
  close(): Promise<void>
}

const WINDOW_MS = 60_000
const MAX_WAIT_MS = 60_000
const BASE_BACKOFF_MS = 1_000
const DEFAULT_SERVICE = 'opayo-kashflow'

/** The outcome of one POST. */
type Attempt =
  | { readonly kind: 'delivered' }
  | {
      readonly kind: 'retry'
      readonly status?: number
      readonly error?: string
      readonly waitMs?: number
    }
  | { readonly kind: 'refused'; readonly status: number }

const positiveInteger = (name: string, value: number | undefined, fallback: number, min = 1) => {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min)
    throw new SyncConfigError(
      `alerts.${name} must be ${min === 0 ? 'a whole number, 0 or more' : 'a positive whole number'} (got ${String(value)}).`,
    )
  return value
}

/** The webhook URL, checked; the message never repeats the URL (it may carry a token). */
function webhookUrl(value: string | URL): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new SyncConfigError(
      'alerts.url is not a URL: give the webhook as http(s)://host/path, e.g. https://alerts.example/hook.',
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SyncConfigError(
      `alerts.url must be an http: or https: URL (got ${JSON.stringify(url.protocol)}).`,
    )
  if (url.username !== '' || url.password !== '')
    throw new SyncConfigError(
      'alerts.url must not carry a user name or password: give credentials in alerts.headers, e.g. { authorization: "Bearer ..." }.',
    )
  return url
}

/** The headers, checked one by one so a bad value is named by its header, never shown. */
function webhookHeaders(headers: Readonly<Record<string, string>> | undefined): Headers {
  const result = new Headers()
  for (const [name, value] of Object.entries(headers ?? {})) {
    try {
      if (typeof value !== 'string') throw new TypeError('not a string')
      result.set(name, value)
    } catch {
      throw new SyncConfigError(
        `alerts.headers: the header ${JSON.stringify(name)} has an invalid name or value (the value is not shown).`,
      )
    }
  }
  result.set('content-type', 'application/json')
  return result
}

/** A Retry-After header (seconds or an HTTP date) as milliseconds, at most `MAX_WAIT_MS`. */
function retryAfter(header: string | null, now: number): number | undefined {
  const text = header?.trim() ?? ''
  if (text === '') return undefined
  let ms: number
  if (/^\d+$/.test(text)) ms = Number(text) * 1000
  else {
    const date = Date.parse(text)
    if (Number.isNaN(date)) return undefined
    ms = Math.max(0, date - now)
  }
  return Math.min(ms, MAX_WAIT_MS)
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref?.()
  })

/**
 * Makes an alert sender for the webhook in `options`. Delivery: a 2xx is delivered; a 5xx, a 429
 * (after its Retry-After), a network error or a timeout is retried with backoff up to `retries`
 * times; any other 4xx is not retried. An alert not delivered is logged once at error
 * (`alert not delivered`, with its type, the attempts and the status or error name) and dropped.
 * `now` and `sleep` must agree (a test's virtual clock advances when its sleep resolves).
 * @throws {SyncConfigError} when the URL is not http(s), carries credentials, a header is invalid,
 *   or a number is not a positive whole number (`retries` may be 0)
 * @example
 * const alerts = createAlertSender({
 *   url: 'https://alerts.example/hooks/opayo-kashflow',
 *   headers: { authorization: 'Bearer token-from-the-receiver' },
 *   logger,
 * })
 * alerts.send({
 *   type: 'dead_lettered',
 *   at: new Date().toISOString(),
 *   service: 'opayo-kashflow',
 *   summary: 'Payment event opayo:server:ABC dead-lettered: invoice_not_found',
 *   detail: { id: 'opayo:server:ABC', reason: 'invoice_not_found' },
 * })
 * await alerts.flush()
 */
export function createAlertSender(
  options: AlertOptions & {
    readonly fetch?: typeof fetch | undefined
    readonly now?: (() => number) | undefined
    readonly sleep?: ((ms: number) => Promise<void>) | undefined
    readonly logger?: SyncLogger | undefined
  },
): AlertSender {
  const url = webhookUrl(options.url)
  const headers = webhookHeaders(options.headers)
  const maxPerMinute = positiveInteger('maxPerMinute', options.maxPerMinute, 20)
  const retries = positiveInteger('retries', options.retries, 5, 0)
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs, 5_000)
  const maxQueued = positiveInteger('maxQueued', options.maxQueued, 100)
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const receiver = url.origin

  /** A logger that throws must not stop the loop. */
  const log = (level: keyof SyncLogger, message: string, fields: Record<string, unknown>) => {
    try {
      options.logger?.[level]?.(message, { ...fields, receiver })
    } catch {
      // The log is best effort.
    }
  }

  const queue: AlertMessage[] = []
  /** When alerts were accepted (or a drop summary was sent), oldest first: the rate window. */
  const accepted: number[] = []
  /** When POSTs of alerts began (first attempts), oldest first. */
  const posted: number[] = []
  let dropped = 0
  let droppedByType: Record<string, number> = {}
  let droppedService = DEFAULT_SERVICE
  let closed = false
  let running: Promise<void> | undefined
  let closing: Promise<void> | undefined
  /** Ends the loop's current pause (close() calls it). */
  let wake: (() => void) | undefined

  /** How many of `times` fall in the last minute (older ones are forgotten). */
  const inWindow = (times: number[], at: number) => {
    while (times.length > 0 && (times[0] ?? 0) <= at - WINDOW_MS) times.shift()
    return times.length
  }
  /** How long until `times` has fewer than `limit` in the window. */
  const waitFor = (times: number[], limit: number) => {
    const at = now()
    if (inWindow(times, at) < limit) return 0
    return Math.max(1, (times[times.length - limit] ?? at) + WINDOW_MS - at)
  }
  /** Sleeps, or returns early when the sender closes. Only the loop pauses, once at a time. */
  const pause = (ms: number, by: (ms: number) => Promise<void> = sleep) =>
    new Promise<void>((resolve) => {
      wake = resolve
      new Promise<void>((slept) => slept(by(ms))).then(
        () => resolve(),
        () => resolve(),
      )
    }).finally(() => (wake = undefined))
  /**
   * Waits for the rate window. A sleep that does not move the clock (a fixed test clock) would
   * spin the loop: then it waits in real time as well, at most a second a turn.
   */
  const waitWindow = async (ms: number) => {
    const before = now()
    await pause(ms)
    if (!closed && now() === before) await pause(Math.min(ms, 1_000), defaultSleep)
  }

  async function attempt(body: string): Promise<Attempt> {
    let response: Response
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error'
      return { kind: 'retry', error: name }
    }
    // The body is not read: the socket is released.
    void response.body?.cancel().catch(() => undefined)
    const status = response.status
    if (status >= 200 && status < 300) return { kind: 'delivered' }
    if (status === 429) {
      const waitMs = retryAfter(response.headers.get('retry-after'), now())
      return { kind: 'retry', status, ...(waitMs === undefined ? {} : { waitMs }) }
    }
    if (status >= 500) return { kind: 'retry', status }
    return { kind: 'refused', status }
  }

  async function deliver(message: AlertMessage): Promise<void> {
    const type = (message as Partial<AlertMessage> | null | undefined)?.type
    let body: string | undefined
    let unsendable = 'TypeError'
    try {
      if (typeof message === 'object' && message !== null) body = JSON.stringify(message)
    } catch (error) {
      if (error instanceof Error) unsendable = error.name
    }
    if (body === undefined) {
      log('error', 'alert not delivered', { type, attempts: 0, error: unsendable })
      return
    }
    for (let attempts = 1; ; attempts++) {
      const outcome = await attempt(body)
      if (outcome.kind === 'delivered') return
      const final = outcome.kind === 'refused' || attempts > retries
      if (!final && !closed) {
        const backoff = Math.min(BASE_BACKOFF_MS * 2 ** (attempts - 1), MAX_WAIT_MS)
        await pause(outcome.waitMs ?? backoff)
        if (!closed) continue
      }
      const why =
        outcome.kind === 'refused' || outcome.status !== undefined
          ? { status: outcome.status }
          : { error: outcome.error }
      // Closing stops the retries of the alert in flight.
      log('error', 'alert not delivered', {
        type,
        attempts,
        ...why,
        ...(final ? {} : { closed: true }),
      })
      return
    }
  }

  const summaryOf = (count: number, byType: Record<string, number>): AlertMessage => ({
    type: 'alerts_dropped',
    at: new Date(now()).toISOString(),
    service: droppedService,
    summary: `${count} alert${count === 1 ? ' was' : 's were'} dropped (more than ${maxPerMinute} a minute, or more than ${maxQueued} waiting): ${Object.entries(
      byType,
    )
      .map(([type, n]) => `${n} ${type}`)
      .join(', ')}.`,
    detail: { count, byType },
  })

  async function loop(): Promise<void> {
    while (!closed) {
      if (queue.length > 0) {
        const wait = waitFor(posted, maxPerMinute)
        if (wait > 0) {
          await waitWindow(wait)
          continue
        }
        const message = queue.shift() as AlertMessage
        posted.push(now())
        await deliver(message)
        continue
      }
      if (dropped === 0) return
      // Sending is possible again once the minute has room for the summary.
      const wait = Math.max(waitFor(accepted, maxPerMinute), waitFor(posted, maxPerMinute))
      if (wait > 0) {
        await waitWindow(wait)
        continue
      }
      const summary = summaryOf(dropped, droppedByType)
      dropped = 0
      droppedByType = {}
      accepted.push(now())
      posted.push(now())
      await deliver(summary)
    }
  }

  const kick = () => {
    if (running || closed) return
    running = Promise.resolve()
      .then(loop)
      .then(
        () => true,
        () => false,
      )
      .then((finished) => {
        running = undefined
        // An alert accepted as the loop ended (not after a clock that threw: no spinning).
        if (finished && !closed && (queue.length > 0 || dropped > 0)) kick()
      })
  }

  return {
    send(message) {
      try {
        if (closed) return
        // A pending drop summary holds one place in the minute, so a steady storm cannot starve it.
        const room = maxPerMinute - inWindow(accepted, now()) - (dropped > 0 ? 1 : 0)
        if (room <= 0 || queue.length >= maxQueued) {
          dropped++
          const type = String((message as Partial<AlertMessage> | undefined)?.type)
          droppedByType[type] = (droppedByType[type] ?? 0) + 1
          const service = (message as Partial<AlertMessage> | undefined)?.service
          if (typeof service === 'string' && service !== '') droppedService = service
        } else {
          accepted.push(now())
          queue.push(message)
        }
        kick()
      } catch {
        // Never throws: an alert must not break what raised it.
      }
    },
    async flush() {
      while (running) await running
    },
    close() {
      if (closing) return closing
      closed = true
      const queued = queue.length
      const unreported = dropped
      queue.length = 0
      dropped = 0
      wake?.()
      closing = (async () => {
        while (running) await running
        if (queued + unreported > 0)
          log('warn', 'alerts dropped at close', { count: queued + unreported, queued, unreported })
      })()
      return closing
    },
  }
}

/**
 * Turns two successive health polls into an alert: `degraded` when a reason appears that the
 * previous poll did not have (including the first degraded poll), `recovered` when the reasons
 * empty out after some, otherwise undefined (no change, or fewer reasons but still degraded).
 * @example
 * const change = healthTransition(['dead_letters'], ['dead_letters', 'kashflow_refusing']) // 'degraded'
 */
export function healthTransition(
  previous: readonly string[] | undefined,
  current: readonly string[],
): 'degraded' | 'recovered' | undefined {
  const before = new Set(previous ?? [])
  if (current.length === 0) return before.size > 0 ? 'recovered' : undefined
  return current.some((reason) => !before.has(reason)) ? 'degraded' : undefined
}
