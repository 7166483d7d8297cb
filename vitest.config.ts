import { defineConfig } from 'vitest/config'

// Workspace packages resolve to src/ through the dev-time export condition, so tests never
// need a build.
const resolve = { conditions: ['@opayo-kashflow/source'] }

export default defineConfig({
  resolve,
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
          ],
          exclude: ['**/*.property.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve,
        test: {
          name: 'property',
          include: ['packages/*/test/**/*.property.test.ts'],
        },
      },
      {
        resolve,
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['packages/*/test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
    ],
  },
})
