// `opayo-kashflow registrations import FILE`: registrations into the store, validated row by row.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CanonicalCustomerSchema, isCurrencyCode } from '@opayo-kashflow/core'
import { z } from 'zod'
import type { RegistrationRecord } from '@opayo-kashflow/sync'
import { openStore } from './build.js'
import type { ServiceConfig } from './config.js'

/** Opayo's VendorTxCode: 1 to 40 characters. */
const VendorTxCode = z.string().min(1).max(40)

/** The fields of one registration, in either file shape. */
const fields = {
  /** Omitted (or empty) for a Form transaction, which has none: it then never verifies a notification. */
  securityKey: z.string().default(''),
  /** Minor units. */
  amount: z.number().int().positive(),
  currency: z
    .string()
    .refine(isCurrencyCode, { message: 'must be a known ISO 4217 currency code such as GBP' }),
  txType: z
    .string()
    .regex(/^[A-Z]+$/, { message: 'must be an Opayo TxType such as PAYMENT or DEFERRED' })
    .default('PAYMENT'),
  relatedTransactionId: z.string().min(1).optional(),
  customer: CanonicalCustomerSchema.optional(),
  invoiceReference: z.string().min(1).optional(),
}

/** One element of the array shape. Unknown keys are refused: a misspelt field is not ignored. */
const RowSchema = z.strictObject({
  vendorTxCode: VendorTxCode,
  ...fields,
  vpsTxId: z.string().min(1).optional(),
  createdAt: z.number().int().nonnegative().optional(),
})

/** One value of the legacy object map `{ "<vendorTxCode>": { securityKey, amount, currency, ... } }`. */
const LegacyEntrySchema = z.strictObject(fields)

/** A row that failed validation: where (index or key) and which field. */
export interface RegistrationRowIssue {
  /** The array index (from 0), or the legacy map's key. */
  readonly row: number | string
  /** Dotted path inside the row, e.g. `amount`, `customer.email`; `(row)` for the row itself. */
  readonly field: string
  readonly message: string
}

const MAX_ISSUES_SHOWN = 50

/**
 * Reads a registrations file's JSON: an array of registrations or the legacy object map keyed by
 * vendorTxCode. Every row is validated; any issue means no records (nothing is imported).
 * @example parseRegistrations({ 'INV-1042-1': { securityKey: 'IK776BWNHN', amount: 12000, currency: 'GBP' } }, Date.now())
 */
export function parseRegistrations(
  raw: unknown,
  now: number,
):
  | { readonly ok: true; readonly records: RegistrationRecord[] }
  | { readonly ok: false; readonly issues: RegistrationRowIssue[] } {
  const issues: RegistrationRowIssue[] = []
  const records: RegistrationRecord[] = []
  const collect = (row: number | string, error: z.ZodError) => {
    for (const issue of error.issues)
      issues.push({
        row,
        field: issue.path.length ? issue.path.map(String).join('.') : '(row)',
        message: issue.message,
      })
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

  if (Array.isArray(raw)) {
    raw.forEach((row: unknown, index) => {
      const parsed = RowSchema.safeParse(row)
      if (parsed.success) records.push(record(parsed.data))
      else collect(index, parsed.error)
    })
  } else if (raw !== null && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw)) {
      const code = VendorTxCode.safeParse(key)
      if (!code.success)
        issues.push({ row: key, field: '(key)', message: 'a vendorTxCode has 1 to 40 characters' })
      const parsed = LegacyEntrySchema.safeParse(value)
      if (!parsed.success) collect(key, parsed.error)
      else if (code.success) records.push(record({ ...parsed.data, vendorTxCode: key }))
    }
  } else {
    issues.push({
      row: '(file)',
      field: '(root)',
      message: 'expected an array of registrations or an object keyed by vendorTxCode',
    })
  }
  return issues.length ? { ok: false, issues } : { ok: true, records }
}

// A key from the file, shown safely on one line (JSON escapes quotes and control characters).
const describeRow = (row: number | string) =>
  typeof row === 'number' ? `index ${row}` : JSON.stringify(row)

/**
 * Runs `registrations import FILE`: exit 0 when every row was created or already there, 1 when
 * some conflicted (the first registration is kept), 2 for usage errors and invalid rows (nothing
 * imported).
 * @example return registrationsCommand({ sub, args: rest, config, io, print })
 */
export async function registrationsCommand(input: {
  readonly sub: string | undefined
  readonly args: readonly string[]
  readonly config: ServiceConfig
  readonly io: { readonly out: (s: string) => void; readonly err: (s: string) => void }
  readonly print: (value: unknown, text: () => string) => void
}): Promise<0 | 1 | 2> {
  const { sub, args, config, io, print } = input
  const file = args[0]
  if (sub !== 'import' || !file || args.length > 1) {
    io.err('Usage: opayo-kashflow registrations import FILE [--json]')
    return 2
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(resolve(file), 'utf8'))
  } catch (error) {
    io.err(`registrations import: cannot read ${file} as JSON: ${(error as Error).message}`)
    return 2
  }
  const parsed = parseRegistrations(raw, Date.now())
  if (!parsed.ok) {
    const shown = parsed.issues.slice(0, MAX_ISSUES_SHOWN)
    io.err(
      [
        `registrations import: ${parsed.issues.length} problem(s) in ${file}; nothing was imported:`,
        ...shown.map((i) => `  - ${describeRow(i.row)} ${i.field}: ${i.message}`),
        ...(parsed.issues.length > shown.length
          ? [`  ... and ${parsed.issues.length - shown.length} more`]
          : []),
      ].join('\n'),
    )
    return 2
  }
  const store = await openStore(config)
  try {
    const result = await store.importRegistrations(parsed.records)
    print(result, () =>
      [
        `created ${result.created}, duplicates ${result.duplicates}, conflicts ${result.conflicts.length}`,
        ...(result.conflicts.length
          ? [
              `conflicting vendorTxCodes (the registration already stored was kept): ${result.conflicts.join(', ')}`,
            ]
          : []),
      ].join('\n'),
    )
    return result.conflicts.length > 0 ? 1 : 0
  } finally {
    await store.close()
  }
}
