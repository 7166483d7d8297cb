// @opayo-kashflow/service/hono: mount the sync service's routes in a Hono app. Hono is an
// optional peer, never imported: the adapter takes the app by its shape.
export { mountHono } from './adapters/hono.js'
export type { HonoAppLike, HonoContextLike, HonoMiddlewareLike } from './adapters/hono.js'
export type { MountOptions, MountedService } from './adapters/mount.js'
