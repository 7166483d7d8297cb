import { err, ok } from '@opayo-kashflow/core'
import type { Result } from '@opayo-kashflow/core'
import { z } from 'zod'
import { issuesFromZod } from '../internal/zod-issues.js'
import { SERVER_NOTIFICATION_STATUSES } from '../server-notification/schema.js'

const text = (max: number) => z.string().max(max).optional()

/** The decrypted Form return (specs/opayo.md §3.2), by wire name. No signature: advisory only. */
export const FormReturnSchema = z.object({
  VPSProtocol: text(4),
  TxType: text(15),
  VendorTxCode: z.string().min(1).max(40),
  VPSTxId: z.string().min(1).max(38),
  Status: z.enum(SERVER_NOTIFICATION_STATUSES),
  StatusDetail: text(255),
  TxAuthNo: text(50),
  AVSCV2: text(50),
  AddressResult: text(20),
  PostCodeResult: text(20),
  CV2Result: text(20),
  GiftAid: text(1),
  '3DSecureStatus': text(50),
  CAVV: text(32),
  AddressStatus: text(20),
  PayerStatus: text(20),
  CardType: text(15),
  Last4Digits: text(4),
  /** Decimal string; may contain thousands separators (`1,231.47`). */
  Amount: z.string().min(1),
  DeclineCode: text(10),
  ExpiryDate: text(4),
  BankAuthCode: text(10),
  FraudResponse: text(10),
  Surcharge: text(20),
  extra: z.record(z.string(), z.string()),
})
export type FormReturn = z.output<typeof FormReturnSchema>

const KNOWN = new Set(Object.keys(FormReturnSchema.shape).filter((k) => k !== 'extra'))

/**
 * Types the fields of a decrypted Form return; unknown fields go to `extra`. Never throws.
 * @example parseFormReturn(decryptFormCrypt(crypt, password, { expectedVendorTxCode }))
 */
export function parseFormReturn(fields: Readonly<Record<string, string>>): Result<FormReturn> {
  const known: Record<string, string> = {}
  const extra: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields)) {
    if (!KNOWN.has(name)) extra[name] = value
    else if (value !== '') known[name] = value
  }
  const parsed = FormReturnSchema.safeParse({ ...known, extra })
  return parsed.success ? ok(parsed.data) : err(issuesFromZod(parsed.error))
}
