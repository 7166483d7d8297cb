// Internal: the HTTP core the KashFlow and Opayo clients share. Not published; each client's
// build bundles its code (tsup `noExternal`) and inlines its types into the client's declarations
// (`bundleHttpCore` in tsup.package.ts), and lint lets only those two packages import it.

export {
  statusRange,
  resolveRetryPolicy,
  isRetryableRequest,
  isRetryableStatus,
  hasAttemptsLeft,
  backoffDelay,
  retryDelay,
} from './retry/retry-policy.js'
export type { HttpMethod, RetryOptions, RetryPolicy } from './retry/retry-policy.js'
export { runWithRetry } from './retry/run-with-retry.js'
export type {
  AttemptOutcome,
  RetryableError,
  RetryEvent,
  RetryRun,
  WriteFailure,
} from './retry/run-with-retry.js'
export { RETRY_AFTER_CAP_MS, parseRetryAfter, retryAfterMs } from './retry/retry-after.js'
export {
  createRateBudget,
  learnRate,
  newBucket,
  recoverRate,
  recoveryDue,
  takeTokens,
} from './rate/rate-budget.js'
export type {
  InMemoryRateBudgetOptions,
  RateBucketState,
  RateBudget,
  RateBudgetOptions,
  RateBudgetReading,
  RateSignal,
} from './rate/rate-budget.js'
export { rateSignalFrom, statesRateLimit } from './rate/rate-limit-headers.js'
export { sleep } from './sleep.js'
export type { Sleep } from './sleep.js'
export { errorClassFactory } from './errors/error-class-factory.js'
export { scrubVendorText } from './errors/scrub-vendor-text.js'
export { describeTransportFailure } from './errors/transport-failure.js'
