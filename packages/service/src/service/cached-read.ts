// A store (or budget) read shared by every caller within `ttlMs`: health, metrics and the status
// routes read the same numbers on every request or scrape, and one read serves them all. A read
// that fails is not kept: the next caller reads again.

/**
 * Internal: `read` reused for `ttlMs` after it starts.
 * @example
 * const deadCount = cachedRead(async () => 3, 5_000, Date.now)
 * const n = await deadCount()
 */
export function cachedRead<T>(
  read: () => Promise<T>,
  ttlMs: number,
  now: () => number,
): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | undefined
  return () => {
    if (!kept || now() - kept.at > ttlMs) {
      const value = read()
      const entry = { at: now(), value }
      void value.catch(() => {
        if (kept === entry) kept = undefined
      })
      kept = entry
    }
    return kept.value
  }
}
