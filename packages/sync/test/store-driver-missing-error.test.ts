import { isOpayoKashflowError } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { StoreDriverMissingError } from '../src/index.js'
import { loadStoreDriver } from '../src/store/store-driver-missing-error.js'

/** An error as Node throws it: `import()` (ESM) and `require()` (the CJS build) word them apart. */
const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code })
const ESM_MISSING = nodeError(
  'ERR_MODULE_NOT_FOUND',
  "Cannot find package 'better-sqlite3' imported from /app/node_modules/@opayo-kashflow/sync/dist/sqlite.js",
)
const CJS_MISSING = nodeError(
  'MODULE_NOT_FOUND',
  "Cannot find module 'pg'\nRequire stack:\n- /app/node_modules/@opayo-kashflow/sync/dist/postgres.cjs",
)

describe('loadStoreDriver', () => {
  it('turns a missing better-sqlite3 into a typed error that names the install command', async () => {
    const error = await loadStoreDriver('better-sqlite3', () => Promise.reject(ESM_MISSING)).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(StoreDriverMissingError)
    expect(isOpayoKashflowError(error)).toBe(true)
    expect(error).toMatchObject({
      name: 'StoreDriverMissingError',
      code: 'store_driver_missing',
      driver: 'better-sqlite3',
      installCommand: 'npm install better-sqlite3',
      cause: ESM_MISSING,
    })
    expect((error as Error).message).toMatch(/^install better-sqlite3: npm install better-sqlite3 /)
  })

  it('recognises the CommonJS wording too (the .cjs build requires the driver)', async () => {
    const error = await loadStoreDriver('pg', () => Promise.reject(CJS_MISSING)).catch(
      (e: unknown) => e,
    )
    expect((error as Error).message).toMatch(/^install pg: npm install pg /)
  })

  it('says to rebuild a driver whose native module was never compiled', async () => {
    const unbuilt = new Error(
      'Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node',
    )
    const error = await loadStoreDriver('better-sqlite3', () => Promise.reject(unbuilt)).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ installCommand: 'npm rebuild better-sqlite3' })
    expect((error as Error).message).toMatch(/^build better-sqlite3: npm rebuild better-sqlite3 /)
  })

  it('rethrows anything else as it came: a module the driver needs, or a failure to open', async () => {
    const dependency = nodeError(
      'MODULE_NOT_FOUND',
      "Cannot find module 'bindings'\nRequire stack:\n- /app/node_modules/better-sqlite3/lib/database.js",
    )
    await expect(loadStoreDriver('better-sqlite3', () => Promise.reject(dependency))).rejects.toBe(
      dependency,
    )
    const locked = new Error('SQLITE_CANTOPEN: unable to open database file')
    await expect(loadStoreDriver('better-sqlite3', () => Promise.reject(locked))).rejects.toBe(
      locked,
    )
  })

  // That sqliteStore and postgresStore go through it, in the ESM and the CJS build, is checked on
  // the packed packages in a project without the drivers (scripts/check-packages.mjs).
})
