import { statusRange } from '../src/index.js'
import type { RetryPolicy } from '../src/index.js'

/** A client's table for the tests: reads (GET) on 429 and every 5xx, three retries from 1 s. */
export const POLICY: RetryPolicy = {
  limit: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  methods: ['GET'],
  statuses: [429, ...statusRange(500, 599)],
}
