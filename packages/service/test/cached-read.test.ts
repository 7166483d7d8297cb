import { describe, expect, it } from 'vitest'
import { cachedRead } from '../src/service/cached-read.js'

describe('cachedRead', () => {
  it('serves one read to every caller within the time, reads again after it, and never keeps a failure', async () => {
    let t = 0
    let reads = 0
    let fail = false
    const read = cachedRead(
      () => {
        reads += 1
        return fail ? Promise.reject(new Error('store down')) : Promise.resolve(reads)
      },
      1_000,
      () => t,
    )
    expect(await Promise.all([read(), read()])).toEqual([1, 1])
    t = 1_001
    fail = true
    await expect(read()).rejects.toThrow('store down')
    fail = false
    expect(await read()).toBe(3)
    expect(reads).toBe(3)
  })
})
