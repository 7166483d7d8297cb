import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { SyncService } from '@opayo-kashflow/service'
import { mountHono } from '@opayo-kashflow/service/hono'

/** Hono: the service's routes as a middleware with the body limit; the workers start with it. */
export async function startHono(service: SyncService) {
  const app = new Hono()
  const mounted = mountHono(app, service)
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    )
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await mounted.stop()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
