import { OpayoKashflowError } from '@opayo-kashflow/core'

/** The database drivers the stores load on demand: optional peers of this package. */
export type StoreDriver = 'better-sqlite3' | 'pg'

/**
 * A store's driver is not installed (or is installed but its native part was never built), so
 * the store cannot open. The message starts with the command that fixes it, e.g.
 * `install better-sqlite3: npm install better-sqlite3`; `installCommand` carries it alone.
 * @example
 * try {
 *   await sqliteStore({ path: './opayo-kashflow.db' })
 * } catch (error) {
 *   if (isOpayoKashflowError(error) && error.code === 'store_driver_missing') console.error(error.message)
 * }
 */
export class StoreDriverMissingError extends OpayoKashflowError {
  override readonly name = 'StoreDriverMissingError' as const
  /** The package that could not be loaded. */
  readonly driver: StoreDriver
  /** What to run in the project, e.g. `npm install better-sqlite3`. */
  readonly installCommand: string

  constructor(driver: StoreDriver, options: { unbuilt?: boolean; cause?: unknown } = {}) {
    const installCommand = options.unbuilt ? `npm rebuild ${driver}` : `npm install ${driver}`
    const store = driver === 'pg' ? 'PostgreSQL' : 'SQLite'
    super(
      'store_driver_missing',
      options.unbuilt
        ? `build ${driver}: ${installCommand} (it is installed, but its native module was never compiled: was it installed with --ignore-scripts?). The ${store} store cannot open without it.`
        : `install ${driver}: ${installCommand} (the ${store} store's driver, an optional peer dependency of @opayo-kashflow/sync, is not installed in this project).`,
      { cause: options.cause },
    )
    this.driver = driver
    this.installCommand = installCommand
  }
}

/**
 * Loads a store's driver (and opens it, when opening is what needs the native module), turning "the package is not there" (ESM's ERR_MODULE_NOT_FOUND, CJS's
 * MODULE_NOT_FOUND, naming the driver itself rather than something it needs) and "its native
 * module was never built" into a {@link StoreDriverMissingError}; any other failure is rethrown
 * as it came.
 * @param driver the package `load` imports
 * @param load imports the driver (a literal `import('pg')`, so bundlers keep it external), and may open it
 * @throws {StoreDriverMissingError} when the driver is missing or unbuilt
 * @example
 * // postgres-store.ts (internal): the literal import, behind the check
 * // const pg = await loadStoreDriver('pg', () => import('pg'))
 */
export async function loadStoreDriver<T>(driver: StoreDriver, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
    const text = typeof message === 'string' ? message : ''
    const names = (quote: string) => text.includes(`${quote}${driver}${quote}`)
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      (names("'") || names('"'))
    )
      throw new StoreDriverMissingError(driver, { cause: error })
    // better-sqlite3's own words when build/Release/better_sqlite3.node does not exist.
    if (text.includes('Could not locate the bindings file'))
      throw new StoreDriverMissingError(driver, { unbuilt: true, cause: error })
    throw error
  }
}
