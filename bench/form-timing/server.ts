// The server of bench/form-timing.ts, one per child process: today's sync service
// (`createSyncService` over `listen`, the public handler) with a Form password, an in-memory store
// and in-process fakes, on 127.0.0.1. Prints `listening on http://127.0.0.1:PORT` once ready.
//   OKW_FORM_TIMING_DECRYPTOR=current: the service as it is.
//   OKW_FORM_TIMING_DECRYPTOR=old: the same service with packages/opayo/src/form/crypt.ts swapped
//     for ./old-crypt.ts (the throwing decrypt of before issue 19) by a module resolve hook, so
//     only the decryptor differs.
// Everything else is imported after the hook is registered, hence the dynamic imports.
import { register } from 'node:module'

const mode = process.env['OKW_FORM_TIMING_DECRYPTOR'] ?? 'current'
export const FORM_PASSWORD = process.env['OKW_FORM_TIMING_PASSWORD'] ?? 'BenchFormKey0001'

if (mode === 'old') {
  const old = new URL('./old-crypt.ts', import.meta.url).href
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === './form/crypt.js' && context.parentURL?.endsWith('/packages/opayo/src/index.ts'))
      return next(${JSON.stringify(old)}, context)
    return next(specifier, context)
  }`
  register(`data:text/javascript,${encodeURIComponent(hook)}`)
} else if (mode !== 'current')
  throw new Error(`OKW_FORM_TIMING_DECRYPTOR: old or current, not ${mode}`)

const { createReferenceParser, definePostingRules } = await import('@opayo-kashflow/core')
const { createKashflowClient } = await import('@opayo-kashflow/kashflow')
const { createOpayoReportingClient, createFormDecryptor } = await import('@opayo-kashflow/opayo')
const { FakeKashflow, FakeOpayo } = await import('@opayo-kashflow/testkit')
const { memoryStore } = await import('@opayo-kashflow/sync')
const { createSyncService } = await import('@opayo-kashflow/service')
const { listen } = await import('@opayo-kashflow/service/node')

// Say which decryptor is loaded: the old one is a closure over a try/catch, the new one is not.
const loaded = createFormDecryptor.toString().includes('catch') ? 'old' : 'current'
if (loaded !== mode) throw new Error(`asked for the ${mode} decryptor, loaded the ${loaded} one`)

const opayoFake = new FakeOpayo({
  vendorName: 'benchshop',
  reporting: { vendor: 'benchshop', user: 'r', password: 'p' },
})
const kashflowFake = new FakeKashflow({ invoices: [{ number: 1042, gross: 120 }] })
const service = createSyncService({
  store: memoryStore(),
  kashflow: createKashflowClient({
    username: 'accounts@example.co.uk',
    password: 's3cret',
    memorableWord: 'pineapple',
    fetch: kashflowFake.fetch,
  }),
  rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
  references: createReferenceParser(['INV-{invoice}-{*}']),
  opayo: {
    vendorName: 'benchshop',
    formPassword: FORM_PASSWORD,
    reporting: createOpayoReportingClient({
      vendor: 'benchshop',
      user: 'r',
      password: 'p',
      fetch: opayoFake.fetch,
      retry: { limit: 0 },
    }),
  },
  redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
  poll: false,
})
const server = await listen(service.handler, { port: 0 })
console.log(`listening on ${server.url} (${loaded} decryptor)`)
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0))
})
