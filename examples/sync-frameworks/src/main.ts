// For each framework: mount the sync service, start its workers, post a signed Opayo
// notification the way Opayo does, wait for a worker to post it to the fake KashFlow, read
// /health (public: ok or degraded), count the KashFlow requests in the metrics, and stop the workers before closing. Without
// `service.start()` notifications are acknowledged but nothing is posted, and /health turns 503
// `workers_not_running`.
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
  startFakeKashflowServer,
} from '@opayo-kashflow/testkit'
import { startExpress } from './express.js'
import { startFastify } from './fastify.js'
import { startHono } from './hono.js'
import { buildService } from './service.js'

const frameworks = { express: startExpress, fastify: startFastify, hono: startHono }
for (const [name, start] of Object.entries(frameworks)) {
  const kashflow = await startFakeKashflowServer({
    port: 0,
    seed: { invoices: [{ number: 1042, gross: 120 }] },
  })
  const { service, metrics } = await buildService(kashflow.url)
  const server = await start(service)
  // The worker loops: without them nothing reaches KashFlow.
  service.start()
  const fields = signServerNotification(buildServerNotification({ VendorTxCode: 'INV-1042-1' }), {
    vendorName: 'myshop',
    securityKey: 'IK776BWNHN',
  })
  const reply = await postServerNotification(`${server.url}/opayo/notify`, fields)
  // A worker posts it; wait for that (at most 10 s).
  for (let i = 0; i < 200 && (await service.engine.status()).counts.posted === 0; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 50))
  const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string }
  const { counts } = await service.engine.status()
  // What `GET /metrics` serves; here read from the registry directly.
  const requests = await metrics.registry
    .getSingleMetric('opayo_kashflow_upstream_requests_total')
    ?.get()
  const kashflowRequests = (requests?.values ?? []).reduce((n, v) => n + v.value, 0)
  console.log(
    `${name.padEnd(8)} notify -> ${reply.status}; health ${health.status}; posted ${counts.posted}; invoice 1042 ${kashflow.fake.invoiceView(kashflow.fake.invoices.get(1042)!)['Status'] as string}; KashFlow requests ${kashflowRequests}`,
  )
  // Stop the workers first (they finish the event in hand), then the listener.
  await service.stop()
  await server.close()
  await kashflow.close()
}
