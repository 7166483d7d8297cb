// The public surface of @opayo-kashflow/opayo. Everything exported is listed by name.

export { Secret } from '@opayo-kashflow/core'
export { OpayoError, OpayoSignatureError, OpayoCryptError } from './errors/opayo-error.js'
export type { OpayoErrorDetails, OpayoVendorError } from './errors/opayo-error.js'
export {
  OpayoAuthenticationError,
  OpayoValidationError,
  OpayoNotFoundError,
  OpayoRateLimitError,
  OpayoServerError,
  OpayoTimeoutError,
  OpayoNetworkError,
  OpayoAmbiguousResultError,
  OpayoResponseError,
  OpayoReportingError,
} from './errors/http-errors.js'

export {
  ServerNotificationSchema,
  SERVER_NOTIFICATION_STATUSES,
} from './server-notification/schema.js'
export type { ServerNotification, ServerNotificationStatus } from './server-notification/schema.js'
export { parseServerNotification } from './server-notification/parse.js'
export {
  verifyServerNotification,
  serverNotificationSignature,
  serverNotificationSignatureString,
} from './server-notification/signature.js'
export type { ServerNotificationSecrets, SignedFields } from './server-notification/signature.js'
export { serverNotificationReply } from './server-notification/reply.js'
export type {
  ServerNotificationReply,
  ServerNotificationReplyStatus,
} from './server-notification/reply.js'
export { createServerNotificationHandler, memoryReplyStore } from './server-notification/handler.js'
export type {
  ServerNotificationHandlerOptions,
  ServerNotificationEvent,
  ServerNotificationHandlerEvent,
  ReplyStore,
  StoredReply,
} from './server-notification/handler.js'

export { encryptFormCrypt, decryptFormCrypt, createFormDecryptor } from './form/crypt.js'
export type {
  FormFields,
  DecryptFormCryptOptions,
  FormDecryption,
  FormDecryptor,
} from './form/crypt.js'
export { FormReturnSchema, parseFormReturn } from './form/form-return.js'
export type { FormReturn } from './form/form-return.js'

export { createOpayoPiClient, OPAYO_PI_URLS } from './pi/client.js'
export type { OpayoPiClient, OpayoPiClientOptions } from './pi/client.js'
export { errorFromResponse } from './pi/error-from-response.js'
export {
  PiTransactionRequestSchema,
  PiTransactionSchema,
  PiMerchantSessionKeySchema,
  PiInstructionRequestSchema,
  PiInstructionSchema,
  PiErrorBodySchema,
  PiThreeDSecureCompletionSchema,
  PI_TRANSACTION_TYPES,
  PI_STATUSES,
  PI_INSTRUCTION_TYPES,
} from './pi/schemas.js'
export type {
  PiTransactionRequest,
  PiTransaction,
  PiMerchantSessionKey,
  PiInstructionRequest,
  PiInstruction,
  PiThreeDSecureCompletion,
} from './pi/schemas.js'
export type {
  CallOptions,
  RetryOptions,
  RawResponse,
  OpayoTransportOptions,
} from './internal/http.js'

export { createOpayoServerClient } from './server-registration/client.js'
export type { OpayoServerClient, OpayoServerClientOptions } from './server-registration/client.js'
export {
  OPAYO_SERVER_URLS,
  SERVER_REGISTRATION_TX_TYPES,
  SERVER_REGISTRATION_LIMITS,
  SERVER_REGISTRATION_OK_STATUSES,
  ServerRegistrationInputSchema,
  ServerRegistrationContactSchema,
  SECURITY_KEY_PATTERN,
  RegistrationTrustSchema,
  foldVendorTxCode,
} from './server-registration/schema.js'
export type {
  ServerRegistration,
  ServerRegistrationInput,
  ServerRegistrationRequest,
  ServerRegistrationContact,
  ServerRegistrationTxType,
  RegistrationTrust,
} from './server-registration/schema.js'
export { parseOpayoBasket } from './basket/basket.js'
export type { OpayoBasket, BasketLine, BasketDiscount } from './basket/basket.js'
export { BASKET_XML_DELIVERY_ELEMENTS } from './basket/unconfirmed.js'
export {
  OpayoServerRegistrationError,
  SERVER_REGISTRATION_FAILURE_STATUSES,
} from './server-registration/registration-error.js'
export type { ServerRegistrationFailureStatus } from './server-registration/registration-error.js'
export { OpayoServerRegistrationInputError } from './server-registration/input-error.js'

export { createOpayoReportingClient, OPAYO_REPORTING_URLS } from './reporting/client.js'
export type {
  OpayoReportingClient,
  OpayoReportingClientOptions,
  TransactionListFilters,
} from './reporting/client.js'
export {
  ReportingTransactionSchema,
  ReportingFraudDetailSchema,
  ReportingBatchSchema,
  ReportingTransactionGroupSchema,
} from './reporting/schemas.js'
export type {
  ReportingTransaction,
  ReportingFraudDetail,
  ReportingBatch,
  ReportingTransactionGroup,
} from './reporting/schemas.js'
export { readBatchListRow } from './reporting/batch-list.js'
export type { ReportingBatchSummary, ReportingBatchTotals } from './reporting/batch-list.js'
export { buildReportingXml, parseReportingXml } from './reporting/xml.js'
export type { ReportingParam, ReportingCredentials } from './reporting/xml.js'
export { parseReportingDate, toReportingDate } from './reporting/dates.js'
export { REPORTING_UNCONFIRMED } from './reporting/unconfirmed.js'

export { toCanonicalPayment } from './normalise/to-canonical.js'
export type { OpayoPaymentSource, Registration } from './normalise/to-canonical.js'
