import { z } from 'zod'

/**
 * Statuses a Server notification can carry (omnipay-sagepay src/Traits/ServerNotifyTrait.php;
 * academe/SagePay Server.php).
 */
export const SERVER_NOTIFICATION_STATUSES = [
  'OK',
  'PENDING',
  'NOTAUTHED',
  'ABORT',
  'REJECTED',
  'AUTHENTICATED',
  'REGISTERED',
  'ERROR',
  'MALFORMED',
  'INVALID',
] as const
export type ServerNotificationStatus = (typeof SERVER_NOTIFICATION_STATUSES)[number]

const text = (max: number) => z.string().max(max).optional()

/**
 * The outcome fields Server notifications and Form returns share, by wire name (lengths from
 * academe/SagePay src/Academe/SagePay/Metadata/Transaction.php).
 */
export const OPAYO_RESULT_FIELDS = {
  VPSProtocol: text(4),
  TxType: text(15),
  VendorTxCode: z.string().min(1).max(40),
  /** `{GUID}` with braces (the TOKEN notification sends it without). */
  VPSTxId: z
    .string()
    .regex(
      /^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/,
      'Must be a GUID, in braces or not.',
    ),
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
  DeclineCode: text(10),
  ExpiryDate: text(4),
  FraudResponse: text(10),
  BankAuthCode: text(10),
  Surcharge: text(20),
  /** Posted fields this library does not model, verbatim. */
  extra: z.record(z.string(), z.string()),
}

/**
 * Every field of a Server notification, by its wire name. Optional fields
 * that were not posted are absent; fields we do not know are kept in `extra`.
 */
export const ServerNotificationSchema = z.object({
  ...OPAYO_RESULT_FIELDS,
  Token: text(38),
  ACSTransID: text(64),
  DSTransID: text(64),
  SchemeTraceID: text(64),
  /** 32 hex characters, upper case as Opayo sends it. */
  VPSSignature: z.string().regex(/^[0-9A-Fa-f]{32}$/, 'VPSSignature must be 32 hex characters'),
})
export type ServerNotification = z.output<typeof ServerNotificationSchema>

/** The wire names this library models (everything else goes to `extra`). */
export const SERVER_NOTIFICATION_FIELDS: ReadonlySet<string> = new Set(
  Object.keys(ServerNotificationSchema.shape).filter((key) => key !== 'extra'),
)
