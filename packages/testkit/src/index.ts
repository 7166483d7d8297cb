// @opayo-kashflow/testkit: fixtures and fakes for tests. A dev dependency only.

export {
  buildServerNotification,
  uniqueVendorTxCode,
  signServerNotification,
  postServerNotification,
  parseNotificationReply,
} from './opayo/server-notifications.js'
export type {
  ServerNotificationFields,
  ParsedNotificationReply,
} from './opayo/server-notifications.js'
export { FakeOpayo } from './opayo/fake-opayo.js'
export type {
  FakeOpayoOptions,
  FakeOpayoTransaction,
  FakeFault,
  FakeServerNotificationStatus,
  CompleteServerTransactionOptions,
  FakeServerNotification,
  FakeReportingRowsOptions,
  FakeSettlementBatch,
  FakeTransactionGroup,
  FakeBatchListOverride,
} from './opayo/types.js'
export type {
  FakeServerRegistration,
  ServerRegistrationRefusal,
} from './opayo/server-registrations.js'
export { FakeKashflow } from './kashflow/fake-kashflow.js'
export { DroppedConnectionError } from './kashflow/faults.js'
export type {
  FakeKashflowSeed,
  FakeKashflowUnconfirmed,
  FakeKashflowUser,
  FakeInvoiceSeed,
  FakeInvoiceLineSeed,
  FakeKashflowFault,
  FakeInvoice,
  FakePaymentLine,
  FakeBankTransaction,
  FakeBankTransactionSeed,
} from './kashflow/types.js'
export { startFakeKashflowServer } from './kashflow/server.js'
export type { FakeKashflowServer } from './kashflow/server.js'
export { startFakeOpayoServer } from './opayo/server.js'
export type { FakeOpayoServer } from './opayo/server.js'
export { serveFetch } from './serve.js'
export type { ServedFetch } from './serve.js'
export { startFakes } from './fakes.js'
export type { Fakes } from './fakes.js'
