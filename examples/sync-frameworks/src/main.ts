// For each framework: mount the sync service with its adapter (which starts the workers), post a
// signed Opayo notification the way Opayo does, wait for a worker to post it to the fake KashFlow,
// read /health (public: ok or degraded), count the KashFlow requests in the metrics, and close
// (the workers stop first). Then, in Express, what a body parser mounted before the adapter gets:
// a 500 naming the parser and the fix, never a silent INVALID.
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
  startFakeKashflowServer,
} from '@opayo-kashflow/testkit'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { mountExpress } from '@opayo-kashflow/service/express'
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
  // The adapter starts the worker loops: without them nothing reaches KashFlow.
  const server = await start(service)
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
  // The workers stop first (they finish the event in hand), then the listener.
  await server.close()
  await kashflow.close()
}

// The pitfall: express.urlencoded() mounted before the adapter reads the body first.
{
  const kashflow = await startFakeKashflowServer({ port: 0 })
  const { service } = await buildService(kashflow.url)
  const app = express()
  app.use(express.urlencoded()) // wrong place: before the mount
  const mounted = mountExpress(app, service)
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  const fields = signServerNotification(buildServerNotification(), {
    vendorName: 'myshop',
    securityKey: 'IK776BWNHN',
  })
  const response = await fetch(`http://127.0.0.1:${port}/opayo/notify`, {
    method: 'POST',
    body: new URLSearchParams(fields),
  })
  const { error } = (await response.json()) as { error: string }
  console.log(`parser first: notify -> ${response.status}; ${error}`)
  await mounted.stop()
  await new Promise((resolve) => server.close(resolve))
  await kashflow.close()
}
