import { describe, expectTypeOf, it } from 'vitest'
import { createSyncEngine, decideFailure } from '../src/index.js'
import type {
  DeadLetterExplanation,
  EventState,
  FailureDecision,
  FailureInput,
  ReplayResult,
  IngestResult,
  Store,
  SyncEngine,
  SyncEvent,
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
      'received' | 'duplicate' | 'conflict' | 'dead' | 'refused'
    >()
  })

  it('declares the engine: createSyncEngine returns the SyncEngine interface', () => {
    expectTypeOf(createSyncEngine).returns.toEqualTypeOf<SyncEngine>()
    expectTypeOf<SyncEngine['deadLetters']['get']>().returns.resolves.toEqualTypeOf<
      DeadLetterExplanation | undefined
    >()
    expectTypeOf<
      SyncEngine['deadLetters']['replay']
    >().returns.resolves.toEqualTypeOf<ReplayResult>()
    expectTypeOf<SyncEngine['paused']>().returns.toEqualTypeOf<
      'kashflow_unavailable' | 'authentication' | undefined
    >()
  })

  it('keeps the failure policy a pure function of its input', () => {
    expectTypeOf(decideFailure).toEqualTypeOf<(input: FailureInput) => FailureDecision>()
    expectTypeOf<FailureDecision['state']>().toEqualTypeOf<'waiting' | 'dead'>()
    const onDead = (decision: Extract<FailureDecision, { state: 'dead' }>) =>
      expectTypeOf(decision.reason).toEqualTypeOf<
        | 'needs_review'
        | 'invoice_not_found'
        | 'kashflow_rejected'
        | 'retries_exhausted'
        | 'unconfirmed'
        | 'settlement_incomplete'
        | 'journal_shape_unverified'
      >()
    void onDead
  })

  it('keeps the store port asynchronous', () => {
    expectTypeOf<Store['claim']>().returns.toExtend<Promise<unknown>>()
  })
})
