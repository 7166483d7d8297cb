import { describe, expect, it } from 'vitest'
import { listedExports } from '../../../test/support/public-surface.js'
import * as opayo from '../src/index.js'

describe('the public surface', () => {
  it('is exactly what index.ts lists by name', () => {
    expect(Object.keys(opayo).sort()).toEqual(
      listedExports(new URL('../src/index.ts', import.meta.url)),
    )
  })

  it('gives every error a literal name and a stable code, recognised across copies', () => {
    const error = new opayo.OpayoSignatureError('x')
    expect(error.name).toBe('OpayoSignatureError')
    expect(error.code).toBe('opayo_signature_mismatch')
    expect(error).toBeInstanceOf(opayo.OpayoError)
  })
})
