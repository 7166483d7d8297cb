// The hint routes: Form returns and Pi hand-overs. Neither moves money: each is stored as a hint
// (`engine.ingestHint`) that a worker confirms with Opayo before anything posts. A Form return is
// answered the same way, at the same time, whatever its crypt holds; a hand-over needs the
// bearer token your app sends.
import { isCurrencyCode, normaliseTransactionId } from '@opayo-kashflow/core'
import type { Secret } from '@opayo-kashflow/core'
import { createFormDecryptor, parseFormReturn, toCanonicalPayment } from '@opayo-kashflow/opayo'
import { hintFromPayment } from '@opayo-kashflow/sync'
import type { PaymentHint, Store, SyncEngine, SyncLogger } from '@opayo-kashflow/sync'
import { z } from 'zod'
import {
  bearerMatches,
  json,
  mediaType,
  methodNotAllowed,
  readBodyLimited,
  tooLarge,
  unsupportedMediaType,
} from './http.js'

const HandoverSchema = z.object({
  transactionId: z.string().min(1).max(64).optional(),
  /** Accepted for compatibility: only its transactionId is read. */
  transaction: z.object({ transactionId: z.string().min(1).max(64) }).optional(),
  vendorTxCode: z.string().min(1).max(40),
  relatedTransactionId: z.string().min(1).max(64).optional(),
})

const FORM_CRYPT_MAX_LENGTH = 16 * 1024

/** Internal: the hint routes of one service; see {@link createHintRoutes}. */
export interface HintRoutes {
  /** `GET /opayo/form-return` (404 without a Form password). */
  readonly formReturn: (request: Request) => Response
  /** `POST /pi/transactions` (mounted only with the Pi client and a hand-over token). */
  readonly piHandover: (request: Request) => Promise<Response>
  /** Resolves when the Form returns being recorded are stored (the service's `stop()`). */
  readonly settled: () => Promise<void>
}

/** Internal: the Form return and Pi hand-over routes over the engine and the store. */
export function createHintRoutes(deps: {
  readonly engine: SyncEngine
  readonly store: Store
  readonly formPassword: Secret | undefined
  readonly handoverToken: Secret | undefined
  /** Where every Form return is sent (its own query parameters but `crypt` appended). */
  readonly formRedirect: string
  readonly bodyLimit: number
  readonly now: () => number
  readonly logger: SyncLogger | undefined
}): HintRoutes {
  const { engine, store, formPassword, handoverToken, formRedirect, bodyLimit, now, logger } = deps
  const recording = new Set<Promise<void>>()

  // Form returns: one reply whatever the crypt holds.

  function formReply(url: URL): Response {
    const target = new URL(formRedirect)
    for (const [name, value] of url.searchParams)
      if (name !== 'crypt') target.searchParams.append(name, value)
    return new Response(null, {
      status: 303,
      headers: { location: target.href, 'cache-control': 'no-store' },
    })
  }

  /** Decrypts and records a Form return as a hint. Every failure ends the same silent way. */
  async function recordFormReturn(crypt: string, password: Secret): Promise<void> {
    // Not even the decryption runs before the reply has been handed back.
    await new Promise<void>((resolve) => setImmediate(resolve))
    let hint: PaymentHint | undefined
    try {
      if (crypt.length > FORM_CRYPT_MAX_LENGTH) throw new Error('too long')
      // The decryptor never throws and does the same work for a good and a bad padding (the
      // throwing decrypt made a bad padding cost more, an oracle to a follow-up request).
      const opened = createFormDecryptor(password.reveal())(crypt)
      const parsed = opened.ok ? parseFormReturn(opened.fields) : undefined
      if (!parsed?.ok) throw new Error('fields')
      const registration = await store.getRegistration(parsed.value.VendorTxCode)
      if (!registration || !isCurrencyCode(registration.currency)) throw new Error('unknown')
      const payment = toCanonicalPayment({
        protocol: 'form',
        formReturn: parsed.value,
        currency: registration.currency,
        txType: registration.txType,
        receivedAt: new Date(now()).toISOString(),
      })
      if (!payment.ok) throw new Error('fields')
      hint = hintFromPayment(payment.value)
    } catch {
      // Nothing about why: the reply was already the same for every crypt, and logs must not
      // become an oracle either.
      logger?.warn?.('form return not recorded (unreadable or unknown crypt)')
      return
    }
    await engine.ingestHint(hint)
  }

  function formReturnRoute(request: Request): Response {
    if (request.method !== 'GET') return methodNotAllowed('GET')
    if (!formPassword) return json(404, { error: 'Form integration is not configured.' })
    const url = new URL(request.url)
    const crypt = url.searchParams.get('crypt') ?? ''
    // The reply is built before the crypt is looked at and recording runs after it, so neither
    // the reply nor its timing depends on the crypt: no padding oracle. A return lost in a crash
    // here is still found by the Reporting poll.
    const reply = formReply(url)
    const task = recordFormReturn(crypt, formPassword)
      .catch((error: unknown) =>
        logger?.error?.('form return could not be stored', {
          error: (error as Error).message,
        }),
      )
      .finally(() => recording.delete(task))
    recording.add(task)
    return reply
  }

  // Pi hand-overs: a hint, re-read from Opayo by a worker.
  async function piHandover(request: Request): Promise<Response> {
    if (request.method !== 'POST') return methodNotAllowed('POST')
    if (!handoverToken || !bearerMatches(request, handoverToken))
      return json(401, { error: 'A valid Authorization: Bearer token is required.' })
    if (mediaType(request) !== 'application/json') return unsupportedMediaType('application/json')
    const text = await readBodyLimited(request, bodyLimit)
    if (text === undefined) return tooLarge(bodyLimit)
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      raw = undefined
    }
    const body = HandoverSchema.safeParse(raw)
    const transactionId = body.success
      ? (body.data.transactionId ?? body.data.transaction?.transactionId)
      : undefined
    if (!body.success || transactionId === undefined)
      return json(400, {
        error: 'Expected { transactionId, vendorTxCode, relatedTransactionId? }.',
        issues: body.success
          ? []
          : body.error.issues.map((i) => ({ path: i.path, message: i.message })),
      })
    // Amount, status and type are never taken from the caller: the worker reads them from Opayo.
    const result = await engine.ingestHint({
      protocol: 'pi',
      transactionId: normaliseTransactionId(transactionId),
      vendorTxCode: body.data.vendorTxCode,
      ...(body.data.relatedTransactionId
        ? { relatedTransactionId: body.data.relatedTransactionId }
        : {}),
      receivedAt: new Date(now()).toISOString(),
    })
    // The hint cap is reached: the app may hand it over again later (the poll finds it anyway).
    if (result.outcome === 'refused')
      return json(503, { error: 'Too many hand-overs wait for Opayo; try again later.', ...result })
    return json(202, result)
  }

  return {
    formReturn: formReturnRoute,
    piHandover,
    settled: async () => {
      await Promise.all([...recording])
    },
  }
}
