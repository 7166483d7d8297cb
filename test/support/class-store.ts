// A Store written as a class with a private #field, delegating every method to another store: a
// user's own adapter often looks like this. Its methods answer only calls made on the instance
// itself (`this.#inner` throws "Cannot read private member" on any other receiver), so anything
// that wraps a store must call through it, not inherit from it.
import { memoryStore } from '@opayo-kashflow/sync'
import type { Store, StoredBankLine } from '@opayo-kashflow/sync'

export class ClassStore implements Store {
  readonly #inner: Store

  constructor(inner: Store = memoryStore()) {
    this.#inner = inner
  }

  ingest(input: Parameters<Store['ingest']>[0]) {
    return this.#inner.ingest(input)
  }
  claim(input: Parameters<Store['claim']>[0]) {
    return this.#inner.claim(input)
  }
  heartbeat(input: Parameters<Store['heartbeat']>[0]) {
    return this.#inner.heartbeat(input)
  }
  transition(input: Parameters<Store['transition']>[0]) {
    return this.#inner.transition(input)
  }
  release(input: Parameters<Store['release']>[0]) {
    return this.#inner.release(input)
  }
  ledgerBegin(input: Parameters<Store['ledgerBegin']>[0]) {
    return this.#inner.ledgerBegin(input)
  }
  ledgerRefused(input: Parameters<Store['ledgerRefused']>[0]) {
    return this.#inner.ledgerRefused(input)
  }
  ledgerComplete(input: Parameters<Store['ledgerComplete']>[0]) {
    return this.#inner.ledgerComplete(input)
  }
  ledger(eventId: string) {
    return this.#inner.ledger(eventId)
  }
  get(id: string) {
    return this.#inner.get(id)
  }
  attempts(id: string) {
    return this.#inner.attempts(id)
  }
  list(filter?: Parameters<Store['list']>[0]) {
    return this.#inner.list(filter)
  }
  supersede(input: Parameters<Store['supersede']>[0]) {
    return this.#inner.supersede(input)
  }
  requeue(input: Parameters<Store['requeue']>[0]) {
    return this.#inner.requeue(input)
  }
  discard(input: Parameters<Store['discard']>[0]) {
    return this.#inner.discard(input)
  }
  stats() {
    return this.#inner.stats()
  }
  saveRegistration(record: Parameters<Store['saveRegistration']>[0]) {
    return this.#inner.saveRegistration(record)
  }
  getRegistration(vendorTxCode: string) {
    return this.#inner.getRegistration(vendorTxCode)
  }
  importRegistrations(records: Parameters<Store['importRegistrations']>[0]) {
    return this.#inner.importRegistrations(records)
  }
  getReply(key: string) {
    return this.#inner.getReply(key)
  }
  importFeeStatement(input: Parameters<Store['importFeeStatement']>[0]) {
    return this.#inner.importFeeStatement(input)
  }
  feeStatementRows() {
    return this.#inner.feeStatementRows()
  }
  importBankStatement(input: Parameters<Store['importBankStatement']>[0]) {
    return this.#inner.importBankStatement(input)
  }
  bankStatementLines(input: Parameters<Store['bankStatementLines']>[0]): Promise<StoredBankLine[]> {
    return this.#inner.bankStatementLines(input)
  }
  saveReply(input: Parameters<Store['saveReply']>[0]) {
    return this.#inner.saveReply(input)
  }
  close() {
    return this.#inner.close()
  }
}
