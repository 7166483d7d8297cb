// The demo's outside world, faked: fake Opayo and fake KashFlow on loopback, and the sync service
// under test on SQLite in the demo's folder, listening on loopback too.
import { join } from 'node:path'
import {
  createReferenceParser,
  customFieldPresets,
  defineCustomFieldMappings,
  definePostingRules,
  staticRateProvider,
} from '@opayo-kashflow/core'
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoPiClient, createOpayoReportingClient } from '@opayo-kashflow/opayo'
import type { OpayoPiClient } from '@opayo-kashflow/opayo'
import type { Store } from '@opayo-kashflow/sync'
import { sqliteStore } from '@opayo-kashflow/sync/sqlite'
import { startFakeKashflowServer, startFakeOpayoServer } from '@opayo-kashflow/testkit'
import type { FakeKashflow, FakeKashflowServer, FakeOpayoServer } from '@opayo-kashflow/testkit'
import { listen } from '../../node.js'
import type { Listening } from '../../node.js'
import { createSyncService } from '../../service/service.js'
import type { SyncService } from '../../service/service-types.js'
import { DEMO_CREATE_INVOICE, DEMO_MATCHING } from '../matching.js'

/** The demo shop's Opayo vendor name. */
export const VENDOR = 'demoshop'
/** The demo shop's Form encryption password. */
export const FORM_PASSWORD = 'DemoFormKey12345'
/** The bearer token the shop's app hands Pi results over with. */
export const HANDOVER_TOKEN = 'demo-handover-token'
const CREDENTIALS = {
  username: 'accounts@example.co.uk',
  password: 's3cret',
  memorableWord: 'pineapple',
}
const REPORTING = { vendor: VENDOR, user: 'reporter', password: 'r3porting' }

/**
 * The demo's VPSTxId number `n` (without braces).
 * @example const tx = guid(1) // 'D0000001-1A2B-4C3D-8E4F-000000000001'
 */
export const guid = (n: number): string =>
  `${(0xd0000000 + n).toString(16).toUpperCase()}-1A2B-4C3D-8E4F-${String(n).padStart(12, '0')}`
/**
 * The SecurityKey of the demo's registration number `n`.
 * @example const securityKey = key(1) // 'K000000001'
 */
export const key = (n: number): string => `K${String(n).padStart(9, '0')}`.slice(0, 10)

/** The running fakes and service of one demo. */
export interface DemoWorld {
  readonly kashflowServer: FakeKashflowServer
  readonly opayoServer: FakeOpayoServer
  readonly kashflowFake: FakeKashflow
  readonly store: Store
  readonly service: SyncService
  readonly pi: OpayoPiClient
  readonly server: Listening
  /** The service's Server notification URL. */
  readonly notifyUrl: string
  /** Stores the registration the checkout made with Opayo (GBP, PAYMENT). */
  readonly register: (vendorTxCode: string, securityKey: string, amount: number) => Promise<unknown>
  /** How many times the engine paused posting so far. */
  readonly paused: () => number
  /** Closes the service's listener, the store and both fakes. */
  readonly close: () => Promise<void>
}

/**
 * Starts the fakes (60 invoices 1001-1060 and 1099 for a euro customer; Sam Jones as a customer)
 * and the sync service on SQLite in `dir` with demo-speed schedules, listening and working.
 * @example const world = await startDemoWorld('/tmp/opayo-kashflow-demo')
 */
export async function startDemoWorld(dir: string): Promise<DemoWorld> {
  const invoices = [
    ...Array.from({ length: 60 }, (_, i) => ({
      number: 1001 + i,
      gross: 500,
      customerCode: `CUST${1001 + i}`,
    })),
    { number: 1099, gross: 500, customerCode: 'EUROCUST' },
  ]
  const kashflowServer = await startFakeKashflowServer({
    port: 0,
    seed: {
      invoices,
      // The weakest KashFlow we can document (no note on payment lines, unknown fields dropped),
      // except that the bulk route takes a negative amount (UNCONFIRMED), so refunds can post.
      unconfirmed: { negativeBulkAmounts: 'accepted' },
      customers: [
        {
          Code: 'CUST1001',
          Name: 'Sam Jones',
          Contacts: [{ IsPrimary: true, Email: 'sam@example.co.uk' }],
        },
      ],
    },
  })
  const opayoServer = await startFakeOpayoServer({
    port: 0,
    options: { vendorName: VENDOR, reporting: REPORTING },
  })

  const store = await sqliteStore({ path: join(dir, 'opayo-kashflow.db') })
  const kashflow = createKashflowClient({
    ...CREDENTIALS,
    baseUrl: kashflowServer.url,
    timeout: 5_000,
    retry: { limit: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
  })
  const reporting = createOpayoReportingClient({
    ...REPORTING,
    environment: new URL(opayoServer.reportingUrl),
  })
  const pi = createOpayoPiClient({
    integrationKey: opayoServer.fake.options.integrationKey,
    integrationPassword: opayoServer.fake.options.integrationPassword,
    vendorName: VENDOR,
    environment: new URL(opayoServer.piUrl),
  })
  const service = createSyncService({
    store,
    kashflow,
    rules: definePostingRules({
      bankAccountId: 55166,
      paymentMethodId: 409844,
      unmatchedReference: DEMO_CREATE_INVOICE,
    }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    matching: DEMO_MATCHING,
    customFields: defineCustomFieldMappings([
      customFieldPresets.fraudRecommendation(),
      customFieldPresets.bankAuthCode(),
    ]),
    rates: staticRateProvider({ 'GBP/EUR': '1.1650' }, { source: 'demo rate table' }),
    opayo: { vendorName: VENDOR, formPassword: FORM_PASSWORD, reporting, pi },
    handoverToken: HANDOVER_TOKEN,
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    // Demo-speed schedules: seconds instead of hours.
    retry: {
      delaysMs: [200, 400, 800, 1_600, 3_200, 5_000, 5_000],
      notFoundDelaysMs: [500, 1_000, 1_500, 2_000],
      confirmDelaysMs: [200, 400, 800],
      pauseAfterConsecutiveFailures: 5,
      probeIntervalMs: 1_000,
    },
    leaseMs: 5_000,
    batchSize: 10,
    pollIntervalMs: 25,
  })
  const server = await listen(service.handler, { port: 0 })
  service.start({ concurrency: 2 })
  let paused = 0
  service.engine.on('paused', () => (paused += 1))

  return {
    kashflowServer,
    opayoServer,
    kashflowFake: kashflowServer.fake,
    store,
    service,
    pi,
    server,
    notifyUrl: `${server.url}/opayo/notify`,
    register: (vendorTxCode, securityKey, amount) =>
      store.saveRegistration({
        vendorTxCode,
        securityKey,
        amount,
        currency: 'GBP',
        txType: 'PAYMENT',
        createdAt: Date.now(),
      }),
    paused: () => paused,
    close: async () => {
      await server.close()
      await store.close()
      await kashflowServer.close()
      await opayoServer.close()
    },
  }
}
