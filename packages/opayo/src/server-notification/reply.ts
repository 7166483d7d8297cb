import { InvalidArgumentError } from '@opayo-kashflow/core'

/**
 * What you tell Opayo about a notification (developer-eu.elavon.com/docs/opayo-server, step 4: you
 * confirm the transaction).
 */
export type ServerNotificationReplyStatus = 'OK' | 'INVALID' | 'ERROR'

export interface ServerNotificationReply {
  /** OK accepts (also for NOTAUTHED/ABORT/REJECTED); INVALID rejects a notification that did not check out; ERROR rejects one you cannot accept. */
  readonly status: ServerNotificationReplyStatus
  /** Absolute URL (at most 255 characters) Opayo sends the shopper's browser to. */
  readonly redirectUrl: string
  /** Optional text (at most 255 characters) for Opayo's logs. */
  readonly statusDetail?: string
}

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ')

/**
 * The plain-text reply body: CRLF lines starting with `Status=`, then `RedirectURL=` and
 * `StatusDetail=`. Nothing may come before `Status=`.
 * @throws {InvalidArgumentError} for a relative or over-long RedirectURL.
 * @example serverNotificationReply({ status: 'OK', redirectUrl: 'https://shop.example/thanks?o=123' })
 * // 'Status=OK\r\nRedirectURL=https://shop.example/thanks?o=123\r\n'
 */
export function serverNotificationReply(reply: ServerNotificationReply): string {
  let url: URL
  try {
    url = new URL(reply.redirectUrl)
  } catch {
    throw new InvalidArgumentError(
      `serverNotificationReply(): redirectUrl must be an absolute URL, got "${reply.redirectUrl}".`,
    )
  }
  const redirect = oneLine(url.href)
  if (redirect.length > 255) {
    throw new InvalidArgumentError(
      `serverNotificationReply(): redirectUrl is ${redirect.length} characters; Opayo allows 255.`,
    )
  }
  const lines = [`Status=${reply.status}`, `RedirectURL=${redirect}`]
  if (reply.statusDetail !== undefined && reply.statusDetail !== '') {
    lines.push(`StatusDetail=${oneLine(reply.statusDetail).slice(0, 255)}`)
  }
  return `${lines.join('\r\n')}\r\n`
}
