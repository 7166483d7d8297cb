import Fastify from 'fastify'
import type { SyncService } from '@opayo-kashflow/service'

/** Mounts the service in Fastify 5: every body is kept as a Buffer and handed over as a web Request. */
export async function startFastify(service: SyncService) {
  const app = Fastify()
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
  app.all('/*', async (req, reply) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && Buffer.isBuffer(req.body)
    const response = await service.handler(
      new Request(new URL(req.url, `http://${req.headers.host ?? 'localhost'}`), {
        method: req.method,
        headers: new Headers(
          Object.entries(req.headers).flatMap(([k, v]) =>
            typeof v === 'string' ? [[k, v] as [string, string]] : [],
          ),
        ),
        ...(hasBody ? { body: req.body as Buffer } : {}),
      }),
    )
    reply.status(response.status)
    response.headers.forEach((value, key) => void reply.header(key, value))
    return reply.send(Buffer.from(await response.arrayBuffer()))
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}
