import type {
  AttemptRecord,
  EventRecord,
  EventState,
  LedgerEntry,
  RecordedError,
  RegistrationNearDuplicate,
  RegistrationRecord,
} from './store.js'

/**
 * From due, unleased candidates (in priority order), the ones to claim: at most `limit`, at most
 * one per partition, none from a partition a live lease holds. Shared by every adapter.
 */
export function pickClaims<T extends { partition: string | undefined }>(
  candidates: readonly T[],
  heldPartitions: Iterable<string | undefined>,
  limit: number,
): T[] {
  const held = new Set(heldPartitions)
  const picked: T[] = []
  for (const candidate of candidates) {
    if (picked.length >= limit) break
    if (candidate.partition !== undefined) {
      if (held.has(candidate.partition)) continue
      held.add(candidate.partition)
    }
    picked.push(candidate)
  }
  return picked
}

const json = (text: unknown): unknown =>
  typeof text === 'string' ? JSON.parse(text) : text === null ? undefined : text
const num = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value)
const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined

/** A row of the `events` table (either SQL dialect) as an EventRecord. */
export function eventFromRow(row: Record<string, unknown>): EventRecord {
  return {
    id: String(row['id']),
    payment: json(row['payment']),
    fingerprint: String(row['fingerprint']),
    state: String(row['state']) as EventState,
    attempts: Number(row['attempts']),
    nextAttemptAt: Number(row['next_attempt_at']),
    partition: str(row['partition_key']),
    lastError: json(row['last_error']) as RecordedError | undefined,
    reason: str(row['reason']),
    detail: json(row['detail']),
    createdAt: Number(row['created_at']),
    updatedAt: Number(row['updated_at']),
    claimedBy: str(row['claimed_by']),
    leaseUntil: num(row['lease_until']),
  }
}

export function attemptFromRow(row: Record<string, unknown>): AttemptRecord {
  return {
    eventId: String(row['event_id']),
    at: Number(row['at']),
    from: String(row['from_state']) as EventState,
    to: String(row['to_state']) as EventState,
    outcome: String(row['outcome']),
    error: json(row['error']) as RecordedError | undefined,
  }
}

export function ledgerFromRow(row: Record<string, unknown>): LedgerEntry {
  return {
    eventId: String(row['event_id']),
    marker: String(row['marker']),
    kind: String(row['kind']),
    state: String(row['state']) as LedgerEntry['state'],
    request: json(row['request']),
    result: json(row['result']),
    createdAt: Number(row['created_at']),
    updatedAt: Number(row['updated_at']),
  }
}

/** JSON text for a column, or null. */
export const toJson = (value: unknown): string | null =>
  value === undefined ? null : JSON.stringify(value)

/** The SQL list of claimable states. */
export const CLAIMABLE_SQL = "('received','planned','posting','waiting')"
/** The SQL list of finished states. */
export const TERMINAL_SQL = "('posted','skipped','dead','discarded')"

/**
 * Runs `fn` so that a synchronous throw becomes a rejected promise, as from any Store method.
 * @example
 * const saved = new Map<string, RegistrationRecord>()
 * // A Store method: normaliseRegistration's TypeError rejects the promise, it is not thrown
 * const saveRegistration = (input: RegistrationRecord) =>
 *   settle(() => void saved.set(input.vendorTxCode, normaliseRegistration(input)))
 */
export const settle = <T>(fn: () => T | PromiseLike<T>): Promise<T> =>
  new Promise<T>((resolve) => resolve(fn()))

const REQUIRED_TEXT = ['vendorTxCode', 'currency', 'txType'] as const
const OPTIONAL_TEXT = [
  'relatedTransactionId',
  'vpsTxId',
  'invoiceReference',
  'basket',
  'basketXml',
] as const

