import { defineConfig } from 'tsup'
import { bundleHttpCore, packageBuild } from '../../tsup.package.js'

// The shared HTTP core is private and never published: its code and its types are bundled into
// this package (see bundleHttpCore), and scripts/check-packages.mjs fails a tarball that names it.
export default defineConfig(packageBuild(['src/index.ts'], bundleHttpCore))
