import { describe, expectTypeOf, it } from 'vitest'
import type {
  EventState,
  IngestResult,
  Store,
  SyncEngine,
  SyncEvent,
  SyncService,
} from '../src/index.js'

describe('sync public types', () => {
  it('names every event state in one union', () => {
    expectTypeOf<EventState>().toEqualTypeOf<
      'received' | 'planned' | 'posting' | 'posted' | 'waiting' | 'skipped' | 'dead' | 'discarded'
    >()
  })

  it('discriminates engine events on type', () => {
    expectTypeOf<SyncEvent['type']>().toEqualTypeOf<
      | 'received'
      | 'duplicate'
      | 'conflict'
      | 'planned'
      | 'posted'
      | 'skipped'
      | 'retry-scheduled'
      | 'paused'
      | 'resumed'
      | 'dead-lettered'
    >()
    const onPaused = (event: Extract<SyncEvent, { type: 'paused' }>) =>
      expectTypeOf(event.reason).toEqualTypeOf<'kashflow_unavailable' | 'authentication'>()
    void onPaused
  })

  it('reports what ingest did', () => {
    expectTypeOf<SyncEngine['ingest']>().returns.resolves.toEqualTypeOf<IngestResult>()
    expectTypeOf<IngestResult['outcome']>().toEqualTypeOf<
      'received' | 'duplicate' | 'conflict' | 'dead'
    >()
  })

  it('serves a web-standard handler', () => {
    expectTypeOf<SyncService['handler']>().toEqualTypeOf<(request: Request) => Promise<Response>>()
  })

  it('keeps the store port asynchronous', () => {
    expectTypeOf<Store['claim']>().returns.toExtend<Promise<unknown>>()
  })
})
