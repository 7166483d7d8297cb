// For each framework: mount the sync service, post a signed Opayo notification the way Opayo
// does, let the engine post it to the fake KashFlow, and read /health (public: ok or degraded).
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
  const service = await buildService(kashflow.url)
  const server = await start(service)
  const fields = signServerNotification(buildServerNotification(), {
    vendorName: 'myshop',
    securityKey: 'IK776BWNHN',
  })
  const reply = await postServerNotification(`${server.url}/opayo/notify`, fields)
  await service.engine.drain()
  const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string }
  const { counts } = await service.engine.status()
  console.log(
    `${name.padEnd(8)} notify -> ${reply.status}; health ${health.status}; posted ${counts.posted}; invoice 1042 ${kashflow.fake.invoiceView(kashflow.fake.invoices.get(1042)!)['Status'] as string}`,
  )
  await server.close()
  await kashflow.close()
}
