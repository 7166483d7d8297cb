import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import type { SyncService } from '@opayo-kashflow/service'
import { mountExpress } from '@opayo-kashflow/service/express'

/**
 * Express 5: the service's routes mounted before the app's own body parsers (the adapter reads
 * the raw body itself: Opayo signs the fields exactly as posted), its workers started with them.
 */
export async function startExpress(service: SyncService) {
  const app = express()
  const mounted = mountExpress(app, service)
  // The app's own parsers and routes, after the mount.
  app.use(express.urlencoded(), express.json())
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    // The workers first (the event in hand finishes), then the listener.
    async close() {
      await mounted.stop()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
