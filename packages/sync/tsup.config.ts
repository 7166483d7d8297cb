import { defineConfig } from 'tsup'

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/sqlite.ts', 'src/postgres.ts', 'src/node.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false, // the build script empties dist once; two configs must not race to clean it
    sourcemap: true,
    target: 'node20',
    treeshake: true,
    // Drivers and the demo's fakes are optional peers: never bundled.
    external: ['better-sqlite3', 'pg', '@opayo-kashflow/testkit'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    external: ['better-sqlite3', 'pg', '@opayo-kashflow/testkit'],
  },
])
