// @opayo-kashflow/sync/testing: the Store contract suite, for proving a Store adapter of your own.
// Needs the optional peer vitest, and runs only inside a vitest run.
export { describeStoreContract } from './testing/store-contract.js'
export type { StoreContractOptions } from './testing/store-contract.js'
