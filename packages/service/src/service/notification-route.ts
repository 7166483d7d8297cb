// Signed Server notifications: `POST /opayo/notify`. The only route that moves money: the
// notification is verified with the SecurityKey of its stored registration (amount, currency and
// type come from that registration), stored with its reply in one transaction, and only then
// answered. A repeat gets the stored reply, byte for byte.
import {
  CanonicalCustomerSchema,
  isCurrencyCode,
  money,
  normaliseTransactionId,
} from '@opayo-kashflow/core'
import { createServerNotificationHandler } from '@opayo-kashflow/opayo'
import type {
  Registration,
  ReplyStore,
  ServerNotificationHandlerEvent,
  ServerNotificationStatus,
} from '@opayo-kashflow/opayo'
import type {
  IngestInput,
  RegistrationRecord,
  Store,
  SyncEngine,
  SyncLogger,
} from '@opayo-kashflow/sync'
import {
  mediaType,
  methodNotAllowed,
  readBodyLimited,
  tooLarge,
  unsupportedMediaType,
} from './http.js'

/**
 * Internal: a template's `{name}` placeholders replaced by the URL-encoded values (missing: empty).
 * @example fillTemplate('https://shop.example/thanks?order={vendorTxCode}', { vendorTxCode: 'INV-1' })
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(values[k] ?? ''))
}

const registrationFor = (
  record: RegistrationRecord,
): (Registration & { securityKey: string }) | undefined => {
  if (!record.securityKey || !isCurrencyCode(record.currency)) return undefined
  const customer = CanonicalCustomerSchema.safeParse(record.customer)
  return {
    securityKey: record.securityKey,
    amount: money(record.amount, record.currency),
    txType: record.txType,
    ...(customer.success && record.customer !== undefined ? { customer: customer.data } : {}),
    ...(record.invoiceReference ? { invoiceReference: record.invoiceReference } : {}),
    ...(record.relatedTransactionId ? { relatedTransactionId: record.relatedTransactionId } : {}),
    ...(record.vpsTxId ? { vpsTxId: record.vpsTxId } : {}),
  }
}

/** A notification's reply, stored in the same transaction as its event. */
type PendingReply = NonNullable<IngestInput['reply']>

/** Internal: carries a notification's reply into the engine's write of its event. */
export interface ReplyCarrier {
  /** The store the engine writes through: an ingest with a reply in hand stores both at once. */
  readonly store: Store
  /** Runs `ingest` (the engine's, for payment `id`) with `reply` carried into its store write. */
  carry<T extends { readonly outcome: string }>(
    id: string,
    reply: PendingReply,
    ingest: () => Promise<T>,
  ): Promise<{ readonly result: T; readonly stored: boolean }>
}

/**
 * Internal: the reply carrier over `store`. One commit (one group-commit wait on SQLite) makes the
 * event and its reply durable before Opayo is answered.
 */
export function createReplyCarrier(store: Store): ReplyCarrier {
  // A notification's reply is stored in the same transaction as its event: the route hands it
  // over here, keyed by the payment id, and the engine's store adds it to that ingest. One commit
  // (one group-commit wait on SQLite) then makes both durable before Opayo is answered.
  const pendingReplies = new Map<
    string,
    { readonly reply: NonNullable<IngestInput['reply']>; stored: boolean }
  >()
  // Every other method is called on the store itself, never inherited through a prototype: a
  // store written as a class with private #fields only answers calls made on its own instance.
  const engineStore: Store = {
    ingest: async (input) => {
      const pending = pendingReplies.get(input.id)
      if (!pending) return store.ingest(input)
      const result = await store.ingest({ ...input, reply: pending.reply })
      // A conflict stores no reply (a settled PENDING payment is superseded afterwards).
      if (result.outcome !== 'conflict') pending.stored = true
      return result
    },
    claim: (input) => store.claim(input),
    heartbeat: (input) => store.heartbeat(input),
    transition: (input) => store.transition(input),
    release: (input) => store.release(input),
    ledgerBegin: (input) => store.ledgerBegin(input),
    ledgerRefused: (input) => store.ledgerRefused(input),
    ledgerComplete: (input) => store.ledgerComplete(input),
    ledger: (eventId) => store.ledger(eventId),
    get: (id) => store.get(id),
    attempts: (id) => store.attempts(id),
    list: (filter) => store.list(filter),
    supersede: (input) => store.supersede(input),
    requeue: (input) => store.requeue(input),
    discard: (input) => store.discard(input),
    stats: () => store.stats(),
    saveRegistration: (record) => store.saveRegistration(record),
    getRegistration: (vendorTxCode) => store.getRegistration(vendorTxCode),
    importRegistrations: (records) => store.importRegistrations(records),
    getReply: (key) => store.getReply(key),
    importFeeStatement: (input) => store.importFeeStatement(input),
    feeStatementRows: () => store.feeStatementRows(),
    importBankStatement: (input) => store.importBankStatement(input),
    bankStatementLines: (input) => store.bankStatementLines(input),
    saveReply: (input) => store.saveReply(input),
    close: () => store.close(),
  }
  return {
    store: engineStore,
    async carry(id, reply, ingest) {
      const pending = { reply, stored: false }
      pendingReplies.set(id, pending)
      try {
        const result = await ingest()
        return { result, stored: pending.stored }
      } finally {
        if (pendingReplies.get(id) === pending) pendingReplies.delete(id)
      }
    },
  }
}

