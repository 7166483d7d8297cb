import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createSyncService } from '@opayo-kashflow/service'
import type { SyncService } from '@opayo-kashflow/service'
import { memoryStore } from '@opayo-kashflow/sync'

/** A sync service against the given KashFlow URL (the fake, here), with one known registration. */
export async function buildService(kashflowUrl: string): Promise<SyncService> {
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
  return createSyncService({
    store,
    kashflow: createKashflowClient({
      username: 'accounts@example.co.uk',
      password: 's3cret',
      memorableWord: 'pineapple',
      baseUrl: kashflowUrl,
    }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop' },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
  })
}
