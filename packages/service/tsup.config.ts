import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.package.js'

// The drivers and the frameworks are optional peers: never bundled (the adapters import no
// framework anyway). The build script empties dist once, so the two
// configs (library, CLI) must not race to clean it.
const external = ['better-sqlite3', 'pg', 'express', 'fastify', 'hono']

export default defineConfig([
  packageBuild(['src/index.ts', 'src/node.ts', 'src/express.ts', 'src/fastify.ts', 'src/hono.ts'], {
    clean: false,
    external,
  }),
  {
    // The command line, run by bin/opayo-kashflow.js. ESM only; the demo is split off and loaded
    // only by `opayo-kashflow demo`.
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    external,
  },
])
