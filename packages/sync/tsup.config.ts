import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.package.js'

// Drivers and the demo's fakes are optional peers: never bundled. The build script empties dist
// once, so the two configs (library, CLI binary) must not race to clean it.
const external = ['better-sqlite3', 'pg', '@opayo-kashflow/testkit']

export default defineConfig([
  packageBuild(['src/index.ts', 'src/sqlite.ts', 'src/postgres.ts', 'src/node.ts'], {
    clean: false,
    external,
  }),
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external,
  },
])