/**
 * A registration checked and in its one stored shape, shared by every adapter so they agree:
 * absent optional fields (undefined or null) are left out, the customer is copied as JSON.
 * Throws a TypeError naming the field (never the SecurityKey's value).
 * @example
 * const record = normaliseRegistration({ vendorTxCode: 'INV-1', securityKey: 'JEUPDN1N7E',
 *   amount: 12000, currency: 'GBP', txType: 'PAYMENT', vpsTxId: undefined, createdAt: Date.now() })
 * // no vpsTxId key
 */
export function normaliseRegistration(record: RegistrationRecord): RegistrationRecord {
  const fail = (field: string, expected: string): never => {
    throw new TypeError(
      `Store registration ${JSON.stringify(String(record.vendorTxCode))}: ${field} must be ${expected}.`,
    )
  }
  for (const field of REQUIRED_TEXT)
    if (typeof record[field] !== 'string' || record[field] === '') fail(field, 'a non-empty string')
  // Empty for a Form transaction, which has no SecurityKey (and so never verifies a notification).
  if (typeof record.securityKey !== 'string') fail('securityKey', 'a string')
  if (!Number.isSafeInteger(record.amount)) fail('amount', 'an integer (minor units)')
  if (!Number.isSafeInteger(record.createdAt)) fail('createdAt', 'epoch milliseconds (an integer)')
  const out: Record<string, unknown> = {
    vendorTxCode: record.vendorTxCode,
    securityKey: record.securityKey,
    amount: record.amount,
    currency: record.currency,
    txType: record.txType,
  }
  for (const field of OPTIONAL_TEXT) {
    const value: unknown = record[field]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') fail(field, 'a string when present')
    out[field] = value
  }
  if (record.customer !== undefined && record.customer !== null)
    out['customer'] = JSON.parse(JSON.stringify(record.customer)) as unknown
  out['createdAt'] = record.createdAt
  return out as unknown as RegistrationRecord
}

const sortedKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortedKeys)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
        )
      : value

/**
 * Same registration data (createdAt aside: a re-import later is still a duplicate).
 * @example
 * const first: RegistrationRecord = { vendorTxCode: 'INV-1', securityKey: 'JEUPDN1N7E',
 *   amount: 12000, currency: 'GBP', txType: 'PAYMENT', createdAt: 1767225600000 }
 * sameRegistration(first, { ...first, createdAt: Date.now() }) // true
 */
export function sameRegistration(a: RegistrationRecord, b: RegistrationRecord): boolean {
  const data = ({ createdAt: _createdAt, ...rest }: RegistrationRecord) =>
    JSON.stringify(sortedKeys(rest))
  return data(a) === data(b)
}

/**
 * The outcome of an import, record by record in order, once the first occurrence of each new
 * vendorTxCode is stored: `stored` holds what each code now maps to, `inserted` the codes this
 * import created.
 * @example
 * const a: RegistrationRecord = { vendorTxCode: 'INV-1', securityKey: 'JEUPDN1N7E',
 *   amount: 12000, currency: 'GBP', txType: 'PAYMENT', createdAt: 1767225600000 }
 * const b = { ...a, vendorTxCode: 'INV-2' } // stored before this import
 * const stored = new Map([[a.vendorTxCode, a], [b.vendorTxCode, b]])
 * importOutcome([a, a, b], stored, new Set([a.vendorTxCode]))
 * // { created: 1, duplicates: 2, conflicts: [] }: a created, then a and b seen before
 */
export function importOutcome(
  records: readonly RegistrationRecord[],
  stored: ReadonlyMap<string, RegistrationRecord>,
  inserted: ReadonlySet<string>,
): { created: number; duplicates: number; conflicts: string[] } {
  const counted = new Set<string>()
  const result = { created: 0, duplicates: 0, conflicts: [] as string[] }
  for (const record of records) {
    const code = record.vendorTxCode
    if (inserted.has(code) && !counted.has(code)) {
      counted.add(code)
      result.created += 1
      continue
    }
    const first = stored.get(code)
    if (first && sameRegistration(first, record)) result.duplicates += 1
    else result.conflicts.push(code)
  }
  return result
}

