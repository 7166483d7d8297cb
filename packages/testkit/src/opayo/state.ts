// The state the fake Opayo's protocol handlers share: transactions, Server registrations,
// settlement batches, generated Reporting rows, queued faults and the options in force.
import { randomUUID } from 'node:crypto'
import type { FakeServerRegistration } from './server-registrations.js'
import type {
  FakeBatchListOverride,
  FakeFault,
  FakeOpayoOptions,
  FakeOpayoTransaction,
  FakeReportingRowsOptions,
  FakeSettlementBatch,
} from './types.js'

/**
 * The options with every default filled in.
 * @example const vendor: string = fakeOpayo.options.vendorName
 */
export type ResolvedOpayoOptions = Required<Omit<FakeOpayoOptions, 'now'>> & { now: () => Date }

/**
 * The generated Reporting rows in force (`fake.generateReportingRows`): `from` in epoch ms.
 * @example const none: GeneratedRows = { count: 0, from: 0, spacingMs: 1000, row: () => ({}) }
 */
export type GeneratedRows = Required<Omit<FakeReportingRowsOptions, 'from'>> & { from: number }

/**
 * Everything the fake Opayo holds: one object, handed to every protocol handler.
 * @example const opayoState: OpayoState = createOpayoState({ vendorName: 'acme' })
 */
export interface OpayoState {
  readonly transactions: Map<string, FakeOpayoTransaction>
  /** Server registrations (`vspserver-register.vsp`), by VendorTxCode. */
  readonly serverRegistrations: Map<string, FakeServerRegistration>
  readonly requests: { method: string; url: string }[]
  /** Settlement batches closed by `closeBatches`, by batch id. */
  readonly batches: Map<string, FakeSettlementBatch>
  /** Transaction ids already in a batch. */
  readonly batched: Set<string>
  /** getBatchList rows served instead of the computed ones, by batch id. */
  readonly batchListOverrides: Map<string, FakeBatchListOverride>
  readonly options: ResolvedOpayoOptions
  /** Faults to serve, one per request. */
  readonly faults: FakeFault[]
  generated: GeneratedRows
}

/**
 * The state for these options, with nothing taken yet.
 * @example const opayoState = createOpayoState({ batchDetailRows: 'full' })
 */
export function createOpayoState(options: FakeOpayoOptions = {}): OpayoState {
  return {
    transactions: new Map(),
    serverRegistrations: new Map(),
    requests: [],
    batches: new Map(),
    batched: new Set(),
    batchListOverrides: new Map(),
    options: {
      integrationKey:
        options.integrationKey ?? 'hJYxsw7HLbj40cB8udES8CDRFLhuJ8G54O6rDpUXvE6hYDrria',
      integrationPassword:
        options.integrationPassword ??
        'o2iHSrFybYMZpmWOQMuhsXP52V4fBtpuSDshrKDSWsBY1OiN6hwd9Kb12z4j5Us5u',
      vendorName: options.vendorName ?? 'sandbox',
      reporting: options.reporting ?? { vendor: 'sandbox', user: 'reporter', password: 'secret' },
      now: options.now ?? (() => new Date()),
      batchDetailRows: options.batchDetailRows ?? 'thin',
    },
    faults: [],
    generated: { count: 0, from: 0, spacingMs: 1000, row: () => ({}) },
  }
}

/**
 * Adds a transaction directly (as if taken through Server or Form), a successful Visa payment in
 * GBP unless `transaction` says otherwise.
 * @example const tx = seedTransaction(opayoState, { vendorTxCode: 'INV-1042-1', amount: 12000 })
 */
export function seedTransaction(
  state: OpayoState,
  transaction: Partial<FakeOpayoTransaction> &
    Pick<FakeOpayoTransaction, 'vendorTxCode' | 'amount'>,
): FakeOpayoTransaction {
  const tx: FakeOpayoTransaction = {
    transactionId: randomUUID().toUpperCase(),
    transactionType: 'Payment',
    status: 'Ok',
    statusCode: '0000',
    statusDetail: 'The Authorisation was Successful.',
    currency: 'GBP',
    createdAt: state.options.now(),
    cardType: 'Visa',
    lastFourDigits: '0006',
    expiryDate: '1228',
    refunded: 0,
    ...transaction,
  }
  state.transactions.set(tx.transactionId, tx)
  return tx
}
