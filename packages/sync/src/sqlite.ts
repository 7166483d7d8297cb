// @opayo-kashflow/sync/sqlite: the embedded store. Needs the optional peer better-sqlite3.
export { sqliteStore } from './store/sqlite-store.js'
export type { SqliteStoreOptions } from './store/sqlite-store.js'
