// `opayo-kashflow registrations import FILE`: registrations into the store, validated row by row.
import { CanonicalCustomerSchema, isCurrencyCode } from '@opayo-kashflow/core'
import { RegistrationTrustSchema, foldVendorTxCode } from '@opayo-kashflow/opayo'
import { z } from 'zod'
import type { RegistrationRecord } from '@opayo-kashflow/sync'
import { openStore } from './build.js'
import type { CommandContext, ExitCode } from './command.js'
import type { ServiceConfig } from './config.js'
import { readImportFile, reportImportIssues } from './import-file.js'
import { jsonLayout } from './json-layout.js'
import { terminalLine } from './terminal-text.js'

/** The fields of one registration, in either file shape. */
const fields = {
  /**
   * As Opayo issued it (10 letters and digits); omitted (or empty) for a Form transaction, which
   * has none: it then never verifies a notification. Checked by opayo's RegistrationTrustSchema.
   */
  securityKey: RegistrationTrustSchema.shape.securityKey.default(''),
  /** Minor units. */
  amount: z.number().int().positive(),
  currency: z
    .string()
    .refine(isCurrencyCode, { message: 'must be a known ISO 4217 currency code such as GBP' }),
  /** PAYMENT, DEFERRED or AUTHENTICATE only (RegistrationTrustSchema). */
  txType: RegistrationTrustSchema.shape.txType.default('PAYMENT'),
  relatedTransactionId: z.string().min(1).optional(),
  customer: CanonicalCustomerSchema.optional(),
  invoiceReference: z.string().min(1).optional(),
}

/** One element of the array shape. Unknown keys are refused: a misspelt field is not ignored. */
const RowSchema = z.strictObject({
  vendorTxCode: RegistrationTrustSchema.shape.vendorTxCode,
  ...fields,
  vpsTxId: z.string().min(1).optional(),
  createdAt: z.number().int().nonnegative().optional(),
})

/** One value of the legacy object map `{ "<vendorTxCode>": { securityKey, amount, currency, ... } }`. */
const LegacyEntrySchema = z.strictObject(fields)

/** A row that failed validation: where (index or key, and line) and which field. */
export interface RegistrationRowIssue {
  /** The array index (from 0), or the legacy map's key. */
  readonly row: number | string
  /** The row's line in the file (from 1), when the file's text was given. */
  readonly line?: number
  /** Dotted path inside the row, e.g. `amount`, `customer.email`; `(row)` for the row itself. */
  readonly field: string
  readonly message: string
}

/** At most this many characters of a value from the file are quoted in a message. */
const QUOTED_MAX = 48

