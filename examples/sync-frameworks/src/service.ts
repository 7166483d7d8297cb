import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient, createRateBudget } from '@opayo-kashflow/kashflow'
import { createServiceMetrics, createSyncService } from '@opayo-kashflow/service'
import type { ServiceMetrics, SyncService } from '@opayo-kashflow/service'
import { memoryStore } from '@opayo-kashflow/sync'

/**
 * A sync service against the given KashFlow URL (the fake, here), with one known registration,
 * and its metrics: the KashFlow client sends through them, so `/metrics` (served by
 * `service.adminHandler`, or `metrics.registry` in your own registry) counts its requests.
 */
export async function buildService(
  kashflowUrl: string,
): Promise<{ service: SyncService; metrics: ServiceMetrics }> {
  const store = memoryStore() // sqliteStore({ path }) in production
  // In production `service.registerServerTransaction(...)` stores this when your checkout
  // registers the transaction with Opayo (or `opayo-kashflow registrations import FILE`).
  await store.saveRegistration({
    vendorTxCode: 'INV-1042-1',
    securityKey: 'IK776BWNHN',
    amount: 12000,
    currency: 'GBP',
    txType: 'PAYMENT',
    createdAt: Date.now(),
  })
  const rateBudget = createRateBudget({ limit: 60, windowMs: 1000 })
  const metrics = createServiceMetrics({ rateBudget })
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({
      username: 'accounts@example.co.uk',
      password: 's3cret',
      memorableWord: 'pineapple',
      baseUrl: kashflowUrl,
      rateBudget,
      fetch: metrics.instrumentFetch('kashflow'),
    }),
    metrics,
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
  })
  return { service, metrics }
}
