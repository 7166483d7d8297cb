// @opayo-kashflow/service/fastify: mount the sync service's routes in a Fastify app. Fastify is
// an optional peer, never imported: the adapter takes the app by its shape.
export { mountFastify } from './adapters/fastify.js'
export type {
  FastifyAppLike,
  FastifyContextLike,
  FastifyHandlerLike,
  FastifyParserLike,
  FastifyReplyLike,
  FastifyRequestLike,
} from './adapters/fastify.js'
export type { MountOptions, MountedService } from './adapters/mount.js'
