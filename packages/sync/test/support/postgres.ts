// PostgreSQL for tests: 127.0.0.1:5432 on our machines and in CI (trust auth, database `test`).
// In CI an unreachable server fails the run; elsewhere the suites report themselves skipped.
import pg from 'pg'

export const connectionString =
  process.env['OPAYO_KASHFLOW_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** An admin pool for creating and dropping the schemas a test run uses. */
export function adminPool(): pg.Pool {
  return new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 3000 })
}

/** Whether PostgreSQL answers; throws when it does not and CI=true. */
export async function postgresReachable(admin: pg.Pool): Promise<boolean> {
  return admin.query('SELECT 1').then(
    () => true,
    (error: unknown) => {
      if (process.env['CI'] === 'true') {
        throw new Error(
          `PostgreSQL is required in CI but unreachable at ${connectionString}: ${String(error)}`,
        )
      }
      return false
    },
  )
}
