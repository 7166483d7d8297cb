import { describe, expect, it } from 'vitest'
import { listedExports } from '../../../test/support/public-surface.js'
import * as httpCore from '../src/index.js'

describe('the internal surface', () => {
  it('is exactly what index.ts lists by name', () => {
    expect(Object.keys(httpCore).sort()).toEqual(
      listedExports(new URL('../src/index.ts', import.meta.url)),
    )
  })

  it('is what the two clients import', () => {
    expect(Object.keys(httpCore).sort()).toEqual([
      'RETRY_AFTER_CAP_MS',
      'backoffDelay',
      'createRateBudget',
      'describeTransportFailure',
      'errorClassFactory',
      'hasAttemptsLeft',
      'isRetryableRequest',
      'isRetryableStatus',
      'learnRate',
      'newBucket',
      'parseRetryAfter',
      'rateSignalFrom',
      'recoverRate',
      'recoveryDue',
      'resolveRetryPolicy',
      'retryAfterMs',
      'retryDelay',
      'runWithRetry',
      'scrubVendorText',
      'sleep',
      'statesRateLimit',
      'statusRange',
      'takeTokens',
    ])
  })
})
