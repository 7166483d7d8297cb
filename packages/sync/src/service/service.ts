import { CanonicalPaymentSchema, isCurrencyCode, money, parseAmount } from '@opayo-kashflow/core'
import type { CanonicalPayment, Money } from '@opayo-kashflow/core'
import {
  PiTransactionSchema,
  createServerNotificationHandler,
  decryptFormCrypt,
  memoryReplyStore,
  parseFormReturn,
  toCanonicalPayment,
} from '@opayo-kashflow/opayo'
import type { OpayoPiClient, OpayoReportingClient, Registration } from '@opayo-kashflow/opayo'
import { z } from 'zod'
import { createSyncEngine } from '../engine/engine.js'
import type { SyncEngineOptions } from '../engine/engine.js'
import { reconcile } from './reconcile.js'
import type { Reconciliation } from './reconcile.js'
import { statusPage } from './status-page.js'

/** What the shop stored at registration; `amount` may be absent when the Reporting API can supply it. */
export type ServiceRegistration = Omit<Registration, 'amount' | 'securityKey'> & {
  readonly securityKey: string
  readonly amount?: Money
}

export interface SyncServiceOptions extends SyncEngineOptions {
  readonly opayo: {
    /** Your Opayo vendor name. */
    readonly vendorName: string
    /** The registration stored per VendorTxCode (SecurityKey; amount and customer when known). */
    readonly lookupRegistration: (
      vendorTxCode: string,
    ) => ServiceRegistration | undefined | Promise<ServiceRegistration | undefined>
    /** Form integration password, to accept Form returns. @default none (route answers 404) */
    readonly formPassword?: string
    /**
     * Reporting client: enrichment of notifications without an amount, confirmation of Form
     * returns, polling, backfill, reconciliation.
     */
    readonly reporting?: OpayoReportingClient
    /** Pi client: Pi results handed over by your app are re-read from Opayo before they count. */
    readonly pi?: OpayoPiClient
  }
  /**
   * Bearer token your app must send to `POST /pi/transactions` (`Authorization: Bearer ...`).
   * Without it the route is open to anyone who can reach the service: keep it internal.
   * @default none
   */
  readonly handoverToken?: string
  /** Where Opayo sends the shopper after a notification; `{vendorTxCode}` is replaced. */
  readonly redirectUrl: string
  /** Where Form returns send the shopper (`{vendorTxCode}`, `{status}` replaced). @default redirectUrl */
  readonly formRedirectUrl?: string
  /** Reporting poll: every `intervalMs` over the trailing `windowMs`. `false` turns it off. @default { intervalMs: 15 min, windowMs: 48 h } */
  readonly poll?: { readonly intervalMs?: number; readonly windowMs?: number } | false
  /** Path prefix of every route. @default '' */
  readonly basePath?: string
  /** Title of the status page. @default 'opayo-kashflow' */
  readonly title?: string
}

const PiHandoverSchema = z.object({
  transaction: z.unknown(),
  vendorTxCode: z.string(),
  requested: z.object({ amount: z.number().int(), currency: z.string() }).optional(),
  relatedTransactionId: z.string().optional(),
  /** A release made with `instructions.create(id, { instructionType: 'release', amount })`. */
  release: z.object({ amount: z.number().int().positive() }).optional(),
})

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  })

/**
 * The sync service: the engine plus Opayo's ways in. One web-standard handler serves
 * `POST /opayo/notify` (Server notifications: ingested durably before OK is replied),
 * `GET /opayo/form-return?crypt=` (Form returns), `POST /pi/transactions` (apps hand over Pi
 * results), `GET /health` (JSON status) and `GET /` (HTML status page). A Reporting poller
 * catches anything a push missed.
 * @example
 * const service = createSyncService({ ...engineOptions, opayo: { vendorName, lookupRegistration, reporting }, redirectUrl })
 * await listen(service.handler, { port: 8080 }) // from @opayo-kashflow/sync/node
 * service.start()
 */
