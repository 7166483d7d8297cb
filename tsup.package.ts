// The one build configuration every package uses: ESM + CJS + declarations for Node 20.
import type { Options } from 'tsup'

export function packageBuild(entry: string[], extra: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    treeshake: true,
    ...extra,
  }
}

/**
 * For a client that uses the private, never published `@opayo-kashflow/http-core` (kashflow,
 * opayo): its code is bundled in (`noExternal`), and so are its types. The declaration build
 * would otherwise leave `from '@opayo-kashflow/http-core'` in the .d.ts, because a workspace
 * package reached through node_modules counts as an external library. (tsup's `dts.resolve` does
 * not do it: it reads only a package's `types` field, and even given one it leaves http-core's
 * own relative imports external, since they are reached through node_modules too.)
 * Mapping the name to its sources with `paths` makes them ordinary project files, so
 * rollup-plugin-dts inlines the types it exports (`RetryOptions`, `RateBudget`, ...) and the
 * published declarations never name it (scripts/check-packages.mjs checks).
 */
export const bundleHttpCore: Partial<Options> = {
  noExternal: ['@opayo-kashflow/http-core'],
  dts: {
    compilerOptions: {
      paths: { '@opayo-kashflow/http-core': ['../http-core/src/index.ts'] },
    },
  },
}
