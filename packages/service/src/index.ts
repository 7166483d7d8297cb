// The public surface of @opayo-kashflow/service, the application: the web-standard routes, the
// admin status page and the reconciliation reports, over the sync engine. Everything exported is
// listed by name. The Node adapter loads on its own subpath (@opayo-kashflow/service/node), and so
// does each framework adapter (/express, /fastify, /hono); the command line is the
// `opayo-kashflow` bin.

export { createSyncService } from './service/service.js'
export type {
  SyncService,
  SyncServiceOptions,
  ServerTransactionInput,
  FormTransactionInput,
} from './service/service-types.js'
export type { HealthOptions, HealthReason, HealthDetail } from './service/health.js'
export { createServiceMetrics } from './service/metrics.js'
export type { ServiceAlertOptions } from './service/alert-watch.js'
export type { AlertMessage, AlertOptions } from './service/alerts.js'
export type { ServiceMetrics, ServiceMetricsOptions, MetricsUpstream } from './service/metrics.js'
export { reconcile, reconciliationCsv, reconciliationHtml } from './service/reconcile.js'
export type {
  Reconciliation,
  ReconciliationRow,
  ReconciliationStatus,
} from './service/reconcile.js'
export { BodyAlreadyReadError } from './adapters/body-already-read-error.js'
export type { AdapterFramework } from './adapters/body-already-read-error.js'
