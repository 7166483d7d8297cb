// @opayo-kashflow/service/express: mount the sync service's routes in an Express app. Express is
// an optional peer, never imported: the adapter takes the app by its shape.
export { mountExpress } from './adapters/express.js'
export type { ExpressAppLike, ExpressMiddleware, ExpressRequestLike } from './adapters/express.js'
export type { MountOptions, MountedService } from './adapters/mount.js'
