import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/msw.ts', 'src/demo.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  treeshake: true,
  external: ['better-sqlite3', 'pg', 'msw'],
})
