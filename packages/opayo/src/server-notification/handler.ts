import type { CanonicalPayment, Secret } from '@opayo-kashflow/core'
import { isOpayoKashflowError, normaliseTransactionId } from '@opayo-kashflow/core'
import { toCanonicalPayment } from '../normalise/to-canonical.js'
import type { Registration } from '../normalise/to-canonical.js'
import { parseServerNotification } from './parse.js'
import { serverNotificationReply } from './reply.js'
import type { ServerNotificationReplyStatus } from './reply.js'
import { SERVER_NOTIFICATION_STATUSES } from './schema.js'
import type { ServerNotification, ServerNotificationStatus } from './schema.js'
import { verifyServerNotification } from './signature.js'

/** A verified notification, handed to your code. */
export interface ServerNotificationEvent {
  readonly notification: ServerNotification
  readonly registration: Registration
  /** The notification as a canonical payment (amount and customer from the registration). */
  readonly payment: CanonicalPayment
  /**
   * The reply the handler will send if `onNotification` gives `redirectUrl` (undefined: the
   * fallback). To make acknowledging one write, store it in the same transaction as the event
   * and return `{ redirectUrl, replyStored: true }`: the handler then does not write it to
   * `replies` again.
   * @example
   * const replies = new Map<string, StoredReply>() // your database, read by your ReplyStore
   * const onNotification = (event: ServerNotificationEvent) => {
   *   const id = normaliseTransactionId(event.notification.VPSTxId)
   *   replies.set(id, event.replyFor('https://shop.example/thanks')) // in the event's write
   *   return { redirectUrl: 'https://shop.example/thanks', replyStored: true }
   * }
   */
  readonly replyFor: (redirectUrl: string | undefined) => StoredReply
}

/** The reply given to one transaction, kept so a repeated notification gets the same answer. */
export interface StoredReply {
  /** Opayo's Status in the notification that got this reply. */
  readonly status: ServerNotificationStatus
  /** The exact reply body sent. */
  readonly body: string
}

/**
 * Where replies are remembered, keyed by VPSTxId (without braces, upper case). Back it with your
 * database so duplicates are recognised across restarts and instances; `memoryReplyStore()` is
 * for one process.
 */
export interface ReplyStore {
  get(transactionId: string): StoredReply | undefined | Promise<StoredReply | undefined>
  set(transactionId: string, reply: StoredReply): void | Promise<void>
}

/** An in-memory {@link ReplyStore} (one process, lost on restart). */
export function memoryReplyStore(): ReplyStore {
  const replies = new Map<string, StoredReply>()
  return {
    get: (id) => replies.get(id),
    set: (id, reply) => void replies.set(id, reply),
  }
}

/** Something the handler noticed, for your logs and alerts. */
export type ServerNotificationHandlerEvent =
  | {
      readonly type: 'accepted'
      readonly transactionId: string
      readonly status: ServerNotificationStatus
    }
  | {
      readonly type: 'duplicate'
      readonly transactionId: string
      readonly status: ServerNotificationStatus
    }
  | {
      readonly type: 'conflict'
      readonly transactionId: string
      readonly previousStatus: ServerNotificationStatus
      readonly status: ServerNotificationStatus
    }
  | {
      readonly type: 'rejected'
      readonly reply: 'INVALID' | 'ERROR'
      readonly reason: string
      readonly vendorTxCode?: string
      /** The verified VPSTxId (without braces, upper case), once the signature checked out. */
      readonly transactionId?: string
      /**
       * What failed, for an ERROR reply: the error's class, code and message (the SecurityKey
       * masked out). Opayo is told only `reason`.
       */
      readonly error?: { readonly name: string; readonly code?: string; readonly message: string }
    }

export interface ServerNotificationHandlerOptions {
  /** Your Opayo vendor name (hashed lower-case into VPSSignature). */
  readonly vendorName: string
  /**
   * Your stored registration for a VendorTxCode: the SecurityKey (a string or a `Secret`), and
   * the amount, currency, TxType and customer that a notification does not carry or does not
   * sign. Undefined for an unknown VendorTxCode.
   */
  readonly lookupRegistration: (
    vendorTxCode: string,
  ) =>
    | (Registration & { readonly securityKey: string | Secret })
    | undefined
    | Promise<(Registration & { readonly securityKey: string | Secret }) | undefined>
  /**
   * Receives each verified, new notification. Persist it before returning (acknowledging means
   * stored). Return the URL to send the shopper to, or undefined for the fallback; or
   * `{ redirectUrl, replyStored }`, with `replyStored: true` when you stored
   * `event.replyFor(redirectUrl)` with the event (the handler then leaves `replies` alone). If
   * it throws, Opayo gets ERROR.
   */
  readonly onNotification: (
    event: ServerNotificationEvent,
  ) => NotificationOutcome | Promise<NotificationOutcome>
  /** Where shoppers go when `onNotification` gives no URL, and after INVALID or ERROR. */
  readonly redirectUrl:
    string | { readonly ok: string; readonly invalid: string; readonly error: string }
  /** Remembers replies so a repeated notification gets the same one. @default none (no duplicate detection) */
  readonly replies?: ReplyStore
  /** Observability hook; never allowed to break the reply. @default none */
  readonly onEvent?: (event: ServerNotificationHandlerEvent) => void
  /** The clock for `receivedAt`. @default () => new Date() */
  readonly now?: () => Date
}

