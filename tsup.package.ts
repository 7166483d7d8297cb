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
