import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Every exported type of every package is declared (an interface or a written-out type), never
// inferred from an implementation: `export type Client = ReturnType<typeof build>` changes
// whenever the code does, and users see a wall of inferred members instead of documentation.
const root = fileURLToPath(new URL('..', import.meta.url))
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : /\.ts$/.test(name) ? [path] : []
  })
const INFERRED = /^export type \w+(<[^>]*>)?\s*=\s*(Awaited<)?ReturnType</m

describe('public types', () => {
  const sources = readdirSync(join(root, 'packages')).flatMap((name) => {
    const src = join(root, 'packages', name, 'src')
    return statSync(src, { throwIfNoEntry: false })?.isDirectory() ? walk(src) : []
  })

  it('scans every package', () => {
    expect(sources.length).toBeGreaterThan(100)
    expect(INFERRED.test('export type KashflowClient = ReturnType<typeof build>')).toBe(true)
  })

  it('are declared, none inferred with ReturnType<...>', () => {
    const inferred = sources
      .filter((file) => INFERRED.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file))
    expect(inferred).toEqual([])
  })
})
