// @opayo-kashflow/sync/postgres: the store for several workers. Needs the optional peer pg.
export { postgresStore } from './store/postgres-store.js'
export type { PostgresStoreOptions } from './store/postgres-store.js'
