import { describe, expect, it } from 'vitest'
import { describeTransportFailure } from '../src/index.js'

describe('describeTransportFailure', () => {
  it('keeps only the timeout flag and a system error code from the cause chain', () => {
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
    expect(describeTransportFailure(refused)).toEqual({
      timedOut: false,
      reason: ' (ECONNREFUSED)',
    })
    const timeout = Object.assign(new Error('Request timed out: Authorization: Bearer x'), {
      name: 'TimeoutError',
    })
    expect(describeTransportFailure(timeout)).toEqual({ timedOut: true, reason: '' })
  })

  it('ignores codes that do not look like system error codes', () => {
    expect(describeTransportFailure({ code: 'Bearer secret-token' })).toEqual({
      timedOut: false,
      reason: '',
    })
    expect(describeTransportFailure(undefined)).toEqual({ timedOut: false, reason: '' })
  })
})