export function createSyncService(options: SyncServiceOptions) {
  const engine = createSyncEngine(options)
  const now = () => (options.clock ?? Date).now()
  const base = (options.basePath ?? '').replace(/\/$/, '')
  const reporting = options.opayo.reporting
  const pollIntervalMs = (options.poll ? options.poll.intervalMs : undefined) ?? 15 * 60_000
  const pollWindowMs = (options.poll ? options.poll.windowMs : undefined) ?? 48 * 3_600_000
  let pollTimer: ReturnType<typeof setInterval> | undefined

  const fill = (template: string, values: Record<string, string>) =>
    template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(values[k] ?? ''))

  const notify = createServerNotificationHandler({
    vendorName: options.opayo.vendorName,
    async lookupRegistration(vendorTxCode) {
      const registration = await options.opayo.lookupRegistration(vendorTxCode)
      if (!registration) return undefined
      if (registration.amount) return { ...registration, amount: registration.amount }
      // No amount stored: ask the Reporting API. If it cannot say, Opayo gets ERROR and resends.
      if (!reporting)
        throw new Error(
          `No amount registered for ${vendorTxCode} and no Reporting client configured.`,
        )
      const tx = await reporting.transactions.get({ vendorTxCode })
      const amount = tx.amount && tx.currency ? parseAmount(tx.amount, tx.currency) : undefined
      if (!amount?.ok) throw new Error(`The Reporting API has no amount for ${vendorTxCode}.`)
      return { ...registration, amount: amount.value }
    },
    async onNotification({ payment, notification }) {
      const result = await engine.ingest(payment)
      if (result.outcome === 'conflict') throw new Error('conflicting notification') // answered ERROR
      return fill(options.redirectUrl, { vendorTxCode: notification.VendorTxCode })
    },
    redirectUrl: fill(options.redirectUrl, { vendorTxCode: '' }),
    // Replies are a pure function of the notification, and ingest is idempotent, so a repeat after
    // a restart still gets the same answer.
    replies: memoryReplyStore(),
    now: () => new Date(now()),
  })

  async function formReturn(request: Request): Promise<Response> {
    if (!options.opayo.formPassword)
      return json(404, { error: 'Form integration is not configured.' })
    const crypt = new URL(request.url).searchParams.get('crypt') ?? ''
    let fields: Record<string, string>
    try {
      fields = decryptFormCrypt(crypt, options.opayo.formPassword)
    } catch (error) {
      return json(400, { error: (error as Error).message })
    }
    const parsed = parseFormReturn(fields)
    if (!parsed.ok) return json(400, { error: 'Malformed Form return', issues: parsed.issues })
    const registration = await options.opayo.lookupRegistration(parsed.value.VendorTxCode)
    const currency = registration?.amount?.currency ?? 'GBP'
    const payment = toCanonicalPayment({
      protocol: 'form',
      formReturn: parsed.value,
      currency,
      ...(registration?.customer ? { customer: registration.customer } : {}),
      receivedAt: new Date(now()).toISOString(),
    })
    // A Form return travels through the shopper's browser and carries no signature (only
    // encryption): when the Reporting API can confirm it, ingest Opayo's own record instead.
    let confirmed: CanonicalPayment | undefined
    if (reporting) {
      const row = await reporting.transactions
        .get({ vpsTxId: parsed.value.VPSTxId })
        .catch(() => undefined)
      const fromReporting = row
        ? toCanonicalPayment({ protocol: 'reporting', transaction: row })
        : undefined
      if (fromReporting?.ok) confirmed = fromReporting.value
    }
    const outcome = confirmed
      ? await engine.ingest(confirmed)
      : payment.ok
        ? await engine.ingest(payment.value)
        : await engine.ingest({ formReturn: fields })
    const target = fill(options.formRedirectUrl ?? options.redirectUrl, {
      vendorTxCode: parsed.value.VendorTxCode,
      status: parsed.value.Status,
    })
    return new Response(null, {
      status: 303,
      headers: { location: target, 'x-opayo-kashflow': outcome.outcome },
    })
  }

  async function piHandover(request: Request): Promise<Response> {
    if (
      options.handoverToken !== undefined &&
      request.headers.get('authorization') !== `Bearer ${options.handoverToken}`
    ) {
      return json(401, { error: 'A valid Authorization: Bearer token is required.' })
    }
    const body = PiHandoverSchema.safeParse(await request.json().catch(() => undefined))
    if (!body.success)
      return json(400, {
        error: 'Expected { transaction, vendorTxCode, requested?, release? }',
        issues: body.error.issues,
      })
    const parsedTransaction = PiTransactionSchema.safeParse(body.data.transaction)
    if (!parsedTransaction.success)
      return json(400, { error: 'Not a Pi transaction', issues: parsedTransaction.error.issues })
    let transaction = parsedTransaction.data
    if (options.opayo.pi) {
      // Trust Opayo, not the caller: re-read the transaction from Pi.
      const fresh = await options.opayo.pi.transactions
        .get(transaction.transactionId)
        .catch(() => undefined)
      if (!fresh)
        return json(422, { error: `Opayo does not know transaction ${transaction.transactionId}.` })
      transaction = fresh
    }
    const requested =
      body.data.requested && isCurrencyCode(body.data.requested.currency)
        ? { amount: money(body.data.requested.amount, body.data.requested.currency) }
        : undefined
    const converted = toCanonicalPayment({
      protocol: 'pi',
      transaction,
      vendorTxCode: body.data.vendorTxCode,
      ...(requested ? { requested } : {}),
      ...(body.data.relatedTransactionId
        ? { relatedTransactionId: body.data.relatedTransactionId }
        : {}),
      receivedAt: new Date(now()).toISOString(),
    })
    let payment: unknown = converted.ok
      ? converted.value
      : { handover: body.data, issues: converted.issues }
    if (converted.ok && body.data.release) {
      // The release is its own money movement: a capture of the deferred authorisation.
      const p: CanonicalPayment = converted.value
      payment = CanonicalPaymentSchema.parse({
        ...p,
        id: p.id.replace(/:authorisation$/, ':capture'),
        kind: 'capture',
        amount: { amount: body.data.release.amount, currency: p.amount.currency },
        source: { ...p.source, relatedTransactionId: p.source.transactionId },
      })
    }
    const result = await engine.ingest(payment)
    return json(result.outcome === 'conflict' ? 409 : 202, result)
  }

  async function handler(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname
    const route = base && path.startsWith(base) ? path.slice(base.length) || '/' : path
    try {
      if (route === '/opayo/notify') return await notify(request)
      if (route === '/opayo/form-return' && request.method === 'GET')
        return await formReturn(request)
      if (route === '/pi/transactions' && request.method === 'POST')
        return await piHandover(request)
      if (route === '/health' && request.method === 'GET') {
        const status = await engine.status()
        return json(200, { ok: status.paused === undefined, ...status })
      }
      if (route === '/' && request.method === 'GET') {
        const [status, dead, recent] = await Promise.all([
          engine.status(),
          engine.deadLetters.list({ limit: 100 }),
          options.store.list({ states: ['posted', 'skipped', 'waiting'] }),
        ])
        const html = statusPage({
          status,
          dead,
          recent: recent.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, 25),
          ...(options.title ? { title: options.title } : {}),
        })
        return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
      }
      return json(404, { error: `No route for ${request.method} ${path}` })
    } catch (error) {
      options.logger?.error?.('service route failed', { path, error: (error as Error).message })
      return json(500, { error: 'Internal error' })
    }
  }

  /** Pulls Reporting transactions in a range and ingests each; duplicates of pushed events are recognised. */
  async function backfill(input: {
    from: Date
    to: Date
    onProgress?: (done: number) => void
  }): Promise<{ seen: number; received: number; duplicates: number; invalid: number }> {
    if (!reporting) throw new Error('backfill needs a Reporting client (opayo.reporting).')
    const totals = { seen: 0, received: 0, duplicates: 0, invalid: 0 }
    for await (const row of reporting.transactions.list({ from: input.from, to: input.to })) {
      totals.seen += 1
      const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
      if (!payment.ok) {
        totals.invalid += 1
        continue
      }
      const result = await engine.ingest(payment.value)
      if (result.outcome === 'received') totals.received += 1
      else totals.duplicates += 1
      input.onProgress?.(totals.seen)
    }
    return totals
  }

  async function reconcileRange(input: { from: Date; to: Date }): Promise<Reconciliation> {
    if (!reporting) throw new Error('reconcile needs a Reporting client (opayo.reporting).')
    const payments: CanonicalPayment[] = []
    for await (const row of reporting.transactions.list(input)) {
      const payment = toCanonicalPayment({ protocol: 'reporting', transaction: row })
      if (payment.ok) payments.push(payment.value)
    }
    return reconcile({
      payments,
      store: options.store,
      kashflow: options.kashflow,
      references: options.references,
      ...input,
    })
  }

  return {
    engine,
    /** `(Request) => Promise<Response>` for every route. */
    handler,
    backfill,
    reconcile: reconcileRange,
    /** One Reporting poll over the trailing window. */
    poll: () => backfill({ from: new Date(now() - pollWindowMs), to: new Date(now()) }),
    /** Starts the worker loop and the Reporting poller. */
    start(input: { readonly concurrency?: number } = {}): void {
      engine.start(input)
      if (reporting && options.poll !== false) {
        pollTimer = setInterval(() => {
          backfill({ from: new Date(now() - pollWindowMs), to: new Date(now()) }).catch(
            (error: unknown) =>
              options.logger?.warn?.('reporting poll failed', { error: (error as Error).message }),
          )
        }, pollIntervalMs)
        pollTimer.unref?.()
      }
    },
    async stop(): Promise<void> {
      if (pollTimer) clearInterval(pollTimer)
      await engine.stop()
    },
  }
}

/** The sync service's public shape. */
export type SyncService = ReturnType<typeof createSyncService>
