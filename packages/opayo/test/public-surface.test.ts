import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as opayo from '../src/index.js'

describe('the public surface', () => {
  it('is exactly what index.ts lists by name', () => {
    const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')
    expect(source).not.toMatch(/export \*/)
    const listed = [...source.matchAll(/^export \{([^}]*)\}/gm)]
      .flatMap((m) => (m[1] ?? '').split(','))
      .map((name) => name.trim())
      .filter(Boolean)
      .sort()
    expect(Object.keys(opayo).sort()).toEqual(listed)
  })

  it('gives every error a literal name and a stable code, recognised across copies', () => {
    const error = new opayo.OpayoSignatureError('x')
    expect(error.name).toBe('OpayoSignatureError')
    expect(error.code).toBe('opayo_signature_mismatch')
    expect(error).toBeInstanceOf(opayo.OpayoError)
  })
})