/** Internal: `POST /opayo/notify` over the store, the engine and the reply carrier. */
export function createNotificationRoute(deps: {
  readonly store: Store
  readonly engine: SyncEngine
  readonly carrier: ReplyCarrier
  readonly vendorName: string
  /** Where Opayo sends the shopper; `{vendorTxCode}` is replaced. */
  readonly redirectUrl: string
  readonly bodyLimit: number
  readonly now: () => number
  readonly logger: SyncLogger | undefined
  /** Each decision of the handler (accepted, duplicate, conflict, rejected), after it is made. */
  readonly onEvent: (event: ServerNotificationHandlerEvent) => void
  /** How long a notification took from its body read to its answer, in seconds. */
  readonly acknowledged: (seconds: number) => void
}): (request: Request) => Promise<Response> {
  const { store, engine, carrier, bodyLimit, now, logger } = deps

  // Replies live in the store, so a repeat after a restart, or on another worker, gets the
  // byte-identical reply without being processed again.
  const replies: ReplyStore = {
    get: async (key) => {
      const reply = await store.getReply(key)
      return reply
        ? { status: reply.status as ServerNotificationStatus, body: reply.body }
        : undefined
    },
    set: (key, reply) =>
      store.saveReply({ key, status: reply.status, body: reply.body, now: now() }),
  }

  /** What the notification handler reads of a request, for a body already read. */
  const bodyRead = (method: string, body: string): Request =>
    ({ method, text: () => Promise.resolve(body) }) as Pick<Request, 'method' | 'text'> as Request

  const notify = createServerNotificationHandler({
    vendorName: deps.vendorName,
    async lookupRegistration(vendorTxCode) {
      const record = await store.getRegistration(vendorTxCode)
      // A registration without a SecurityKey (a Form transaction) can never verify a notification.
      return record ? registrationFor(record) : undefined
    },
    async onNotification({ payment, notification, replyFor }) {
      const redirectUrl = fillTemplate(deps.redirectUrl, {
        vendorTxCode: notification.VendorTxCode,
      })
      const { status, body } = replyFor(redirectUrl)
      const key = normaliseTransactionId(notification.VPSTxId)
      const { result, stored } = await carrier.carry(payment.id, { key, status, body }, () =>
        engine.ingest(payment),
      )
      if (result.outcome === 'conflict') throw new Error('conflicting notification') // answered ERROR
      return { redirectUrl, replyStored: stored }
    },
    redirectUrl: fillTemplate(deps.redirectUrl, { vendorTxCode: '' }),
    replies,
    now: () => new Date(now()),
    onEvent(event) {
      deps.onEvent(event)
      logNotificationEvent(event)
    },
  })

  /** The notification route's decisions in the log: an ERROR reply (nothing stored) at error. */
  function logNotificationEvent(event: ServerNotificationHandlerEvent): void {
    switch (event.type) {
      case 'accepted':
      case 'duplicate':
        logger?.info?.(`opayo notification ${event.type}`, {
          vpsTxId: event.transactionId,
          status: event.status,
        })
        return
      case 'conflict':
        logger?.warn?.('opayo notification conflicts with one already received', {
          vpsTxId: event.transactionId,
          previousStatus: event.previousStatus,
          status: event.status,
        })
        return
      case 'rejected': {
        const fields = {
          reply: event.reply,
          reason: event.reason,
          ...(event.vendorTxCode ? { vendorTxCode: event.vendorTxCode } : {}),
          ...(event.transactionId ? { vpsTxId: event.transactionId } : {}),
          ...(event.error ? { error: event.error } : {}),
        }
        // ERROR: Opayo will retry, but nothing is stored until the cause (a full disk, a lost
        // database) is fixed.
        if (event.reply === 'ERROR')
          logger?.error?.('opayo notification not recorded: answered ERROR', fields)
        else logger?.warn?.('opayo notification refused: answered INVALID', fields)
        return
      }
    }
  }

  async function notifyRoute(request: Request): Promise<Response> {
    if (request.method !== 'POST') return methodNotAllowed('POST')
    if (mediaType(request) !== 'application/x-www-form-urlencoded')
      return unsupportedMediaType('application/x-www-form-urlencoded')
    const body = await readBodyLimited(request, bodyLimit)
    if (body === undefined) return tooLarge(bodyLimit)
    // The handler reads a request's method and text() and nothing else (handler.ts): the body,
    // already read under the limit, is handed over as is instead of being wrapped in a second
    // Request (a web stream built and read again on every notification).
    const started = performance.now()
    try {
      return await notify(bodyRead('POST', body))
    } finally {
      deps.acknowledged((performance.now() - started) / 1000)
    }
  }

  return notifyRoute
}