/** What `onNotification` returns: a redirect URL (or undefined), or that and whether it stored the reply. */
type NotificationOutcome =
  string | undefined | { readonly redirectUrl?: string | undefined; readonly replyStored: boolean }

/** The one reply detail for an unknown VendorTxCode, another VPSTxId and a bad signature. */
const NOT_VERIFIED = 'The notification could not be verified.'
/** Hashed for an unknown VendorTxCode, so that answer costs what a bad signature costs. */
const UNKNOWN_KEY = 'XXXXXXXXXX'

/** Every status but PENDING is final: a different status after it is a conflict. */
const FINAL: ReadonlySet<ServerNotificationStatus> = new Set(
  SERVER_NOTIFICATION_STATUSES.filter((status) => status !== 'PENDING'),
)

/**
 * A web-standard handler for Opayo's NotificationURL: `(request) => Promise<Response>`. It never
 * throws and always answers in Opayo's format (HTTP 200, `Status=` first): INVALID for a bad
 * signature, a malformed body or an unknown VendorTxCode; ERROR when `onNotification` fails; OK
 * otherwise, including for NOTAUTHED, ABORT and REJECTED notifications. With `replies`, the same
 * VPSTxId and Status get the same reply again, and a different Status for a transaction already
 * final is reported as a conflict and answered INVALID without calling `onNotification`.
 * Only signed fields and your registration decide meaning: the payment's kind, amount and
 * currency come from the registration, never from the unsigned `TxType` or `Surcharge`, and the
 * signature formula follows the registration's `txType` (TOKEN or not), never the notification's
 * unsigned `TxType`.
 * @example
 * const registrations = new Map<string, ServerRegistration>() // your database
 * const handle = createServerNotificationHandler({
 *   vendorName: 'myshop',
 *   lookupRegistration: (vendorTxCode) => registrations.get(vendorTxCode),
 *   onNotification: async ({ payment }) => {
 *     await engine.ingest(payment) // stored before Opayo is told OK
 *     return 'https://shop.example/thanks'
 *   },
 *   redirectUrl: 'https://shop.example/return',
 * })
 * // Hono: app.post('/opayo/notify', (c) => handle(c.req.raw))
 */
