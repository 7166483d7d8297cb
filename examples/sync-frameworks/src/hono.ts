import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { SyncService } from '@opayo-kashflow/service'

/** Mounts the service in Hono: it already speaks web Requests, so it is one line. */
export async function startHono(service: SyncService) {
  const app = new Hono()
  app.all('*', (c) => service.handler(c.req.raw))
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
