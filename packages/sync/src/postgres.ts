// @opayo-kashflow/sync/postgres: the store for several workers. Needs the optional peer pg.
export { postgresStore } from './store/postgres-store.js'
export type { PostgresStoreOptions } from './store/postgres-store.js'
export { postgresRateBudget } from './store/postgres-rate-budget.js'
export type { PostgresRateBudget, PostgresRateBudgetOptions } from './store/postgres-rate-budget.js'
