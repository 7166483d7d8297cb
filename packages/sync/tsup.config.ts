import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.package.js'

// The drivers and vitest (for /testing) are optional peers: never bundled.
export default defineConfig(
  packageBuild(['src/index.ts', 'src/sqlite.ts', 'src/postgres.ts', 'src/testing.ts'], {
    external: ['better-sqlite3', 'pg', 'vitest'],
  }),
)
