import Fastify from 'fastify'
import type { SyncService } from '@opayo-kashflow/service'
import { mountFastify } from '@opayo-kashflow/service/fastify'

/**
 * Fastify 5: the service's routes in a plugin with a content-type parser of their own (the app's
 * parsers do not touch them); the workers start with the mount and stop with `app.close()`.
 */
export async function startFastify(service: SyncService) {
  const app = Fastify()
  mountFastify(app, service)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}
