// `POST /admin/resolve` on the admin listener: the status page's resolve form. A person names
// the invoice for an unmatched_reference or invoice_not_found dead letter; the engine's
// `deadLetters.resolve` keeps who, why and when, and the worker posts it exactly once.
import type { DeadLetterAdmin } from '@opayo-kashflow/sync'
import type { PageTokens } from './admin-guard.js'
import { escapeHtml } from './html.js'
import {
  mediaType,
  methodNotAllowed,
  readBodyLimited,
  tooLarge,
  unsupportedMediaType,
} from './http.js'

const FORM = 'application/x-www-form-urlencoded'

const page = (status: number, message: string, back: string): Response =>
  new Response(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>Resolve</title><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(back)}">Back to the status page</a></p></html>\n`,
    {
      status,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'",
      },
    },
  )

/**
 * True when a browser says the request came from another site: a form on any web page can POST
 * to a loopback listener, so the admin form accepts only same-origin posts (`Sec-Fetch-Site`, or
 * an `Origin` whose host is the request's `Host`). A client that sends neither (curl, a script on the
 * machine) is not a browser being tricked and is accepted.
 */
function crossSite(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin' && site !== 'none') return true
  const origin = request.headers.get('origin')
  if (origin === null) return false
  try {
    // The Host header as the browser sent it (with the port); the URL's when there is none.
    return new URL(origin).host !== (request.headers.get('host') ?? new URL(request.url).host)
  } catch {
    return true
  }
}

/** An invoice number: a positive whole number of at most 15 digits (every one a safe integer). */
const INVOICE = /^[1-9]\d{0,14}$/

/**
 * Handles the resolve form: POST only, `application/x-www-form-urlencoded` with `token` (the
 * status page's page token), `id`, `invoice`, `reason` and optional `by` (default `status page`),
 * within the body limit, same-origin only. The admin listener's gate (admin-guard.ts) has already
 * checked the `Host`. Answers 200 when resolved, 409 when refused (with the reason), 400 for a
 * bad field (an invoice number of more than 15 digits included), 403 for a cross-site post or a
 * missing, forged or expired page token, 405, 413 or 415 otherwise.
 * @example
 * const pageTokens = { verify: (token: string) => token === 'the token the page was served with' }
 * const response = await resolveRoute(request, { deadLetters: engine.deadLetters, pageTokens, bodyLimit: 65536, back: '/admin' })
 */
export async function resolveRoute(
  request: Request,
  input: {
    readonly deadLetters: DeadLetterAdmin
    /** Verifies the page token the status page put in the form. */
    readonly pageTokens: Pick<PageTokens, 'verify'>
    readonly bodyLimit: number
    /** The status page's path, for the link back. */
    readonly back: string
  },
): Promise<Response> {
  if (request.method !== 'POST') return methodNotAllowed('POST')
  if (crossSite(request))
    return page(403, 'Refused: the form was posted from another site.', input.back)
  if (mediaType(request) !== FORM) return unsupportedMediaType(FORM)
  const text = await readBodyLimited(request, input.bodyLimit)
  if (text === undefined) return tooLarge(input.bodyLimit)
  const form = new URLSearchParams(text)
  if (!input.pageTokens.verify(form.get('token') ?? ''))
    return page(
      403,
      'Refused: the form carries no valid page token. Reload the status page and submit it again.',
      input.back,
    )
  const id = form.get('id')?.trim() ?? ''
  const invoice = form.get('invoice')?.trim() ?? ''
  const reason = form.get('reason')?.trim() ?? ''
  const by = form.get('by')?.trim() || 'status page'
  if (!id || !INVOICE.test(invoice) || !Number.isSafeInteger(Number(invoice)) || !reason)
    return page(
      400,
      'Give the dead letter, the invoice number (a positive whole number of at most 15 digits) and a reason.',
      input.back,
    )
  const result = await input.deadLetters.resolve(id, {
    invoiceNumber: Number(invoice),
    by,
    reason,
  })
  return page(
    result.resolved ? 200 : 409,
    result.resolved ? `Resolved: ${result.message}` : `Not resolved: ${result.message}`,
    input.back,
  )
}