/**
 * The VendorTxCodes of an import that differ only by letter case from a stored code (given in
 * `storedCodes`: any superset of the stored codes that fold like the batch's) or from an earlier
 * code of the batch. Empty when the import may go ahead.
 * @example
 * const a: RegistrationRecord = { vendorTxCode: 'inv-1', securityKey: 'JEUPDN1N7E',
 *   amount: 12000, currency: 'GBP', txType: 'PAYMENT', createdAt: 1767225600000 }
 * nearDuplicatesIn([a], ['INV-1']) // [{ vendorTxCode: 'inv-1', other: 'INV-1', stored: true }]
 */
export function nearDuplicatesIn(
  records: readonly RegistrationRecord[],
  storedCodes: Iterable<string>,
): RegistrationNearDuplicate[] {
  const fold = (code: string) => code.toLowerCase()
  const known = new Map<string, { code: string; stored: boolean }>()
  for (const code of storedCodes) known.set(fold(code), { code, stored: true })
  const near: RegistrationNearDuplicate[] = []
  for (const { vendorTxCode } of records) {
    const first = known.get(fold(vendorTxCode))
    if (first === undefined) known.set(fold(vendorTxCode), { code: vendorTxCode, stored: false })
    else if (first.code !== vendorTxCode)
      near.push({ vendorTxCode, other: first.code, stored: first.stored })
  }
  return near
}

/**
 * A row of the `registrations` table (either SQL dialect) as a RegistrationRecord.
 * @example
 * registrationFromRow({
 *   vendor_tx_code: 'INV-1',
 *   security_key: 'JEUPDN1N7E',
 *   amount: 12000,
 *   currency: 'GBP',
 *   tx_type: 'PAYMENT',
 *   vps_tx_id: null,
 *   created_at: 1767225600000,
 * }) // { vendorTxCode: 'INV-1', ..., txType: 'PAYMENT', createdAt: 1767225600000 }: no vpsTxId
 */
export function registrationFromRow(row: Record<string, unknown>): RegistrationRecord {
  const optional = (name: string, column: string) => {
    const value = str(row[column])
    return value === undefined ? {} : { [name]: value }
  }
  const customer = json(row['customer'])
  return {
    vendorTxCode: String(row['vendor_tx_code']),
    securityKey: String(row['security_key']),
    amount: Number(row['amount']),
    currency: String(row['currency']),
    txType: String(row['tx_type']),
    ...optional('relatedTransactionId', 'related_transaction_id'),
    ...optional('vpsTxId', 'vps_tx_id'),
    ...(customer === undefined || customer === null ? {} : { customer }),
    ...optional('invoiceReference', 'invoice_reference'),
    ...optional('basket', 'basket'),
    ...optional('basketXml', 'basket_xml'),
    createdAt: Number(row['created_at']),
  }
}

/**
 * A registration's column values, in the order of REGISTRATION_COLUMNS.
 * @example
 * registrationValues({ vendorTxCode: 'INV-1', securityKey: 'JEUPDN1N7E',
 *   amount: 12000, currency: 'GBP', txType: 'PAYMENT', createdAt: 1767225600000 })
 * // ['INV-1', 'JEUPDN1N7E', 12000, 'GBP', 'PAYMENT', null, null, null, null, 1767225600000, null, null]
 */
export const registrationValues = (r: RegistrationRecord): unknown[] => [
  r.vendorTxCode,
  r.securityKey,
  r.amount,
  r.currency,
  r.txType,
  r.relatedTransactionId ?? null,
  r.vpsTxId ?? null,
  toJson(r.customer),
  r.invoiceReference ?? null,
  r.createdAt,
  r.basket ?? null,
  r.basketXml ?? null,
]

/** The columns of the `registrations` table. */
export const REGISTRATION_COLUMNS =
  'vendor_tx_code, security_key, amount, currency, tx_type, related_transaction_id, vps_tx_id, customer, invoice_reference, created_at, basket, basket_xml'
