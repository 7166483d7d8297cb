import { describe, expectTypeOf, it } from 'vitest'
import { feeFor, parseFeeStatement, planSettlement } from '../src/index.js'
import type {
  CanonicalPayment,
  FeeRules,
  FeeStatementIssue,
  FeeStatementRow,
  FeeSubject,
  JournalIntent,
  Money,
  PlanSettlementOptions,
  Result,
  SettlementBatchInput,
  SettlementPlan,
  SettlementTransferIntent,
} from '../src/index.js'

describe('settlement public types', () => {
  it('prices a CanonicalPayment as a FeeSubject and returns a Result of Money', () => {
    expectTypeOf<CanonicalPayment>().toExtend<FeeSubject>()
    expectTypeOf(feeFor).returns.toEqualTypeOf<Result<Money>>()
    expectTypeOf(feeFor).parameter(1).toEqualTypeOf<FeeRules>()
  })

  it('returns statement rows or issues that carry their line', () => {
    expectTypeOf(parseFeeStatement).returns.toEqualTypeOf<
      Result<readonly FeeStatementRow[], readonly FeeStatementIssue[]>
    >()
    expectTypeOf<FeeStatementIssue['line']>().toEqualTypeOf<number>()
  })

  it('discriminates the plan on kind, and reuses the posting JournalIntent', () => {
    expectTypeOf(planSettlement).parameters.toEqualTypeOf<
      [SettlementBatchInput, PlanSettlementOptions]
    >()
    expectTypeOf<SettlementPlan['kind']>().toEqualTypeOf<'post' | 'wait' | 'dead-letter'>()
    expectTypeOf<Extract<SettlementPlan, { kind: 'post' }>['feeJournal']>().toEqualTypeOf<
      JournalIntent | undefined
    >()
    expectTypeOf<SettlementTransferIntent['kind']>().toEqualTypeOf<'bank-transfer'>()
  })

  it('takes plain numbers for minor units in a batch', () => {
    expectTypeOf<{ amount: number; currency: 'GBP' }>().toExtend<SettlementBatchInput['gross']>()
  })
})
