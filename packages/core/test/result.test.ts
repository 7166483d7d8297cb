import { describe, expect, it } from 'vitest'
import {
  CustomFieldMappingError,
  InvalidArgumentError,
  ISSUE_CODES,
  OpayoKashflowError,
  err,
  isOpayoKashflowError,
  issue,
  ok,
} from '../src/index.js'
import type * as ErrorModule from '../src/errors/opayo-kashflow-error.js'

describe('Result', () => {
  it('wraps a value with ok() and issues with err()', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 })
    const problems = [issue('missing_value', ['vendorTxCode'], 'vendorTxCode is required.')]
    expect(err(problems)).toEqual({ ok: false, issues: problems })
  })

  it('lists every issue code once, each mapping to itself', () => {
    for (const [key, value] of Object.entries(ISSUE_CODES)) expect(key).toBe(value)
  })
})

describe('OpayoKashflowError', () => {
  it('carries a literal name and a stable code', () => {
    const e = new InvalidArgumentError('bad')
    expect(e).toBeInstanceOf(OpayoKashflowError)
    expect(e.name).toBe('InvalidArgumentError')
    expect(e.code).toBe('invalid_argument')
    expect(isOpayoKashflowError(e)).toBe(true)
  })

  it('is recognised when it comes from a second copy of the package', async () => {
    // A query string makes Vite load the module again: a separate class, as with two installs.
    const secondCopy = '../src/errors/opayo-kashflow-error.ts?second-copy'
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof ErrorModule
    const foreign = new copy.InvalidArgumentError('from the other copy')
    expect(copy.OpayoKashflowError).not.toBe(OpayoKashflowError)
    expect(foreign instanceof OpayoKashflowError).toBe(false)
    expect(isOpayoKashflowError(foreign)).toBe(true)
  })

  it('does not recognise look-alike plain errors or objects', () => {
    expect(isOpayoKashflowError(Object.assign(new Error('x'), { code: 'invalid_argument' }))).toBe(
      false,
    )
    expect(isOpayoKashflowError({ name: 'InvalidArgumentError', code: 'invalid_argument' })).toBe(
      false,
    )
    expect(isOpayoKashflowError(undefined)).toBe(false)
  })

  it('keeps the brand out of JSON', () => {
    const e = new CustomFieldMappingError([issue('unknown_source_path', [0, 'from'], 'nope')])
    expect(JSON.stringify(e)).not.toContain('opayo-kashflow/error')
    expect(e.message).toContain('[0.from] nope')
  })
})
