import { err, issue, ok } from '@opayo-kashflow/core'
import type { Result } from '@opayo-kashflow/core'
import { z } from 'zod'
import { isLatin1 } from '../internal/latin1.js'
import { issuesFromZod } from '../internal/zod-issues.js'
import { OPAYO_RESULT_FIELDS } from '../server-notification/schema.js'

/**
 * The decrypted Form return (developer-eu.elavon.com/docs/opayo-forms, transaction completion), by
 * wire name. No signature: advisory only.
 */
export const FormReturnSchema = z.object({
  ...OPAYO_RESULT_FIELDS,
  /** Decimal string; may contain thousands separators (`1,231.47`). */
  Amount: z.string().min(1),
})
export type FormReturn = z.output<typeof FormReturnSchema>

const KNOWN = new Set(Object.keys(FormReturnSchema.shape).filter((k) => k !== 'extra'))

/**
 * Types the fields of a decrypted Form return; unknown fields go to `extra`. Never throws.
 * @example parseFormReturn(decryptFormCrypt(new URL(request.url).searchParams.get('crypt') ?? '', process.env.OPAYO_FORM_PASSWORD ?? '', { expectedVendorTxCode: 'INV-1042-1' }))
 */
export function parseFormReturn(fields: Readonly<Record<string, string>>): Result<FormReturn> {
  const known: Record<string, string> = {}
  const extra: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields)) {
    if (!KNOWN.has(name)) extra[name] = value
    else if (value !== '') known[name] = value
  }
  const notLatin1 = Object.keys(known).filter((name) => !isLatin1(known[name] ?? ''))
  if (notLatin1.length > 0)
    return err(
      notLatin1.map((name) =>
        issue('invalid_type', [name], `${name} holds a character that is not ISO-8859-1.`),
      ),
    )
  const parsed = FormReturnSchema.safeParse({ ...known, extra })
  return parsed.success ? ok(parsed.data) : err(issuesFromZod(parsed.error))
}
