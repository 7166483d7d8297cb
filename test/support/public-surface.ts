import { readFileSync } from 'node:fs'

/**
 * The names an entry file exports with `export { ... }` (every package lists its public surface
 * by name; `export *` is not allowed). Fails the caller's expectation when it finds `export *`.
 */
export function listedExports(entry: URL): string[] {
  const source = readFileSync(entry, 'utf8')
  if (/export \*/.test(source))
    throw new Error(`${entry.pathname} uses export *; list every export by name.`)
  return [...source.matchAll(/^export \{([^}]*)\}/gm)]
    .flatMap((m) => (m[1] ?? '').split(','))
    .map((name) => name.trim())
    .filter(Boolean)
    .sort()
}
