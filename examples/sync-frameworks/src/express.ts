import type { AddressInfo } from 'node:net'
import express from 'express'
import type { SyncService } from '@opayo-kashflow/service'

/** Mounts the service in Express 5: the raw body becomes a web Request; the Response is copied back. */
export async function startExpress(service: SyncService) {
  const app = express()
  app.use(express.raw({ type: () => true }))
  app.all(/^\/(opayo|pi|health)(\/.*)?$/, async (req, res) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    const request = new Request(
      new URL(req.originalUrl, `http://${req.headers.host ?? 'localhost'}`),
      {
        method: req.method,
        headers: new Headers(
          Object.entries(req.headers).flatMap(([k, v]) =>
            typeof v === 'string' ? [[k, v] as [string, string]] : [],
          ),
        ),
        ...(hasBody && Buffer.isBuffer(req.body) ? { body: req.body } : {}),
      },
    )
    const response = await service.handler(request)
    res.status(response.status)
    response.headers.forEach((value, key) => res.setHeader(key, value))
    res.send(Buffer.from(await response.arrayBuffer()))
  })
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
