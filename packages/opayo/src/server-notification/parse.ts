import { err, issue, ok } from '@opayo-kashflow/core'
import type { Result } from '@opayo-kashflow/core'
import { toFieldPairs } from '../internal/form-fields.js'
import { isLatin1 } from '../internal/latin1.js'
import { issuesFromZod } from '../internal/zod-issues.js'
import { SERVER_NOTIFICATION_FIELDS, ServerNotificationSchema } from './schema.js'
import type { ServerNotification } from './schema.js'

/**
 * Parses a Server notification POST body: the raw `application/x-www-form-urlencoded` text, a
 * URLSearchParams, or a record of already-decoded fields. Never throws.
 * @example
 * const result = parseServerNotification(await request.text())
 * if (!result.ok) console.error(result.issues)
 */
export function parseServerNotification(
  body: string | URLSearchParams | Readonly<Record<string, string | undefined>>,
): Result<ServerNotification> {
  const known: Record<string, string> = {}
  const extra: Record<string, string> = {}
  for (const [name, value] of toFieldPairs(body)) {
    // A field posted twice keeps its first value, as PHP and .NET form readers do.
    const into = SERVER_NOTIFICATION_FIELDS.has(name) ? known : extra
    if (!(name in into)) into[name] = value
  }
  // Opayo posts empty values for fields that do not apply; treat them as absent, except the
  // signed ones, whose empty string hashes the same as an absent field anyway.
  for (const [name, value] of Object.entries(known)) if (value === '') delete known[name]
  // Opayo posts ISO-8859-1. A character above U+00FF cannot come from Opayo, and would hash as
  // its low byte only (MD5 over Latin-1), letting a forged VPSTxId share a genuine signature.
  const notLatin1 = Object.keys(known).filter((name) => !isLatin1(known[name] ?? ''))
  if (notLatin1.length > 0)
    return err(
      notLatin1.map((name) =>
        issue('invalid_type', [name], `${name} holds a character that is not ISO-8859-1.`),
      ),
    )
  const parsed = ServerNotificationSchema.safeParse({ ...known, extra })
  return parsed.success ? ok(parsed.data) : err(issuesFromZod(parsed.error))
}
