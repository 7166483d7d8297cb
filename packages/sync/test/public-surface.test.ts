import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { listedExports } from '../../../test/support/public-surface.js'
import * as sync from '../src/index.js'
import * as postgres from '../src/postgres.js'
import * as sqlite from '../src/sqlite.js'
import * as testing from '../src/testing.js'

const listed = (file: string) => listedExports(new URL(`../src/${file}`, import.meta.url))

describe('the public surface', () => {
  it('is exactly what each entry point lists by name', () => {
    expect(Object.keys(sync).sort()).toEqual(listed('index.ts'))
    expect(Object.keys(sqlite).sort()).toEqual(listed('sqlite.ts'))
    expect(Object.keys(postgres).sort()).toEqual(listed('postgres.ts'))
    expect(Object.keys(testing).sort()).toEqual(listed('testing.ts'))
  })

  it('declares every exported type: none is inferred with ReturnType<...>', () => {
    const sources = ['index.ts', 'sqlite.ts', 'postgres.ts', 'testing.ts'].flatMap((entry) => {
      const text = readFileSync(new URL(`../src/${entry}`, import.meta.url), 'utf8')
      return [...text.matchAll(/from '\.\/([^']+)\.js'/g)].map((m) => `${m[1] ?? ''}.ts`)
    })
    expect(sources).toContain('engine/sync-engine.ts')
    for (const file of new Set(sources)) {
      const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8')
      expect(text, file).not.toMatch(/export type \w+(<[^>]*>)? = ReturnType</)
    }
  })

  it('keeps the drivers off the main entry point', () => {
    const index = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')
    expect(index).not.toMatch(/sqlite-store|postgres-store/)
  })

  it('imports vitest (an optional peer) only in the contract suite of /testing', () => {
    const walk = (dir: URL): URL[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? walk(new URL(`${entry.name}/`, dir))
          : entry.name.endsWith('.ts')
            ? [new URL(entry.name, dir)]
            : [],
      )
    const importers = walk(new URL('../src/', import.meta.url))
      .filter((file) => /from 'vitest'/.test(readFileSync(file, 'utf8')))
      .map((file) => file.pathname.replace(/^.*\/src\//, ''))
    expect(importers).toEqual(['testing/store-contract.ts'])
    expect(readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')).not.toMatch(/testing/)
  })
})