export function createServerNotificationHandler(
  options: ServerNotificationHandlerOptions,
): (request: Request) => Promise<Response> {
  const urls =
    typeof options.redirectUrl === 'string'
      ? { ok: options.redirectUrl, invalid: options.redirectUrl, error: options.redirectUrl }
      : options.redirectUrl
  const now = options.now ?? (() => new Date())
  const emit = (event: ServerNotificationHandlerEvent) => {
    try {
      options.onEvent?.(event)
    } catch {
      // Observability must never change what Opayo is told.
    }
  }
  const respond = (body: string) =>
    new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=ISO-8859-1' },
    })
  const answer = (
    status: ServerNotificationReplyStatus,
    statusDetail: string,
    redirect?: string,
  ) => {
    const fallback = status === 'OK' ? urls.ok : status === 'INVALID' ? urls.invalid : urls.error
    try {
      return serverNotificationReply({ status, redirectUrl: redirect ?? fallback, statusDetail })
    } catch {
      return serverNotificationReply({ status, redirectUrl: fallback, statusDetail })
    }
  }
  /** `reason` goes to `onEvent` (your logs); the reply says only `detail`. */
  const reject = (
    status: 'INVALID' | 'ERROR',
    reason: string,
    vendorTxCode?: string,
    detail = reason,
    failure?: { readonly transactionId?: string | undefined; readonly error?: ErrorFacts },
  ) => {
    emit({
      type: 'rejected',
      reply: status,
      reason,
      ...(vendorTxCode ? { vendorTxCode } : {}),
      ...(failure?.transactionId ? { transactionId: failure.transactionId } : {}),
      ...(failure?.error ? { error: failure.error } : {}),
    })
    return respond(answer(status, detail))
  }

  // Reads the request's method and text() only (the sync service hands over a body it already
  // read under its size limit on those two members alone).
  return async (request) => {
    // Known once verified: named in the ERROR event if a later step fails.
    let verified: { vendorTxCode: string; transactionId: string; securityKey: string } | undefined
    try {
      if (request.method !== 'POST')
        return reject('INVALID', `Expected a POST, got ${request.method}.`)
      const parsed = parseServerNotification(await request.text())
      if (!parsed.ok) {
        const fields = parsed.issues.map((i) => i.path.join('.')).join(', ')
        return reject('INVALID', `Malformed notification (${fields}).`)
      }
      const notification = parsed.value
      const registration = await options.lookupRegistration(notification.VendorTxCode)
      if (registration === undefined) {
        // The same reply and about the same work as a bad signature, so the route does not tell
        // an outsider which VendorTxCodes exist.
        try {
          verifyServerNotification(notification, {
            vendorName: options.vendorName,
            securityKey: UNKNOWN_KEY,
          })
        } catch {
          // expected
        }
        return reject(
          'INVALID',
          `Unknown VendorTxCode ${notification.VendorTxCode}.`,
          notification.VendorTxCode,
          NOT_VERIFIED,
        )
      }
      // A registration that recorded Opayo's VPSTxId accepts notifications for that one only.
      if (
        registration.vpsTxId !== undefined &&
        normaliseTransactionId(registration.vpsTxId) !==
          normaliseTransactionId(notification.VPSTxId)
      ) {
        return reject(
          'INVALID',
          `VPSTxId ${notification.VPSTxId} is not the one registered for ${notification.VendorTxCode}.`,
          notification.VendorTxCode,
          NOT_VERIFIED,
        )
      }
      const securityKey =
        typeof registration.securityKey === 'string'
          ? registration.securityKey
          : registration.securityKey.reveal()
      // The unsigned TxType would pick the signature formula (TxType=TOKEN with Status=OK selects
      // the TOKEN formula, which signs no card, AVS or 3-D Secure field). The formula follows
      // what was registered instead: a TOKEN registration is checked with the TOKEN formula,
      // anything else with the full one, whatever TxType the request carries.
      const { TxType: _unsigned, ...signedOnly } = notification
      const checked: ServerNotification =
        registration.txType?.toUpperCase() === 'TOKEN'
          ? { ...signedOnly, TxType: 'TOKEN' }
          : signedOnly
      try {
        verifyServerNotification(checked, { vendorName: options.vendorName, securityKey })
      } catch (error) {
        const reason = isOpayoKashflowError(error)
          ? `VPSSignature does not match: ${error.message}`
          : 'Signature check failed.'
        return reject('INVALID', reason, notification.VendorTxCode, NOT_VERIFIED)
      }
      const transactionId = normaliseTransactionId(notification.VPSTxId)
      verified = { vendorTxCode: notification.VendorTxCode, transactionId, securityKey }
      const previous = await options.replies?.get(transactionId)
      if (previous !== undefined) {
        if (previous.status === notification.Status) {
          emit({ type: 'duplicate', transactionId, status: notification.Status })
          return respond(previous.body)
        }
        if (FINAL.has(previous.status)) {
          emit({
            type: 'conflict',
            transactionId,
            previousStatus: previous.status,
            status: notification.Status,
          })
          return respond(
            answer(
              'INVALID',
              `Status ${notification.Status} conflicts with ${previous.status} already received.`,
            ),
          )
        }
      }

      const payment = toCanonicalPayment({
        protocol: 'server',
        // Verified above, with the registration's SecurityKey.
        verified: true,
        notification,
        registration,
        receivedAt: now().toISOString(),
      })
      if (!payment.ok) {
        return reject(
          'ERROR',
          `Cannot accept: ${payment.issues.map((i) => i.message).join(' ')}`,
          notification.VendorTxCode,
        )
      }
      const replyFor = (redirectUrl: string | undefined): StoredReply => ({
        status: notification.Status,
        body: answer('OK', 'Received', redirectUrl),
      })
      let outcome: NotificationOutcome
      try {
        outcome = await options.onNotification({
          notification,
          registration,
          payment: payment.value,
          replyFor,
        })
      } catch (error) {
        return reject(
          'ERROR',
          'The merchant could not record the notification.',
          notification.VendorTxCode,
          undefined,
          { transactionId, error: errorFacts(error, securityKey) },
        )
      }
      const accepted = typeof outcome === 'object' ? outcome : { redirectUrl: outcome }
      const reply = replyFor(accepted.redirectUrl)
      const body = reply.body
      if (!('replyStored' in accepted && accepted.replyStored))
        await options.replies?.set(transactionId, reply)
      emit({ type: 'accepted', transactionId, status: notification.Status })
      return respond(body)
    } catch (error) {
      return reject(
        'ERROR',
        'Unexpected error handling the notification.',
        verified?.vendorTxCode,
        undefined,
        {
          transactionId: verified?.transactionId,
          error: errorFacts(error, verified?.securityKey),
        },
      )
    }
  }
}

/** An error's class, code and message for `onEvent`. */
type ErrorFacts = { readonly name: string; readonly code?: string; readonly message: string }

/** What an error says, capped, with the SecurityKey masked should a message ever carry it. */
function errorFacts(error: unknown, securityKey: string | undefined): ErrorFacts {
  const raw = error instanceof Error ? error : undefined
  const code = (error as { code?: unknown } | null)?.code
  let message = raw ? raw.message : String(error)
  if (securityKey) message = message.split(securityKey).join('<redacted>')
  return {
    name: raw?.name ?? typeof error,
    ...(typeof code === 'string' ? { code } : {}),
    message: message.slice(0, 300),
  }
}
