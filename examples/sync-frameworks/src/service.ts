import { createReferenceParser, definePostingRules, money } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createSyncService, memoryStore } from '@opayo-kashflow/sync'
import type { SyncService } from '@opayo-kashflow/sync'

/** A sync service against the given KashFlow URL (the fake, here), with one known registration. */
export function buildService(kashflowUrl: string): SyncService {
  return createSyncService({
    store: memoryStore(), // sqliteStore({ path }) in production
    kashflow: createKashflowClient({
      username: 'accounts@example.co.uk',
      password: 's3cret',
      memorableWord: 'pineapple',
      baseUrl: kashflowUrl,
    }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: {
      vendorName: 'myshop',
      lookupRegistration: (code) =>
        code === 'INV-1042-1'
          ? { securityKey: 'IK776BWNHN', amount: money(12000, 'GBP') }
          : undefined,
    },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
  })
}
