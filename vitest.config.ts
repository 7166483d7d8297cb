import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Workspace packages resolve to src/ through the dev-time export condition, so tests never
// need a build (and never run against a stale dist/). Vitest runs tests in Vite's SSR
// environment, whose conditions are `ssr.resolve.conditions`; setting them replaces Vite's
// defaults, so those are kept after ours.
const conditions = ['@opayo-kashflow/source', ...defaultServerConditions]
const resolve = { conditions }
const ssr = { resolve: { conditions, externalConditions: conditions } }

export default defineConfig({
  resolve,
  ssr,
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    // Vitest's default is one worker on two cores (cpus - 1), but most long files here wait on
    // child processes and loopback servers, not the CPU: two workers keep both cores busy.
    maxWorkers: 2,
    projects: [
      {
        resolve,
        ssr,
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
        ssr,
        test: {
          name: 'property',
          include: ['packages/*/test/**/*.property.test.ts'],
        },
      },
      {
        resolve,
        ssr,
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
