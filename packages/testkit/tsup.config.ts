import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.package.js'

export default defineConfig(
  packageBuild(['src/index.ts', 'src/msw.ts'], {
    external: ['msw'],
  }),
)
