/** Waits `ms` milliseconds; rejects with the signal's reason when it aborts. Injected in tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/**
 * The default `Sleep`: a timer, cleared when `signal` aborts (rejecting with its reason).
 * @example await sleep(250, AbortSignal.timeout(1000))
 */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    const reason = () => (signal?.reason instanceof Error ? signal.reason : new Error('Aborted'))
    if (signal?.aborted) {
      reject(reason())
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(reason())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
