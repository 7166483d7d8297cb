// `opayo-kashflow registrations import FILE`: registrations into the store, validated row by row.
import { CanonicalCustomerSchema, isCurrencyCode } from '@opayo-kashflow/core'
import { z } from 'zod'
import type { RegistrationRecord } from '@opayo-kashflow/sync'
import { openStore } from './build.js'
import type { CommandContext, ExitCode } from './command.js'
import type { ServiceConfig } from './config.js'
import { readImportFile, reportImportIssues } from './import-file.js'
import { terminalLine } from './terminal-text.js'

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
 * @example const code = await registrationsCommand({ ...ctx, sub: 'import', args: ['registrations.json'], config })
 */
export async function registrationsCommand(
  input: CommandContext & { readonly config: ServiceConfig },
): Promise<ExitCode> {
  const { config, io, print } = input
  const opened = readImportFile({
    ...input,
    command: 'registrations',
    read: (text): unknown => JSON.parse(text),
    as: ' as JSON',
  })
  if (opened === 2) return 2
  const { file, content: raw } = opened
  const parsed = parseRegistrations(raw, Date.now())
  if (!parsed.ok) {
    reportImportIssues(
      io,
      'registrations',
      file,
      parsed.issues.map((i) => `${describeRow(i.row)} ${i.field}: ${i.message}`),
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
      ]
        .map(terminalLine)
        .join('\n'),
    )
    return result.conflicts.length > 0 ? 1 : 0
  } finally {
    await store.close()
  }
}
