import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.package.js'

// The shared HTTP core is private and never published: its code is bundled into this package,
// and no public type refers to it (scripts/check-packages.mjs fails a tarball that names it).
export default defineConfig(
  packageBuild(['src/index.ts'], { noExternal: ['@opayo-kashflow/http-core'] }),
)