/** A value from the file, quoted on one line and cut short (JSON escapes quotes and controls). */
const quote = (value: string): string =>
  JSON.stringify(
    value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}... (${value.length} chars)` : value,
  )

/**
 * Reads a registrations file's JSON: an array of registrations or the legacy object map keyed by
 * vendorTxCode. Every row is validated (the trust fields by opayo's `RegistrationTrustSchema`,
 * as `registerServerTransaction` does); any issue means no records (nothing is imported). Given
 * the file's `text`, issues carry their line and a key written twice in one object (which
 * JSON.parse would keep the last of silently) is an issue. A vendorTxCode given twice, or two
 * that differ only by letter case, is an issue in either shape.
 * @example parseRegistrations({ 'INV-1042-1': { securityKey: 'IK776BWNHN', amount: 12000, currency: 'GBP' } }, Date.now())
 */
export function parseRegistrations(
  raw: unknown,
  now: number,
  text?: string,
):
  | { readonly ok: true; readonly records: RegistrationRecord[] }
  | { readonly ok: false; readonly issues: RegistrationRowIssue[] } {
  const issues: RegistrationRowIssue[] = []
  const records: RegistrationRecord[] = []
  const layout = text === undefined ? undefined : jsonLayout(text)
  const push = (row: number | string, field: string, message: string, at?: number) => {
    const line = at ?? layout?.rowLine(row)
    issues.push({ row, ...(line === undefined ? {} : { line }), field, message })
  }
  for (const duplicate of layout?.duplicateKeys ?? [])
    push(
      duplicate.row,
      duplicate.path === '' ? '(key)' : `${duplicate.path}`,
      duplicate.path === '' && !Array.isArray(raw)
        ? `vendorTxCode ${quote(duplicate.key)} is given twice (also line ${duplicate.first}); the file is ambiguous`
        : `key ${quote(duplicate.key)} is given twice in one object (also line ${duplicate.first})`,
      duplicate.line,
    )
  const collect = (row: number | string, error: z.ZodError) => {
    for (const issue of error.issues)
      push(row, issue.path.length ? issue.path.map(String).join('.') : '(row)', issue.message)
  }
  const record = (
    data: z.output<typeof LegacyEntrySchema> & {
      vendorTxCode: string
      vpsTxId?: string | undefined
      createdAt?: number | undefined
    },
  ): RegistrationRecord => ({
    vendorTxCode: data.vendorTxCode,
    securityKey: data.securityKey,
    amount: data.amount,
    currency: data.currency,
    txType: data.txType,
    ...(data.relatedTransactionId === undefined
      ? {}
      : { relatedTransactionId: data.relatedTransactionId }),
    ...(data.vpsTxId === undefined ? {} : { vpsTxId: data.vpsTxId }),
    ...(data.customer === undefined ? {} : { customer: data.customer }),
    ...(data.invoiceReference === undefined ? {} : { invoiceReference: data.invoiceReference }),
    createdAt: data.createdAt ?? now,
  })
  // Each vendorTxCode once, compared exactly; one that folds like another is a near-duplicate.
  const seen = new Map<string, { row: number | string; code: string }>()
  const once = (row: number | string, code: string): boolean => {
    const folded = foldVendorTxCode(code)
    const first = seen.get(folded)
    if (first === undefined) {
      seen.set(folded, { row, code })
      return true
    }
    const where = typeof first.row === 'number' ? `index ${first.row}` : 'an earlier key'
    const line = layout?.rowLine(first.row)
    push(
      row,
      'vendorTxCode',
      first.code === code
        ? `${quote(code)} is given twice (also ${where}${line === undefined ? '' : `, line ${line}`})`
        : `${quote(code)} differs from ${quote(first.code)} (${where}${line === undefined ? '' : `, line ${line}`}) only by letter case: VendorTxCodes are compared exactly and never relied on for case`,
    )
    return false
  }

  if (Array.isArray(raw)) {
    raw.forEach((row: unknown, index) => {
      const parsed = RowSchema.safeParse(row)
      if (!parsed.success) collect(index, parsed.error)
      else if (once(index, parsed.data.vendorTxCode)) records.push(record(parsed.data))
    })
  } else if (raw !== null && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw)) {
      const code = RegistrationTrustSchema.shape.vendorTxCode.safeParse(key)
      if (!code.success)
        push(
          key,
          '(key)',
          'a vendorTxCode is 1-40 characters of A-Z a-z 0-9 - . _ { } (Opayo); nothing is trimmed',
        )
      const parsed = LegacyEntrySchema.safeParse(value)
      if (!parsed.success) collect(key, parsed.error)
      else if (code.success && once(key, key))
        records.push(record({ ...parsed.data, vendorTxCode: key }))
    }
  } else {
    push(
      '(file)',
      '(root)',
      'expected an array of registrations or an object keyed by vendorTxCode',
    )
  }
  return issues.length ? { ok: false, issues } : { ok: true, records }
}

// A row from the file, shown safely on one line and cut short (a key may be megabytes).
const describeRow = (row: number | string, line: number | undefined) =>
  `${line === undefined ? '' : `line ${line}, `}${typeof row === 'number' ? `index ${row}` : quote(row)}`

/**
 * Runs `registrations import FILE`: exit 0 when every row was created or already there, 1 when
 * some conflicted (the first registration is kept), 2 for usage errors and invalid rows (nothing
 * imported).
 * @example
 * // `registrations import registrations.json`, with the context and configuration from main():
 * async function registrationsImport(ctx: Parameters<typeof registrationsCommand>[0]) {
 *   const code = await registrationsCommand({ ...ctx, sub: 'import', args: ['registrations.json'] })
 * }
 */
export async function registrationsCommand(
  input: CommandContext & { readonly config: ServiceConfig },
): Promise<ExitCode> {
  const { config, io, print } = input
  const opened = readImportFile({
    ...input,
    command: 'registrations',
    read: (text) => ({ text, raw: JSON.parse(text) as unknown }),
    as: ' as JSON',
  })
  if (opened === 2) return 2
  const { file, content } = opened
  const parsed = parseRegistrations(content.raw, Date.now(), content.text)
  if (!parsed.ok) {
    reportImportIssues(
      io,
      'registrations',
      file,
      parsed.issues.map((i) => `${describeRow(i.row, i.line)} ${i.field}: ${i.message}`),
    )
    return 2
  }
  const store = await openStore(config)
  try {
    const result = await store.importRegistrations(parsed.records)
    if (result.nearDuplicates?.length) {
      // Compared exactly, never by case: nothing was imported (the store refused the whole file).
      reportImportIssues(
        io,
        'registrations',
        file,
        result.nearDuplicates.map(
          (n) =>
            `vendorTxCode ${quote(n.vendorTxCode)} differs from ${n.stored ? 'the stored' : 'the earlier'} ${quote(n.other)} only by letter case`,
        ),
      )
      return 2
    }
    print(result, () =>
      [
        `created ${result.created}, duplicates ${result.duplicates}, conflicts ${result.conflicts.length}`,
        ...(result.conflicts.length
          ? [
              `conflicting vendorTxCodes (the registration already stored was kept): ${result.conflicts.join(', ')}`,
            ]
          : []),
      ]
        .map(terminalLine)
        .join('\n'),
    )
    return result.conflicts.length > 0 ? 1 : 0
  } finally {
    await store.close()
  }
}
