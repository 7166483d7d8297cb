import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { listedExports } from '../../../test/support/public-surface.js'
import * as sync from '../src/index.js'
import * as postgres from '../src/postgres.js'
import * as sqlite from '../src/sqlite.js'

const listed = (file: string) => listedExports(new URL(`../src/${file}`, import.meta.url))

describe('the public surface', () => {
  it('is exactly what each entry point lists by name', () => {
    expect(Object.keys(sync).sort()).toEqual(listed('index.ts'))
    expect(Object.keys(sqlite).sort()).toEqual(listed('sqlite.ts'))
    expect(Object.keys(postgres).sort()).toEqual(listed('postgres.ts'))
  })

  it('declares every exported type: none is inferred with ReturnType<...>', () => {
    const sources = ['index.ts', 'sqlite.ts', 'postgres.ts'].flatMap((entry) => {
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
})
