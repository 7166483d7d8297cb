// Rate limiting for the fake KashFlow (`fake.requestBudget`): at most `limit` requests in any
// window, 429 with Retry-After beyond it, and optionally the IETF draft's RateLimit headers.
import { error } from './http.js'

/**
 * A sliding-window request budget on the fake's clock.
 * @example
 * const budget = new RequestBudget()
 * budget.set(100, 1000, true)
 */
export class RequestBudget {
  #budget: { limit: number; windowMs: number; hits: number[]; headers: boolean } | undefined

  /** At most `limit` requests in any `windowMs`; `headers` states the budget on every answer. */
  set(limit: number, windowMs: number, headers: boolean): void {
    this.#budget = { limit, windowMs, hits: [], headers }
  }

  /** No budget. */
  clear(): void {
    this.#budget = undefined
  }

  /**
   * Counts a request at `now`: the 429 (Retry-After in whole seconds, at least 1) when the window
   * is full, else `undefined`.
   */
  admit(now: number): Response | undefined {
    const budget = this.#budget
    if (!budget) return undefined
    budget.hits = budget.hits.filter((t) => t > now - budget.windowMs)
    if (budget.hits.length >= budget.limit) {
      const wait = Math.ceil((budget.hits[0]! + budget.windowMs - now) / 1000)
      return error(429, 'TooManyRequests', 'Request limit exceeded', {
        'retry-after': String(Math.max(1, wait)),
      })
    }
    budget.hits.push(now)
    return undefined
  }

  /** The budget's RateLimit headers on an answer, when they were asked for (`now` read then). */
  withHeaders(response: Response, clock: () => number): Response {
    const budget = this.#budget
    if (!budget?.headers) return response
    const now = clock()
    const live = budget.hits.filter((t) => t > now - budget.windowMs)
    const oldest = live[0]
    const reset = oldest === undefined ? 0 : Math.ceil((oldest + budget.windowMs - now) / 1000)
    const headers = new Headers(response.headers)
    headers.set('RateLimit-Limit', String(budget.limit))
    headers.set('RateLimit-Remaining', String(Math.max(0, budget.limit - live.length)))
    headers.set('RateLimit-Reset', String(reset))
    headers.set('RateLimit-Policy', `${budget.limit};w=${budget.windowMs / 1000}`)
    return new Response(response.body, { status: response.status, headers })
  }
}
