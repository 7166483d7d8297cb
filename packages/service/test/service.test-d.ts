import { describe, expectTypeOf, it } from 'vitest'
import type { SyncService } from '../src/index.js'
import type { Listening } from '../src/node.js'

describe('service public types', () => {
  it('serves a web-standard handler', () => {
    expectTypeOf<SyncService['handler']>().toEqualTypeOf<(request: Request) => Promise<Response>>()
  })

  it('hands back where the Node adapter listens', () => {
    expectTypeOf<Listening['url']>().toEqualTypeOf<string>()
    expectTypeOf<Listening['close']>().returns.resolves.toEqualTypeOf<void>()
  })
})
