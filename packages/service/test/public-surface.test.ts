import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { listedExports } from '../../../test/support/public-surface.js'
import * as service from '../src/index.js'
import * as node from '../src/node.js'
import * as expressEntry from '../src/express.js'
import * as fastifyEntry from '../src/fastify.js'
import * as honoEntry from '../src/hono.js'

const listed = (file: string) => listedExports(new URL(`../src/${file}`, import.meta.url))

describe('the public surface', () => {
  it('is exactly what each entry point lists by name', () => {
    expect(Object.keys(service).sort()).toEqual(listed('index.ts'))
    expect(Object.keys(node)).toEqual(['listen'])
    expect(Object.keys(expressEntry)).toEqual(['mountExpress'])
    expect(Object.keys(fastifyEntry)).toEqual(['mountFastify'])
    expect(Object.keys(honoEntry)).toEqual(['mountHono'])
  })

  it('keeps the frameworks optional peers, never imported at run time by the adapters', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as {
      dependencies: Record<string, string>
      peerDependenciesMeta: Record<string, { optional?: boolean }>
    }
    for (const framework of ['express', 'fastify', 'hono']) {
      expect(manifest.dependencies).not.toHaveProperty(framework)
      expect(manifest.peerDependenciesMeta[framework]).toEqual({ optional: true })
      const source = readFileSync(
        new URL(`../src/adapters/${framework}.ts`, import.meta.url),
        'utf8',
      )
      expect(source).not.toMatch(/from '(express|fastify|hono)'/)
    }
  })

  it('keeps the drivers, the demo and the command line off the main entry point', () => {
    const index = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')
    expect(index).not.toMatch(/sqlite|postgres|demo|cli\//)
  })

  it('runs the command line through a committed bin, not through a check of its own path', () => {
    const main = readFileSync(new URL('../src/cli/main.ts', import.meta.url), 'utf8')
    expect(main).not.toMatch(/process\.argv\[1\]/)
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { bin: Record<string, string>; files: string[] }
    expect(manifest.bin).toEqual({ 'opayo-kashflow': './bin/opayo-kashflow.js' })
    expect(manifest.files).toContain('bin')
  })
})
