import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.package.js'

export default defineConfig(
  packageBuild(['src/index.ts', 'src/msw.ts', 'src/demo.ts'], {
    external: ['better-sqlite3', 'pg', 'msw'],
  }),
)
