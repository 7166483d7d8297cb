// The child of ack-crash.test.ts: the sync service over a SQLite file, served with node:http,
// registrations saved first. Prints `listening on URL` and then runs until it is killed. No
// workers: the test is about what the notification route acknowledged, not about posting.
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { createSyncService } from '../../src/index.js'
import { listen } from '../../src/node.js'

const path = process.env['ACK_TEST_DB'] ?? ''
const count = Number(process.env['ACK_TEST_REGISTRATIONS'] ?? '0')
const store = await sqliteStore({ path })
await store.importRegistrations(
  Array.from({ length: count }, (_, i) => ({
    vendorTxCode: `INV-${i + 1}-1`,
    securityKey: `K${String(i).padStart(9, '0')}`,
    amount: 1000,
    currency: 'GBP',
    txType: 'PAYMENT',
    createdAt: 0,
  })),
)
const service = createSyncService({
  store,
  kashflow: createKashflowClient({
    username: 'u',
    password: 'p',
    memorableWord: 'm',
    fetch: () => Promise.reject(new Error('no KashFlow in this test')),
  }),
  rules: definePostingRules({ bankAccountId: 1, paymentMethodId: 1 }),
  references: createReferenceParser(['INV-{invoice}-{*}']),
  opayo: { vendorName: 'crashshop' },
  redirectUrl: 'https://shop.example/thanks?o={vendorTxCode}',
  poll: false,
})
const server = await listen(service.handler, { port: 0 })
console.log(`listening on ${server.url}`)
