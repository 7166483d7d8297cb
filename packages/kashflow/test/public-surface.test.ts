import { describe, expect, it } from 'vitest'
import { listedExports } from '../../../test/support/public-surface.js'
import * as kashflow from '../src/index.js'

describe('the public surface', () => {
  it('is exactly what index.ts lists by name', () => {
    expect(Object.keys(kashflow).sort()).toEqual(
      listedExports(new URL('../src/index.ts', import.meta.url)),
    )
  })

  it('gives every error a literal name and a stable code', () => {
    const e = new kashflow.KashflowAmbiguousWriteError('x')
    expect(e.name).toBe('KashflowAmbiguousWriteError')
    expect(e.code).toBe('kashflow_ambiguous_write')
    expect(e).toBeInstanceOf(kashflow.KashflowError)
  })

  it('redacts secrets everywhere', () => {
    const secret = new kashflow.Secret('hunter2')
    expect(String(secret)).toBe('<redacted>')
    expect(JSON.stringify({ secret })).toBe('{"secret":"<redacted>"}')
    expect(secret.reveal()).toBe('hunter2')
  })
})
